/**
 * @file ck_bench.c
 * @brief `make bench`'s cardkit client: ck_3ds_enroll over the TLS port
 * (mbedTLS) over the POSIX port, as a kiosk would make it.
 *
 *   ck_bench calls  BASE_URL CA_FILE N   N keep-alive enrolls on one connection
 *   ck_bench full   BASE_URL CA_FILE N   N connects, each a full handshake
 *   ck_bench resume BASE_URL CA_FILE N   one full handshake, then N resumed ones
 *
 * Credentials come from CK_API_KEY and CK_ACCESS_TOKEN; with
 * CK_BENCH_EXPECT_FALSE set, an answer of isSuccess false counts as done. Prints one line:
 * `ns_per_op=... maxrss_kb=...`, the wall time of the N operations alone
 * (the first connect excluded for calls and resume). Exits 1 when a call
 * fails, so a figure never hides an error.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cardkit/cardkit.h"
#include "ck_posix.h"
#include "ck_tls.h"

static ck_posix_tcp tcp;
static ck_transport tcp_t;
static ck_tls tls;
static ck_transport tls_t;
static ck_platform pf;
static ck_buffers bufs;
static ck_client client;
static char host[64];

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int setup(const char *base_url, const char *ca)
{
    ck_tls_config tc;
    ck_client_config cfg;
    const char *p = strstr(base_url, "://");
    size_t n;

    memset(&tc, 0, sizeof tc);
    tc.ca_file = ca;
    tc.platform = &pf;
    ck_posix_tcp_transport(&tcp, &tcp_t);
    if (ck_tls_init(&tls, &tc, &tcp_t) != CK_OK) {
        fprintf(stderr, "ck_bench: TLS set-up failed\n");
        return 1;
    }
    ck_tls_transport(&tls, &tls_t);
    ck_client_config_init(&cfg);
    cfg.base_url = base_url;
    cfg.api_key = getenv("CK_API_KEY");
    cfg.access_token = getenv("CK_ACCESS_TOKEN");
    cfg.transport = &tls_t;
    cfg.platform = &pf;
    ck_client_config_set_buffers(&cfg, &bufs);
    if (ck_client_init(&client, &cfg, NULL) != CK_OK || p == NULL) {
        fprintf(stderr, "ck_bench: client set-up failed\n");
        return 1;
    }
    p += 3;
    n = strcspn(p, ":/");
    if (n >= sizeof host) {
        return 1;
    }
    memcpy(host, p, n);
    host[n] = '\0';
    return 0;
}

static int enroll(void)
{
    static const ck_3ds_req req = {"card201907021723", "273555991139442689"};
    ck_result res;

    ck_err e = ck_3ds_enroll(&client, &req, &res);

    /* Against ck-mock-issuer --enroll-false (repeatable): the full answer
     * is read and says isSuccess false. */
    if (e == CK_ERR_API_FAILURE && res.http_status == 200u && getenv("CK_BENCH_EXPECT_FALSE") != NULL) {
        e = CK_OK;
    }
    if (e != CK_OK) {
        fprintf(stderr, "ck_bench: enroll: %s (HTTP %u)\n", ck_strerror(res.err), (unsigned)res.http_status);
        return 1;
    }
    return 0;
}

/** @brief One TLS connect and close on the transport (the client's port). */
static int handshake(uint16_t port)
{
    if (tls_t.connect(tls_t.ctx, host, port, 15000u) != CK_OK) {
        fprintf(stderr, "ck_bench: handshake failed\n");
        return 1;
    }
    tls_t.close(tls_t.ctx);
    return 0;
}

int main(int argc, char **argv)
{
    struct rusage ru;
    unsigned long n;
    unsigned long i;
    double t0;
    double t1;
    int rc = 0;

    if (argc != 5) {
        fprintf(stderr, "usage: ck_bench calls|full|resume BASE_URL CA_FILE N\n");
        return 2;
    }
    n = strtoul(argv[4], NULL, 10);
    ck_posix_platform(&pf);
    if (setup(argv[2], argv[3]) != 0) {
        return 1;
    }
    if (strcmp(argv[1], "calls") == 0) {
        rc = enroll(); /* connect and handshake: not timed */
        t0 = now_ns();
        for (i = 0; rc == 0 && i < n; i++) {
            rc = enroll();
        }
        t1 = now_ns();
    } else {
        bool full = strcmp(argv[1], "full") == 0;
        if (!full) {
            rc = handshake(client.port);
        }
        t0 = now_ns();
        for (i = 0; rc == 0 && i < n; i++) {
            if (full) {
                /* a fresh TLS context: no session to offer */
                ck_tls_free(&tls);
                rc = setup(argv[2], argv[3]) != 0 || handshake(client.port) != 0;
            } else {
                rc = handshake(client.port);
            }
        }
        t1 = now_ns();
    }
    ck_client_close(&client);
    ck_tls_free(&tls);
    getrusage(RUSAGE_SELF, &ru);
    if (rc == 0) {
        printf("ns_per_op=%.0f maxrss_kb=%ld\n", n != 0u ? (t1 - t0) / (double)n : 0.0, ru.ru_maxrss);
    }
    return rc == 0 ? 0 : 1;
}
