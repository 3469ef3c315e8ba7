/**
 * @file test_secrets.c
 * @brief Secrets and cardholder data: the log hook never receives the API
 * key, the bearer token or a contact field (e-mail, mobile, date of birth,
 * address, security answer), for every v2 and v1 operation, on success and
 * on every failure path; and the work buffer and tokens are wiped after
 * each of those calls (and by ck_client_close()).
 *
 * The hook checks every string of every event against the secrets, and
 * that methods, hosts and paths come from closed sets (so a secret cannot
 * hide in a field the test does not know). The credentials must still have
 * gone out on the wire when a request was sent: the check is not vacuous.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ck_fixture.h"

#define EMAIL "jane.q.public@example.org"
#define MOBILE "4155550123"
#define DOB "1985-07-14"
#define ADDRESS "1600 Hidden Lane"
#define CITY "Secretville"
#define POST_CODE "94043"
#define ANSWER "Rosebud1941"

static const char *const secrets[] = {CK_FIX_API_KEY, CK_FIX_TOKEN, EMAIL, MOBILE, DOB, ADDRESS, CITY, ANSWER,
                                      /* fragments a careless log line would show */
                                      "Bearer", "x-api-key", "jane.q", "Rosebud"};

static unsigned g_events;
static unsigned g_bad;

static bool has_secret(const char *s)
{
    size_t i;
    for (i = 0; s != NULL && i < sizeof secrets / sizeof secrets[0]; i++) {
        if (strstr(s, secrets[i]) != NULL) {
            return true;
        }
    }
    return false;
}

static bool one_of(const char *s, const char *const *set, size_t n)
{
    size_t i;
    for (i = 0; s != NULL && i < n; i++) {
        if (strcmp(s, set[i]) == 0) {
            return true;
        }
    }
    return false;
}

static void hook(void *ctx, const ck_log_event *ev)
{
    static const char *const methods[] = {"POST", "GET", "PATCH", "DELETE"};
    static const char *const paths[] = {CK_V2_PATH_CARD_APPLY, CK_V2_PATH_3DS_ENROLL, CK_V2_PATH_3DS_UPDATE,
                                        CK_V2_PATH_CONTACT_UPDATE, "/api/issuing/cardholders/v2/create",
                                        CK_V1_PATH_3DS};
    (void)ctx;
    g_events++;
    if (has_secret(ev->method) || has_secret(ev->host) || has_secret(ev->path) || !one_of(ev->method, methods, 4) ||
        strcmp(ev->host, "issuer.test") != 0 || !one_of(ev->path, paths, 6)) {
        g_bad++;
    }
}

/** @brief A body writer for the generic call that sends cardholder data. */
static ck_err create_body(ck_json_writer *w, const void *ctx)
{
    (void)ctx;
    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "email", EMAIL));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "mobile", MOBILE));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "date_of_birth", DOB));
    return ck_json_object_end(w);
}

static ck_err fail_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return CK_ERR_RANDOM;
}

enum { OP_CONTACT, OP_APPLY, OP_ENROLL, OP_GENERIC, OP_V1_ENROLL, OP_V1_GET, OP_V1_UPDATE, OP_V1_UNENROLL, OP_COUNT };

static ck_err run_op(ck_fixture *f, int op, bool fresh_key, ck_result *res)
{
    ck_contact_req contact = {"273555991139442689", "+1", MOBILE, EMAIL, DOB, ADDRESS, CITY,
                              "CA", POST_CODE, "US", "3", ANSWER};
    ck_card_apply_req apply;
    ck_card_apply_resp card;
    ck_3ds_req enroll = {"card201907021723076245", "273555991139442689"};
    ck_v1_3ds_entry entries[2];
    size_t count = 0;
    ck_v1_req v1;

    memset(&apply, 0, sizeof apply);
    apply.card_product_code = "T1FBXO";
    apply.remark = ADDRESS; /* free text a kiosk might fill with anything */
    memset(&v1, 0, sizeof v1);
    v1.product_id = "p";
    v1.cardholder_id = "ch";
    v1.wallet_id = "w";
    v1.card_id = "c";
    v1.otp = CK_OTP_EMAIL;
    if (!fresh_key) {
        memcpy(v1.request_id, "key-1", 6);
    }
    switch (op) {
    case OP_CONTACT:
        return ck_contact_update(&f->client, &contact, res);
    case OP_APPLY:
        return ck_card_apply(&f->client, &apply, &card, res);
    case OP_ENROLL:
        return ck_3ds_enroll(&f->client, &enroll, res);
    case OP_GENERIC:
        return ck_v2_call(&f->client, "/api/issuing/cardholders/v2/create", create_body, NULL, NULL, NULL, res);
    case OP_V1_ENROLL:
        return ck_v1_3ds_enroll(&f->client, &v1, res);
    case OP_V1_GET:
        return ck_v1_3ds_get(&f->client, &v1, entries, 2, &count, res);
    case OP_V1_UPDATE:
        return ck_v1_3ds_update(&f->client, &v1, res);
    default:
        return ck_v1_3ds_unenroll(&f->client, &v1, res);
    }
}

