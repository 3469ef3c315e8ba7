/**
 * @file test_v2_api.c
 * @brief The four v2 operations and the generic call over the loopback
 * transport: exact request bytes, decoding, error mapping, buffer bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ck_fixture.h"
#include "ck_samples.h"

#define OK_CARD "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: req-7\r\nContent-Length: 56\r\n\r\n" \
                "{\"code\":\"SUCCESS\",\"data\":{\"card_id\":\"card201907021723\"}}"
#define OK_ENROLL "HTTP/1.1 200 OK\r\nContent-Length: 44\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}"
#define OK_PLAIN "HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n{\"code\":\"SUCCESS\"}"

static const char *const head_fmt =
    "POST /card/issuance%s HTTP/1.1\r\n"
    "Host: issuer.test\r\n"
    "User-Agent: cardkit/" CK_VERSION_STRING "\r\n"
    "Accept: application/json\r\n"
    "Content-Type: application/json\r\n"
    "Authorization: Bearer " CK_FIX_TOKEN "\r\n"
    "x-api-key: " CK_FIX_API_KEY "\r\n"
    "Content-Length: %zu\r\n"
    "Connection: keep-alive\r\n"
    "\r\n"
    "%s";

/** @brief Assert the fixture sent exactly one request: head for @p path and @p body. */
static void assert_request(ck_fixture *f, const char *path, const char *body)
{
    char expect[4096];
    snprintf(expect, sizeof expect, head_fmt, path, strlen(body), body);
    assert_string_equal(ck_fix_sent(f), expect);
}



static void test_apply_exact_request_and_card_id(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_CARD)};
    static ck_fixture f;
    ck_card_apply_req r = ck_sample_card();
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 1000u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_OK);
    assert_request(&f, CK_V2_PATH_CARD_APPLY,
                   "{\"card_product_code\":\"T1FBXO\",\"remark\":\"Marketing Team - John Doe\","
                   "\"transaction_amount_limit\":\"500.00\",\"daily_limit\":\"2000.00\","
                   "\"weekly_limit\":\"8000.00\",\"monthly_limit\":\"30000.00\","
                   "\"lifetime_limit\":\"200000.00\","
                   "\"budget_id\":\"ci202008281528472924\",\"cardholder_id\":\"273555991139442689\","
                   "\"apply_coupon\":true}");
    assert_string_equal(resp.card_id, "card201907021723");
    assert_int_equal(res.err, CK_OK);
    assert_int_equal(res.http_status, 200);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(res.progress, CK_PROGRESS_ANSWERED);
    assert_string_equal(res.api_code, "SUCCESS");
    assert_string_equal(res.request_id, "req-7");
    assert_int_equal(res.request_bytes, f.lb.capture_len);
    assert_int_equal(res.response_bytes, 56);
    assert_int_equal(res.tokens_used, 7);
    assert_true(ck_fix_buffers_wiped(&f));
    assert_true(ck_fix_canaries_ok(&f));
    assert_true(ck_loopback_done(&f.lb));
    assert_string_equal(f.lb.last_host, "issuer.test");
    assert_int_equal(f.lb.last_port, 443);
}

static void test_apply_optional_fields_left_out(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_CARD)};
    static ck_fixture f;
    ck_card_apply_req r;
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    memset(&r, 0, sizeof r);
    r.card_product_code = "T1FBXO";
    r.apply_coupon = false;
    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_OK);
    assert_request(&f, CK_V2_PATH_CARD_APPLY, "{\"card_product_code\":\"T1FBXO\",\"apply_coupon\":false}");
}

static void test_apply_remark_escaped(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_CARD)};
    static ck_fixture f;
    ck_card_apply_req r;
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    memset(&r, 0, sizeof r);
    r.card_product_code = "T1FBXO";
    r.remark = "Kiosk \"A\\B\"\n\t\x01 caf\xc3\xa9 \xe2\x82\xac";
    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_OK);
    assert_request(&f, CK_V2_PATH_CARD_APPLY,
                   "{\"card_product_code\":\"T1FBXO\",\"remark\":\"Kiosk \\\"A\\\\B\\\"\\n\\t\\u0001 caf\xc3\xa9 \xe2\x82\xac\","
                   "\"apply_coupon\":false}");
}

