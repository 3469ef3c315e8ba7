/**
 * @file test_v1_api.c
 * @brief The v1 3DS program API over the loopback transport: exact request
 * bytes of the four methods, header checks, the GET array, error bodies,
 * idempotency keys and resending with the same key.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ck_fixture.h"

#define V1_BASE "https://sandbox.issuer.test"
#define KEY "0b7c2a1e-5f6d-4c3b-9a8e-7d6c5b4a3f21"

#define OK_ENROLL \
    "HTTP/1.1 200 OK\r\nContent-Length: 80\r\n\r\n" \
    "{\"status\":\"Success\",\"message\":\"3DS enrollment successful.\",\"code\":200,\"data\":[]}"

static void v1_setup(ck_fixture *f, const ck_lb_step *steps, size_t n, ck_v1_req *req)
{
    ck_fix_setup(f, steps, n, 0u);
    f->cfg.base_url = V1_BASE;
    assert_int_equal(ck_fix_client(f), CK_OK);
    memset(req, 0, sizeof *req);
    req->product_id = "prod-1";
    req->cardholder_id = "ch-1";
    req->wallet_id = "w-1";
    req->card_id = "card-1";
    req->otp = CK_OTP_EMAIL;
    memcpy(req->request_id, KEY, sizeof KEY);
}

static void assert_v1_request(ck_fixture *f, const char *method, const char *extra_headers, const char *body)
{
    char length[40] = "";
    char expect[2048];

    if (body != NULL) {
        snprintf(length, sizeof length, "Content-Length: %zu\r\n", strlen(body));
    }
    snprintf(expect, sizeof expect,
             "%s /issuing/api/v1/card/3DS HTTP/1.1\r\nHost: sandbox.issuer.test\r\n"
             "User-Agent: cardkit/" CK_VERSION_STRING "\r\n"
             "x-api-key: " CK_FIX_API_KEY "\r\nx-product-id: prod-1\r\nx-cardholder-id: ch-1\r\n"
             "x-wallet-id: w-1\r\nx-card-id: card-1\r\n%sx-request-id: " KEY "\r\n"
             "Content-Type: application/json\r\nAuthorization: Bearer " CK_FIX_TOKEN "\r\n"
             "%sConnection: keep-alive\r\n\r\n%s",
             method, extra_headers, length, body != NULL ? body : "");
    assert_string_equal(ck_fix_sent(f), expect);
}

static void test_enroll_exact_bytes(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_v1_req req;
    ck_result res;
    (void)state;

    v1_setup(&f, steps, 1, &req);
    req.client_id = "client-9";
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_OK);
    assert_v1_request(&f, "POST", "x-client-id: client-9\r\n", "{\"otp_delivery_method\":\"EMAIL\"}");
    assert_string_equal(res.api_code, "200");
    assert_string_equal(res.api_message, "3DS enrollment successful.");
    assert_true(ck_fix_buffers_wiped(&f));
}

static void test_update_exact_bytes(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_v1_req req;
    ck_result res;
    (void)state;

    v1_setup(&f, steps, 1, &req);
    req.otp = CK_OTP_SMS;
    assert_int_equal(ck_v1_3ds_update(&f.client, &req, &res), CK_OK);
    assert_v1_request(&f, "PATCH", "", "{\"otp_delivery_method\":\"SMS\"}");
}

static void test_unenroll_and_get_send_no_body(void **state)
{
    static const ck_lb_step steps[] = {
        CK_REPLY(OK_ENROLL),
        CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 41\r\n\r\n{\"status\":\"Success\",\"code\":200,\"data\":[]}"),
    };
    static ck_fixture f;
    ck_v1_req req;
    ck_result res;
    size_t count = 99;
    (void)state;

    v1_setup(&f, steps, 2, &req);
    req.otp = CK_OTP_NONE;
    assert_int_equal(ck_v1_3ds_unenroll(&f.client, &req, &res), CK_OK);
    assert_v1_request(&f, "DELETE", "", NULL);
    f.lb.capture_len = 0;
    assert_int_equal(ck_v1_3ds_get(&f.client, &req, NULL, 0, &count, &res), CK_OK);
    assert_v1_request(&f, "GET", "", NULL);
    assert_int_equal(count, 0);
}

static void test_no_token_no_authorization(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_v1_req req;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    f.cfg.base_url = V1_BASE;
    f.cfg.access_token = "";
    assert_int_equal(ck_fix_client(&f), CK_OK);
    memset(&req, 0, sizeof req);
    req.product_id = "p";
    req.cardholder_id = "c";
    req.wallet_id = "w";
    req.card_id = "k";
    req.otp = CK_OTP_SMS;
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_OK);
    assert_false(ck_fix_contains(f.capture, f.lb.capture_len, "Authorization"));
}

static void test_header_injection_refused(void **state)
{
    static ck_fixture f;
    ck_v1_req req;
    ck_result res;
    (void)state;

    v1_setup(&f, NULL, 0, &req);
    req.card_id = "card-1\r\nx-evil: 1";
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "x-card-id");
    req.card_id = "card-1";
    req.wallet_id = "w\n";
    assert_int_equal(ck_v1_3ds_get(&f.client, &req, NULL, 0, NULL, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "x-wallet-id");
    req.wallet_id = "w-1";
    req.client_id = "c\x01";
    assert_int_equal(ck_v1_3ds_unenroll(&f.client, &req, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "x-client-id");
    req.client_id = NULL;
    req.product_id = "";
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "x-product-id");
    req.product_id = "prod-1";
    memcpy(req.request_id, "k\r\n", 4);
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "x-request-id");
    assert_int_equal(f.lb.connects, 0);
    assert_int_equal(f.lb.capture_len, 0);
}

static void test_otp_method_checked(void **state)
{
    static ck_fixture f;
    ck_v1_req req;
    ck_result res;
    (void)state;

    v1_setup(&f, NULL, 0, &req);
    req.otp = CK_OTP_NONE;
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_ERR_INVALID_ARG);
    assert_string_equal(res.field, "otp_delivery_method");
    req.otp = (ck_otp_method)7;
    assert_int_equal(ck_v1_3ds_update(&f.client, &req, &res), CK_ERR_INVALID_ARG);
    assert_int_equal(f.lb.capture_len, 0);
}

static void test_get_entries(void **state)
{
    static const ck_lb_step steps[] = {
        CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 171\r\n\r\n"
                 "{\"status\":\"Success\",\"message\":\"Enroll 3DS details fetched successfully.\",\"code\":200,"
                 "\"data\":[{\"otp_delivery_method\":\"SMS\",\"destination\":\"+628000110022\",\"status\":\"ACTIVE\"}]}"),
        CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 260\r\n\r\n"
                 "{\"status\":\"Success\",\"code\":200,\"data\":["
                 "{\"otp_delivery_method\":\"SMS\",\"destination\":\"+628000110022\",\"status\":\"ACTIVE\"},"
                 "{\"otp_delivery_method\":\"EMAIL\",\"destination\":\"a@b.co\",\"status\":\"INACTIVE\"},"
                 "{\"otp_delivery_method\":\"SMS\",\"destination\":\"+1\",\"status\":\"ACTIVE\"}]}"),
        CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 260\r\n\r\n"
                 "{\"status\":\"Success\",\"code\":200,\"data\":["
                 "{\"otp_delivery_method\":\"SMS\",\"destination\":\"+628000110022\",\"status\":\"ACTIVE\"},"
                 "{\"otp_delivery_method\":\"EMAIL\",\"destination\":\"a@b.co\",\"status\":\"INACTIVE\"},"
                 "{\"otp_delivery_method\":\"SMS\",\"destination\":\"+1\",\"status\":\"ACTIVE\"}]}"),
    };
    static ck_fixture f;
    ck_v1_req req;
    ck_v1_3ds_entry e[3];
    ck_result res;
    size_t count = 0;
    (void)state;

    v1_setup(&f, steps, 3, &req);
    assert_int_equal(ck_v1_3ds_get(&f.client, &req, e, 3, &count, &res), CK_OK);
    assert_int_equal(count, 1);
    assert_string_equal(e[0].otp_delivery_method, "SMS");
    assert_string_equal(e[0].destination, "+628000110022");
    assert_string_equal(e[0].status, "ACTIVE");

    assert_int_equal(ck_v1_3ds_get(&f.client, &req, e, 3, &count, &res), CK_OK);
    assert_int_equal(count, 3);
    assert_string_equal(e[1].otp_delivery_method, "EMAIL");
    assert_string_equal(e[1].destination, "a@b.co");
    assert_string_equal(e[1].status, "INACTIVE");
    assert_string_equal(e[2].destination, "+1");

    /* More entries than the array holds: an error, never a silent drop. */
    memset(e, 0, sizeof e);
    assert_int_equal(ck_v1_3ds_get(&f.client, &req, e, 2, &count, &res), CK_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(count, 3);
    assert_string_equal(e[1].destination, "a@b.co");
    assert_string_equal(e[2].destination, "");
}

