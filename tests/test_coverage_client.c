/**
 * @file test_coverage_client.c
 * @brief The client's less travelled paths, each with what a caller sees:
 * NULL arguments, settings left at zero, a misbehaving transport or
 * platform (against their contracts), body writers that fail or change
 * their mind, answers of unusual shape, and the retry policy's arithmetic.
 * Written to reach the lines and branches `make coverage` showed unrun;
 * every case asserts the error (and what else the caller can observe).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ck_call.h"
#include "ck_fixture.h"
#include "ck_samples.h"
#include "ck_http.h"
#include "ck_retry.h"

#define OK_CARD "HTTP/1.1 200 OK\r\nContent-Length: 56\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"card_id\":\"card201907021723\"}}"
#define OK_ENROLL "HTTP/1.1 200 OK\r\nContent-Length: 44\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}"

static ck_fixture g_f;
static const ck_3ds_req g_enroll = {"card1", "ch1"};

/* ------------------------------------------------------------------------ */
/* A transport and a platform that misbehave on request                      */
/* ------------------------------------------------------------------------ */

/** @brief What the wrapper does to the loopback's operations. */
static struct {
    int send_would_block; /* sends that return WOULD_BLOCK first */
    bool send_zero;       /* send: CK_OK with 0 bytes */
    bool send_too_many;   /* send: CK_OK with more than asked */
    bool recv_zero;       /* recv: CK_OK with 0 bytes */
    bool recv_too_many;   /* recv: CK_OK with more than the room */
    bool recv_connect;    /* recv: CK_ERR_CONNECT (a port outside its contract) */
    uint32_t extra_sleep; /* sleep overshoots by this much */
    int random_ok;        /* random calls that work before it fails (-1: always works) */
    uint32_t tick;        /* now_ms moves this much on each read */
} g_bad;

static ck_err w_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    return g_f.transport.connect(ctx, host, port, timeout_ms);
}

static ck_err w_send(void *ctx, const uint8_t *buf, size_t len, size_t *out_sent, uint32_t timeout_ms)
{
    if (g_bad.send_would_block > 0) {
        g_bad.send_would_block--;
        *out_sent = 0;
        return CK_ERR_WOULD_BLOCK;
    }
    if (g_bad.send_zero) {
        *out_sent = 0;
        return CK_OK;
    }
    if (g_bad.send_too_many) {
        *out_sent = len + 1u;
        return CK_OK;
    }
    return g_f.transport.send(ctx, buf, len, out_sent, timeout_ms);
}

static ck_err w_recv(void *ctx, uint8_t *buf, size_t cap, size_t *out_received, uint32_t timeout_ms)
{
    if (timeout_ms != 0u && g_bad.recv_zero) {
        *out_received = 0;
        return CK_OK;
    }
    if (timeout_ms != 0u && g_bad.recv_too_many) {
        *out_received = cap + 1u;
        return CK_OK;
    }
    if (timeout_ms != 0u && g_bad.recv_connect) {
        *out_received = 0;
        return CK_ERR_CONNECT;
    }
    return g_f.transport.recv(ctx, buf, cap, out_received, timeout_ms);
}

static void w_close(void *ctx)
{
    g_f.transport.close(ctx);
}

static uint32_t w_now(void *ctx)
{
    ck_loopback *lb = (ck_loopback *)ctx;
    lb->now_ms += g_bad.tick;
    return lb->now_ms;
}

static void w_sleep(void *ctx, uint32_t ms)
{
    g_f.platform.sleep_ms(ctx, ms + g_bad.extra_sleep);
}

static ck_err w_random(void *ctx, uint8_t *buf, size_t len)
{
    if (g_bad.random_ok == 0) {
        return CK_ERR_RANDOM;
    }
    if (g_bad.random_ok > 0) {
        g_bad.random_ok--;
    }
    return g_f.platform.random(ctx, buf, len);
}

static ck_transport g_wt;
static ck_platform g_wp;

/** @brief The fixture with the misbehaving wrapper in front of the loopback. */
static void bad_setup(const ck_lb_step *steps, size_t n)
{
    ck_fix_setup(&g_f, steps, n, 0u);
    g_wt = g_f.transport;
    g_wt.connect = w_connect;
    g_wt.send = w_send;
    g_wt.recv = w_recv;
    g_wt.close = w_close;
    g_wp = g_f.platform;
    g_wp.now_ms = w_now;
    g_wp.sleep_ms = w_sleep;
    g_wp.random = w_random;
    g_f.cfg.transport = &g_wt;
    g_f.cfg.platform = &g_wp;
    memset(&g_bad, 0, sizeof g_bad);
    g_bad.random_ok = -1;
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
}

static void test_send_would_block_then_goes(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL)};
    ck_result res;
    (void)state;

    bad_setup(steps, 1);
    g_bad.send_would_block = 3;
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_OK);
    assert_int_equal(res.attempts, 1);
}