static void test_apply_invalid_field_sends_nothing(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_CARD)};
    static ck_fixture f;
    ck_card_apply_req r = ck_sample_card();
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    r.daily_limit = "100.00"; /* below the transaction limit */
    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "daily_limit");
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    assert_int_equal(f.lb.connects, 0);
    assert_int_equal(f.lb.capture_len, 0);
}

static void test_apply_code_not_success_is_api_failure(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(
        "HTTP/1.1 200 OK\r\nContent-Length: 52\r\n\r\n{\"code\":\"INSUFFICIENT_BALANCE\",\"message\":\"no funds\"}")};
    static ck_fixture f;
    ck_card_apply_req r = ck_sample_card();
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_ERR_API_FAILURE);
    assert_string_equal(res.api_code, "INSUFFICIENT_BALANCE");
    assert_string_equal(res.api_message, "no funds");
    assert_string_equal(resp.card_id, "");
}

static void test_apply_missing_card_id_is_unexpected(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(
        "HTTP/1.1 200 OK\r\nContent-Length: 28\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{}}")};
    static ck_fixture f;
    ck_card_apply_req r = ck_sample_card();
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_ERR_OUTCOME_UNKNOWN);
    CK_ASSERT_MAYBE(res, CK_ERR_UNEXPECTED_RESPONSE); /* a card may exist without its id */
    assert_int_equal(res.progress, CK_PROGRESS_ANSWERED);
}

static void test_apply_card_id_too_long(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(
        "HTTP/1.1 200 OK\r\nContent-Length: 90\r\n\r\n"
        "{\"code\":\"SUCCESS\",\"data\":{\"card_id\":\"card0123456789012345678901234567890123456789012345\"}}")};
    static ck_fixture f;
    ck_card_apply_req r = ck_sample_card();
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_ERR_OUTCOME_UNKNOWN);
    CK_ASSERT_MAYBE(res, CK_ERR_BUFFER_TOO_SMALL);
    assert_string_equal(resp.card_id, "");
}

static void test_enroll_exact_request_and_success(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_3ds_req r = {"card201907021723076245", "273555991139442689"};
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &r, &res), CK_OK);
    assert_request(&f, CK_V2_PATH_3DS_ENROLL,
                   "{\"card_id\":\"card201907021723076245\",\"cardholder_id\":\"273555991139442689\"}");
}

static void test_enroll_is_success_false_fails(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(
        "HTTP/1.1 200 OK\r\nContent-Length: 45\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":false}}")};
    static ck_fixture f;
    ck_3ds_req r = {"card1", "ch1"};
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &r, &res), CK_ERR_API_FAILURE);
    assert_int_equal(res.http_status, 200);
}

static void test_enroll_409_conflict_with_message(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(
        "HTTP/1.1 409 Conflict\r\nContent-Length: 61\r\n\r\n"
        "{\"code\":\"ALREADY_ENROLLED\",\"message\":\"Card already enrolled\"}")};
    static ck_fixture f;
    ck_3ds_req r = {"card1", "ch1"};
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &r, &res), CK_ERR_CONFLICT);
    assert_int_equal(res.http_status, 409);
    assert_string_equal(res.api_code, "ALREADY_ENROLLED");
    assert_string_equal(res.api_message, "Card already enrolled");
    assert_int_equal(res.attempts, 1);
}

static void test_3ds_update_exact_request_and_404(void **state)
{
    static const ck_lb_step steps[] = {
        CK_REPLY("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
    };
    static ck_fixture f;
    ck_3ds_req r = {"card1", "273555991139442690"};
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_update(&f.client, &r, &res), CK_ERR_NOT_FOUND);
    assert_request(&f, CK_V2_PATH_3DS_UPDATE, "{\"card_id\":\"card1\",\"cardholder_id\":\"273555991139442690\"}");
    assert_string_equal(res.api_message, "");
}