static void test_error_body_and_status(void **state)
{
    static const ck_lb_step steps[] = {
        CK_REPLY("HTTP/1.1 409 Conflict\r\nContent-Length: 49\r\n\r\n{\"code\":409,\"message\":\"Already\",\"status\":\"error\"}"),
        CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"code\":400,\"message\":\"Bad card\",\"status\":\"error\"}"),
    };
    static ck_fixture f;
    ck_v1_req req;
    ck_result res;
    (void)state;

    v1_setup(&f, steps, 2, &req);
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_ERR_CONFLICT);
    assert_string_equal(res.api_code, "409");
    assert_string_equal(res.api_message, "Already");
    /* A 200 that says "error" is a failure. */
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_ERR_API_FAILURE);
    assert_string_equal(res.api_message, "Bad card");
}

static void test_generated_key_is_uuid4_and_kept(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_v1_req req;
    ck_result res;
    char line[64];
    size_t i;
    (void)state;

    v1_setup(&f, steps, 1, &req);
    req.request_id[0] = '\0';
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_OK);
    assert_int_equal(strlen(req.request_id), 36);
    for (i = 0; i < 36u; i++) {
        char c = req.request_id[i];
        if (i == 8u || i == 13u || i == 18u || i == 23u) {
            assert_int_equal(c, '-');
        } else {
            assert_true((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        }
    }
    assert_int_equal(req.request_id[14], '4');
    assert_true(strchr("89ab", req.request_id[19]) != NULL);
    snprintf(line, sizeof line, "x-request-id: %s\r\n", req.request_id);
    assert_true(ck_fix_contains(f.capture, f.lb.capture_len, line));
}

static void test_request_id_new_differs(void **state)
{
    static ck_fixture f;
    ck_v1_req req;
    char a[CK_V1_REQUEST_ID_SIZE];
    char b[CK_V1_REQUEST_ID_SIZE];
    (void)state;

    v1_setup(&f, NULL, 0, &req);
    assert_int_equal(ck_v1_request_id_new(&f.client, a), CK_OK);
    assert_int_equal(ck_v1_request_id_new(&f.client, b), CK_OK);
    assert_string_not_equal(a, b);
    assert_int_equal(ck_v1_request_id_new(NULL, a), CK_ERR_INVALID_ARG);
}

/** @brief Count the times @p needle occurs in the capture. */
static unsigned count_in_capture(const ck_fixture *f, const char *needle)
{
    size_t n = strlen(needle);
    unsigned hits = 0;
    size_t i;
    for (i = 0; i + n <= f->lb.capture_len; i++) {
        if (memcmp(f->capture + i, needle, n) == 0) {
            hits++;
        }
    }
    return hits;
}

static void test_lost_answer_resent_with_same_key(void **state)
{
    /* Two answers lost (EOF, then a reset), the third arrives. */
    static const ck_lb_step steps[] = {CK_EOF(), CK_RECV_FAIL(CK_ERR_TRANSPORT), CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    ck_v1_req req;
    ck_result res;
    char line[64];
    (void)state;

    v1_setup(&f, steps, 3, &req);
    req.request_id[0] = '\0'; /* made once, before the first attempt */
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_OK);
    assert_int_equal(res.attempts, 3);
    assert_int_equal(f.lb.connects, 3);
    snprintf(line, sizeof line, "x-request-id: %s\r\n", req.request_id);
    assert_int_equal(count_in_capture(&f, line), 3);
    assert_int_equal(count_in_capture(&f, "x-request-id: "), 3);
    assert_true(f.lb.slept_ms > 0u || res.elapsed_ms == 0u);
}

static void test_lost_answer_gives_up_inside_deadline(void **state)
{
    static const ck_lb_step steps[] = {CK_EOF(), CK_EOF(), CK_EOF()};
    static ck_fixture f;
    ck_v1_req req;
    ck_result res;
    (void)state;

    v1_setup(&f, steps, 3, &req);
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_PEER_CLOSED);
    assert_int_equal(res.attempts, 3);
    assert_int_equal(count_in_capture(&f, "x-request-id: " KEY "\r\n"), 3);
    assert_true(res.elapsed_ms <= CK_DEFAULT_TIMEOUT_MS);
}