static void test_send_reporting_nonsense_is_a_transport_error(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL)};
    ck_result res;
    (void)state;

    bad_setup(steps, 1);
    g_f.client.cfg.max_attempts = 1;
    g_bad.send_zero = true;
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_ERR_TRANSPORT);
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    g_bad.send_zero = false;
    g_bad.send_too_many = true;
    /* A port that claims more than it was given claimed that bytes left. */
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_TRANSPORT);
    assert_int_equal(res.applied, CK_APPLIED_MAYBE);
    assert_true(ck_fix_buffers_wiped(&g_f));
}

static void test_recv_reporting_nonsense_after_sending(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL)};
    ck_result res;
    (void)state;

    bad_setup(steps, 1);
    g_bad.recv_zero = true;
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_TRANSPORT);
    assert_int_equal(res.attempts, 1);
    bad_setup(steps, 1);
    g_bad.recv_too_many = true;
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_TRANSPORT);
    /* A port that says CONNECT after the request went out: still "may have been applied". */
    bad_setup(steps, 1);
    g_bad.recv_connect = true;
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_CONNECT);
}

static void test_connect_uses_the_whole_deadline(void **state)
{
    /* Connect takes exactly the deadline: nothing left to send with. */
    static const ck_lb_step steps[] = {CK_CONNECT_STALL(2000u), CK_REPLY(OK_ENROLL)};
    ck_result res;
    (void)state;

    ck_fix_setup(&g_f, steps, 2, 0u);
    g_f.cfg.timeout_ms = 2000;
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_ERR_TIMEOUT);
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    assert_int_equal(res.elapsed_ms, 2000);
    assert_int_equal(g_f.lb.capture_len, 0);
}

static void test_oversleeping_platform_meets_the_deadline_at_connect(void **state)
{
    /* A 503 asks for 1 s; the platform sleeps 1 s too long: the deadline
     * has passed before the next connect. */
    static const ck_lb_step steps[] = {
        CK_REPLY("HTTP/1.1 503 Busy\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
        CK_REPLY(OK_ENROLL)};
    ck_result res;
    (void)state;

    bad_setup(steps, 2);
    g_f.client.cfg.timeout_ms = 1500;
    g_bad.extra_sleep = 1000;
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_ERR_TIMEOUT);
    assert_int_equal(res.attempts, 2);
    /* The first attempt went out and was turned away unprocessed. */
    assert_int_equal(res.progress, CK_PROGRESS_SENT);
    assert_int_equal(res.applied, CK_APPLIED_NO);
}

static void test_clock_that_races_ahead(void **state)
{
    /* Every clock read moves 700 ms: the deadline passes while sending. */
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL)};
    ck_result res;
    (void)state;

    bad_setup(steps, 1);
    g_f.client.cfg.timeout_ms = 1000;
    g_f.client.cfg.max_attempts = 1;
    g_bad.tick = 700;
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_ERR_TIMEOUT);
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    assert_true(ck_fix_buffers_wiped(&g_f));
}

static void test_random_failure_stops_the_retries(void **state)
{
    static const ck_lb_step steps[] = {CK_CONNECT_FAIL(CK_ERR_CONNECT), CK_REPLY(OK_ENROLL)};
    ck_result res;
    (void)state;

    bad_setup(steps, 2);
    g_bad.random_ok = 0; /* the jitter draw fails: no wait can be chosen, no retry */
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_ERR_CONNECT);
    assert_int_equal(res.attempts, 1);
}

static void test_connect_peer_closed_is_retried(void **state)
{
    static const ck_lb_step steps[] = {CK_CONNECT_FAIL(CK_ERR_PEER_CLOSED), CK_REPLY(OK_ENROLL)};
    ck_result res;
    (void)state;

    ck_fix_setup(&g_f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_OK);
    assert_int_equal(res.attempts, 2);
}

/* ------------------------------------------------------------------------ */
/* Body writers                                                              */
/* ------------------------------------------------------------------------ */

static ck_err failing_body(ck_json_writer *w, const void *ctx)
{
    (void)w;
    (void)ctx;
    return CK_ERR_INVALID_ARG;
}

static ck_err unfinished_body(ck_json_writer *w, const void *ctx)
{
    (void)ctx;
    return ck_json_object_begin(w); /* never closed */
}

static int g_calls;

/** @brief Writes a longer body the second time it is called. */
static ck_err fickle_body(ck_json_writer *w, const void *ctx)
{
    (void)ctx;
    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "k", (g_calls++ % 2) == 0 ? "a" : "abc"));
    return ck_json_object_end(w);
}

/** @brief Fails the second time (the writing pass). */
static ck_err second_pass_fails(ck_json_writer *w, const void *ctx)
{
    (void)ctx;
    if ((g_calls++ % 2) == 1) {
        return CK_ERR_INVALID_ARG;
    }
    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    return ck_json_object_end(w);
}