static void test_3ds_missing_card_id_sends_nothing(void **state)
{
    static ck_fixture f;
    ck_3ds_req r = {"", "ch1"};
    ck_result res;
    (void)state;

    ck_fix_setup(&f, NULL, 0, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_update(&f.client, &r, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "card_id");
    assert_int_equal(f.lb.capture_len, 0);
}

static void test_contact_exact_request(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_PLAIN)};
    static ck_fixture f;
    ck_contact_req r = ck_sample_contact();
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_contact_update(&f.client, &r, &res), CK_OK);
    assert_request(&f, CK_V2_PATH_CONTACT_UPDATE,
                   "{\"cardholder_id\":\"273555991139442689\",\"call_prefix\":\"+1\",\"mobile\":\"2125551234\","
                   "\"email\":\"john.doe@example.com\",\"date_of_birth\":\"1996-10-31\","
                   "\"address_line\":\"350 Fifth Avenue\",\"city\":\"New York\",\"state\":\"NY\","
                   "\"post_code\":\"10118\",\"country_code\":\"US\",\"security_index\":\"2\","
                   "\"security_answer\":\"Smith\"}");
    assert_true(ck_fix_buffers_wiped(&f));
}

static void test_contact_minor_refused_with_platform_date(void **state)
{
    static ck_fixture f;
    ck_contact_req r = ck_sample_contact();
    ck_result res;
    (void)state;

    r.date_of_birth = "2008-11-23"; /* 17 on the loopback's date, 2026-11-22 */
    ck_fix_setup(&f, NULL, 0, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_contact_update(&f.client, &r, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "date_of_birth");
    assert_int_equal(f.lb.connects, 0);
}

static void test_contact_date_checks_skipped_without_clock(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_PLAIN)};
    static ck_fixture f;
    ck_contact_req r = ck_sample_contact();
    ck_result res;
    (void)state;

    r.date_of_birth = "2030-01-01"; /* future, but the device has no date */
    ck_fix_setup(&f, steps, 1, 0u);
    f.lb.has_today = false;
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_contact_update(&f.client, &r, &res), CK_OK);
}

/**
 * @brief One status line → the error the status maps to (ck_result::cause;
 * err is CK_ERR_OUTCOME_UNKNOWN instead when the status settles nothing).
 */
static ck_err status_to_err(const char *response, size_t len)
{
    static ck_fixture f;
    ck_lb_step step = {CK_LB_REPLY, NULL, 0u, 0u, 0u, CK_OK};
    ck_3ds_req r = {"card1", "ch1"};
    ck_result res;

    step.data = (const uint8_t *)response;
    step.len = len;
    ck_fix_setup(&f, &step, 1, 0u);
    f.cfg.max_attempts = 1;
    assert_int_equal(ck_fix_client(&f), CK_OK);
    ck_3ds_update(&f.client, &r, &res);
    assert_true(ck_fix_canaries_ok(&f));
    assert_int_equal(res.err, res.applied == CK_APPLIED_MAYBE ? CK_ERR_OUTCOME_UNKNOWN : res.cause);
    return res.cause;
}

#define STATUS(s) status_to_err("HTTP/1.1 " s "\r\nContent-Length: 0\r\n\r\n", sizeof("HTTP/1.1 " s "\r\nContent-Length: 0\r\n\r\n") - 1u)

static void test_status_mapping(void **state)
{
    (void)state;
    assert_int_equal(STATUS("400 Bad Request"), CK_ERR_BAD_REQUEST);
    assert_int_equal(STATUS("401 Unauthorized"), CK_ERR_UNAUTHORIZED);
    assert_int_equal(STATUS("403 Forbidden"), CK_ERR_FORBIDDEN);
    assert_int_equal(STATUS("404 Not Found"), CK_ERR_NOT_FOUND);
    assert_int_equal(STATUS("409 Conflict"), CK_ERR_CONFLICT);
    assert_int_equal(STATUS("418 Teapot"), CK_ERR_HTTP_4XX);
    assert_int_equal(STATUS("429 Too Many"), CK_ERR_RATE_LIMITED);
    assert_int_equal(STATUS("500 Oops"), CK_ERR_HTTP_5XX);
    assert_int_equal(STATUS("502 Bad Gateway"), CK_ERR_HTTP_5XX);
    assert_int_equal(STATUS("302 Found"), CK_ERR_HTTP_STATUS);
    assert_int_equal(STATUS("200 OK"), CK_ERR_UNEXPECTED_RESPONSE); /* empty 200 body */
}

