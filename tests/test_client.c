/**
 * @file test_client.c
 * @brief Client behaviour over the loopback transport: set-up checks,
 * deadlines, lost answers, the retry policy, keep-alive, wiping.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ck_fixture.h"

#define OK_ENROLL "HTTP/1.1 200 OK\r\nContent-Length: 44\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}"
#define OK_CARD "HTTP/1.1 200 OK\r\nContent-Length: 56\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"card_id\":\"card201907021723\"}}"

static const ck_3ds_req enroll_req = {"card1", "ch1"};

static ck_card_apply_req apply_req(void)
{
    ck_card_apply_req r;
    memset(&r, 0, sizeof r);
    r.card_product_code = "T1FBXO";
    r.cardholder_id = "ch1";
    return r;
}

static void test_init_rejects_bad_base_urls(void **state)
{
    static ck_fixture f;
    static const char *const bad[] = {
        "http://issuer.test", "https://", "https:///x", "https://issuer.test:0", "https://issuer.test:65536",
        "https://issuer.test:x", "https://issuer.test/p?q=1", "https://iss uer.test", "ftp://issuer.test",
        "https://issuer.test/a b", "https://[::1]:443", "https://issuer.test:99999999999",
    };
    size_t i;
    const char *field = NULL;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_fix_setup(&f, NULL, 0, 0u);
        f.cfg.base_url = bad[i];
        assert_int_equal(ck_client_init(&f.client, &f.cfg, &field), CK_ERR_INVALID_ARG);
        assert_string_equal(field, "base_url");
    }
}

static void test_init_parses_port_and_prefix(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL), CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    f.cfg.base_url = "HTTPS://issuer.test:8443/card/issuance//";
    f.cfg.no_keep_alive = true;
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    assert_int_equal(f.lb.last_port, 8443);
    assert_true(ck_fix_contains(f.capture, f.lb.capture_len, "POST /card/issuance/api/issuing/3ds/v2/enroll HTTP/1.1\r\n"));
    assert_true(ck_fix_contains(f.capture, f.lb.capture_len, "Host: issuer.test:8443\r\n"));
    assert_true(ck_fix_contains(f.capture, f.lb.capture_len, "Connection: close\r\n"));

    f.cfg.base_url = "https://10.0.0.7:9000";
    f.lb.capture_len = 0;
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    assert_string_equal(f.lb.last_host, "10.0.0.7");
    assert_true(ck_fix_contains(f.capture, f.lb.capture_len, "POST /api/issuing/3ds/v2/enroll HTTP/1.1\r\n"));
    assert_true(ck_fix_contains(f.capture, f.lb.capture_len, "Host: 10.0.0.7:9000\r\n"));
}

static void test_init_rejects_header_injection_in_credentials(void **state)
{
    static ck_fixture f;
    const char *field = NULL;
    (void)state;

    ck_fix_setup(&f, NULL, 0, 0u);
    f.cfg.api_key = "key\r\nX-Evil: 1";
    assert_int_equal(ck_client_init(&f.client, &f.cfg, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "api_key");
    ck_fix_setup(&f, NULL, 0, 0u);
    f.cfg.access_token = "tok\n";
    assert_int_equal(ck_client_init(&f.client, &f.cfg, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "access_token");
    ck_fix_setup(&f, NULL, 0, 0u);
    f.cfg.api_key = "";
    assert_int_equal(ck_client_init(&f.client, &f.cfg, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "api_key");
}

static void test_init_rejects_missing_parts_and_small_buffers(void **state)
{
    static ck_fixture f;
    const char *field = NULL;
    (void)state;

    ck_fix_setup(&f, NULL, 0, 0u);
    f.cfg.transport = NULL;
    assert_int_equal(ck_client_init(&f.client, &f.cfg, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "transport");
    ck_fix_setup(&f, NULL, 0, 0u);
    f.cfg.platform = NULL;
    assert_int_equal(ck_client_init(&f.client, &f.cfg, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "platform");
    ck_fix_setup(&f, NULL, 0, 0u);
    f.cfg.work_buf_size = 255;
    assert_int_equal(ck_client_init(&f.client, &f.cfg, &field), CK_ERR_BUFFER_TOO_SMALL);
    assert_string_equal(field, "work_buf");
    ck_fix_setup(&f, NULL, 0, 0u);
    f.cfg.token_count = 7;
    assert_int_equal(ck_client_init(&f.client, &f.cfg, &field), CK_ERR_BUFFER_TOO_SMALL);
    assert_string_equal(field, "tokens");
}

static void test_insecure_transport_refused_unless_allowed(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    const char *field = NULL;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    f.transport.secure = false;
    assert_int_equal(ck_client_init(&f.client, &f.cfg, &field), CK_ERR_INSECURE_TRANSPORT);
    assert_string_equal(field, "transport");
    f.cfg.allow_insecure_transport = true;
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    /* Every call over it says so in the log. */
    assert_true(ck_fix_contains(f.log, f.log_len, "4 POST issuer.test/api/issuing/3ds/v2/enroll"));
}

