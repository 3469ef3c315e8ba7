/**
 * @file test_http_parse.c
 * @brief Tests of the incremental HTTP response parser (lib/http_parse.c).
 *
 * Every response is fed whole, in every split size from 1 to its length,
 * in seeded random splits, and (when the body buffer can hold it) in place
 * from the body buffer itself; all runs must agree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_http.h"

#define BODY_MAX 8192u
#define RID_MAX 256u
#define CANARY 0xA5u
#define CANARY_LEN 16u

/** @brief What one parse run ends with. */
typedef struct result {
    ck_err err;
    uint16_t status;
    bool head_done;
    bool done;
    bool keep_alive;
    size_t body_len;
    uint8_t body[BODY_MAX];
    size_t consumed;
    char rid[RID_MAX];
    bool rid_truncated;
    bool has_retry_after;
    uint32_t retry_after_s;
} result;

/** @brief How to run the parser. */
typedef struct opts {
    size_t body_cap;
    size_t rid_cap;   /**< 0: request_id NULL */
    bool eof;         /**< call ck_http_parser_eof() after the input when not done */
} opts;

static uint32_t g_rng;

static uint32_t rnd(void)
{
    g_rng = g_rng * 1103515245u + 12345u;
    return g_rng >> 8;
}

/**
 * @brief One run. @p step > 0: pieces of that size; 0: random pieces.
 * @p in_place: the input is first copied into the body buffer and fed from there.
 */
static void run_once(const uint8_t *resp, size_t len, const opts *o, size_t step, bool in_place, result *r)
{
    size_t alloc = (in_place && len > o->body_cap ? len : o->body_cap);
    uint8_t *body = malloc(alloc + CANARY_LEN);
    char *rid = o->rid_cap != 0u ? malloc(o->rid_cap + CANARY_LEN) : NULL;
    const uint8_t *src = resp;
    ck_http_parser p;
    size_t off = 0;
    size_t i;

    assert_non_null(body);
    memset(body, 0x5A, alloc);
    memset(body + alloc, CANARY, CANARY_LEN);
    if (rid != NULL) {
        memset(rid, 'Z', o->rid_cap);
        memset(rid + o->rid_cap, CANARY, CANARY_LEN);
    }
    if (in_place) {
        memcpy(body, resp, len);
        src = body;
    }
    memset(r, 0, sizeof *r);
    ck_http_parser_init(&p, body, o->body_cap, rid, o->rid_cap);
    while (off < len) {
        size_t n = step != 0u ? step : 1u + rnd() % (len / 3u + 1u);
        size_t used = (size_t)-1;
        ck_err err;
        if (n > len - off) {
            n = len - off;
        }
        err = ck_http_parser_feed(&p, src + off, n, &used);
        assert_true(used <= n);
        off += used;
        if (err != CK_OK) {
            r->err = err;
            break;
        }
        if (p.done) {
            break;
        }
        assert_int_equal(used, n);
    }
    if (r->err == CK_OK && o->eof && !p.done) {
        r->err = ck_http_parser_eof(&p);
    }
    r->status = p.status;
    r->head_done = p.head_done;
    r->done = p.done;
    r->keep_alive = p.keep_alive;
    r->body_len = p.body_len;
    assert_true(p.body_len <= o->body_cap);
    memcpy(r->body, body, p.body_len);
    r->consumed = off;
    if (rid != NULL) {
        assert_true(memchr(rid, '\0', o->rid_cap) != NULL);
        strcpy(r->rid, rid);
        for (i = 0; i < CANARY_LEN; i++) {
            assert_int_equal((uint8_t)rid[o->rid_cap + i], CANARY);
        }
    }
    r->rid_truncated = p.request_id_truncated;
    r->has_retry_after = p.has_retry_after;
    r->retry_after_s = p.retry_after_s;
    for (i = 0; i < CANARY_LEN; i++) {
        assert_int_equal(body[alloc + i], CANARY);
    }
    if (!in_place) {
        for (i = o->body_cap; i < alloc; i++) {
            assert_int_equal(body[i], 0x5A);
        }
    }
    free(body);
    free(rid);
}

static void assert_same(const result *a, const result *b)
{
    assert_int_equal(a->err, b->err);
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->head_done, b->head_done);
    if (a->err != CK_OK) {
        return; /* how far an error lets a body get depends on the split */
    }
    assert_int_equal(a->done, b->done);
    assert_int_equal(a->keep_alive, b->keep_alive);
    assert_int_equal(a->body_len, b->body_len);
    assert_memory_equal(a->body, b->body, a->body_len);
    assert_int_equal(a->consumed, b->consumed);
    assert_string_equal(a->rid, b->rid);
    assert_int_equal(a->rid_truncated, b->rid_truncated);
    assert_int_equal(a->has_retry_after, b->has_retry_after);
    assert_int_equal(a->retry_after_s, b->retry_after_s);
}

static result g_res;
static result g_tmp;

/** @brief Parse @p len bytes every way; the result is in g_res. */
static const result *parse_n(const void *resp, size_t len, const opts *o)
{
    const uint8_t *b = resp;
    size_t step;
    int k;

    run_once(b, len, o, len == 0u ? 1u : len, false, &g_res);
    for (step = 1; step < len; step++) {
        run_once(b, len, o, step, false, &g_tmp);
        assert_same(&g_res, &g_tmp);
    }
    g_rng = 0xC0FFEEu + (uint32_t)len;
    for (k = 0; k < 8; k++) {
        run_once(b, len, o, 0u, false, &g_tmp);
        assert_same(&g_res, &g_tmp);
    }
    if (o->body_cap >= len && len != 0u) {
        for (step = 1; step <= len; step++) {
            run_once(b, len, o, step, true, &g_tmp);
            assert_same(&g_res, &g_tmp);
        }
    }
    return &g_res;
}

