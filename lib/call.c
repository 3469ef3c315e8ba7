/**
 * @file call.c
 * @brief One API call from start to finish: build the request in the work
 * buffer, connect (or reuse the kept-alive connection), send, parse the
 * answer into the same buffer, map the status, decode, retry when the
 * policy allows, and wipe.
 */
#include <string.h>

#include "ck_call.h"
#include "ck_json_member.h"
#include "ck_retry.h"
#include "ck_text.h"

/** @brief Below this much free room the answer is read through a small stack buffer. */
#define CK_RECV_MIN 32u

/** @brief Time bookkeeping of one call. */
typedef struct ck_clock {
    const ck_platform *pf;
    uint32_t start;
    uint32_t budget;
} ck_clock;

static uint32_t ck_elapsed(const ck_clock *k)
{
    return k->pf->now_ms(k->pf->ctx) - k->start;
}

static uint32_t ck_remaining(const ck_clock *k)
{
    uint32_t e = ck_elapsed(k);
    return e < k->budget ? k->budget - e : 0u;
}

void ck_result_reset(ck_result *res)
{
    memset(res, 0, sizeof *res);
}

ck_err ck_result_invalid(ck_result *res, const char *field)
{
    ck_result_reset(res);
    res->err = CK_ERR_INVALID_ARG;
    res->cause = CK_ERR_INVALID_ARG;
    res->field = field;
    return CK_ERR_INVALID_ARG;
}

static void ck_log(const ck_client *c, ck_log_kind kind, const ck_call *call,
                   const ck_result *res, uint32_t elapsed, uint32_t wait_ms)
{
    ck_log_event ev;
    if (c->cfg.log == NULL) {
        return;
    }
    ev.kind = kind;
    ev.method = call->method;
    ev.host = c->host;
    ev.path = call->path;
    ev.http_status = res->http_status;
    ev.attempt = res->attempts;
    ev.elapsed_ms = elapsed;
    ev.wait_ms = wait_ms;
    ev.err = res->err;
    c->cfg.log(c->cfg.log_ctx, &ev);
}

/**
 * @brief The work buffer's bytes [0, @p end) have been written: the wipe at
 * the end of the call covers them (it wipes what was used, not the whole
 * buffer).
 */
static void ck_used(ck_client *c, size_t end)
{
    if (end > c->work_used) {
        c->work_used = end;
    }
}

static void ck_disconnect(ck_client *c)
{
    if (c->connected) {
        c->cfg.transport->close(c->cfg.transport->ctx);
        c->connected = false;
    }
}

/* 400, 401, 403, 404 and 409 map to CK_ERR_BAD_REQUEST plus their last digit. */
typedef char ck_status_errs_by_digit[(CK_ERR_BAD_REQUEST == 40 && CK_ERR_UNAUTHORIZED == 41 && CK_ERR_FORBIDDEN == 43 &&
                                      CK_ERR_NOT_FOUND == 44 && CK_ERR_CONFLICT == 49) ? 1 : -1];

/** @brief Map an HTTP status to the error a caller sees (CK_OK for 2xx); other 4xx and 5xx map by class. */
static ck_err ck_status_err(uint16_t status)
{
    unsigned d = (unsigned)status - 400u;

    if (d < 10u && ((0x21Bu >> d) & 1u) != 0u) { /* 400, 401, 403, 404, 409 */
        return (ck_err)(CK_ERR_BAD_REQUEST + (int)d);
    }
    if (status == 429u) {
        return CK_ERR_RATE_LIMITED;
    }
    switch (status / 100u) {
    case 2u: return CK_OK;
    case 4u: return CK_ERR_HTTP_4XX;
    case 5u: return CK_ERR_HTTP_5XX;
    default: return CK_ERR_HTTP_STATUS;
    }
}

/** @brief Run the body writer of @p call into @p buf (NULL: measure only). */
static ck_err ck_write_body(const ck_call *call, ck_json_writer *w, uint8_t *buf, size_t cap, size_t *out_len)
{
    ck_err err;

    ck_json_writer_init(w, (char *)buf, cap);
    err = call->body(w, call->body_ctx);
    return err != CK_OK ? err : ck_json_writer_finish(w, out_len);
}

/**
 * @brief Write the whole request (head, then body) into the work buffer.
 * The body writer runs twice: to measure, then to write.
 */
