/**
 * @file test_http_write.c
 * @brief Tests of the HTTP request head writer (lib/http_write.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cardkit/ck_client.h"
#include "ck_http.h"

#define CANARY 0xA5u
#define BUF_MAX 1024u

static uint8_t g_buf[BUF_MAX + 16u];

static ck_http_request_head base_head(void)
{
    ck_http_request_head h;
    memset(&h, 0, sizeof h);
    h.method = "GET";
    h.host = "api.example.com";
    h.port = 443;
    h.path = "/v2/cards";
    h.keep_alive = true;
    return h;
}

/**
 * @brief Write @p h into exactly @p cap bytes followed by a canary; the
 * canary must survive and *out_len must be set.
 */
static ck_err write_cap(const ck_http_request_head *h, size_t cap, size_t *out_len)
{
    ck_err err;
    size_t i;

    assert_true(cap <= BUF_MAX);
    memset(g_buf, CANARY, sizeof g_buf);
    *out_len = (size_t)-1;
    err = ck_http_write_head(h, g_buf, cap, out_len);
    for (i = cap; i < sizeof g_buf; i++) {
        assert_int_equal(g_buf[i], CANARY);
    }
    return err;
}

/** @brief The head is exactly @p expect, and every smaller buffer says how much is needed. */
static void assert_head(const ck_http_request_head *h, const char *expect)
{
    size_t need = strlen(expect);
    size_t len = 0;
    size_t cap;

    assert_int_equal(write_cap(h, BUF_MAX, &len), CK_OK);
    assert_int_equal(len, need);
    assert_memory_equal(g_buf, expect, need);
    /* exactly fits */
    assert_int_equal(write_cap(h, need, &len), CK_OK);
    assert_int_equal(len, need);
    assert_memory_equal(g_buf, expect, need);
    /* every buffer that is too small */
    for (cap = 0; cap < need; cap++) {
        assert_int_equal(write_cap(h, cap, &len), CK_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(len, need);
    }
}

/** @brief @p h is refused, whatever the buffer, and no length is reported. */
static void assert_invalid(const ck_http_request_head *h)
{
    size_t len = 0;

    assert_int_equal(write_cap(h, BUF_MAX, &len), CK_ERR_INVALID_ARG);
    assert_int_equal(len, 0);
    assert_int_equal(write_cap(h, 0, &len), CK_ERR_INVALID_ARG);
    assert_int_equal(len, 0);
    assert_int_equal(write_cap(h, 8, &len), CK_ERR_INVALID_ARG);
    assert_int_equal(len, 0);
}

static void test_post_with_body(void **state)
{
    static const ck_http_header hdrs[] = {
        {"Content-Type", "application/json", NULL},
        {"Authorization", "abc.def", "Bearer "},
    };
    ck_http_request_head h = base_head();
    (void)state;
    h.method = "POST";
    h.path_prefix = "/card/issuance";
    h.path_prefix_len = strlen("/card/issuance");
    h.path = "/v2/enroll";
    h.headers = hdrs;
    h.header_count = 2;
    h.has_body = true;
    h.body_len = 1234;
    assert_head(&h, "POST /card/issuance/v2/enroll HTTP/1.1\r\n"
                    "Host: api.example.com\r\n"
                    "User-Agent: cardkit/" CK_VERSION_STRING "\r\n"
                    "Content-Type: application/json\r\n"
                    "Authorization: Bearer abc.def\r\n"
                    "Content-Length: 1234\r\n"
                    "Connection: keep-alive\r\n"
                    "\r\n");
}

static void test_post_empty_body(void **state)
{
    ck_http_request_head h = base_head();
    (void)state;
    h.method = "PATCH";
    h.has_body = true;
    h.body_len = 0;
    assert_head(&h, "PATCH /v2/cards HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: cardkit/" CK_VERSION_STRING
                    "\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
}

static void test_get_without_body_close(void **state)
{
    ck_http_request_head h = base_head();
    (void)state;
    h.path = "/v2/cards/c-1?limit=10&offset=0";
    h.keep_alive = false;
    assert_head(&h, "GET /v2/cards/c-1?limit=10&offset=0 HTTP/1.1\r\n"
                    "Host: api.example.com\r\n"
                    "User-Agent: cardkit/" CK_VERSION_STRING "\r\n"
                    "Connection: close\r\n"
                    "\r\n");
}

static void test_port_in_host(void **state)
{
    ck_http_request_head h = base_head();
    (void)state;
    h.method = "DELETE";
    h.port = 8443;
    assert_head(&h, "DELETE /v2/cards HTTP/1.1\r\nHost: api.example.com:8443\r\nUser-Agent: cardkit/" CK_VERSION_STRING
                    "\r\nConnection: keep-alive\r\n\r\n");
    h.port = 80;
    h.host = "10.0.0.7";
    assert_head(&h, "DELETE /v2/cards HTTP/1.1\r\nHost: 10.0.0.7:80\r\nUser-Agent: cardkit/" CK_VERSION_STRING
                    "\r\nConnection: keep-alive\r\n\r\n");
    h.port = 65535;
    h.host = "[2001:db8::1]";
    assert_head(&h, "DELETE /v2/cards HTTP/1.1\r\nHost: [2001:db8::1]:65535\r\nUser-Agent: cardkit/" CK_VERSION_STRING
                    "\r\nConnection: keep-alive\r\n\r\n");
    h.port = 443;
    assert_head(&h, "DELETE /v2/cards HTTP/1.1\r\nHost: [2001:db8::1]\r\nUser-Agent: cardkit/" CK_VERSION_STRING
                    "\r\nConnection: keep-alive\r\n\r\n");
}

static void test_null_value_header_left_out(void **state)
{
    static const ck_http_header hdrs[] = {
        {"X-A", "1", NULL},
        {"X-Skip", NULL, "Bearer "},
        {NULL, NULL, NULL},
        {"X-B", "", NULL},
        {"X-C", "tab\there \xC3\xA9", "p\t"},
    };
    ck_http_request_head h = base_head();
    (void)state;
    h.headers = hdrs;
    h.header_count = 5;
    assert_head(&h, "GET /v2/cards HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: cardkit/" CK_VERSION_STRING
                    "\r\nX-A: 1\r\nX-B: \r\nX-C: p\ttab\there \xC3\xA9\r\nConnection: keep-alive\r\n\r\n");
}

static void test_prefix_length_is_used(void **state)
{
    ck_http_request_head h = base_head();
    (void)state;
    h.path_prefix = "/card/issuanceXXXX";
    h.path_prefix_len = 14;
    assert_head(&h, "GET /card/issuance/v2/cards HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: cardkit/" CK_VERSION_STRING
                    "\r\nConnection: keep-alive\r\n\r\n");
}

static void test_header_injection(void **state)
{
    static const char *const bad_values[] = {
        "a\r\nX-Evil: 1", "a\rb", "a\nb", "a\x01", "\x1b[0m", "a\x7f", "\x1f",
    };
    static const char nul_value[] = "a\0b";
    ck_http_header hdr = {"X-A", NULL, NULL};
    ck_http_request_head h = base_head();
    size_t i;
    (void)state;
    h.headers = &hdr;
    h.header_count = 1;
    for (i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
        hdr.value = bad_values[i];
        assert_invalid(&h);
        /* the same in the value prefix */
        hdr.value = "ok";
        hdr.value_prefix = bad_values[i];
        assert_invalid(&h);
        hdr.value_prefix = NULL;
    }
    /* a NUL ends a C string: what follows it is not written */
    hdr.value = nul_value;
    assert_head(&h, "GET /v2/cards HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: cardkit/" CK_VERSION_STRING
                    "\r\nX-A: a\r\nConnection: keep-alive\r\n\r\n");
}

/* Method, host, path and names are validated by the callers; the writer
 * keeps only the backstop: no control byte, no space. */

static void test_backstop_names(void **state)
{
    static const char *const bad_names[] = {"X A", "X-A\r\nX-Evil", "X\n", "X\t", "X\x7f", "\x01"};
    ck_http_header hdr = {NULL, "v", NULL};
    ck_http_request_head h = base_head();
    size_t i;
    (void)state;
    h.headers = &hdr;
    h.header_count = 1;
    for (i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        hdr.name = bad_names[i];
        assert_invalid(&h);
    }
    /* anything else is copied as it is */
    hdr.name = "X-Ok_!#$%&'*+.^`|~9";
    assert_head(&h, "GET /v2/cards HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: cardkit/" CK_VERSION_STRING
                    "\r\nX-Ok_!#$%&'*+.^`|~9: v\r\nConnection: keep-alive\r\n\r\n");
}

static void test_backstop_method_and_host(void **state)
{
    static const char *const bad[] = {"PO ST", "GET\r\n", "GET\t", "G\x7f", "a b", "h\r\nX: y", "h\n", "h\x01"};
    ck_http_request_head h = base_head();
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        h = base_head();
        h.method = bad[i];
        assert_invalid(&h);
        h = base_head();
        h.host = bad[i];
        assert_invalid(&h);
    }
}

static void test_backstop_path_and_prefix(void **state)
{
    static const char *const bad[] = {"/a b", "/a\r\nX: y", "/a\rb", "/a\nb", "/a\tb", "/a\x01", "/a\x7f", " /"};
    static const char nul_prefix[] = "/card\0x";
    ck_http_request_head h = base_head();
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        h.path = bad[i];
        assert_invalid(&h);
    }
    h = base_head();
    h.path_prefix = "/card issuance";
    h.path_prefix_len = strlen(h.path_prefix);
    assert_invalid(&h);
    /* the prefix has a length: a NUL in it is a byte like any other */
    h.path_prefix = nul_prefix;
    h.path_prefix_len = sizeof nul_prefix - 1u;
    assert_invalid(&h);
    h.path_prefix = "/p\r\n";
    h.path_prefix_len = 2;
    assert_head(&h, "GET /p/v2/cards HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: cardkit/" CK_VERSION_STRING
                    "\r\nConnection: keep-alive\r\n\r\n");
    h = base_head();
    h.path = "/a-b._~%20!$&'()*+,;=:@/?q=1/2";
    assert_head(&h, "GET /a-b._~%20!$&'()*+,;=:@/?q=1/2 HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: cardkit/"
                    CK_VERSION_STRING "\r\nConnection: keep-alive\r\n\r\n");
}