static void test_body_writers_that_misbehave_send_nothing(void **state)
{
    static const ck_body_fn bodies[] = {failing_body, unfinished_body, fickle_body, second_pass_fails};
    size_t i;
    ck_result res;
    (void)state;

    for (i = 0; i < 4u; i++) {
        ck_fix_setup(&g_f, NULL, 0, 0u);
        assert_int_equal(ck_fix_client(&g_f), CK_OK);
        g_calls = 0;
        assert_int_equal(ck_v2_call(&g_f.client, "/api/x", bodies[i], NULL, NULL, NULL, &res), CK_ERR_INVALID_ARG);
        assert_string_equal(res.field, "body");
        assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
        assert_int_equal(g_f.lb.connects, 0);
        assert_true(ck_fix_buffers_wiped(&g_f));
    }
}

static void test_credential_changed_after_init_is_refused(void **state)
{
    /* The client keeps the key by pointer; a key that grows a CR LF later
     * is stopped by the head writer's backstop. Nothing is sent. */
    static char key[32];
    ck_result res;
    (void)state;

    strcpy(key, "k-good");
    ck_fix_setup(&g_f, NULL, 0, 0u);
    g_f.cfg.api_key = key;
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    strcpy(key, "k\r\nX-Evil: 1");
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "header");
    assert_int_equal(g_f.lb.capture_len, 0);
    assert_true(ck_fix_buffers_wiped(&g_f));
}

/* ------------------------------------------------------------------------ */
/* Answers of unusual shape                                                  */
/* ------------------------------------------------------------------------ */

static ck_result run_enroll(const char *wire)
{
    ck_lb_step step = {CK_LB_REPLY, NULL, 0u, 0u, 0u, CK_OK};
    ck_result res;
    ck_err ret;

    step.data = (const uint8_t *)wire;
    step.len = strlen(wire);
    ck_fix_setup(&g_f, &step, 1, 0u);
    g_f.cfg.log = NULL; /* no hook: nothing to call */
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    ret = ck_3ds_enroll(&g_f.client, &g_enroll, &res);
    assert_int_equal(ret, res.err);
    assert_true(ck_fix_buffers_wiped(&g_f));
    return res;
}

static void test_error_bodies_of_every_shape(void **state)
{
    ck_result r;
    (void)state;

    r = run_enroll("HTTP/1.1 400 Bad\r\nContent-Length: 16\r\n\r\n{\"message\":\"no\"}");
    assert_int_equal(r.err, CK_ERR_BAD_REQUEST);
    assert_string_equal(r.api_code, "");
    assert_string_equal(r.api_message, "no");
    r = run_enroll("HTTP/1.1 400 Bad\r\nContent-Length: 25\r\n\r\n{\"code\":true,\"message\":1}");
    assert_int_equal(r.err, CK_ERR_BAD_REQUEST);
    assert_string_equal(r.api_code, "");
    assert_string_equal(r.api_message, "");
    r = run_enroll("HTTP/1.1 400 Bad\r\nContent-Length: 14\r\n\r\n{\"code\":[\"x\"]}");
    assert_string_equal(r.api_code, "");
    r = run_enroll("HTTP/1.1 400 Bad\r\nContent-Length: 29\r\n\r\n{\"message\":\"a\",\"message\":\"b\"}");
    assert_int_equal(r.err, CK_ERR_BAD_REQUEST);
    assert_string_equal(r.api_message, "");
    r = run_enroll("HTTP/1.1 400 Bad\r\nContent-Length: 11\r\n\r\n{\"code\":-7}");
    assert_string_equal(r.api_code, "-7");
    r = run_enroll("HTTP/1.1 400 Bad\r\nContent-Length: 13\r\n\r\n{\"code\":null}");
    assert_string_equal(r.api_code, "");
    r = run_enroll("HTTP/1.1 400 Bad\r\nContent-Length: 48\r\n\r\n{\"code\":123456789012345678901234567890123456789}");
    assert_string_equal(r.api_code, "");
    assert_true(r.api_code_truncated);
    r = run_enroll("HTTP/1.1 400 Bad\r\nContent-Length: 45\r\n\r\n{\"code\":\"0123456789012345678901234567890123\"}");
    assert_string_equal(r.api_code, "");
    assert_true(r.api_code_truncated);
}

static void test_success_answers_of_the_wrong_shape(void **state)
{
    static const struct {
        const char *wire;
        ck_err err;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 35\r\n\r\n{\"code\":\"SUCCESS\",\"code\":\"SUCCESS\"}", CK_ERR_UNEXPECTED_RESPONSE},
        {"HTTP/1.1 200 OK\r\nContent-Length: 27\r\n\r\n{\"code\":\"SUCCESS\",\"data\":1}", CK_ERR_UNEXPECTED_RESPONSE},
        {"HTTP/1.1 200 OK\r\nContent-Length: 38\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{},\"data\":{}}", CK_ERR_UNEXPECTED_RESPONSE},
        {"HTTP/1.1 200 OK\r\nContent-Length: 28\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{}}", CK_ERR_UNEXPECTED_RESPONSE},
        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"code\":1}", CK_ERR_UNEXPECTED_RESPONSE},
        {"HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n{\"code\":\"SUCCESS\"}", CK_ERR_UNEXPECTED_RESPONSE},
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_result r = run_enroll(cases[i].wire);
        CK_ASSERT_MAYBE(r, cases[i].err); /* a 2xx that cannot be read */
    }
}

