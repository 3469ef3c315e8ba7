/**
 * @file retry.c
 * @brief The one retry policy of cardkit (see ck_retry.h).
 */
#include "ck_retry.h"

bool ck_retry_allowed(const ck_attempt *a)
{
    switch (a->progress) {
    case CK_PROGRESS_NOT_SENT:
        /* Nothing reached the server. A certificate that does not verify,
         * or a request the caller must fix, will not get better. */
        return a->err == CK_ERR_CONNECT || a->err == CK_ERR_TIMEOUT ||
               a->err == CK_ERR_TRANSPORT || a->err == CK_ERR_TLS ||
               a->err == CK_ERR_PEER_CLOSED;
    case CK_PROGRESS_SENT:
        /* The server may have applied it: only a call with an idempotency
         * key, or one that changes nothing, may be sent again. */
        return a->kind == CK_CALL_KEYED || a->kind == CK_CALL_READ;
    case CK_PROGRESS_ANSWERED:
    default:
        /* 429 was refused before processing; 503 says it was not
         * processed, but a proxy may say so after the upstream did: a card
         * apply is never resent on it. */
        return a->http_status == 429u || (a->http_status == 503u && a->kind != CK_CALL_ONCE);
    }
}

ck_err ck_retry_wait_ms(const ck_client_config *cfg, const ck_attempt *a,
                        uint8_t next_attempt, uint32_t *out_wait_ms)
{
    uint32_t step = cfg->backoff_base_ms;
    uint32_t draw = 0;
    unsigned n;

    if (a->has_retry_after) {
        *out_wait_ms = a->retry_after_ms < cfg->backoff_cap_ms ? a->retry_after_ms : cfg->backoff_cap_ms;
        return CK_OK;
    }
    for (n = 2; n < next_attempt && step < cfg->backoff_cap_ms; n++) {
        step = step > UINT32_MAX / 2u ? UINT32_MAX : step * 2u;
    }
    if (step > cfg->backoff_cap_ms) {
        step = cfg->backoff_cap_ms;
    }
    CK_RETURN_IF_FAILED(cfg->platform->random(cfg->platform->ctx, (uint8_t *)&draw, sizeof draw));
    /* Full jitter: uniform in [0, step]. */
    *out_wait_ms = step == UINT32_MAX ? draw : draw % (step + 1u);
    return CK_OK;
}