static void test_lost_answer_then_no_connection_is_outcome_unknown(void **state)
{
    /* Attempt 1 is sent and its answer lost; the resends cannot connect.
     * The enroll may have been applied: that, not "not sent", is the outcome. */
    static const ck_lb_step steps[] = {CK_EOF(), CK_CONNECT_FAIL(CK_ERR_CONNECT), CK_CONNECT_FAIL(CK_ERR_CONNECT)};
    static ck_fixture f;
    ck_v1_req req;
    ck_result res;
    (void)state;

    v1_setup(&f, steps, 3, &req);
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.applied, CK_APPLIED_MAYBE);
    assert_int_equal(res.progress, CK_PROGRESS_SENT);
    assert_int_equal(res.cause, CK_ERR_CONNECT);
    assert_int_equal(res.attempts, 3);
}

static void test_power_cut_replay_uses_stored_key(void **state)
{
    /* Boot 1: the key is made and stored before sending; the answer never
     * comes (the kiosk loses power). Boot 2: the stored key is replayed. */
    static const ck_lb_step boot1[] = {CK_STALL(1000000u)};
    static const ck_lb_step boot2[] = {CK_REPLY(OK_ENROLL)};
    static ck_fixture f;
    static char nvs[CK_V1_REQUEST_ID_SIZE];
    ck_v1_req req;
    ck_result res;
    char line[64];
    (void)state;

    v1_setup(&f, boot1, 1, &req);
    f.client.cfg.timeout_ms = 1000;
    assert_int_equal(ck_v1_request_id_new(&f.client, nvs), CK_OK); /* written to NVS first */
    memcpy(req.request_id, nvs, sizeof nvs);
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.applied, CK_APPLIED_MAYBE); /* the NVS record stays */
    snprintf(line, sizeof line, "x-request-id: %s\r\n", nvs);
    assert_true(ck_fix_contains(f.capture, f.lb.capture_len, line));

    v1_setup(&f, boot2, 1, &req);
    memcpy(req.request_id, nvs, sizeof nvs); /* read back from NVS after the reboot */
    assert_int_equal(ck_v1_3ds_enroll(&f.client, &req, &res), CK_OK);
    assert_int_equal(res.applied, CK_APPLIED_YES); /* settled: the record is erased */
    assert_true(ck_fix_contains(f.capture, f.lb.capture_len, line));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enroll_exact_bytes),
        cmocka_unit_test(test_update_exact_bytes),
        cmocka_unit_test(test_unenroll_and_get_send_no_body),
        cmocka_unit_test(test_no_token_no_authorization),
        cmocka_unit_test(test_header_injection_refused),
        cmocka_unit_test(test_otp_method_checked),
        cmocka_unit_test(test_get_entries),
        cmocka_unit_test(test_error_body_and_status),
        cmocka_unit_test(test_generated_key_is_uuid4_and_kept),
        cmocka_unit_test(test_request_id_new_differs),
        cmocka_unit_test(test_lost_answer_resent_with_same_key),
        cmocka_unit_test(test_lost_answer_gives_up_inside_deadline),
        cmocka_unit_test(test_lost_answer_then_no_connection_is_outcome_unknown),
        cmocka_unit_test(test_power_cut_replay_uses_stored_key),
    };
    return cmocka_run_group_tests_name("v1_api", tests, NULL, NULL);
}
