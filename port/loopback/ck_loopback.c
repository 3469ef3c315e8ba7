/**
 * @file ck_loopback.c
 * @brief In-memory scripted transport and virtual-time platform for tests.
 */
#include <string.h>

#include "ck_loopback.h"

void ck_loopback_init(ck_loopback *lb, const ck_lb_step *steps, size_t step_count,
                      uint8_t *capture, size_t capture_cap, uint32_t start_ms)
{
    memset(lb, 0, sizeof *lb);
    lb->steps = steps;
    lb->step_count = step_count;
    lb->capture = capture;
    lb->capture_cap = capture_cap;
    lb->now_ms = start_ms;
    lb->rng = 0x9E3779B97F4A7C15ull;
    lb->today.year = 2026;
    lb->today.month = 11;
    lb->today.day = 22;
    lb->has_today = true;
}

/** @brief The current step, or NULL at the end of the script. */
static const ck_lb_step *ck_lb_head(const ck_loopback *lb)
{
    return lb->step_pos < lb->step_count ? &lb->steps[lb->step_pos] : NULL;
}

static void ck_lb_next(ck_loopback *lb)
{
    lb->step_pos++;
    lb->step_off = 0;
}

static ck_err ck_lb_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    ck_loopback *lb = (ck_loopback *)ctx;
    const ck_lb_step *s = ck_lb_head(lb);
    size_t n = strlen(host);

    if (n >= sizeof lb->last_host) {
        n = sizeof lb->last_host - 1u;
    }
    memcpy(lb->last_host, host, n);
    lb->last_host[n] = '\0';
    lb->last_port = port;
    if (s != NULL && s->kind == CK_LB_CONNECT_FAIL) {
        ck_lb_next(lb);
        return s->err;
    }
    if (s != NULL && s->kind == CK_LB_CONNECT_STALL) {
        ck_lb_next(lb);
        if (s->ms > timeout_ms) {
            lb->now_ms += timeout_ms;
            return CK_ERR_TIMEOUT;
        }
        lb->now_ms += s->ms;
    }
    lb->connected = true;
    lb->eof = false;
    lb->sent_since_reply = 0;
    lb->connects++;
    return CK_OK;
}

static ck_err ck_lb_send(void *ctx, const uint8_t *buf, size_t len, size_t *out_sent, uint32_t timeout_ms)
{
    ck_loopback *lb = (ck_loopback *)ctx;
    const ck_lb_step *s = ck_lb_head(lb);
    size_t n = len;

    (void)timeout_ms;
    *out_sent = 0;
    if (!lb->connected) {
        return CK_ERR_TRANSPORT;
    }
    if (s != NULL && s->kind == CK_LB_SEND_FAIL) {
        size_t allowed = s->len > lb->step_off ? s->len - lb->step_off : 0u;
        if (allowed == 0u) {
            ck_lb_next(lb);
            return s->err;
        }
        if (n > allowed) {
            n = allowed;
        }
        lb->step_off += n;
    }
    if (lb->max_send != 0u && n > lb->max_send) {
        n = lb->max_send;
    }
    if (lb->capture != NULL) {
        size_t keep = lb->capture_cap - lb->capture_len;
        if (n > keep) {
            lb->capture_overflow = true; /* keep what fits */
        } else {
            keep = n;
        }
        memcpy(lb->capture + lb->capture_len, buf, keep);
        lb->capture_len += keep;
    }
    lb->sent_since_reply += n;
    *out_sent = n;
    return CK_OK;
}