static const opts k_default = {1024u, 48u, false};
static const opts k_eof = {1024u, 48u, true};

static const result *parse(const char *resp)
{
    return parse_n(resp, strlen(resp), &k_default);
}

static const result *parse_o(const char *resp, const opts *o)
{
    return parse_n(resp, strlen(resp), o);
}

static void assert_body(const result *r, const char *s)
{
    assert_int_equal(r->body_len, strlen(s));
    assert_memory_equal(r->body, s, strlen(s));
}

/** @brief The whole response parses to @p status with @p body, consuming all of it. */
static void assert_ok(const char *resp, uint16_t status, const char *body)
{
    const result *r = parse(resp);
    assert_int_equal(r->err, CK_OK);
    assert_int_equal(r->status, status);
    assert_true(r->head_done);
    assert_true(r->done);
    assert_body(r, body);
    assert_int_equal(r->consumed, strlen(resp));
}

static void assert_err(const char *resp, ck_err err)
{
    const result *r = parse(resp);
    assert_int_equal(r->err, err);
    assert_false(r->done);
}

/* Appends to a static buffer for the large responses. */
static char g_big[16384];
static size_t g_big_len;

static void big_reset(void)
{
    g_big_len = 0;
    g_big[0] = '\0';
}

static void big_add(const char *s)
{
    size_t n = strlen(s);
    assert_true(g_big_len + n < sizeof g_big);
    memcpy(g_big + g_big_len, s, n + 1u);
    g_big_len += n;
}

static void big_fill(char c, size_t n)
{
    assert_true(g_big_len + n < sizeof g_big);
    memset(g_big + g_big_len, c, n);
    g_big_len += n;
    g_big[g_big_len] = '\0';
}

/* ---- status line ---- */

static void test_content_length_body(void **state)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"code\":\"OK\"}";
    const result *r;
    (void)state;
    assert_ok(resp, 200, "{\"code\":\"OK\"}");
    r = parse(resp);
    assert_true(r->keep_alive);
    assert_string_equal(r->rid, "");
    assert_false(r->rid_truncated);
    assert_false(r->has_retry_after);
}