static void test_v2_without_token_sends_nothing(void **state)
{
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, NULL, 0, 0u);
    f.cfg.access_token = NULL;
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "access_token");
    assert_int_equal(f.lb.connects, 0);
}

static void test_connect_failure_retried_then_ok(void **state)
{
    static const ck_lb_step steps[] = {CK_CONNECT_FAIL(CK_ERR_CONNECT), CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    assert_int_equal(res.attempts, 2);
    assert_true(f.lb.slept_ms <= CK_DEFAULT_BACKOFF_BASE_MS);
    assert_true(ck_fix_contains(f.log, f.log_len, "2 POST issuer.test/api/issuing/3ds/v2/enroll 0 CK_ERR_CONNECT"));
}

static void test_connect_failure_exhausts_attempts(void **state)
{
    static const ck_lb_step steps[] = {
        CK_CONNECT_FAIL(CK_ERR_CONNECT), CK_CONNECT_FAIL(CK_ERR_CONNECT), CK_CONNECT_FAIL(CK_ERR_CONNECT)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 3, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_ERR_CONNECT);
    assert_int_equal(res.attempts, 3);
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    assert_true(ck_loopback_done(&f.lb));
    assert_true(f.lb.slept_ms <= CK_DEFAULT_BACKOFF_BASE_MS + 2u * CK_DEFAULT_BACKOFF_BASE_MS);
}

static void test_tls_verify_failure_not_retried(void **state)
{
    static const ck_lb_step steps[] = {CK_CONNECT_FAIL(CK_ERR_TLS_VERIFY)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_ERR_TLS_VERIFY);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(f.lb.capture_len, 0);
}

static void test_connect_stall_bounded_by_deadline(void **state)
{
    static const ck_lb_step steps[] = {CK_CONNECT_STALL(60000u)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    f.cfg.timeout_ms = 2000;
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_ERR_TIMEOUT);
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    assert_int_equal(res.elapsed_ms, 2000);
}

static void test_apply_answer_lost_is_outcome_unknown_never_resent(void **state)
{
    static const ck_lb_step steps[] = {CK_EOF(), CK_REPLY(OK_CARD)};
    static ck_fixture f;
    ck_card_apply_req r = apply_req();
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_PEER_CLOSED);
    assert_int_equal(res.progress, CK_PROGRESS_SENT);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(f.lb.connects, 1);
    assert_true(ck_fix_buffers_wiped(&f));
}

static void test_stall_after_send_times_out_as_outcome_unknown(void **state)
{
    static const ck_lb_step steps[] = {CK_STALL(100000u)};
    static ck_fixture f;
    ck_card_apply_req r = apply_req();
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, UINT32_MAX - 500u); /* the clock wraps during the call */
    f.cfg.timeout_ms = 3000;
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_TIMEOUT);
    assert_int_equal(res.elapsed_ms, 3000);
}

static void test_stall_mid_body_is_outcome_unknown(void **state)
{
    static const ck_lb_step steps[] = {
        CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 56\r\n\r\n{\"code\":\"SUCC"), CK_STALL(100000u)};
    static ck_fixture f;
    ck_card_apply_req r = apply_req();
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    f.cfg.timeout_ms = 1000;
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_TIMEOUT);
    assert_int_equal(res.http_status, 200);
    assert_int_equal(res.progress, CK_PROGRESS_SENT);
}

