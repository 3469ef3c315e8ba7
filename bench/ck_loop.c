/**
 * @file ck_loop.c
 * @brief `make bench-check`'s driver: N keep-alive ck_3ds_enroll calls over
 * the loopback transport, each answered with the reply nginx gives in the
 * benchmark (bench/nginx.conf.in), byte for byte but the Date. No TLS, no
 * sockets, no clock: the instruction count of cardkit's own code per call
 * is the same on every run.
 *
 *   ck_loop N      exits 0 when all N calls succeeded on one connection
 */
#include <stdio.h>
#include <stdlib.h>

#include "cardkit/cardkit.h"
#include "ck_loopback.h"

#define CK_LOOP_MAX 5000u

/** @brief nginx's answer to the enroll (bench/nginx.conf.in). */
static const char reply[] = "HTTP/1.1 200 OK\r\n"
                            "Server: nginx\r\n"
                            "Date: Mon, 07 Dec 2026 17:00:00 GMT\r\n"
                            "Content-Type: application/json\r\n"
                            "Content-Length: 44\r\n"
                            "Connection: keep-alive\r\n"
                            "\r\n"
                            "{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}";

static ck_lb_step steps[CK_LOOP_MAX];
static ck_loopback lb;
static ck_buffers bufs;
static ck_client client;

int main(int argc, char **argv)
{
    ck_transport t;
    ck_platform pf;
    ck_client_config cfg;
    ck_3ds_req req = {"card201907021723", "273555991139442689"};
    ck_result res;
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 0u;
    unsigned long i;

    if (n == 0u || n > CK_LOOP_MAX) {
        fprintf(stderr, "usage: ck_loop N (1..%u)\n", CK_LOOP_MAX);
        return 2;
    }
    for (i = 0; i < n; i++) {
        steps[i].kind = CK_LB_REPLY;
        steps[i].data = (const uint8_t *)reply;
        steps[i].len = sizeof reply - 1u;
    }
    ck_loopback_init(&lb, steps, n, NULL, 0, 1000u);
    ck_loopback_transport(&lb, &t);
    ck_loopback_platform(&lb, &pf);
    ck_client_config_init(&cfg);
    cfg.base_url = "https://127.0.0.1:8443";
    cfg.api_key = "k-3f9a2c7e51d0b8a4";
    cfg.access_token = "t-eyJhbGciOiJFUzI1NiJ9.c2VjcmV0";
    cfg.transport = &t;
    cfg.platform = &pf;
    ck_client_config_set_buffers(&cfg, &bufs);
    if (ck_client_init(&client, &cfg, NULL) != CK_OK) {
        return 1;
    }
    for (i = 0; i < n; i++) {
        if (ck_3ds_enroll(&client, &req, &res) != CK_OK) {
            fprintf(stderr, "ck_loop: call %lu: %s\n", i + 1u, ck_strerror(res.err));
            return 1;
        }
    }
    ck_client_close(&client);
    if (lb.connects != 1u) {
        fprintf(stderr, "ck_loop: %u connections, want 1\n", lb.connects);
        return 1;
    }
    return 0;
}