static ck_err ck_build(ck_client *c, const ck_call *call, ck_result *res, size_t *out_len)
{
    ck_http_request_head head;
    ck_json_writer w;
    size_t body_len = 0;
    size_t head_len = 0;
    size_t written = 0;
    size_t used = c->work_used;
    ck_err err;

    if (call->body != NULL) {
        err = ck_write_body(call, &w, NULL, 0, NULL);
        if (err != CK_OK && err != CK_ERR_BUFFER_TOO_SMALL) {
            res->field = "body";
            return err;
        }
        body_len = w.len; /* ck_json_writer_needed() */
    }
    head.method = call->method;
    head.host = c->host;
    head.port = c->port;
    head.path_prefix = c->path_prefix;
    head.path_prefix_len = c->path_prefix_len;
    head.path = call->path;
    head.headers = call->headers;
    head.header_count = call->header_count;
    head.has_body = call->body != NULL;
    head.body_len = body_len;
    head.keep_alive = !c->cfg.no_keep_alive;
    /* A failure on the way may leave bytes anywhere in the buffer. */
    ck_used(c, c->cfg.work_buf_size);
    err = ck_http_write_head(&head, c->cfg.work_buf, c->cfg.work_buf_size, &head_len);
    if (err == CK_ERR_INVALID_ARG) {
        res->field = "header";
        return err;
    }
    res->request_bytes = head_len + body_len;
    if (err != CK_OK || head_len + body_len > c->cfg.work_buf_size) {
        return CK_ERR_BUFFER_TOO_SMALL;
    }
    if (call->body != NULL) {
        err = ck_write_body(call, &w, c->cfg.work_buf + head_len, c->cfg.work_buf_size - head_len, &written);
        if (err != CK_OK || written != body_len) {
            res->field = "body";
            return err != CK_OK ? err : CK_ERR_INVALID_ARG;
        }
    }
    *out_len = head_len + body_len;
    c->work_used = used;
    ck_used(c, *out_len);
    return CK_OK;
}

/** @brief Use the kept-alive connection if it is fresh and still open, else connect. */
static ck_err ck_ensure_connected(ck_client *c, const ck_clock *k)
{
    const ck_transport *t = c->cfg.transport;
    uint8_t probe;
    size_t n = 0;
    uint32_t left;

    if (c->connected) {
        uint32_t idle = k->pf->now_ms(k->pf->ctx) - c->idle_since_ms;
        /* A server that closed an idle connection shows it as EOF now;
         * anything but "nothing to read" means the connection is not
         * usable for a new request. */
        if (idle <= CK_KEEPALIVE_IDLE_MS && t->recv(t->ctx, &probe, 1u, &n, 0u) == CK_ERR_WOULD_BLOCK) {
            return CK_OK;
        }
        ck_disconnect(c);
    }
    left = ck_remaining(k);
    if (left == 0u) {
        return CK_ERR_TIMEOUT;
    }
    CK_RETURN_IF_FAILED(t->connect(t->ctx, c->host, c->port, left));
    c->connected = true;
    return CK_OK;
}

static ck_err ck_send_all(ck_client *c, const ck_clock *k, size_t len, ck_result *res)
{
    const ck_transport *t = c->cfg.transport;
    size_t sent = 0;

    while (sent < len) {
        size_t n = 0;
        uint32_t left = ck_remaining(k);
        ck_err err;
        if (left == 0u) {
            return CK_ERR_TIMEOUT;
        }
        err = t->send(t->ctx, c->cfg.work_buf + sent, len - sent, &n, left);
        if (n > 0u) {
            /* Counted even with an error: a buffering port (TLS) reports
             * there the bytes it took and may yet deliver. */
            res->progress = CK_PROGRESS_SENT;
        }
        if (err == CK_ERR_WOULD_BLOCK && n == 0u) {
            continue;
        }
        if (err != CK_OK) {
            return err == CK_ERR_WOULD_BLOCK ? CK_ERR_TRANSPORT : err;
        }
        if (n == 0u || n > len - sent) {
            return CK_ERR_TRANSPORT;
        }
        sent += n;
    }
    return CK_OK;
}

/**
 * @brief Read the answer into the work buffer. On return the parser says
 * how far it got; *out_extra is set when bytes followed the message.
 */