#define V2_OK "HTTP/1.1 200 OK\r\nContent-Length: 79\r\n\r\n" \
              "{\"code\":\"SUCCESS\",\"data\":{\"card_id\":\"card201907021723\",\"isSuccess\":true,\"n\":1}}"
#define V1_OK "HTTP/1.1 200 OK\r\nContent-Length: 132\r\n\r\n" \
              "{\"status\":\"Success\",\"code\":200,\"data\":[{\"otp_delivery_method\":\"EMAIL\"," \
              "\"destination\":\"" EMAIL "\",\"status\":\"ACTIVE\"}]}"
/* An answer longer than any request, echoing cardholder data in a header
 * in one read: the bytes recv wrote past the request must be
 * wiped too. */
#define PAD64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define PAD1K PAD64 PAD64 PAD64 PAD64 PAD64 PAD64 PAD64 PAD64 PAD64 PAD64 PAD64 PAD64 PAD64 PAD64 PAD64 PAD64
#define LONG_409 "HTTP/1.1 409 Conflict\r\nX-Echo: " EMAIL " " ANSWER "\r\nX-Pad: " PAD1K "\r\n" \
                 "Content-Length: 82\r\n\r\n{\"code\":\"BAD\",\"message\":\"" EMAIL " / " MOBILE "\",\"status\":\"error\"}"
#define ECHO_400 "HTTP/1.1 400 Bad Request\r\nContent-Length: 82\r\n\r\n" \
                 "{\"code\":\"BAD\",\"message\":\"" EMAIL " / " MOBILE "\",\"status\":\"error\"}"

/** @brief One outcome: its script, and whether a request goes out at all. */
typedef struct path_case {
    const char *name;
    ck_lb_step steps[3];
    size_t n;
    int sends; /* 0: nothing leaves; 1: whole requests; 2: the first bytes of one (v2) */
    int setup; /* 0 none, 1 work buffer too small, 2 random fails (fresh v1 key) */
} path_case;