static void test_status_reason_variants(void **state)
{
    (void)state;
    assert_ok("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 200, "");
    assert_ok("HTTP/1.1 404\r\nContent-Length: 2\r\n\r\nno", 404, "no");
    assert_ok("HTTP/1.1 500 Internal  Server\tError \xC3\xA9\r\nContent-Length: 1\r\n\r\nx", 500, "x");
    assert_ok("HTTP/1.0 599 X\r\nContent-Length: 0\r\n\r\n", 599, "");
}

static void test_status_line_errors(void **state)
{
    static const struct {
        const char *s;
        ck_err err;
    } cases[] = {
        {"HTTP/1.2 200 OK\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/0.9 200 OK\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/2 200\r\n\r\n", CK_ERR_HTTP_UNSUPPORTED},
        {"HTTP/2.0 200 OK\r\n\r\n", CK_ERR_HTTP_UNSUPPORTED},
        {"HTTP/3 200\r\n\r\n", CK_ERR_HTTP_UNSUPPORTED},
        {"http/1.1 200 OK\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTPS/1.1 200 OK\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/1.1  200 OK\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/1.1 20 OK\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/1.1 20\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/1.1 2000 OK\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/1.1 600 X\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/1.1 099 X\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/1.1 2x0 OK\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/1.1 200\tOK\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/1.1 200 O\x01K\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/1.1 200 OK\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"HTTP/1.1 200 OK\r\r\n", CK_ERR_HTTP_MALFORMED},
        {"\r\nHTTP/1.1 200 OK\r\n\r\n", CK_ERR_HTTP_MALFORMED},
        {"<html>", CK_ERR_HTTP_MALFORMED},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const result *r = parse(cases[i].s);
        assert_int_equal(r->err, cases[i].err);
        assert_false(r->head_done);
    }
}

static void test_100_continue_then_200(void **state)
{
    (void)state;
    assert_ok("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok");
}

static void test_interim_headers_discarded(void **state)
{
    static const char resp[] =
        "HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\nX-Request-Id: early\r\nConnection: close\r\n"
        "Content-Length: 99\r\nRetry-After: 5\r\nTransfer-Encoding: gzip\r\n\r\n"
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
    const result *r;
    (void)state;
    assert_ok(resp, 201, "ok");
    r = parse(resp);
    assert_true(r->keep_alive);
    assert_string_equal(r->rid, "");
    assert_false(r->has_retry_after);
}

static void test_101_unsupported(void **state)
{
    const result *r;
    (void)state;
    r = parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    assert_int_equal(r->err, CK_ERR_HTTP_UNSUPPORTED);
    assert_int_equal(r->status, 101);
    assert_false(r->head_done);
}

/* ---- headers ---- */

static void test_names_case_insensitive(void **state)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh: 3\r\nx-REQUEST-id: abc\r\nCONNECTION: CLOSE\r\n"
                               "RETRY-after: 7\r\n\r\nxyz";
    const result *r;
    (void)state;
    assert_ok(resp, 200, "xyz");
    r = parse(resp);
    assert_string_equal(r->rid, "abc");
    assert_false(r->keep_alive);
    assert_true(r->has_retry_after);
    assert_int_equal(r->retry_after_s, 7);
    assert_ok("HTTP/1.1 200 OK\r\nTRANSFER-encoding: ChUnKeD\r\n\r\n2\r\nok\r\n0\r\n\r\n", 200, "ok");
}

static void test_value_ows_trimmed(void **state)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length:\t 3 \t\r\nX-Request-Id:   a b  \r\n"
                               "Connection:   keep-alive  \r\n\r\nxyz";
    const result *r;
    (void)state;
    assert_ok(resp, 200, "xyz");
    r = parse(resp);
    assert_string_equal(r->rid, "a b");
    assert_ok("HTTP/1.1 200 OK\r\nContent-Length:0\r\nX-Other:\r\n\r\n", 200, "");
    /* OWS around the commas of a list */
    r = parse("HTTP/1.1 200 OK\r\nContent-Length: 2 \t, \t2\t,2\r\nConnection: keep-alive \t,\t close\r\n\r\nok");
    assert_int_equal(r->err, CK_OK);
    assert_body(r, "ok");
    assert_false(r->keep_alive);
    assert_err("HTTP/1.1 200 OK\r\nContent-Length: 2 ,2 2\r\n\r\nok", CK_ERR_HTTP_BAD_LENGTH);
    /* X-Request-Id and Retry-After are not lists: kept whole */
    r = parse("HTTP/1.1 200 OK\r\nX-Request-Id: a , b,c\r\nRetry-After: 5, 6\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(r->err, CK_OK);
    assert_string_equal(r->rid, "a , b,c");
    assert_false(r->has_retry_after);
}

static void test_header_name_errors(void **state)
{
    (void)state;
    assert_err("HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\r\n: v\r\n\r\n", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\r\nX(A): 1\r\n\r\n", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\r\nX A: 1\r\n\r\n", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\r\nX\xC3\xA9: 1\r\n\r\n", CK_ERR_HTTP_MALFORMED);
    /* whitespace between the status line and the first header */
    assert_err("HTTP/1.1 200 OK\r\n X: 1\r\n\r\n", CK_ERR_HTTP_MALFORMED);
}

static void test_header_value_ctl(void **state)
{
    static const char nul[] = "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 0\r\n\r\n";
    (void)state;
    assert_err("HTTP/1.1 200 OK\r\nX-A: a\x01" "b\r\n\r\n", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\r\nX-A: a\x7f" "b\r\n\r\n", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\r\nX-Request-Id: a\x1b" "b\r\n\r\n", CK_ERR_HTTP_MALFORMED);
    assert_int_equal(parse_n(nul, sizeof nul - 1u, &k_default)->err, CK_ERR_HTTP_MALFORMED);
    assert_ok("HTTP/1.1 200 OK\r\nX-A: a\tb \xC3\xA9\r\nContent-Length: 0\r\n\r\n", 200, "");
}

static void test_bare_lf_and_cr(void **state)
{
    (void)state;
    assert_err("HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\r\nX-A: 1\rX-B: 2\r\n\r\n", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\r", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", CK_ERR_HTTP_MALFORMED);
}

static void test_obs_fold(void **state)
{
    (void)state;
    assert_err("HTTP/1.1 200 OK\r\nX-A: 1\r\n continued\r\nContent-Length: 0\r\n\r\n", CK_ERR_HTTP_OBS_FOLD);
    assert_err("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\tx\r\n\r\n", CK_ERR_HTTP_OBS_FOLD);
}

static void test_kept_value_too_long(void **state)
{
    char v[CK_HTTP_MAX_VALUE + 2u];
    (void)state;
    memset(v, 'a', sizeof v);
    /* exactly CK_HTTP_MAX_VALUE: kept */
    v[CK_HTTP_MAX_VALUE - 6u] = '\0';
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nConnection: close,");
    big_add(v);
    big_add("\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(parse(g_big)->err, CK_OK);
    assert_false(g_res.keep_alive);
    /* one more: malformed */
    v[CK_HTTP_MAX_VALUE - 6u] = 'a';
    v[CK_HTTP_MAX_VALUE - 5u] = '\0';
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nConnection: close,");
    big_add(v);
    big_add("\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(parse(g_big)->err, CK_ERR_HTTP_MALFORMED);
    /* unknown headers are not kept, whatever their length */
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nX-Long: ");
    big_fill('v', 3000u);
    big_add("\r\nContent-Length: 1\r\n\r\nz");
    assert_ok(g_big, 200, "z");
}

/* ---- limits ---- */

static void test_head_too_large(void **state)
{
    size_t head_len;
    (void)state;
    /* one header line longer than the whole head limit */
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nX-Long: ");
    big_fill('v', CK_HTTP_MAX_HEAD_BYTES);
    big_add("\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(parse(g_big)->err, CK_ERR_HTTP_HEAD_TOO_LARGE);
    /* a head of exactly CK_HTTP_MAX_HEAD_BYTES, then one byte more */
    head_len = strlen("HTTP/1.1 200 OK\r\nX-Pad: \r\nContent-Length: 1\r\n\r\n");
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nX-Pad: ");
    big_fill('p', CK_HTTP_MAX_HEAD_BYTES - head_len);
    big_add("\r\nContent-Length: 1\r\n\r\nb");
    assert_int_equal(g_big_len, CK_HTTP_MAX_HEAD_BYTES + 1u);
    assert_int_equal(parse(g_big)->err, CK_OK);
    assert_body(&g_res, "b");
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nX-Pad: ");
    big_fill('p', CK_HTTP_MAX_HEAD_BYTES - head_len + 1u);
    big_add("\r\nContent-Length: 1\r\n\r\nb");
    assert_int_equal(parse(g_big)->err, CK_ERR_HTTP_HEAD_TOO_LARGE);
}

static void add_headers(unsigned n)
{
    unsigned i;
    char line[32];
    for (i = 0; i < n; i++) {
        snprintf(line, sizeof line, "X-H%u: %u\r\n", i, i);
        big_add(line);
    }
}

static void test_too_many_headers(void **state)
{
    (void)state;
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n");
    add_headers(CK_HTTP_MAX_HEADERS - 1u);
    big_add("\r\nx");
    assert_ok(g_big, 200, "x");
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n");
    add_headers(CK_HTTP_MAX_HEADERS);
    big_add("\r\nx");
    assert_int_equal(parse(g_big)->err, CK_ERR_HTTP_HEAD_TOO_LARGE);
    /* the count starts again for the final head after a 1xx */
    big_reset();
    big_add("HTTP/1.1 100 Continue\r\n");
    add_headers(CK_HTTP_MAX_HEADERS);
    big_add("\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n");
    add_headers(CK_HTTP_MAX_HEADERS - 1u);
    big_add("\r\nx");
    assert_ok(g_big, 200, "x");
}

/* ---- Content-Length ---- */

static void test_content_length_exact_and_extra(void **state)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n";
    const result *r;
    (void)state;
    r = parse(resp);
    assert_int_equal(r->err, CK_OK);
    assert_true(r->done);
    assert_body(r, "ok");
    assert_int_equal(r->consumed, strlen("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
}

static void test_content_length_zero(void **state)
{
    const result *r;
    (void)state;
    r = parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(r->err, CK_OK);
    assert_true(r->done);
    assert_true(r->keep_alive);
    assert_int_equal(r->body_len, 0);
}

static void test_content_length_over_cap(void **state)
{
    static const opts cap4 = {4u, 48u, false};
    const result *r;
    (void)state;
    /* reported when the head ends, before any body byte */
    r = parse_o("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", &cap4);
    assert_int_equal(r->err, CK_ERR_RESPONSE_TOO_LARGE);
    assert_true(r->head_done);
    assert_int_equal(r->status, 200);
    r = parse_o("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", &cap4);
    assert_int_equal(r->err, CK_ERR_RESPONSE_TOO_LARGE);
    /* the largest Content-Length read: 9 digits */
    r = parse_o("HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n", &cap4);
    assert_int_equal(r->err, CK_ERR_RESPONSE_TOO_LARGE);
    assert_true(r->head_done);
}

static void test_body_exactly_cap(void **state)
{
    static const opts cap5 = {5u, 48u, false};
    const result *r;
    (void)state;
    r = parse_o("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", &cap5);
    assert_int_equal(r->err, CK_OK);
    assert_true(r->done);
    assert_body(r, "hello");
}

static void test_content_length_malformed(void **state)
{
    static const char *const bad[] = {
        "+5", "-1", "1 2", "0x10", "", "5a", "5;", "1.0", "42,,42", "42,", ",42",
        /* more than 9 digits, leading zeros included */
        "000000000000000000005", "18446744073709551616", "99999999999999999999", "1000000000", "0000000003",
        "18446744073709551615", "3, 0000000003",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        big_reset();
        big_add("HTTP/1.1 200 OK\r\nContent-Length: ");
        big_add(bad[i]);
        big_add("\r\n\r\n");
        assert_int_equal(parse(g_big)->err, CK_ERR_HTTP_BAD_LENGTH);
        assert_false(g_res.head_done);
    }
    assert_ok("HTTP/1.1 200 OK\r\nContent-Length: 000000003\r\n\r\nabc", 200, "abc");
}

static void test_content_length_duplicates(void **state)
{
    (void)state;
    assert_ok("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 200, "abc");
    assert_ok("HTTP/1.1 200 OK\r\nContent-Length: 3, 3,3\r\n\r\nabc", 200, "abc");
    assert_ok("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 003\r\n\r\nabc", 200, "abc");
    assert_err("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", CK_ERR_HTTP_LENGTH_CONFLICT);
    assert_err("HTTP/1.1 200 OK\r\nContent-Length: 42, 43\r\n\r\n", CK_ERR_HTTP_LENGTH_CONFLICT);
}

static void test_length_with_chunked_conflict(void **state)
{
    (void)state;
    assert_err("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
               CK_ERR_HTTP_LENGTH_CONFLICT);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nok\r\n0\r\n\r\n",
               CK_ERR_HTTP_LENGTH_CONFLICT);
}

/* ---- Transfer-Encoding ---- */

static void test_transfer_encoding_unsupported(void **state)
{
    (void)state;
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", CK_ERR_HTTP_UNSUPPORTED);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", CK_ERR_HTTP_UNSUPPORTED);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", CK_ERR_HTTP_UNSUPPORTED);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n", CK_ERR_HTTP_UNSUPPORTED);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunkedx\r\n\r\n", CK_ERR_HTTP_UNSUPPORTED);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
               CK_ERR_HTTP_UNSUPPORTED);
    assert_err("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", CK_ERR_HTTP_MALFORMED);
}

/* ---- chunked ---- */

static void test_chunked_extensions_trailers(void **state)
{
    static const char msg[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding:  chunked \r\nX-Request-Id: r-1\r\n\r\n"
                              "4;name=value;flag\r\nWiki\r\n05\r\npedia\r\nE;q=\"a b\"\r\n in\r\n\r\nchunks.\r\n"
                              "0;last\r\nExpires: never\r\nX-Trailer: 1\r\n\r\n";
    const result *r;
    (void)state;
    big_reset();
    big_add(msg);
    big_add("GARBAGE");
    r = parse(g_big);
    assert_int_equal(r->err, CK_OK);
    assert_int_equal(r->status, 200);
    assert_true(r->done);
    assert_true(r->keep_alive);
    assert_body(r, "Wikipedia in\r\n\r\nchunks.");
    assert_string_equal(r->rid, "r-1");
    assert_int_equal(r->consumed, strlen(msg));
}

static void test_chunked_hex_forms(void **state)
{
    (void)state;
    assert_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n000A\r\n0123456789\r\na\r\nabcdefghij\r\n"
              "00000\r\n\r\n",
              200, "0123456789abcdefghij");
    /* 16 hex digits are allowed */
    assert_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0000000000000001\r\nx\r\n0\r\n\r\n", 200, "x");
    assert_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n000000000000000F;e=1\r\n0123456789abcde\r\n0\r\n\r\n",
              200, "0123456789abcde");
}

static void test_chunk_size_overflow(void **state)
{
    (void)state;
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\n", CK_ERR_HTTP_BAD_CHUNK);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000001\r\nx\r\n0\r\n\r\n",
               CK_ERR_HTTP_BAD_CHUNK);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n", CK_ERR_RESPONSE_TOO_LARGE);
}

static void test_chunk_size_malformed(void **state)
{
    static const char *const bad[] = {
        "\r\n", ";ext\r\n", "3 \r\nabc\r\n", "3 ;x\r\nabc\r\n", "-3\r\n", "0x3\r\n", "g\r\n", "3\n", "3\rX",
        "3;a\x01\r\n", "3;a\n",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        big_reset();
        big_add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        big_add(bad[i]);
        assert_int_equal(parse(g_big)->err, CK_ERR_HTTP_BAD_CHUNK);
        assert_true(g_res.head_done);
    }
}

static void test_chunk_bad_terminator(void **state)
{
    (void)state;
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", CK_ERR_HTTP_BAD_CHUNK);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\rX0\r\n\r\n", CK_ERR_HTTP_BAD_CHUNK);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n", CK_ERR_HTTP_BAD_CHUNK);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", CK_ERR_HTTP_BAD_CHUNK);
}