static void test_eof_mid_body_is_outcome_unknown(void **state)
{
    static const ck_lb_step steps[] = {
        CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 56\r\n\r\n{\"code\":\"SUCC"), CK_EOF()};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_PEER_CLOSED);
}

static void test_send_failure_before_any_byte_is_retried(void **state)
{
    static const ck_lb_step steps[] = {CK_SEND_FAIL(0u, CK_ERR_TRANSPORT), CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    assert_int_equal(res.attempts, 2);
    assert_int_equal(f.lb.connects, 2);
}

static void test_partial_send_is_outcome_unknown(void **state)
{
    static const ck_lb_step steps[] = {CK_SEND_FAIL(10u, CK_ERR_TRANSPORT), CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_TRANSPORT);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(f.lb.capture_len, 10);
}

static void test_503_retry_after_honoured(void **state)
{
    static const ck_lb_step steps[] = {
        CK_REPLY("HTTP/1.1 503 Busy\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n"), CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    assert_int_equal(res.attempts, 2);
    assert_int_equal(f.lb.slept_ms, 2000);
    assert_int_equal(f.lb.connects, 1); /* the 503 kept the connection alive */
}

static void test_retry_after_capped_and_bounded_by_deadline(void **state)
{
    static const ck_lb_step steps[] = {
        CK_REPLY("HTTP/1.1 429 Slow down\r\nRetry-After: 3600\r\nContent-Length: 0\r\n\r\n"), CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    f.cfg.timeout_ms = 4000; /* the capped wait (5 s) does not fit: no second attempt */
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_ERR_RATE_LIMITED);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(f.lb.slept_ms, 0);
}

static void test_keep_alive_reuses_connection(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL), CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    assert_int_equal(f.lb.connects, 1);
    ck_client_close(&f.client);
    assert_int_equal(f.lb.closes, 1);
}

static void test_connection_close_header_reconnects(void **state)
{
    static const ck_lb_step steps[] = {
        CK_REPLY("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 44\r\n\r\n"
                 "{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}"),
        CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    assert_int_equal(f.lb.connects, 2);
}

static void test_stale_keep_alive_detected_before_sending(void **state)
{
    /* The server closed the idle connection: the probe sees EOF and the
     * apply goes out on a fresh connection instead of being lost. */
    static const ck_lb_step steps[] = {CK_REPLY(OK_CARD), CK_EOF(), CK_REPLY(OK_CARD)};
    static ck_fixture f;
    ck_card_apply_req r = apply_req();
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 3, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_OK);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(f.lb.connects, 2);
}

static void test_idle_connection_not_reused(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL), CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    f.lb.now_ms += CK_KEEPALIVE_IDLE_MS + 1u;
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    assert_int_equal(f.lb.connects, 2);
}

static void test_continue_before_answer(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY("HTTP/1.1 100 Continue\r\n\r\n" OK_ENROLL)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    assert_int_equal(res.http_status, 200);
}

static void test_hostile_framing_typed_and_buffers_safe(void **state)
{
    static const struct {
        const char *wire;
        ck_err err;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", CK_ERR_HTTP_LENGTH_CONFLICT},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n12345", CK_ERR_HTTP_LENGTH_CONFLICT},
        {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", CK_ERR_HTTP_BAD_LENGTH},
        {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", CK_ERR_HTTP_BAD_LENGTH},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n", CK_ERR_HTTP_BAD_CHUNK},
        {"HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n", CK_ERR_HTTP_OBS_FOLD},
        {"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", CK_ERR_RESPONSE_TOO_LARGE},
        {"SSH-2.0-OpenSSH_9.2\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"code\":\"S\"", CK_ERR_JSON_MALFORMED},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n[1,2]", CK_ERR_JSON_MALFORMED},
    };
    static ck_fixture f;
    size_t i;
    ck_result res;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_lb_step step = {CK_LB_REPLY, NULL, 0u, 3u, 0u, CK_OK};
        step.data = (const uint8_t *)cases[i].wire;
        step.len = strlen(cases[i].wire);
        ck_fix_setup(&f, &step, 1, 0u);
        assert_int_equal(ck_fix_client(&f), CK_OK);
        ck_3ds_enroll(&f.client, &enroll_req, &res);
        /* Sent, and no answer that can be read: it may have been applied. */
        assert_int_equal(res.err, CK_ERR_OUTCOME_UNKNOWN);
        assert_int_equal(res.applied, CK_APPLIED_MAYBE);
        assert_int_equal(res.cause, cases[i].err);
        assert_int_equal(res.attempts, 1);
        assert_true(ck_fix_canaries_ok(&f));
        assert_true(ck_fix_buffers_wiped(&f));
    }
}