static ck_err ck_lb_recv(void *ctx, uint8_t *buf, size_t cap, size_t *out_received, uint32_t timeout_ms)
{
    ck_loopback *lb = (ck_loopback *)ctx;
    const ck_lb_step *s = ck_lb_head(lb);

    *out_received = 0;
    if (!lb->connected || lb->eof) {
        return CK_ERR_PEER_CLOSED;
    }
    if (s == NULL || (s->kind == CK_LB_REPLY && lb->sent_since_reply == 0u)) {
        /* Nothing to say: the server waits for a request. */
        lb->now_ms += timeout_ms;
        return CK_ERR_WOULD_BLOCK;
    }
    switch (s->kind) {
    case CK_LB_REPLY: {
        size_t n = s->len - lb->step_off;
        size_t piece = s->split;
        if (lb->split_rng != 0u) {
            lb->split_rng ^= lb->split_rng << 13;
            lb->split_rng ^= lb->split_rng >> 17;
            lb->split_rng ^= lb->split_rng << 5;
            piece = 1u + lb->split_rng % (s->split != 0u ? s->split : 64u);
        }
        if (piece != 0u && n > piece) {
            n = piece;
        }
        if (n > cap) {
            n = cap;
        }
        memcpy(buf, s->data + lb->step_off, n);
        lb->step_off += n;
        if (lb->step_off >= s->len) {
            ck_lb_next(lb);
            lb->sent_since_reply = 0;
        }
        *out_received = n;
        return n > 0u ? CK_OK : CK_ERR_WOULD_BLOCK;
    }
    case CK_LB_STALL: {
        uint32_t left = s->ms - (uint32_t)lb->step_off;
        uint32_t wait = left < timeout_ms ? left : timeout_ms;
        lb->now_ms += wait;
        lb->step_off += wait;
        if (lb->step_off >= s->ms) {
            ck_lb_next(lb);
        }
        return CK_ERR_WOULD_BLOCK;
    }
    case CK_LB_EOF:
        ck_lb_next(lb);
        lb->eof = true;
        return CK_ERR_PEER_CLOSED;
    case CK_LB_RECV_FAIL:
        ck_lb_next(lb);
        return s->err;
    case CK_LB_CONNECT_FAIL:
    case CK_LB_CONNECT_STALL:
    case CK_LB_SEND_FAIL:
    default:
        /* The script expected another operation first. */
        lb->script_error = true;
        return CK_ERR_TRANSPORT;
    }
}

static void ck_lb_close(void *ctx)
{
    ck_loopback *lb = (ck_loopback *)ctx;
    if (lb->connected) {
        lb->closes++;
    }
    lb->connected = false;
    lb->eof = false;
}

void ck_loopback_transport(ck_loopback *lb, ck_transport *out)
{
    out->ctx = lb;
    out->secure = true;
    out->connect = ck_lb_connect;
    out->send = ck_lb_send;
    out->recv = ck_lb_recv;
    out->close = ck_lb_close;
}

static uint32_t ck_lb_now(void *ctx)
{
    return ((const ck_loopback *)ctx)->now_ms;
}

static void ck_lb_sleep(void *ctx, uint32_t ms)
{
    ck_loopback *lb = (ck_loopback *)ctx;
    lb->now_ms += ms;
    lb->slept_ms += ms;
}

static ck_err ck_lb_random(void *ctx, uint8_t *buf, size_t len)
{
    ck_loopback *lb = (ck_loopback *)ctx;
    size_t i;
    for (i = 0; i < len; i++) {
        /* xorshift64: deterministic, so tests can predict waits. */
        lb->rng ^= lb->rng << 13;
        lb->rng ^= lb->rng >> 7;
        lb->rng ^= lb->rng << 17;
        buf[i] = (uint8_t)(lb->rng >> 24);
    }
    return CK_OK;
}

static ck_err ck_lb_today(void *ctx, ck_date *out_date)
{
    const ck_loopback *lb = (const ck_loopback *)ctx;
    if (!lb->has_today) {
        return CK_ERR_INVALID_ARG;
    }
    *out_date = lb->today;
    return CK_OK;
}

void ck_loopback_platform(ck_loopback *lb, ck_platform *out)
{
    out->ctx = lb;
    out->now_ms = ck_lb_now;
    out->sleep_ms = ck_lb_sleep;
    out->random = ck_lb_random;
    out->today = ck_lb_today;
}

bool ck_loopback_done(const ck_loopback *lb)
{
    return lb->step_pos == lb->step_count && !lb->script_error;
}