static void test_chunk_extension_limit(void **state)
{
    (void)state;
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;");
    big_fill('e', CK_HTTP_MAX_CHUNK_EXT);
    big_add("\r\nok\r\n0\r\n\r\n");
    assert_ok(g_big, 200, "ok");
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;");
    big_fill('e', CK_HTTP_MAX_CHUNK_EXT + 1u);
    big_add("\r\nok\r\n0\r\n\r\n");
    assert_int_equal(parse(g_big)->err, CK_ERR_HTTP_BAD_CHUNK);
}

static void test_chunks_over_cap(void **state)
{
    static const opts cap8 = {8u, 48u, false};
    const result *r;
    (void)state;
    r = parse_o("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n", &cap8);
    assert_int_equal(r->err, CK_OK);
    assert_body(r, "helloabc");
    /* the second chunk does not fit: an error as soon as its size is read */
    r = parse_o("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n4\r\n", &cap8);
    assert_int_equal(r->err, CK_ERR_RESPONSE_TOO_LARGE);
    r = parse_o("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9;x\r\n", &cap8);
    assert_int_equal(r->err, CK_ERR_RESPONSE_TOO_LARGE);
}

static void test_chunked_missing_last_chunk_eof(void **state)
{
    const result *r;
    (void)state;
    r = parse_o("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", &k_eof);
    assert_int_equal(r->err, CK_ERR_PEER_CLOSED);
    assert_false(r->done);
    r = parse_o("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", &k_eof);
    assert_int_equal(r->err, CK_ERR_PEER_CLOSED);
    r = parse_o("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n", &k_eof);
    assert_int_equal(r->err, CK_ERR_PEER_CLOSED);
    r = parse_o("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX: 1\r\n", &k_eof);
    assert_int_equal(r->err, CK_ERR_PEER_CLOSED);
}

