/**
 * @file fuzz_client.h
 * @brief Shared by the whole-client harnesses (fuzz_v2_decode.c,
 * fuzz_v1_decode.c): the fuzz input as the server's reply on the loopback
 * transport, and the checks every call must pass whatever the reply.
 *
 * Input: a response that starts with "HTTP/" is sent as it is; anything
 * else is taken as a JSON body and sent as `200 OK` with its
 * Content-Length (so the JSON corpus reaches the decoders). Each call runs
 * twice: the reply in one piece, and cut into pieces of 1..16 bytes (from
 * a seed byte derived from the input).
 *
 * After every call: the error is a real ck_err and not WOULD_BLOCK; the
 * canaries around the buffers are intact; the work buffer and tokens are
 * wiped; attempts and time stay within the configuration; CK_OK means
 * ANSWERED and a 2xx; OUTCOME_UNKNOWN exactly when applied is MAYBE, and
 * never with nothing sent; and the log hook never
 * saw the API key, the token or a contact field (only closed sets of
 * methods, hosts and paths).
 */
#ifndef FUZZ_CLIENT_H
#define FUZZ_CLIENT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_fixture.h"

#define FZ_TIMEOUT_MS 5000u
#define FZ_ATTEMPTS 3u

/** @brief The reply the loopback plays: one REPLY step. */
typedef struct fz_reply {
    uint8_t *wire;
    size_t len;
    uint8_t seed; /**< split seed derived from the input */
} fz_reply;

/** @brief What the log hook saw during one call. */
typedef struct fz_log {
    unsigned requests;
    unsigned retries;
    unsigned retries_not_429_503; /**< retries after anything but an answered 429/503 */
    unsigned done;
} fz_log;

static fz_log g_fz_log;

/** @brief Secrets no log event may carry. */
static const char *const fz_secrets[] = {
    CK_FIX_API_KEY, CK_FIX_TOKEN, "fz.holder@example.com", "2125559876", "1990-02-03",
    "77 Secret Street", "Zebra42", "Springfield",
};

static void fz_check_str(const char *s)
{
    size_t i;
    if (s == NULL) {
        return;
    }
    for (i = 0; i < sizeof fz_secrets / sizeof fz_secrets[0]; i++) {
        if (strstr(s, fz_secrets[i]) != NULL) {
            abort();
        }
    }
}

static void fz_log_hook(void *ctx, const ck_log_event *ev)
{
    (void)ctx;
    fz_check_str(ev->method);
    fz_check_str(ev->host);
    fz_check_str(ev->path);
    if (strcmp(ev->host, "issuer.test") != 0 ||
        (strcmp(ev->method, "POST") != 0 && strcmp(ev->method, "GET") != 0 && strcmp(ev->method, "PATCH") != 0 &&
         strcmp(ev->method, "DELETE") != 0) ||
        ev->path == NULL || ev->path[0] != '/') {
        abort();
    }
    switch (ev->kind) {
    case CK_LOG_REQUEST:
        g_fz_log.requests++;
        break;
    case CK_LOG_RETRY:
        g_fz_log.retries++;
        if (ev->http_status != 429u && ev->http_status != 503u) {
            g_fz_log.retries_not_429_503++;
        }
        break;
    case CK_LOG_DONE:
        g_fz_log.done++;
        break;
    default:
        break;
    }
}

static fz_reply fz_make_reply(const uint8_t *data, size_t size)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ";
    fz_reply r;
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < size; i++) {
        h = (h ^ data[i]) * 16777619u;
    }
    r.seed = (uint8_t)(h >> 24);
    if (size >= 5u && memcmp(data, "HTTP/", 5) == 0) {
        r.wire = malloc(size);
        if (r.wire == NULL) {
            abort();
        }
        memcpy(r.wire, data, size);
        r.len = size;
    } else {
        char num[32];
        int n = snprintf(num, sizeof num, "%zu\r\n\r\n", size);
        r.len = sizeof head - 1u + (size_t)n + size;
        r.wire = malloc(r.len);
        if (r.wire == NULL) {
            abort();
        }
        memcpy(r.wire, head, sizeof head - 1u);
        memcpy(r.wire + sizeof head - 1u, num, (size_t)n);
        memcpy(r.wire + sizeof head - 1u + (size_t)n, data, size);
    }
    return r;
}

/** @brief A fixture whose script is the reply, in one piece (split 0) or in pieces of @p split bytes. */
static void fz_setup(ck_fixture *f, ck_lb_step *step, const fz_reply *r, size_t split, const char *base_url)
{
    step->kind = CK_LB_REPLY;
    step->data = r->wire;
    step->len = r->len;
    step->split = split;
    step->ms = 0;
    step->err = CK_OK;
    ck_fix_setup(f, step, 1, 0xFFFFF000u); /* the virtual clock wraps during some calls */
    f->cfg.base_url = base_url;
    f->cfg.timeout_ms = FZ_TIMEOUT_MS;
    f->cfg.max_attempts = FZ_ATTEMPTS;
    f->cfg.log = fz_log_hook;
    f->cfg.log_ctx = NULL;
    if (ck_fix_client(f) != CK_OK) {
        abort();
    }
    memset(&g_fz_log, 0, sizeof g_fz_log);
}

/** @brief The checks every call passes, whatever the server said. */
static void fz_after(const ck_fixture *f, ck_err ret, const ck_result *res)
{
    ck_err e = res->err;

    if (ret != e || strcmp(ck_strerror(e), "CK_ERR_UNKNOWN") == 0 || e == CK_ERR_WOULD_BLOCK) {
        abort();
    }
    if (!ck_fix_canaries_ok(f) || !ck_fix_buffers_wiped(f)) {
        abort();
    }
    if (res->attempts < 1u || res->attempts > FZ_ATTEMPTS || res->elapsed_ms > FZ_TIMEOUT_MS ||
        g_fz_log.requests != res->attempts || g_fz_log.retries + 1u != res->attempts || g_fz_log.done != 1u) {
        abort();
    }
    if (e == CK_OK && (res->progress != CK_PROGRESS_ANSWERED || res->http_status / 100u != 2u)) {
        abort();
    }
    /* OUTCOME_UNKNOWN exactly when MAYBE; MAYBE only once something left;
     * YES only with CK_OK. */
    if ((e == CK_ERR_OUTCOME_UNKNOWN) != (res->applied == CK_APPLIED_MAYBE) ||
        (e == CK_ERR_OUTCOME_UNKNOWN && res->progress == CK_PROGRESS_NOT_SENT) ||
        (res->applied == CK_APPLIED_YES && e != CK_OK)) {
        abort();
    }
    if (res->response_bytes > f->cfg.work_buf_size || res->tokens_used > f->cfg.token_count ||
        memchr(res->api_code, '\0', sizeof res->api_code) == NULL ||
        memchr(res->api_message, '\0', sizeof res->api_message) == NULL ||
        memchr(res->request_id, '\0', sizeof res->request_id) == NULL) {
        abort();
    }
}

#endif /* FUZZ_CLIENT_H */