static void test_html_error_page_keeps_status(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(
        "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 50\r\n\r\n"
        "<html><body><h1>502 Bad Gateway</h1></body></html>")};
    static ck_fixture f;
    ck_3ds_req r = {"card1", "ch1"};
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &r, &res), CK_ERR_OUTCOME_UNKNOWN);
    CK_ASSERT_MAYBE(res, CK_ERR_HTTP_5XX); /* a gateway says nothing of the upstream */
    assert_int_equal(res.http_status, 502);
    assert_string_equal(res.api_code, "");
}

static void test_numeric_code_copied_as_text(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 55\r\n\r\n"
        "{\"code\":400,\"message\":\"Error Message\",\"status\":\"error\"}")};
    static ck_fixture f;
    ck_3ds_req r = {"card1", "ch1"};
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &r, &res), CK_ERR_BAD_REQUEST);
    assert_string_equal(res.api_code, "400");
    assert_string_equal(res.api_message, "Error Message");
}

static void test_long_message_flagged_not_copied(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 227\r\n\r\n"
        "{\"code\":\"BAD\",\"message\":\"mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm\"}")};
    static ck_fixture f;
    ck_3ds_req r = {"card1", "ch1"};
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &r, &res), CK_ERR_BAD_REQUEST);
    assert_string_equal(res.api_code, "BAD");
    assert_string_equal(res.api_message, "");
    assert_true(res.api_message_truncated);
}

/** @brief Body writer and reader of the generic-call test. */
static ck_err query_body(ck_json_writer *w, const void *ctx)
{
    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "card_id", (const char *)ctx));
    return ck_json_object_end(w);
}

static ck_err query_reply(const ck_json_doc *doc, void *ctx)
{
    int data = -1;
    CK_RETURN_IF_FAILED(ck_json_find(doc, 0, "data", &data));
    if (data < 0) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    return ck_json_get_string(doc, data, "status", (char *)ctx, 16, NULL);
}

static void test_generic_call(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(
        "HTTP/1.1 200 OK\r\nContent-Length: 45\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"status\":\"ACTIVE\"}}")};
    static ck_fixture f;
    char status[16] = "";
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_v2_call(&f.client, "/api/issuing/card/v2/query", query_body, "card1", query_reply, status, &res),
                     CK_OK);
    assert_request(&f, "/api/issuing/card/v2/query", "{\"card_id\":\"card1\"}");
    assert_string_equal(status, "ACTIVE");
}

static void test_generic_call_rejects_bad_path(void **state)
{
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, NULL, 0, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_v2_call(&f.client, "/api/x y", NULL, NULL, NULL, NULL, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "path");
    assert_int_equal(ck_v2_call(&f.client, "/api/x\r\nHost: evil", NULL, NULL, NULL, NULL, &res), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_v2_call(&f.client, "api/x", NULL, NULL, NULL, NULL, &res), CK_ERR_INVALID_ARG);
    assert_int_equal(f.lb.capture_len, 0);
}

static void test_generic_call_empty_body_and_no_code(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_v2_call(&f.client, "/api/issuing/card/v2/ping", NULL, NULL, NULL, NULL, &res), CK_OK);
    assert_request(&f, "/api/issuing/card/v2/ping", "{}");
}