static void test_trailer_errors(void **state)
{
    (void)state;
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n folded\r\n\r\n", CK_ERR_HTTP_OBS_FOLD);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX : 1\r\n\r\n", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: \x01\r\n\r\n", CK_ERR_HTTP_MALFORMED);
    assert_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\rX", CK_ERR_HTTP_MALFORMED);
    /* trailers are not interpreted: a Content-Length trailer changes nothing */
    assert_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\nContent-Length: x\r\n"
              "X-Request-Id: late\r\n\r\n",
              200, "z");
    assert_string_equal(g_res.rid, "");
}

static void test_too_many_trailers(void **state)
{
    (void)state;
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n");
    add_headers(CK_HTTP_MAX_HEADERS - 1u);
    big_add("\r\n1\r\nz\r\n0\r\n");
    add_headers(CK_HTTP_MAX_HEADERS);
    big_add("\r\n");
    assert_ok(g_big, 200, "z");
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n");
    add_headers(CK_HTTP_MAX_HEADERS + 1u);
    big_add("\r\n");
    assert_int_equal(parse(g_big)->err, CK_ERR_HTTP_HEAD_TOO_LARGE);
}

static void test_chunk_framing_counts_as_head(void **state)
{
    static const opts big_cap = {2048u, 48u, false};
    unsigned i;
    (void)state;
    /* 900 one-byte chunks: 900 bytes of body, 4500 bytes of framing */
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (i = 0; i < 900u; i++) {
        big_add("1\r\nb\r\n");
    }
    big_add("0\r\n\r\n");
    assert_int_equal(parse_n(g_big, g_big_len, &big_cap)->err, CK_ERR_HTTP_HEAD_TOO_LARGE);
    /* 500 of them stay under the limit */
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (i = 0; i < 500u; i++) {
        big_add("1\r\nb\r\n");
    }
    big_add("0\r\n\r\n");
    assert_int_equal(parse_n(g_big, g_big_len, &big_cap)->err, CK_OK);
    assert_int_equal(g_res.body_len, 500u);
    assert_true(g_res.done);
}