static ck_err ck_receive(ck_client *c, const ck_clock *k, const ck_call *call,
                         ck_http_parser *p, ck_result *res, bool *out_extra, uint8_t small[CK_RECV_MIN])
{
    const ck_transport *t = c->cfg.transport;
    bool logged = false;

    ck_http_parser_init(p, c->cfg.work_buf, c->cfg.work_buf_size, res->request_id, sizeof res->request_id);
    while (!p->done) {
        size_t free_room = c->cfg.work_buf_size - p->body_len;
        uint8_t *dst = free_room >= CK_RECV_MIN ? c->cfg.work_buf + p->body_len : small;
        size_t cap = free_room >= CK_RECV_MIN ? free_room : CK_RECV_MIN;
        size_t n = 0;
        size_t used = 0;
        uint32_t left = ck_remaining(k);
        ck_err err;

        if (left == 0u) {
            return CK_ERR_TIMEOUT;
        }
        err = t->recv(t->ctx, dst, cap, &n, left);
        if (err == CK_ERR_WOULD_BLOCK) {
            continue;
        }
        if (dst != small) {
            /* A failed recv may have written into what it was given. */
            ck_used(c, p->body_len + (err == CK_OK && n <= cap ? n : cap));
        }
        if (err == CK_ERR_PEER_CLOSED) {
            c->connected = false;
            t->close(t->ctx);
            return ck_http_parser_eof(p);
        }
        if (err != CK_OK) {
            return err;
        }
        if (n == 0u || n > cap) {
            return CK_ERR_TRANSPORT;
        }
        err = ck_http_parser_feed(p, dst, n, &used);
        ck_used(c, p->body_len);
        if (p->head_done && !logged) {
            logged = true;
            res->http_status = p->status;
            ck_log(c, CK_LOG_RESPONSE, call, res, ck_elapsed(k), 0u);
        }
        if (err != CK_OK) {
            return err;
        }
        if (used < n) {
            *out_extra = true;
        }
    }
    return CK_OK;
}

/**
 * @brief Copy `code` (a string, or a number's text as in v1) and `message`
 * of an answer into @p res; what does not fit is flagged, not cut.
 * @return The token of `code`'s value: -1 when absent, -2 when the key is
 *         there more than once (see ::ck_decode_fn).
 */
static int ck_copy_api_fields(const ck_json_doc *doc, ck_result *res)
{
    int code = -1;
    int tok;
    ck_err err = ck_json_find(doc, 0, "code", &code);

    if (code >= 0) {
        const ck_json_tok *t = &doc->toks[code];
        size_t n = (size_t)(t->end - t->start);
        char first = doc->json[t->start];
        if (t->type == JSMN_STRING) {
            res->api_code_truncated =
                ck_json_tok_string(doc, code, res->api_code, sizeof res->api_code, NULL) != CK_OK;
        } else if (t->type == JSMN_PRIMITIVE && (first == '-' || (first >= '0' && first <= '9'))) {
            res->api_code_truncated = n >= sizeof res->api_code;
            if (!res->api_code_truncated) {
                memcpy(res->api_code, doc->json + t->start, n);
                res->api_code[n] = '\0';
            }
        }
    }
    tok = ck_json_member(doc, 0, "message", JSMN_STRING);
    if (tok >= 0) {
        res->api_message_truncated =
            ck_json_tok_string(doc, tok, res->api_message, sizeof res->api_message, NULL) != CK_OK;
    }
    return err != CK_OK ? -2 : code;
}

/** @brief Turn a complete answer into the call's error. */
static ck_err ck_interpret(ck_client *c, const ck_call *call, const ck_http_parser *p, ck_result *res)
{
    ck_json_doc doc;
    ck_err status_err = ck_status_err(p->status);
    ck_err err = CK_OK;
    bool have_doc = false;
    int code_tok = -1;

    res->response_bytes = p->body_len;
    if (p->body_len > 0u) {
        err = ck_json_parse(&doc, (const char *)c->cfg.work_buf, p->body_len, c->cfg.tokens, c->cfg.token_count);
        /* jsmn fills tokens from the first; on an error, count them all. */
        if (err != CK_OK || (size_t)doc.count > c->tokens_used) {
            c->tokens_used = (uint16_t)(err == CK_OK ? (size_t)doc.count : c->cfg.token_count);
        }
        if (err == CK_OK) {
            have_doc = true;
            res->tokens_used = (uint16_t)doc.count;
            code_tok = ck_copy_api_fields(&doc, res);
        }
    }
    if (status_err != CK_OK) {
        /* An error page that is not JSON does not hide the status. */
        return status_err;
    }
    if (err != CK_OK) {
        return err;
    }
    if (call->decode == NULL) {
        return CK_OK;
    }
    return call->decode(have_doc ? &doc : NULL, code_tok, call->decode_ctx, res);
}