static void test_request_exact_fit_and_one_short(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL), CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_3ds_req r = {"card201907021723076245", "273555991139442689"};
    ck_result res;
    size_t need;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &r, &res), CK_OK);
    need = res.request_bytes;
    assert_int_equal(need, f.lb.capture_len);

    f.cfg.work_buf_size = need;
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_3ds_enroll(&f.client, &r, &res), CK_OK);

    f.cfg.work_buf_size = need - 1u;
    memset(f.g.b.work + need - 1u, 0x5A, 1); /* the byte just past the short buffer */
    assert_int_equal(ck_fix_client(&f), CK_OK);
    f.lb.capture_len = 0;
    assert_int_equal(ck_3ds_enroll(&f.client, &r, &res), CK_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    assert_int_equal(res.request_bytes, need);
    assert_int_equal(f.lb.capture_len, 0);
    assert_int_equal(f.g.b.work[need - 1u], 0x5A);
    assert_true(ck_fix_canaries_ok(&f));
}

static void test_request_larger_than_buffer_sends_nothing(void **state)
{
    static ck_fixture f;
    static char remark[CK_WORK_BUF_SIZE + 16];
    ck_card_apply_req r = ck_sample_card();
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    memset(remark, 'x', sizeof remark - 1u);
    remark[sizeof remark - 1u] = '\0';
    r.remark = remark;
    ck_fix_setup(&f, NULL, 0, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(f.lb.connects, 0);
    assert_true(res.request_bytes > CK_WORK_BUF_SIZE);
    assert_true(ck_fix_canaries_ok(&f));
}

/** @brief A 200 answer whose body is `{"code":"SUCCESS","pad":"xxx..."}` of exactly @p body_len bytes. */
static size_t make_padded(char *out, size_t cap, size_t body_len)
{
    static const char pre[] = "{\"code\":\"SUCCESS\",\"pad\":\"";
    size_t pad = body_len - (sizeof pre - 1u) - 2u;
    int n = snprintf(out, cap, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s", body_len, pre);
    size_t len = (size_t)n;
    memset(out + len, 'p', pad);
    len += pad;
    memcpy(out + len, "\"}", 2);
    return len + 2u;
}

static void test_response_body_exact_fit_and_one_over(void **state)
{
    static char wire[CK_WORK_BUF_SIZE + 128];
    static ck_fixture f;
    ck_lb_step step = {CK_LB_REPLY, (const uint8_t *)wire, 0u, 7u, 0u, CK_OK};
    ck_result res;
    (void)state;

    step.len = make_padded(wire, sizeof wire, CK_WORK_BUF_SIZE);
    ck_fix_setup(&f, &step, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_v2_call(&f.client, "/api/x", NULL, NULL, NULL, NULL, &res), CK_OK);
    assert_int_equal(res.response_bytes, CK_WORK_BUF_SIZE);
    assert_true(ck_fix_canaries_ok(&f));

    step.len = make_padded(wire, sizeof wire, CK_WORK_BUF_SIZE + 1u);
    ck_fix_setup(&f, &step, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_v2_call(&f.client, "/api/x", NULL, NULL, NULL, NULL, &res), CK_ERR_OUTCOME_UNKNOWN);
    CK_ASSERT_MAYBE(res, CK_ERR_RESPONSE_TOO_LARGE);
    assert_int_equal(res.progress, CK_PROGRESS_ANSWERED);
    assert_true(ck_fix_canaries_ok(&f));
    assert_true(ck_fix_buffers_wiped(&f));
}

static void test_tokens_exact_fit_and_one_over(void **state)
{
    /* 1 object + code pair (2) + 6 pairs (12) = 15 tokens; 8 tokens would be too few. */
    static const ck_lb_step steps[] = {
        CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 66\r\n\r\n"
                 "{\"code\":\"SUCCESS\",\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8}"),
        CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 66\r\n\r\n"
                 "{\"code\":\"SUCCESS\",\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8}"),
    };
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 2, 0u);
    f.cfg.token_count = 19; /* object + 9 pairs */
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_v2_call(&f.client, "/api/x", NULL, NULL, NULL, NULL, &res), CK_OK);
    assert_int_equal(res.tokens_used, 19);
    f.cfg.token_count = 18;
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_v2_call(&f.client, "/api/x", NULL, NULL, NULL, NULL, &res), CK_ERR_OUTCOME_UNKNOWN);
    CK_ASSERT_MAYBE(res, CK_ERR_JSON_TOO_MANY_TOKENS);
}