/* ---- body without length ---- */

static void test_close_delimited_body(void **state)
{
    const result *r;
    (void)state;
    r = parse("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello world");
    assert_int_equal(r->err, CK_OK);
    assert_true(r->head_done);
    assert_false(r->done);
    assert_false(r->keep_alive);
    assert_body(r, "hello world");
    r = parse_o("HTTP/1.0 200 OK\r\n\r\nhello world", &k_eof);
    assert_int_equal(r->err, CK_OK);
    assert_true(r->done);
    assert_false(r->keep_alive);
    assert_body(r, "hello world");
    r = parse_o("HTTP/1.1 200 OK\r\n\r\n", &k_eof);
    assert_int_equal(r->err, CK_OK);
    assert_true(r->done);
    assert_int_equal(r->body_len, 0);
}

static void test_close_delimited_over_cap(void **state)
{
    static const opts cap5 = {5u, 48u, true};
    const result *r;
    (void)state;
    r = parse_o("HTTP/1.1 200 OK\r\n\r\nhello", &cap5);
    assert_int_equal(r->err, CK_OK);
    assert_true(r->done);
    assert_body(r, "hello");
    r = parse_o("HTTP/1.1 200 OK\r\n\r\nhello!", &cap5);
    assert_int_equal(r->err, CK_ERR_RESPONSE_TOO_LARGE);
    assert_false(r->done);
}

static void test_eof_places(void **state)
{
    ck_http_parser p;
    uint8_t body[16];
    size_t used = 0;
    const result *r;
    (void)state;
    ck_http_parser_init(&p, body, sizeof body, NULL, 0);
    assert_int_equal(ck_http_parser_eof(&p), CK_ERR_PEER_CLOSED);
    /* the parser stays failed */
    assert_int_equal(ck_http_parser_feed(&p, (const uint8_t *)"HTTP/1.1 200 OK\r\n", 17, &used), CK_ERR_PEER_CLOSED);
    assert_int_equal(used, 0);
    r = parse_o("HTTP/1.1 200 OK\r\nContent-Len", &k_eof);
    assert_int_equal(r->err, CK_ERR_PEER_CLOSED);
    r = parse_o("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", &k_eof);
    assert_int_equal(r->err, CK_ERR_PEER_CLOSED);
    assert_true(r->head_done);
    r = parse_o("HTTP/1.1 204 No Content\r\n\r\n", &k_eof);
    assert_int_equal(r->err, CK_OK);
    assert_true(r->done);
}

static void test_eof_after_done_and_feed_after_done(void **state)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx";
    ck_http_parser p;
    uint8_t body[16];
    size_t used = 0;
    (void)state;
    ck_http_parser_init(&p, body, sizeof body, NULL, 0);
    assert_int_equal(ck_http_parser_feed(&p, (const uint8_t *)resp, sizeof resp - 1u, &used), CK_OK);
    assert_true(p.done);
    assert_int_equal(used, sizeof resp - 1u);
    assert_int_equal(ck_http_parser_feed(&p, (const uint8_t *)"more", 4, &used), CK_OK);
    assert_int_equal(used, 0);
    assert_int_equal(ck_http_parser_eof(&p), CK_OK);
    assert_true(p.done);
    assert_int_equal(p.body_len, 1);
    assert_int_equal(body[0], 'x');
}

/* ---- keep-alive ---- */