static void test_apply_with_empty_card_id(void **state)
{
    static const ck_lb_step steps[] = {
        CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"card_id\":\"\"}}"),
        CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n{\"code\":\"SUCCESS\"}")};
    ck_card_apply_req req;
    ck_card_apply_resp card;
    ck_result res;
    (void)state;

    memset(&req, 0, sizeof req);
    req.card_product_code = "T1FBXO";
    ck_fix_setup(&g_f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    /* A 2xx without a usable card id: a card may exist that nobody knows of. */
    assert_int_equal(ck_card_apply(&g_f.client, &req, &card, &res), CK_ERR_OUTCOME_UNKNOWN);
    CK_ASSERT_MAYBE(res, CK_ERR_UNEXPECTED_RESPONSE);
    assert_string_equal(card.card_id, "");
    assert_int_equal(ck_card_apply(&g_f.client, &req, &card, &res), CK_ERR_OUTCOME_UNKNOWN); /* no data */
    CK_ASSERT_MAYBE(res, CK_ERR_UNEXPECTED_RESPONSE);
    assert_string_equal(card.card_id, "");
}

static void test_v1_get_answers_of_the_wrong_shape(void **state)
{
    static const struct {
        const char *body;
        ck_err err;
    } cases[] = {
        {"{\"status\":\"Success\"}", CK_ERR_UNEXPECTED_RESPONSE},
        {"{\"status\":\"Success\",\"data\":{}}", CK_ERR_UNEXPECTED_RESPONSE},
        {"{\"status\":\"Success\",\"data\":[],\"data\":[]}", CK_ERR_UNEXPECTED_RESPONSE},
        {"{\"status\":\"Success\",\"data\":[1]}", CK_ERR_UNEXPECTED_RESPONSE},
        {"{\"status\":\"Success\",\"data\":[{\"destination\":\"d\",\"status\":\"s\"}]}", CK_ERR_UNEXPECTED_RESPONSE},
        {"{\"status\":\"Success\",\"data\":[{\"otp_delivery_method\":\"SMS\",\"status\":\"s\"}]}",
         CK_ERR_UNEXPECTED_RESPONSE},
        {"{\"status\":\"Sxccess\",\"data\":[]}", CK_ERR_API_FAILURE},
        {"{\"status\":\"SUCCESS\",\"data\":[]}", CK_ERR_API_FAILURE}, /* only the first letter's case is free */
        {"{\"status\":\"success\",\"data\":[]}", CK_OK},
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static char wire[256];
        ck_lb_step step = {CK_LB_REPLY, NULL, 0u, 0u, 0u, CK_OK};
        ck_v1_req req = ck_sample_v1("key-1");
        ck_v1_3ds_entry e[2];
        size_t count = 9;
        ck_result res;
        int n = snprintf(wire, sizeof wire, "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n%s",
                         (unsigned)strlen(cases[i].body), cases[i].body);
        step.data = (const uint8_t *)wire;
        step.len = (size_t)n;
        ck_fix_setup(&g_f, &step, 1, 0u);
        assert_int_equal(ck_fix_client(&g_f), CK_OK);
        assert_int_equal(ck_v1_3ds_get(&g_f.client, &req, e, 2, &count, &res), cases[i].err);
        assert_int_equal(res.attempts, 1);
    }
}

