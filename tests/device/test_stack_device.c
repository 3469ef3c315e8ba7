/**
 * @file test_stack_device.c
 * @brief On the board (QEMU mps2-an386): how much stack each public call
 * takes, measured by painting the stack (see boards/qemu-mps2-an386/board.h)
 * around one successful call over the loopback transport.
 *
 * Each figure covers the call, everything below it, the loopback
 * transport's and platform's frames, and the few bytes of the wrapper that
 * makes the call. The test prints them as `ck-report: stack NAME=BYTES`
 * lines, which `make size` shows beside its static analysis; a call over
 * CK_STACK_TEST_BUDGET (the 1 KiB budget) is flagged here and fails `make
 * size`, not this test (budgets are make size's business).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "board.h"
#include "ck_fixture.h"
#include "ck_samples.h"

#ifndef CK_STACK_TEST_BUDGET
#define CK_STACK_TEST_BUDGET 1024u
#endif

#define OK_CARD "HTTP/1.1 200 OK\r\nContent-Length: 56\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"card_id\":\"card201907021723\"}}"
#define OK_ENROLL "HTTP/1.1 200 OK\r\nContent-Length: 44\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}"
#define OK_PLAIN "HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n{\"code\":\"SUCCESS\"}"
#define OK_V1 "HTTP/1.1 200 OK\r\nContent-Length: 80\r\n\r\n" \
              "{\"status\":\"Success\",\"message\":\"3DS enrollment successful.\",\"code\":200,\"data\":[]}"
#define OK_V1_GET "HTTP/1.1 200 OK\r\nContent-Length: 171\r\n\r\n" \
                  "{\"status\":\"Success\",\"message\":\"Enroll 3DS details fetched successfully.\",\"code\":200," \
                  "\"data\":[{\"otp_delivery_method\":\"SMS\",\"destination\":\"+628000110022\",\"status\":\"ACTIVE\"}]}"

static ck_fixture g_f;
static ck_result g_res;
static ck_err g_err;

static const ck_lb_step g_card[] = {CK_REPLY(OK_CARD)};
static const ck_lb_step g_enroll[] = {CK_REPLY(OK_ENROLL)};
static const ck_lb_step g_plain[] = {CK_REPLY(OK_PLAIN)};
static const ck_lb_step g_v1[] = {CK_REPLY(OK_V1)};
static const ck_lb_step g_v1_get[] = {CK_REPLY(OK_V1_GET)};

static const ck_3ds_req g_3ds = {"card1", "ch1"};



static void v1_req(ck_v1_req *r)
{
    memset(r, 0, sizeof *r);
    r->product_id = "prod-1";
    r->cardholder_id = "ch-1";
    r->wallet_id = "w-1";
    r->card_id = "card-1";
    r->otp = CK_OTP_EMAIL;
}

/**
 * @brief A fixture with @p n steps and an initialised client. No log hook:
 * the fixture's formats with snprintf, whose stack is newlib's, not ours.
 */
static void ready(const ck_lb_step *steps, size_t n)
{
    ck_fix_setup(&g_f, steps, n, 0u);
    g_f.cfg.log = NULL;
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
}

/** @brief Run @p call on a freshly painted stack; report and check its use. */
static void measure(const char *name, void (*call)(void), ck_err want)
{
    size_t base;
    size_t used;
    ck_board_stack_repaint();
    base = ck_board_stack_depth();
    call();
    used = ck_board_stack_high_water() - base;
    print_message("ck-report: stack %s=%u\n", name, (unsigned)used);
    assert_int_equal(g_err, want);
    if (used > CK_STACK_TEST_BUDGET) {
        print_message("ck-report: stack %s is over the %u-byte budget\n", name, (unsigned)CK_STACK_TEST_BUDGET);
    }
}