/** @brief One attempt: build, connect, send, receive, interpret. */
static ck_err ck_attempt_once(ck_client *c, const ck_call *call, const ck_clock *k,
                              ck_result *res, ck_attempt *a)
{
    ck_http_parser p;
    uint8_t small[CK_RECV_MIN]; /* the answer's last bytes when the work buffer is nearly full */
    size_t len = 0;
    bool extra = false;
    bool complete = false;
    ck_err err;

    {
        /* What an earlier attempt left must not describe this one. */
        uint8_t attempts = res->attempts;
        ck_result_reset(res);
        res->attempts = attempts;
    }
    memset(a, 0, sizeof *a);

    err = ck_build(c, call, res, &len);
    if (err == CK_OK) {
        err = ck_ensure_connected(c, k);
    }
    if (err == CK_OK) {
        ck_log(c, CK_LOG_REQUEST, call, res, ck_elapsed(k), 0u);
        err = ck_send_all(c, k, len, res);
    }
    if (err == CK_OK) {
        err = ck_receive(c, k, call, &p, res, &extra, small);
        ck_wipe(small, sizeof small); /* may hold response body bytes */
        res->request_id_truncated = p.request_id_truncated;
        if (p.head_done) {
            a->http_status = p.status;
            a->has_retry_after = p.has_retry_after;
            a->retry_after_ms = p.retry_after_s * 1000u; /* parser caps at 86400 s */
        }
        if (err == CK_OK) {
            res->progress = CK_PROGRESS_ANSWERED;
            if (p.keep_alive && !extra && !c->cfg.no_keep_alive && c->connected) {
                c->idle_since_ms = k->pf->now_ms(k->pf->ctx);
            } else {
                ck_disconnect(c);
            }
            complete = true;
            err = ck_interpret(c, call, &p, res);
        } else if (err == CK_ERR_RESPONSE_TOO_LARGE && p.head_done) {
            /* The server answered; an oversized error page still tells
             * its status. An oversized 2xx answer stays an error. */
            res->progress = CK_PROGRESS_ANSWERED;
            if (ck_status_err(p.status) != CK_OK) {
                err = ck_status_err(p.status);
            }
        }
    }
    if (err != CK_OK && !complete) {
        ck_disconnect(c);
    }
    a->err = err;
    a->progress = res->progress;
    a->kind = call->kind;
    return err;
}

ck_err ck_client_run(ck_client *c, const ck_call *call, ck_result *res)
{
    ck_clock k;
    ck_attempt a;
    ck_err err;
    bool lost_before = false; /* an earlier attempt may have been applied */
    bool any_sent = false;

    ck_result_reset(res);
    k.pf = c->cfg.platform;
    k.start = k.pf->now_ms(k.pf->ctx);
    k.budget = c->cfg.timeout_ms;
    if (!c->cfg.transport->secure) {
        ck_log(c, CK_LOG_INSECURE, call, res, 0u, 0u);
    }

    for (;;) {
        uint32_t wait_ms = 0;
        res->attempts++;
        err = ck_attempt_once(c, call, &k, res, &a);
        any_sent = any_sent || a.progress != CK_PROGRESS_NOT_SENT;
        if (err == CK_OK || res->attempts >= c->cfg.max_attempts || !ck_retry_allowed(&a)) {
            break;
        }
        if (ck_retry_wait_ms(&c->cfg, &a, (uint8_t)(res->attempts + 1u), &wait_ms) != CK_OK ||
            wait_ms >= ck_remaining(&k)) {
            break;
        }
        lost_before = lost_before ||
                      ck_outcome_verdict(a.kind, ck_outcome_answer(&a), false) == CK_APPLIED_MAYBE;
        res->err = err;
        ck_log(c, CK_LOG_RETRY, call, res, ck_elapsed(&k), wait_ms);
        if (wait_ms > 0u) {
            c->cfg.platform->sleep_ms(c->cfg.platform->ctx, wait_ms);
        }
    }

    ck_outcome_settle(&a, lost_before, any_sent, res);
    res->elapsed_ms = ck_elapsed(&k);
    /* Every byte the call wrote (request, response, tokens), not more. */
    ck_wipe(c->cfg.work_buf, c->work_used);
    ck_wipe(c->cfg.tokens, c->tokens_used * sizeof c->cfg.tokens[0]);
    c->work_used = 0;
    c->tokens_used = 0;
    ck_log(c, CK_LOG_DONE, call, res, res->elapsed_ms, 0u);
    return res->err;
}