static void test_one_byte_splits(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY_SPLIT(OK_CARD, 1u)};
    static ck_fixture f;
    ck_card_apply_req r = ck_sample_card();
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    f.lb.max_send = 1; /* and one byte per send */
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_OK);
    assert_string_equal(resp.card_id, "card201907021723");
    assert_int_equal(res.request_bytes, f.lb.capture_len);
}

static void test_chunked_answer(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY_SPLIT(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "1a;ext=1\r\n{\"code\":\"SUCCESS\",\"data\":{\r\n"
        "1E\r\n\"card_id\":\"card201907021723\"}}\r\n"
        "0\r\nX-Trailer: t\r\n\r\n", 5u)};
    static ck_fixture f;
    ck_card_apply_req r = ck_sample_card();
    ck_card_apply_resp resp;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_card_apply(&f.client, &r, &resp, &res), CK_OK);
    assert_string_equal(resp.card_id, "card201907021723");
    assert_int_equal(res.response_bytes, 56);
}

static void test_secrets_never_logged(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_PLAIN)};
    static ck_fixture f;
    ck_contact_req r = ck_sample_contact();
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(ck_contact_update(&f.client, &r, &res), CK_OK);
    assert_true(f.log_len > 0);
    assert_true(ck_fix_contains(f.log, f.log_len, "/api/issuing/cardholders/v2/update"));
    assert_false(ck_fix_contains(f.log, f.log_len, CK_FIX_API_KEY));
    assert_false(ck_fix_contains(f.log, f.log_len, CK_FIX_TOKEN));
    assert_false(ck_fix_contains(f.log, f.log_len, "john.doe"));
    assert_false(ck_fix_contains(f.log, f.log_len, "2125551234"));
    assert_false(ck_fix_contains(f.log, f.log_len, "1996-10-31"));
    assert_false(ck_fix_contains(f.log, f.log_len, "Smith"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_apply_exact_request_and_card_id),
        cmocka_unit_test(test_apply_optional_fields_left_out),
        cmocka_unit_test(test_apply_remark_escaped),
        cmocka_unit_test(test_apply_invalid_field_sends_nothing),
        cmocka_unit_test(test_apply_code_not_success_is_api_failure),
        cmocka_unit_test(test_apply_missing_card_id_is_unexpected),
        cmocka_unit_test(test_apply_card_id_too_long),
        cmocka_unit_test(test_enroll_exact_request_and_success),
        cmocka_unit_test(test_enroll_is_success_false_fails),
        cmocka_unit_test(test_enroll_409_conflict_with_message),
        cmocka_unit_test(test_3ds_update_exact_request_and_404),
        cmocka_unit_test(test_3ds_missing_card_id_sends_nothing),
        cmocka_unit_test(test_contact_exact_request),
        cmocka_unit_test(test_contact_minor_refused_with_platform_date),
        cmocka_unit_test(test_contact_date_checks_skipped_without_clock),
        cmocka_unit_test(test_status_mapping),
        cmocka_unit_test(test_html_error_page_keeps_status),
        cmocka_unit_test(test_numeric_code_copied_as_text),
        cmocka_unit_test(test_long_message_flagged_not_copied),
        cmocka_unit_test(test_generic_call),
        cmocka_unit_test(test_generic_call_rejects_bad_path),
        cmocka_unit_test(test_generic_call_empty_body_and_no_code),
        cmocka_unit_test(test_request_exact_fit_and_one_short),
        cmocka_unit_test(test_request_larger_than_buffer_sends_nothing),
        cmocka_unit_test(test_response_body_exact_fit_and_one_over),
        cmocka_unit_test(test_tokens_exact_fit_and_one_over),
        cmocka_unit_test(test_one_byte_splits),
        cmocka_unit_test(test_chunked_answer),
        cmocka_unit_test(test_secrets_never_logged),
    };
    return cmocka_run_group_tests_name("v2_api", tests, NULL, NULL);
}