/* The calls, one wrapper each (globals in, g_err out: a small frame). */
static ck_client_config g_cfg_copy;
static void call_client_init(void) { g_err = ck_client_init(&g_f.client, &g_cfg_copy, NULL); }
static void call_card_apply(void)
{
    static ck_card_apply_req r;
    static ck_card_apply_resp out;
    r = ck_sample_card();
    g_err = ck_card_apply(&g_f.client, &r, &out, &g_res);
}
static void call_3ds_enroll(void) { g_err = ck_3ds_enroll(&g_f.client, &g_3ds, &g_res); }
static void call_3ds_update(void) { g_err = ck_3ds_update(&g_f.client, &g_3ds, &g_res); }
static void call_contact_update(void)
{
    static ck_contact_req r;
    r = ck_sample_contact();
    g_err = ck_contact_update(&g_f.client, &r, &g_res);
}
static ck_err body_card(ck_json_writer *w, const void *ctx)
{
    (void)ctx;
    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "card_id", "card1"));
    return ck_json_object_end(w);
}
static ck_err reply_code(const ck_json_doc *doc, void *ctx)
{
    static char code[16];
    (void)ctx;
    return ck_json_get_string(doc, 0, "code", code, sizeof code, NULL);
}
static void call_v2_call(void)
{
    g_err = ck_v2_call(&g_f.client, "/api/issuing/card/v2/query", body_card, NULL, reply_code, NULL, &g_res);
}
static void call_v1_enroll(void)
{
    static ck_v1_req r;
    v1_req(&r);
    g_err = ck_v1_3ds_enroll(&g_f.client, &r, &g_res);
}
static void call_v1_get(void)
{
    static ck_v1_req r;
    static ck_v1_3ds_entry e[2];
    size_t n = 0;
    v1_req(&r);
    g_err = ck_v1_3ds_get(&g_f.client, &r, e, 2, &n, &g_res);
}
static void call_v1_update(void)
{
    static ck_v1_req r;
    v1_req(&r);
    g_err = ck_v1_3ds_update(&g_f.client, &r, &g_res);
}
static void call_v1_unenroll(void)
{
    static ck_v1_req r;
    v1_req(&r);
    g_err = ck_v1_3ds_unenroll(&g_f.client, &r, &g_res);
}
static void call_contact_check(void)
{
    static ck_contact_req r;
    static const ck_date today = {2026, 11, 22};
    r = ck_sample_contact();
    g_err = ck_contact_check(&r, &today, NULL);
}
static void call_json_parse(void)
{
    static const char doc[] = "{\"code\":\"SUCCESS\",\"data\":{\"card_id\":\"c1\",\"n\":[1,2.5e3,true,null,\"\\u00e9\"]}}";
    static ck_json_tok toks[24];
    static ck_json_doc d;
    g_err = ck_json_parse(&d, doc, sizeof doc - 1u, toks, 24);
}
static void call_client_close(void)
{
    ck_client_close(&g_f.client);
    g_err = CK_OK;
}

static void test_stack_of_each_call(void **state)
{
    (void)state;
    ck_fix_setup(&g_f, g_plain, 1, 0u);
    g_f.cfg.log = NULL;
    g_cfg_copy = g_f.cfg;
    measure("ck_client_init", call_client_init, CK_OK);
    ready(g_card, 1);
    measure("ck_card_apply", call_card_apply, CK_OK);
    ready(g_enroll, 1);
    measure("ck_3ds_enroll", call_3ds_enroll, CK_OK);
    ready(g_enroll, 1);
    measure("ck_3ds_update", call_3ds_update, CK_OK);
    ready(g_plain, 1);
    measure("ck_contact_update", call_contact_update, CK_OK);
    ready(g_plain, 1);
    measure("ck_v2_call", call_v2_call, CK_OK);
    ready(g_v1, 1);
    g_f.cfg.base_url = "https://sandbox.issuer.test";
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    measure("ck_v1_3ds_enroll", call_v1_enroll, CK_OK);
    ready(g_v1_get, 1);
    g_f.cfg.base_url = "https://sandbox.issuer.test";
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    measure("ck_v1_3ds_get", call_v1_get, CK_OK);
    ready(g_v1, 1);
    g_f.cfg.base_url = "https://sandbox.issuer.test";
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    measure("ck_v1_3ds_update", call_v1_update, CK_OK);
    ready(g_v1, 1);
    g_f.cfg.base_url = "https://sandbox.issuer.test";
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    measure("ck_v1_3ds_unenroll", call_v1_unenroll, CK_OK);
    measure("ck_contact_check", call_contact_check, CK_OK);
    measure("ck_json_parse", call_json_parse, CK_OK);
    measure("ck_client_close", call_client_close, CK_OK);
    print_message("ck-report: stack_size=%u stack_high_water_of_this_program=%u\n",
                  (unsigned)ck_board_stack_size(), (unsigned)ck_board_stack_high_water());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stack_of_each_call),
    };
    return cmocka_run_group_tests_name("stack per call (painted)", tests, NULL, NULL);
}