static void test_buffer_exact_and_short(void **state)
{
    static const char expect[] = "GET /v2/cards HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: cardkit/" CK_VERSION_STRING
                                 "\r\nConnection: keep-alive\r\n\r\n";
    ck_http_request_head h = base_head();
    size_t len = 0;
    (void)state;
    assert_int_equal(write_cap(&h, sizeof expect - 1u, &len), CK_OK);
    assert_int_equal(len, sizeof expect - 1u);
    assert_memory_equal(g_buf, expect, sizeof expect - 1u);
    assert_int_equal(write_cap(&h, sizeof expect - 2u, &len), CK_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(len, sizeof expect - 1u);
    /* measuring with no buffer at all */
    len = 0;
    assert_int_equal(ck_http_write_head(&h, NULL, 0, &len), CK_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(len, sizeof expect - 1u);
}

static void test_null_arguments(void **state)
{
    ck_http_request_head h = base_head();
    size_t len = 0;
    (void)state;
    assert_int_equal(ck_http_write_head(NULL, g_buf, BUF_MAX, &len), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_http_write_head(&h, g_buf, BUF_MAX, NULL), CK_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_post_with_body),
        cmocka_unit_test(test_post_empty_body),
        cmocka_unit_test(test_get_without_body_close),
        cmocka_unit_test(test_port_in_host),
        cmocka_unit_test(test_null_value_header_left_out),
        cmocka_unit_test(test_prefix_length_is_used),
        cmocka_unit_test(test_header_injection),
        cmocka_unit_test(test_backstop_names),
        cmocka_unit_test(test_backstop_method_and_host),
        cmocka_unit_test(test_backstop_path_and_prefix),
        cmocka_unit_test(test_buffer_exact_and_short),
        cmocka_unit_test(test_null_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