static void test_keep_alive_rules(void **state)
{
    static const struct {
        const char *s;
        bool keep;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true},
        {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false},
        {"HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n", false},
        {"HTTP/1.1 200 OK\r\nConnection: upgrade\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false},
        {"HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n", true},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", true},
        {"HTTP/1.1 204 No Content\r\n\r\n", true},
        {"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false},
        {"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", true},
        {"HTTP/1.0 200 OK\r\nConnection: keep-alive,close\r\nContent-Length: 0\r\n\r\n", false},
        {"HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n", true},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const result *r = parse(cases[i].s);
        assert_int_equal(r->err, CK_OK);
        assert_true(r->done);
        assert_int_equal(r->keep_alive, cases[i].keep);
    }
    /* a body ended by the close never allows reuse */
    assert_false(parse_o("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nab", &k_eof)->keep_alive);
    assert_int_equal(g_res.err, CK_OK);
    assert_false(parse_o("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nab", &k_eof)->keep_alive);
}

/* ---- X-Request-Id, Retry-After ---- */

static void test_request_id(void **state)
{
    static const opts cap4 = {64u, 4u, false};
    static const opts none = {64u, 0u, false};
    const result *r;
    (void)state;
    r = parse("HTTP/1.1 200 OK\r\nX-Request-Id: 7f3a-11\r\nContent-Length: 0\r\n\r\n");
    assert_string_equal(r->rid, "7f3a-11");
    assert_false(r->rid_truncated);
    r = parse_o("HTTP/1.1 200 OK\r\nX-Request-Id: abc\r\nContent-Length: 0\r\n\r\n", &cap4);
    assert_int_equal(r->err, CK_OK);
    assert_string_equal(r->rid, "abc");
    assert_false(r->rid_truncated);
    r = parse_o("HTTP/1.1 200 OK\r\nX-Request-Id: abc  \t \r\nContent-Length: 0\r\n\r\n", &cap4);
    assert_string_equal(r->rid, "abc");
    assert_false(r->rid_truncated);
    r = parse_o("HTTP/1.1 200 OK\r\nX-Request-Id: abcd\r\nContent-Length: 0\r\n\r\n", &cap4);
    assert_int_equal(r->err, CK_OK);
    assert_string_equal(r->rid, "");
    assert_true(r->rid_truncated);
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nX-Request-Id: ");
    big_fill('r', 1000u);
    big_add("\r\nContent-Length: 0\r\n\r\n");
    r = parse(g_big);
    assert_int_equal(r->err, CK_OK);
    assert_string_equal(r->rid, "");
    assert_true(r->rid_truncated);
    r = parse_o("HTTP/1.1 200 OK\r\nX-Request-Id: abcdef\r\nContent-Length: 0\r\n\r\n", &none);
    assert_int_equal(r->err, CK_OK);
    assert_false(r->rid_truncated);
}

static void test_retry_after(void **state)
{
    const result *r;
    (void)state;
    r = parse("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(r->status, 429);
    assert_true(r->has_retry_after);
    assert_int_equal(r->retry_after_s, 120);
    r = parse("HTTP/1.1 503 Busy\r\nRetry-After: 86401\r\nContent-Length: 0\r\n\r\n");
    assert_true(r->has_retry_after);
    assert_int_equal(r->retry_after_s, 86400);
    r = parse("HTTP/1.1 503 Busy\r\nRetry-After: 999999999\r\nContent-Length: 0\r\n\r\n");
    assert_true(r->has_retry_after);
    assert_int_equal(r->retry_after_s, 86400);
    /* more than 9 digits: not a usable number, ignored */
    r = parse("HTTP/1.1 503 Busy\r\nRetry-After: 0000000001\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(r->err, CK_OK);
    assert_false(r->has_retry_after);
    r = parse("HTTP/1.1 503 Busy\r\nRetry-After: 18446744073709551615\r\nContent-Length: 0\r\n\r\n");
    assert_false(r->has_retry_after);
    r = parse("HTTP/1.1 503 Busy\r\nRetry-After: 99999999999999999999999\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(r->err, CK_OK);
    assert_false(r->has_retry_after);
    r = parse("HTTP/1.1 503 Busy\r\nRetry-After: 86400\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(r->retry_after_s, 86400);
    r = parse("HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n");
    assert_true(r->has_retry_after);
    assert_int_equal(r->retry_after_s, 0);
    r = parse("HTTP/1.1 503 Busy\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(r->err, CK_OK);
    assert_false(r->has_retry_after);
    r = parse("HTTP/1.1 503 Busy\r\nRetry-After: 12a\r\nContent-Length: 0\r\n\r\n");
    assert_false(r->has_retry_after);
    r = parse("HTTP/1.1 503 Busy\r\nRetry-After: \r\nContent-Length: 0\r\n\r\n");
    assert_false(r->has_retry_after);
}

/* ---- no body, error pages, in place ---- */

static void test_204_304_no_body(void **state)
{
    static const opts cap10 = {10u, 48u, false};
    const result *r;
    (void)state;
    r = parse("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\nEXTRA");
    assert_int_equal(r->err, CK_OK);
    assert_true(r->done);
    assert_int_equal(r->body_len, 0);
    assert_int_equal(r->consumed, strlen("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"));
    r = parse_o("HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n", &cap10);
    assert_int_equal(r->err, CK_OK);
    assert_true(r->done);
    assert_int_equal(r->status, 304);
    assert_int_equal(r->body_len, 0);
}

static void test_html_error_page(void **state)
{
    static const char page[] = "<html><head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body></html>\r\n";
    char resp[256];
    (void)state;
    snprintf(resp, sizeof resp, "HTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\nContent-Type: text/html\r\n"
                                "Content-Length: %u\r\nConnection: close\r\n\r\n%s",
             (unsigned)strlen(page), page);
    assert_ok(resp, 502, page);
    assert_false(g_res.keep_alive);
}

static void test_in_place_decoding(void **state)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\n\r\n";
    uint8_t buf[sizeof resp + 4u];
    ck_http_parser p;
    size_t used = 0;
    size_t off = 0;
    (void)state;
    memcpy(buf, resp, sizeof resp - 1u);
    memset(buf + sizeof resp - 1u, 0xEE, sizeof buf - (sizeof resp - 1u));
    ck_http_parser_init(&p, buf, sizeof buf, NULL, 0);
    /* two pieces, both read from the body buffer itself */
    assert_int_equal(ck_http_parser_feed(&p, buf, 52, &used), CK_OK);
    off = used;
    assert_int_equal(ck_http_parser_feed(&p, buf + off, sizeof resp - 1u - off, &used), CK_OK);
    assert_true(p.done);
    assert_int_equal(off + used, sizeof resp - 1u);
    assert_int_equal(p.body_len, 7);
    assert_memory_equal(buf, "abcdefg", 7);
    assert_int_equal(buf[sizeof buf - 1u], 0xEE);
    /* parse_n() runs the same in place for every split */
    assert_ok(resp, 200, "abcdefg");
}

static void test_in_place_overlapping(void **state)
{
    static const opts cap = {1024u, 48u, false};
    uint8_t buf[600];
    char expect[401];
    ck_http_parser p;
    size_t used = 0;
    size_t i;
    (void)state;
    /* a body longer than the head before it: source and destination overlap */
    for (i = 0; i < 400u; i++) {
        expect[i] = (char)('a' + i % 26u);
    }
    expect[400] = '\0';
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n");
    big_add(expect);
    memcpy(buf, g_big, g_big_len);
    ck_http_parser_init(&p, buf, sizeof buf, NULL, 0);
    assert_int_equal(ck_http_parser_feed(&p, buf, g_big_len, &used), CK_OK);
    assert_true(p.done);
    assert_int_equal(used, g_big_len);
    assert_int_equal(p.body_len, 400);
    assert_memory_equal(buf, expect, 400);
    /* the same chunked, every split, in place */
    big_reset();
    big_add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n12c\r\n");
    big_add(expect + 100);
    big_add("\r\n64\r\n");
    expect[100] = '\0';
    big_add(expect);
    big_add("\r\n0\r\n\r\n");
    assert_int_equal(parse_n(g_big, g_big_len, &cap)->err, CK_OK);
    assert_int_equal(g_res.body_len, 400);
    assert_memory_equal(g_res.body, g_big + strlen("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n12c\r\n"), 300);
    assert_memory_equal(g_res.body + 300, expect, 100);
}

static void test_error_is_sticky(void **state)
{
    static const char bad[] = "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n";
    static const char good[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    ck_http_parser p;
    uint8_t body[8];
    size_t used = 0;
    (void)state;
    ck_http_parser_init(&p, body, sizeof body, NULL, 0);
    assert_int_equal(ck_http_parser_feed(&p, (const uint8_t *)bad, sizeof bad - 1u, &used), CK_ERR_HTTP_BAD_LENGTH);
    assert_true(used < sizeof bad - 1u);
    assert_int_equal(ck_http_parser_feed(&p, (const uint8_t *)good, sizeof good - 1u, &used), CK_ERR_HTTP_BAD_LENGTH);
    assert_int_equal(used, 0);
    assert_false(p.done);
    assert_int_equal(ck_http_parser_eof(&p), CK_ERR_HTTP_BAD_LENGTH);
}

static void test_empty_feed(void **state)
{
    ck_http_parser p;
    uint8_t body[8];
    size_t used = 7;
    (void)state;
    ck_http_parser_init(&p, body, sizeof body, NULL, 0);
    assert_int_equal(ck_http_parser_feed(&p, (const uint8_t *)"", 0, &used), CK_OK);
    assert_int_equal(used, 0);
    assert_false(p.head_done);
    assert_false(p.done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_length_body),
        cmocka_unit_test(test_status_reason_variants),
        cmocka_unit_test(test_status_line_errors),
        cmocka_unit_test(test_100_continue_then_200),
        cmocka_unit_test(test_interim_headers_discarded),
        cmocka_unit_test(test_101_unsupported),
        cmocka_unit_test(test_names_case_insensitive),
        cmocka_unit_test(test_value_ows_trimmed),
        cmocka_unit_test(test_header_name_errors),
        cmocka_unit_test(test_header_value_ctl),
        cmocka_unit_test(test_bare_lf_and_cr),
        cmocka_unit_test(test_obs_fold),
        cmocka_unit_test(test_kept_value_too_long),
        cmocka_unit_test(test_head_too_large),
        cmocka_unit_test(test_too_many_headers),
        cmocka_unit_test(test_content_length_exact_and_extra),
        cmocka_unit_test(test_content_length_zero),
        cmocka_unit_test(test_content_length_over_cap),
        cmocka_unit_test(test_body_exactly_cap),
        cmocka_unit_test(test_content_length_malformed),
        cmocka_unit_test(test_content_length_duplicates),
        cmocka_unit_test(test_length_with_chunked_conflict),
        cmocka_unit_test(test_transfer_encoding_unsupported),
        cmocka_unit_test(test_chunked_extensions_trailers),
        cmocka_unit_test(test_chunked_hex_forms),
        cmocka_unit_test(test_chunk_size_overflow),
        cmocka_unit_test(test_chunk_size_malformed),
        cmocka_unit_test(test_chunk_bad_terminator),
        cmocka_unit_test(test_chunk_extension_limit),
        cmocka_unit_test(test_chunks_over_cap),
        cmocka_unit_test(test_chunked_missing_last_chunk_eof),
        cmocka_unit_test(test_trailer_errors),
        cmocka_unit_test(test_too_many_trailers),
        cmocka_unit_test(test_chunk_framing_counts_as_head),
        cmocka_unit_test(test_close_delimited_body),
        cmocka_unit_test(test_close_delimited_over_cap),
        cmocka_unit_test(test_eof_places),
        cmocka_unit_test(test_eof_after_done_and_feed_after_done),
        cmocka_unit_test(test_keep_alive_rules),
        cmocka_unit_test(test_request_id),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_204_304_no_body),
        cmocka_unit_test(test_html_error_page),
        cmocka_unit_test(test_in_place_decoding),
        cmocka_unit_test(test_in_place_overlapping),
        cmocka_unit_test(test_error_is_sticky),
        cmocka_unit_test(test_empty_feed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
