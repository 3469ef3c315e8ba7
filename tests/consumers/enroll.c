/**
 * @file enroll.c
 * @brief The program of every consumer of tests/consumers/ (CMake
 * add_subdirectory, find_package, the Cortex-M4 cross build, pkg-config):
 * one ck_3ds_enroll over the loopback transport against a scripted answer.
 *
 * It checks what a consumer relies on: the call succeeds, the request sent
 * is the documented one, and the script was used up. Exit status 0 when all
 * holds, 1 otherwise (under QEMU, main's value is QEMU's exit status).
 * Uses the public headers and port/loopback; with CK_CONSUMER_PORTS it also
 * links the TLS and POSIX ports (and so the mbedTLS they bring), not run.
 */
#include <stdio.h>
#include <string.h>

#include "cardkit/cardkit.h"
#include "ck_loopback.h"
#ifdef CK_CONSUMER_PORTS
#include "ck_posix.h"
#include "ck_tls.h"
#endif

#ifndef CK_CONSUMER_NAME
#define CK_CONSUMER_NAME "consumer"
#endif

/* A consumer built with its own CARDKIT_CONFIG_FILE says which work buffer
 * size that header sets: the header must have reached this file too. */
#ifdef CK_CONSUMER_WORK_BUF_SIZE
typedef char ck_consumer_config_seen[(CK_WORK_BUF_SIZE == CK_CONSUMER_WORK_BUF_SIZE) ? 1 : -1];
#endif

#define ENROLL_ANSWER "HTTP/1.1 200 OK\r\nContent-Length: 44\r\n\r\n" \
                      "{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}"
#define ENROLL_HEAD "POST /card/issuance" CK_V2_PATH_3DS_ENROLL " HTTP/1.1\r\n"
#define ENROLL_BODY "{\"card_id\":\"card201907021723076245\",\"cardholder_id\":\"273555991139442689\"}"

#ifdef CK_CONSUMER_PORTS
/* Taken by address, so the link needs the ports and their mbedTLS. */
static void (*volatile const tls_free)(ck_tls *) = ck_tls_free;
static void (*volatile const posix_platform)(ck_platform *) = ck_posix_platform;
#endif

static ck_loopback lb;
static ck_buffers bufs;
static ck_client client;
static uint8_t capture[2048];

static int check(int ok, const char *what)
{
    if (!ok) {
        printf("%s: FAILED: %s\n", CK_CONSUMER_NAME, what);
    }
    return ok ? 0 : 1;
}

int main(void)
{
    static const ck_lb_step steps[] = {
        {CK_LB_REPLY, (const uint8_t *)ENROLL_ANSWER, sizeof ENROLL_ANSWER - 1u, 0u, 0u, CK_OK}};
    ck_transport transport;
    ck_platform platform;
    ck_client_config cfg;
    ck_3ds_req req = {"card201907021723076245", "273555991139442689"};
    ck_result res;
    ck_err err;
    size_t sent;
    int failed = 0;

    ck_loopback_init(&lb, steps, sizeof steps / sizeof steps[0], capture, sizeof capture - 1u, 0u);
    ck_loopback_transport(&lb, &transport);
    ck_loopback_platform(&lb, &platform);
    ck_client_config_init(&cfg);
    cfg.base_url = "https://issuer.test/card/issuance";
    cfg.api_key = "k-consumer";
    cfg.access_token = "t-consumer";
    cfg.transport = &transport;
    cfg.platform = &platform;
    ck_client_config_set_buffers(&cfg, &bufs);
    err = ck_client_init(&client, &cfg, NULL);
    if (err != CK_OK) {
        printf("%s: FAILED: ck_client_init: %s\n", CK_CONSUMER_NAME, ck_strerror(err));
        return 1;
    }

    err = ck_3ds_enroll(&client, &req, &res);
    sent = lb.capture_len;
    capture[sent] = '\0';
    failed |= check(err == CK_OK, "ck_3ds_enroll did not return CK_OK");
    failed |= check(res.http_status == 200u && res.progress == CK_PROGRESS_ANSWERED, "not answered with 200");
    failed |= check(res.attempts == 1u, "more than one attempt");
    failed |= check(strncmp((const char *)capture, ENROLL_HEAD, sizeof ENROLL_HEAD - 1u) == 0,
                    "request line is not the enroll's");
    failed |= check(sent >= sizeof ENROLL_BODY - 1u &&
                        strcmp((const char *)capture + sent - (sizeof ENROLL_BODY - 1u), ENROLL_BODY) == 0,
                    "request body is not the enroll's");
    failed |= check(ck_loopback_done(&lb), "the scripted answer was not used up");
#ifdef CK_CONSUMER_PORTS
    failed |= check(tls_free != NULL && posix_platform != NULL, "the ports are not linked");
#endif
    printf("%s: ck_3ds_enroll over the loopback transport: %s, HTTP %u, %lu request bytes, work buffer %lu: %s\n",
           CK_CONSUMER_NAME, ck_strerror(err), (unsigned)res.http_status, (unsigned long)sent,
           (unsigned long)CK_WORK_BUF_SIZE, failed ? "FAILED" : "ok");
    return failed;
}