static void test_v1_lost_then_definitive_answer_is_that_answer(void **state)
{
    /* The resend carried the key and the server answered 400: that answer
     * tells the outcome of the operation, lost first answer or not. */
    static const ck_lb_step steps[] = {CK_EOF(),
                                       CK_REPLY("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")};
    ck_v1_req req = ck_sample_v1("key-1");
    ck_result res;
    (void)state;

    ck_fix_setup(&g_f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    assert_int_equal(ck_v1_3ds_enroll(&g_f.client, &req, &res), CK_ERR_BAD_REQUEST);
    assert_int_equal(res.progress, CK_PROGRESS_ANSWERED);
    assert_int_equal(res.attempts, 2);
}

static ck_err no_decode_call(ck_fixture *f, ck_result *res)
{
    static const ck_http_header h[] = {{"x-api-key", CK_FIX_API_KEY, NULL}};
    ck_call call;
    memset(&call, 0, sizeof call);
    call.method = "GET";
    call.path = "/ping";
    call.headers = h;
    call.header_count = 1;
    return ck_client_run(&f->client, &call, res);
}

static void test_internal_call_without_decoder_accepts_any_2xx(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY("HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\n{\"a\":1}")};
    ck_result res;
    (void)state;

    ck_fix_setup(&g_f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    assert_int_equal(no_decode_call(&g_f, &res), CK_OK);
    assert_int_equal(res.http_status, 201);
    assert_int_equal(res.tokens_used, 3);
    assert_true(ck_fix_contains(g_f.capture, g_f.lb.capture_len, "GET /card/issuance/ping HTTP/1.1\r\n"));
}

/* ------------------------------------------------------------------------ */
/* Set-up and arguments                                                      */
/* ------------------------------------------------------------------------ */

static void test_init_null_and_missing_parts(void **state)
{
    ck_transport t;
    ck_platform pf;
    const char *field = "x";
    (void)state;

    assert_int_equal(ck_client_init(NULL, &g_f.cfg, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "config");
    assert_int_equal(ck_client_init(&g_f.client, NULL, NULL), CK_ERR_INVALID_ARG);

    ck_fix_setup(&g_f, NULL, 0, 0u);
    t = g_f.transport;
    g_f.cfg.transport = &t;
    t.send = NULL;
    assert_int_equal(ck_client_init(&g_f.client, &g_f.cfg, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "transport");
    t = g_f.transport;
    t.recv = NULL;
    assert_int_equal(ck_client_init(&g_f.client, &g_f.cfg, &field), CK_ERR_INVALID_ARG);
    t = g_f.transport;
    t.close = NULL;
    assert_int_equal(ck_client_init(&g_f.client, &g_f.cfg, &field), CK_ERR_INVALID_ARG);
    t = g_f.transport;
    t.connect = NULL;
    assert_int_equal(ck_client_init(&g_f.client, &g_f.cfg, &field), CK_ERR_INVALID_ARG);

    ck_fix_setup(&g_f, NULL, 0, 0u);
    pf = g_f.platform;
    g_f.cfg.platform = &pf;
    pf.now_ms = NULL;
    assert_int_equal(ck_client_init(&g_f.client, &g_f.cfg, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "platform");
    pf = g_f.platform;
    pf.sleep_ms = NULL;
    assert_int_equal(ck_client_init(&g_f.client, &g_f.cfg, &field), CK_ERR_INVALID_ARG);
    pf = g_f.platform;
    pf.random = NULL;
    assert_int_equal(ck_client_init(&g_f.client, &g_f.cfg, NULL), CK_ERR_INVALID_ARG);

    ck_fix_setup(&g_f, NULL, 0, 0u);
    g_f.cfg.work_buf = NULL;
    assert_int_equal(ck_client_init(&g_f.client, &g_f.cfg, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "work_buf");
    ck_fix_setup(&g_f, NULL, 0, 0u);
    g_f.cfg.tokens = NULL;
    assert_int_equal(ck_client_init(&g_f.client, &g_f.cfg, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "tokens");
    ck_fix_setup(&g_f, NULL, 0, 0u);
    g_f.cfg.base_url = NULL;
    assert_int_equal(ck_client_init(&g_f.client, &g_f.cfg, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "base_url");
}

static void test_init_base_url_edges(void **state)
{
    static const char *const good[] = {"https://A-b.9.example", "https://x", "https://x:1/p-._~"};
    static const char *const bad[] = {"https://x/#frag", "https://x/a\x01", "https://x/a\x7f", "https://x_y", "https://x~y",
                                      "https://0123456789012345678901234567890123456789012345678901234567890123456789"};
    const char *field = NULL;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        ck_fix_setup(&g_f, NULL, 0, 0u);
        g_f.cfg.base_url = good[i];
        assert_int_equal(ck_client_init(&g_f.client, &g_f.cfg, &field), CK_OK);
        assert_null(field);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_fix_setup(&g_f, NULL, 0, 0u);
        g_f.cfg.base_url = bad[i];
        assert_int_equal(ck_client_init(&g_f.client, &g_f.cfg, &field), CK_ERR_INVALID_ARG);
        assert_string_equal(field, "base_url");
    }
}

static void test_zero_settings_take_the_defaults(void **state)
{
    static ck_json_tok many[0x8000 + 4];
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL)};
    ck_result res;
    (void)state;

    ck_fix_setup(&g_f, steps, 1, 0u);
    g_f.cfg.timeout_ms = 0;
    g_f.cfg.max_attempts = 0;
    g_f.cfg.backoff_base_ms = 0;
    g_f.cfg.backoff_cap_ms = 0;
    g_f.cfg.tokens = many;
    g_f.cfg.token_count = sizeof many / sizeof many[0];
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    assert_int_equal(g_f.client.cfg.timeout_ms, CK_DEFAULT_TIMEOUT_MS);
    assert_int_equal(g_f.client.cfg.max_attempts, CK_DEFAULT_MAX_ATTEMPTS);
    assert_int_equal(g_f.client.cfg.backoff_base_ms, CK_DEFAULT_BACKOFF_BASE_MS);
    assert_int_equal(g_f.client.cfg.backoff_cap_ms, CK_DEFAULT_BACKOFF_CAP_MS);
    assert_int_equal(g_f.client.cfg.token_count, 0x7FFF);
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, &res), CK_OK);
}

static void test_api_null_arguments(void **state)
{
    ck_result res;
    ck_card_apply_req apply;
    ck_v1_req v1 = ck_sample_v1("key-1");
    char key[CK_V1_REQUEST_ID_SIZE];
    ck_client empty;
    (void)state;

    memset(&apply, 0, sizeof apply);
    apply.card_product_code = "T1FBXO";
    ck_fix_setup(&g_f, NULL, 0, 0u);
    assert_int_equal(ck_fix_client(&g_f), CK_OK);

    assert_int_equal(ck_card_apply(NULL, &apply, NULL, &res), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_card_apply(&g_f.client, &apply, NULL, NULL), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_card_apply(&g_f.client, &apply, NULL, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "out_resp");
    assert_int_equal(ck_3ds_enroll(NULL, &g_enroll, &res), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_3ds_enroll(&g_f.client, &g_enroll, NULL), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_3ds_update(NULL, &g_enroll, &res), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_3ds_update(&g_f.client, &g_enroll, NULL), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_contact_update(NULL, NULL, &res), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_contact_update(&g_f.client, NULL, NULL), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_v2_call(NULL, "/x", NULL, NULL, NULL, NULL, &res), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_v2_call(&g_f.client, "/x", NULL, NULL, NULL, NULL, NULL), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_v2_call(&g_f.client, NULL, NULL, NULL, NULL, NULL, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "path");
    /* Every kind of path character: a valid path goes out (and nobody answers). */
    assert_int_equal(ck_v2_call(&g_f.client, "/a-Z_0.9~!$&'()*+,;=:@%20", NULL, NULL, NULL, NULL, &res),
                     CK_ERR_OUTCOME_UNKNOWN);
    assert_true(g_f.lb.capture_len > 0u);

    assert_int_equal(ck_v1_3ds_enroll(NULL, &v1, &res), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_v1_3ds_enroll(&g_f.client, &v1, NULL), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_v1_3ds_enroll(&g_f.client, NULL, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "request");
    memset(v1.request_id, 'k', sizeof v1.request_id); /* no NUL in the key buffer */
    assert_int_equal(ck_v1_3ds_enroll(&g_f.client, &v1, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "x-request-id");
    assert_int_equal(ck_v1_request_id_new(NULL, key), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_v1_request_id_new(&g_f.client, NULL), CK_ERR_INVALID_ARG);
    memset(&empty, 0, sizeof empty);
    assert_int_equal(ck_v1_request_id_new(&empty, key), CK_ERR_INVALID_ARG);

    ck_client_close(NULL);
    ck_client_close(&empty); /* never initialised: nothing to do */
}

static void test_contact_without_a_calendar(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n{\"code\":\"SUCCESS\"}")};
    /* 17 years old on the loopback's date: only a platform with a date can refuse it. */
    ck_contact_req r = {"ch1", "+1", "2125551234", "a@b.co", "2010-01-01", "1 Main St", "NYC",
                        "NY", "10001", "US", "1", "x"};
    ck_result res;
    (void)state;

    ck_fix_setup(&g_f, steps, 1, 0u);
    g_f.platform.today = NULL;
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    assert_int_equal(ck_contact_update(&g_f.client, &r, &res), CK_OK);
}

/* ------------------------------------------------------------------------ */
/* The retry policy's arithmetic                                             */
/* ------------------------------------------------------------------------ */

static void test_wait_saturates_and_draws_in_range(void **state)
{
    ck_client_config cfg;
    ck_attempt a;
    uint32_t w = 0;
    unsigned i;
    (void)state;

    ck_fix_setup(&g_f, NULL, 0, 0u);
    memset(&cfg, 0, sizeof cfg);
    memset(&a, 0, sizeof a);
    cfg.platform = &g_f.platform;
    /* A base past half the range: the next step saturates at UINT32_MAX (the cap). */
    cfg.backoff_base_ms = 0x90000000u;
    cfg.backoff_cap_ms = UINT32_MAX;
    for (i = 0; i < 8u; i++) {
        assert_int_equal(ck_retry_wait_ms(&cfg, &a, 3, &w), CK_OK); /* any 32-bit draw is in range */
    }
    cfg.backoff_base_ms = 100;
    cfg.backoff_cap_ms = 250;
    for (i = 0; i < 64u; i++) {
        assert_int_equal(ck_retry_wait_ms(&cfg, &a, 9, &w), CK_OK);
        assert_true(w <= 250u);
        assert_int_equal(ck_retry_wait_ms(&cfg, &a, 2, &w), CK_OK);
        assert_true(w <= 100u);
    }
    a.has_retry_after = true;
    a.retry_after_ms = 7;
    assert_int_equal(ck_retry_wait_ms(&cfg, &a, 2, &w), CK_OK);
    assert_int_equal(w, 7);
    g_f.platform.random = w_random;
    g_bad.random_ok = 0;
    a.has_retry_after = false;
    assert_int_equal(ck_retry_wait_ms(&cfg, &a, 2, &w), CK_ERR_RANDOM);
}

static void test_retry_allowed_table(void **state)
{
    static const struct {
        ck_err err;
        ck_progress progress;
        uint16_t status;
        ck_call_kind kind;
        bool allowed;
    } rows[] = {
        {CK_ERR_CONNECT, CK_PROGRESS_NOT_SENT, 0, CK_CALL_BY_NATURE, true},
        {CK_ERR_TIMEOUT, CK_PROGRESS_NOT_SENT, 0, CK_CALL_BY_NATURE, true},
        {CK_ERR_TRANSPORT, CK_PROGRESS_NOT_SENT, 0, CK_CALL_BY_NATURE, true},
        {CK_ERR_TLS, CK_PROGRESS_NOT_SENT, 0, CK_CALL_BY_NATURE, true},
        {CK_ERR_PEER_CLOSED, CK_PROGRESS_NOT_SENT, 0, CK_CALL_BY_NATURE, true},
        {CK_ERR_TLS_VERIFY, CK_PROGRESS_NOT_SENT, 0, CK_CALL_KEYED, false},
        {CK_ERR_INVALID_ARG, CK_PROGRESS_NOT_SENT, 0, CK_CALL_KEYED, false},
        {CK_ERR_BUFFER_TOO_SMALL, CK_PROGRESS_NOT_SENT, 0, CK_CALL_KEYED, false},
        {CK_ERR_TIMEOUT, CK_PROGRESS_SENT, 0, CK_CALL_BY_NATURE, false},
        {CK_ERR_TIMEOUT, CK_PROGRESS_SENT, 0, CK_CALL_KEYED, true},
        {CK_ERR_HTTP_MALFORMED, CK_PROGRESS_SENT, 0, CK_CALL_BY_NATURE, false},
        {CK_ERR_HTTP_5XX, CK_PROGRESS_ANSWERED, 503, CK_CALL_BY_NATURE, true},
        {CK_ERR_RATE_LIMITED, CK_PROGRESS_ANSWERED, 429, CK_CALL_BY_NATURE, true},
        {CK_ERR_HTTP_5XX, CK_PROGRESS_ANSWERED, 500, CK_CALL_KEYED, false},
        {CK_ERR_HTTP_5XX, CK_PROGRESS_ANSWERED, 502, CK_CALL_KEYED, false},
        {CK_ERR_RESPONSE_TOO_LARGE, CK_PROGRESS_ANSWERED, 200, CK_CALL_KEYED, false},
        /* card apply: 429 is the one answer after which it is sent again */
        {CK_ERR_RATE_LIMITED, CK_PROGRESS_ANSWERED, 429, CK_CALL_ONCE, true},
        {CK_ERR_HTTP_5XX, CK_PROGRESS_ANSWERED, 503, CK_CALL_ONCE, false},
        {CK_ERR_PEER_CLOSED, CK_PROGRESS_SENT, 0, CK_CALL_ONCE, false},
        {CK_ERR_CONNECT, CK_PROGRESS_NOT_SENT, 0, CK_CALL_ONCE, true},
        /* a read changes nothing: a lost answer is asked again */
        {CK_ERR_TIMEOUT, CK_PROGRESS_SENT, 0, CK_CALL_READ, true},
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ck_attempt a;
        memset(&a, 0, sizeof a);
        a.err = rows[i].err;
        a.progress = rows[i].progress;
        a.http_status = rows[i].status;
        a.kind = rows[i].kind;
        assert_int_equal(ck_retry_allowed(&a), rows[i].allowed);
    }
}

/* ------------------------------------------------------------------------ */
/* Parser corners reached through the client                                 */
/* ------------------------------------------------------------------------ */

static void test_connection_chunked_means_nothing(void **state)
{
    ck_result r;
    (void)state;
    r = run_enroll("HTTP/1.1 200 OK\r\nConnection: chunked, keep-alive\r\nContent-Length: 44\r\n\r\n"
                   "{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}");
    assert_int_equal(r.err, CK_OK);
    assert_int_equal(g_f.lb.closes, 0); /* kept alive */
}

static void test_request_id_longer_than_kept(void **state)
{
    ck_result r;
    (void)state;
    r = run_enroll("HTTP/1.1 200 OK\r\nX-Request-Id: 01234567890123456789012345678901234567890123456789012345\r\n"
                   "Content-Length: 44\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}");
    assert_int_equal(r.err, CK_OK);
    assert_string_equal(r.request_id, "");
    assert_true(r.request_id_truncated);
}

static void test_parser_without_request_id_or_consumed(void **state)
{
    static const uint8_t wire[] = "HTTP/1.1 200 OK\r\nX-Request-Id: r1\r\nContent-Length: 2\r\n\r\n{}";
    ck_http_parser p;
    uint8_t body[8];
    (void)state;

    ck_http_parser_init(&p, body, sizeof body, NULL, 0);
    assert_int_equal(ck_http_parser_feed(&p, wire, sizeof wire - 1u, NULL), CK_OK);
    assert_true(p.done);
    assert_int_equal(p.body_len, 2);
    assert_memory_equal(body, "{}", 2);
}

static void test_parser_request_id_buffer_edges(void **state)
{
    static const uint8_t wire[] = "HTTP/1.1 204 No Content\r\n"
                                  "X-Request-Id: 0123456789012345678901234567890123456789012345678901234567\r\n\r\n";
    ck_http_parser p;
    char rid[100];
    uint8_t body[4];
    (void)state;

    /* A caller buffer larger than the parser keeps: the id is flagged, not cut. */
    ck_http_parser_init(&p, body, sizeof body, rid, sizeof rid);
    assert_int_equal(ck_http_parser_feed(&p, wire, sizeof wire - 1u, NULL), CK_OK);
    assert_true(p.done);
    assert_true(p.request_id_truncated);
    assert_string_equal(rid, "");
    /* A buffer of 0 bytes: never written. */
    rid[0] = 'z';
    ck_http_parser_init(&p, body, sizeof body, rid, 0);
    assert_int_equal(ck_http_parser_feed(&p, wire, sizeof wire - 1u, NULL), CK_OK);
    assert_int_equal(rid[0], 'z');
}

static void test_json_getters_on_duplicate_keys(void **state)
{
    static const char text[] = "{\"a\":1,\"a\":2,\"s\":\"x\",\"s\":\"y\"}";
    ck_json_doc doc;
    ck_json_tok toks[16];
    int64_t v = 5;
    bool b = true;
    char out[4] = "q";
    (void)state;

    assert_int_equal(ck_json_parse(&doc, text, sizeof text - 1u, toks, 16), CK_OK);
    assert_int_equal(ck_json_get_int(&doc, 0, "a", &v), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(v, 5);
    assert_int_equal(ck_json_get_bool(&doc, 0, "a", &b), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_string(&doc, 0, "s", out, sizeof out, NULL), CK_ERR_UNEXPECTED_RESPONSE);
    assert_string_equal(out, "");
}

static void test_json_parse_argument_limits(void **state)
{
    ck_json_doc doc;
    ck_json_tok toks[4];
    (void)state;

    assert_int_equal(ck_json_parse(&doc, NULL, 2, toks, 4), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_parse(&doc, "{}", 2, NULL, 4), CK_ERR_INVALID_ARG);
#if SIZE_MAX > 0xFFFFFFFFu
    assert_int_equal(ck_json_parse(&doc, "{}", (size_t)1 << 33, toks, 4), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_parse(&doc, "{}", 2, toks, (size_t)1 << 33), CK_OK); /* capped, not wrapped */
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_send_would_block_then_goes),
        cmocka_unit_test(test_send_reporting_nonsense_is_a_transport_error),
        cmocka_unit_test(test_recv_reporting_nonsense_after_sending),
        cmocka_unit_test(test_connect_uses_the_whole_deadline),
        cmocka_unit_test(test_oversleeping_platform_meets_the_deadline_at_connect),
        cmocka_unit_test(test_clock_that_races_ahead),
        cmocka_unit_test(test_random_failure_stops_the_retries),
        cmocka_unit_test(test_connect_peer_closed_is_retried),
        cmocka_unit_test(test_body_writers_that_misbehave_send_nothing),
        cmocka_unit_test(test_credential_changed_after_init_is_refused),
        cmocka_unit_test(test_error_bodies_of_every_shape),
        cmocka_unit_test(test_success_answers_of_the_wrong_shape),
        cmocka_unit_test(test_apply_with_empty_card_id),
        cmocka_unit_test(test_v1_get_answers_of_the_wrong_shape),
        cmocka_unit_test(test_v1_lost_then_definitive_answer_is_that_answer),
        cmocka_unit_test(test_internal_call_without_decoder_accepts_any_2xx),
        cmocka_unit_test(test_init_null_and_missing_parts),
        cmocka_unit_test(test_init_base_url_edges),
        cmocka_unit_test(test_zero_settings_take_the_defaults),
        cmocka_unit_test(test_api_null_arguments),
        cmocka_unit_test(test_contact_without_a_calendar),
        cmocka_unit_test(test_wait_saturates_and_draws_in_range),
        cmocka_unit_test(test_retry_allowed_table),
        cmocka_unit_test(test_connection_chunked_means_nothing),
        cmocka_unit_test(test_request_id_longer_than_kept),
        cmocka_unit_test(test_parser_without_request_id_or_consumed),
        cmocka_unit_test(test_parser_request_id_buffer_edges),
        cmocka_unit_test(test_json_getters_on_duplicate_keys),
        cmocka_unit_test(test_json_parse_argument_limits),
    };
    return cmocka_run_group_tests_name("coverage_client", tests, NULL, NULL);
}