static void test_buffers_wiped_after_every_outcome(void **state)
{
    static const ck_lb_step ok[] = {CK_REPLY(OK_ENROLL)};
    static const ck_lb_step lost[] = {CK_EOF()};
    static const ck_lb_step refused[] = {CK_REPLY("HTTP/1.1 401 No\r\nContent-Length: 2\r\n\r\n{}")};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, ok, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_OK);
    assert_true(ck_fix_buffers_wiped(&f));
    ck_fix_setup(&f, lost, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_true(ck_fix_buffers_wiped(&f));
    ck_fix_setup(&f, refused, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &enroll_req, &res), CK_ERR_UNAUTHORIZED);
    assert_true(ck_fix_buffers_wiped(&f));
    /* The credentials went out on the wire, and nowhere else. */
    assert_true(ck_fix_contains(f.capture, f.lb.capture_len, CK_FIX_TOKEN));
    assert_false(ck_fix_contains(&f.g.b, sizeof f.g.b, CK_FIX_TOKEN));
}

static void test_strerror_names(void **state)
{
    (void)state;
    assert_string_equal(ck_strerror(CK_OK), "CK_OK");
    assert_string_equal(ck_strerror(CK_ERR_OUTCOME_UNKNOWN), "CK_ERR_OUTCOME_UNKNOWN");
    assert_string_equal(ck_strerror(CK_ERR_TLS_VERIFY), "CK_ERR_TLS_VERIFY");
    assert_string_equal(ck_strerror(CK_ERR_HTTP_OBS_FOLD), "CK_ERR_HTTP_OBS_FOLD");
    /* Values no error has (kept within one byte: arm-none-eabi packs enums). */
    assert_string_equal(ck_strerror((ck_err)99), "CK_ERR_UNKNOWN");
    assert_string_equal(ck_strerror((ck_err)5), "CK_ERR_UNKNOWN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects_bad_base_urls),
        cmocka_unit_test(test_init_parses_port_and_prefix),
        cmocka_unit_test(test_init_rejects_header_injection_in_credentials),
        cmocka_unit_test(test_init_rejects_missing_parts_and_small_buffers),
        cmocka_unit_test(test_insecure_transport_refused_unless_allowed),
        cmocka_unit_test(test_v2_without_token_sends_nothing),
        cmocka_unit_test(test_connect_failure_retried_then_ok),
        cmocka_unit_test(test_connect_failure_exhausts_attempts),
        cmocka_unit_test(test_tls_verify_failure_not_retried),
        cmocka_unit_test(test_connect_stall_bounded_by_deadline),
        cmocka_unit_test(test_apply_answer_lost_is_outcome_unknown_never_resent),
        cmocka_unit_test(test_stall_after_send_times_out_as_outcome_unknown),
        cmocka_unit_test(test_stall_mid_body_is_outcome_unknown),
        cmocka_unit_test(test_eof_mid_body_is_outcome_unknown),
        cmocka_unit_test(test_send_failure_before_any_byte_is_retried),
        cmocka_unit_test(test_partial_send_is_outcome_unknown),
        cmocka_unit_test(test_503_retry_after_honoured),
        cmocka_unit_test(test_retry_after_capped_and_bounded_by_deadline),
        cmocka_unit_test(test_keep_alive_reuses_connection),
        cmocka_unit_test(test_connection_close_header_reconnects),
        cmocka_unit_test(test_stale_keep_alive_detected_before_sending),
        cmocka_unit_test(test_idle_connection_not_reused),
        cmocka_unit_test(test_continue_before_answer),
        cmocka_unit_test(test_hostile_framing_typed_and_buffers_safe),
        cmocka_unit_test(test_buffers_wiped_after_every_outcome),
        cmocka_unit_test(test_strerror_names),
    };
    return cmocka_run_group_tests_name("client", tests, NULL, NULL);
}