static const path_case cases[] = {
    {"success (v2 shape)", {CK_REPLY(V2_OK)}, 1, 1, 0},
    {"success (v1 shape)", {CK_REPLY(V1_OK)}, 1, 1, 0},
    {"400 echoing cardholder data", {CK_REPLY(ECHO_400)}, 1, 1, 0},
    {"long answer echoing cardholder data", {CK_REPLY(LONG_409)}, 1, 1, 0},
    {"401", {CK_REPLY("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")}, 1, 1, 0},
    {"503 then success",
     {CK_REPLY("HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n"), CK_REPLY(V2_OK)}, 2, 1, 0},
    {"503 exhausted",
     {CK_REPLY("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"), CK_REPLY("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"),
      CK_REPLY("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n")},
     3, 1, 0},
    {"EOF after sending", {CK_EOF(), CK_EOF(), CK_EOF()}, 3, 1, 0},
    {"stall after sending", {CK_STALL(1000000u)}, 1, 1, 0},
    {"reset while sending", {CK_SEND_FAIL(7u, CK_ERR_TRANSPORT), CK_EOF(), CK_EOF()}, 3, 2, 0},
    {"connect refused", {CK_CONNECT_FAIL(CK_ERR_CONNECT), CK_CONNECT_FAIL(CK_ERR_CONNECT), CK_CONNECT_FAIL(CK_ERR_CONNECT)},
     3, 0, 0},
    {"certificate refused", {CK_CONNECT_FAIL(CK_ERR_TLS_VERIFY)}, 1, 0, 0},
    {"malformed HTTP", {CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"), CK_EOF(), CK_EOF()}, 3, 1, 0},
    {"body too large", {CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 999999\r\n\r\n")}, 1, 1, 0},
    {"JSON malformed", {CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{\"code\":}")}, 1, 1, 0},
    {"API failure", {CK_REPLY("HTTP/1.1 200 OK\r\nContent-Length: 32\r\n\r\n{\"code\":\"NO\",\"status\":\"Failure\"}")}, 1,
     1, 0},
    {"request over the work buffer", {CK_REPLY(V2_OK)}, 1, 0, 1},
    {"random source fails", {CK_REPLY(V2_OK)}, 1, 0, 2},
};

/** @brief What check_case() fills the buffers with before a call. */
#define FILL 0x5Au

/**
 * @brief After a call: the work buffer and the token array, scanned whole,
 * are wiped bytes then untouched FILL, and no byte sequence of a secret
 * (credential, contact field, or a fragment of one) is left anywhere in them.
 */
static void assert_buffers_clean(const ck_fixture *f)
{
    size_t i;

    assert_true(ck_fix_wiped_prefix(f->g.b.work, sizeof f->g.b.work, FILL));
    assert_true(ck_fix_wiped_prefix(f->g.b.tokens, sizeof f->g.b.tokens, FILL));
    for (i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        assert_false(ck_fix_contains(&f->g.b, sizeof f->g.b, secrets[i]));
    }
    assert_true(ck_fix_canaries_ok(f));
}

static void check_case(const path_case *c, int op)
{
    static ck_fixture f;
    ck_result res;
    ck_err ret;
    size_t i;

    ck_fix_setup(&f, c->steps, c->n, 0u);
    f.cfg.log = hook;
    f.cfg.timeout_ms = 5000;
    if (c->setup == 1) {
        f.cfg.work_buf_size = 256; /* the head alone (with both credentials) needs more */
    }
    if (c->setup == 2) {
        f.platform.random = fail_random;
    }
    assert_int_equal(ck_fix_client(&f), CK_OK);
    /* Bytes the call never wrote keep this; it wipes the ones it wrote. */
    memset(&f.g.b, FILL, sizeof f.g.b);
    g_events = 0;
    g_bad = 0;
    ret = run_op(&f, op, c->setup == 2, &res);

    if (g_bad != 0u) {
        print_error("%s, operation %d: %u log events carried a secret or an unknown string\n", c->name, op, g_bad);
    }
    assert_int_equal(g_bad, 0);
    assert_buffers_clean(&f);
    assert_int_equal(ret, res.err);
    /* Not vacuous: the hook was called for every call that got as far as
     * the client (the DONE event at least), and a request that was sent
     * carried the credentials on the wire. */
    if (c->setup != 2) {
        assert_true(g_events >= 1u);
    }
    if (c->sends == 2 && op <= OP_GENERIC) {
        assert_int_equal(f.lb.capture_len, 7); /* not resent */
    } else if (c->sends != 0) {
        assert_true(ck_fix_contains(f.capture, f.lb.capture_len, CK_FIX_API_KEY));
        assert_true(ck_fix_contains(f.capture, f.lb.capture_len, CK_FIX_TOKEN));
        if (op == OP_CONTACT) {
            assert_true(ck_fix_contains(f.capture, f.lb.capture_len, ANSWER));
        }
    } else {
        assert_int_equal(f.lb.capture_len, 0);
        assert_int_not_equal(ret, CK_OK);
    }
    /* The result itself names no credential (only what the server said, below). */
    for (i = 0; i < 2u; i++) {
        assert_false(ck_fix_contains(&res, sizeof res, secrets[i]));
    }

    /* ck_client_close() wipes too, whatever a caller left in the buffers. */
    memset(f.g.b.work, 'x', f.client.cfg.work_buf_size);
    ck_client_close(&f.client);
    assert_buffers_clean(&f);
}

static void test_log_and_buffers_every_path_v2(void **state)
{
    size_t i;
    int op;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (op = OP_CONTACT; op <= OP_GENERIC; op++) {
            if (cases[i].setup == 2) {
                continue; /* v2 draws no key */
            }
            check_case(&cases[i], op);
        }
    }
}

static void test_log_and_buffers_every_path_v1(void **state)
{
    size_t i;
    int op;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (op = OP_V1_ENROLL; op < OP_COUNT; op++) {
            check_case(&cases[i], op);
        }
    }
}

/** The server echoing cardholder data reaches the result's api_message (the caller's), never the hook. */
static void test_server_echo_stays_in_the_result(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(ECHO_400)};
    static ck_fixture f;
    ck_result res;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    f.cfg.log = hook;
    assert_int_equal(ck_fix_client(&f), CK_OK);
    g_bad = 0;
    assert_int_equal(run_op(&f, OP_CONTACT, false, &res), CK_ERR_BAD_REQUEST);
    assert_string_equal(res.api_message, EMAIL " / " MOBILE);
    assert_int_equal(g_bad, 0);
    assert_true(ck_fix_buffers_wiped(&f));
}

/** The fixture's own text log (every field it prints) holds no secret either. */
static void test_default_log_line_has_no_secret(void **state)
{
    static const ck_lb_step steps[] = {CK_REPLY(ECHO_400)};
    static ck_fixture f;
    ck_result res;
    size_t i;
    (void)state;

    ck_fix_setup(&f, steps, 1, 0u);
    assert_int_equal(ck_fix_client(&f), CK_OK);
    assert_int_equal(run_op(&f, OP_CONTACT, false, &res), CK_ERR_BAD_REQUEST);
    assert_true(f.log_len > 0u);
    for (i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        assert_false(ck_fix_contains(f.log, f.log_len, secrets[i]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_and_buffers_every_path_v2),
        cmocka_unit_test(test_log_and_buffers_every_path_v1),
        cmocka_unit_test(test_server_echo_stays_in_the_result),
        cmocka_unit_test(test_default_log_line_has_no_secret),
    };
    return cmocka_run_group_tests_name("secrets", tests, NULL, NULL);
}
