/*
 * cardkit: the JSON writer (lib/json_write.c) and the text helpers it uses
 * (lib/text.c). Every test checks the exact bytes produced.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cardkit/ck_json.h"
#include "ck_text.h"

#define CANARY ((char)0x5A)

/* Output buffer with a canary byte right after the `cap` usable bytes. */
typedef struct {
    char mem[512];
    size_t cap;
} outbuf;

static void outbuf_init(outbuf *o, size_t cap)
{
    assert_true(cap < sizeof o->mem);
    memset(o->mem, '#', sizeof o->mem);
    o->mem[cap] = CANARY;
    o->cap = cap;
}

static void assert_canary(const outbuf *o)
{
    assert_int_equal(o->mem[o->cap], CANARY);
}

/* Finish @p w and check it produced exactly @p want in @p o. */
static void assert_output(ck_json_writer *w, const outbuf *o, const char *want)
{
    size_t len = 12345;
    assert_int_equal(ck_json_writer_finish(w, &len), CK_OK);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(o->mem, want, len);
    assert_int_equal(ck_json_writer_needed(w), strlen(want));
    assert_canary(o);
}

/* Write `{"s":<s>}` for one string value and return the writer result. */
static ck_err write_one_string_n(outbuf *o, const char *s, size_t n, size_t *len)
{
    ck_json_writer w;
    outbuf_init(o, 256);
    ck_json_writer_init(&w, o->mem, o->cap);
    ck_json_object_begin(&w);
    ck_json_key(&w, "s");
    ck_json_string_n(&w, s, n);
    ck_json_object_end(&w);
    return ck_json_writer_finish(&w, len);
}

static void assert_string_encodes(const char *s, size_t n, const char *want_value)
{
    outbuf o;
    size_t len = 0;
    char want[300];

    assert_true(strlen(want_value) + 7u < sizeof want);
    strcpy(want, "{\"s\":");
    strcat(want, want_value);
    strcat(want, "}");
    assert_int_equal(write_one_string_n(&o, s, n, &len), CK_OK);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(o.mem, want, len);
    assert_canary(&o);
}

/* ---- text helpers -------------------------------------------------------- */

static void test_u64_to_dec(void **state)
{
    static const struct {
        uint64_t v;
        const char *text;
    } cases[] = {
        { 0u, "0" },
        { 9u, "9" },
        { 10u, "10" },
        { 65535u, "65535" },
        { 65536u, "65536" },
        { 4294967295u, "4294967295" },
        { 4294967296u, "4294967296" },
        { 1000000000000000000u, "1000000000000000000" },
        { 9223372036854775807u, "9223372036854775807" },
        { 9223372036854775808u, "9223372036854775808" },
        { 18446744073709551615u, "18446744073709551615" },
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[21];
        size_t n;
        memset(out, '#', sizeof out);
        n = ck_u64_to_dec(cases[i].v, out);
        assert_int_equal(n, strlen(cases[i].text));
        assert_memory_equal(out, cases[i].text, n);
        assert_int_equal(out[n], '#'); /* no NUL written */
    }
}

static void test_lower_nonempty_wipe(void **state)
{
    unsigned char secret[16];
    size_t i;
    int c;
    (void)state;

    for (c = -128; c < 128; c++) {
        char want = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
        assert_int_equal(ck_lower((char)c), want);
    }
    assert_false(ck_nonempty(NULL));
    assert_false(ck_nonempty(""));
    assert_true(ck_nonempty("x"));

    memset(secret, 0xA5, sizeof secret);
    ck_wipe(secret + 2, 12);
    assert_int_equal(secret[0], 0xA5);
    assert_int_equal(secret[1], 0xA5);
    for (i = 2; i < 14; i++) {
        assert_int_equal(secret[i], 0);
    }
    assert_int_equal(secret[14], 0xA5);
    ck_wipe(secret, 0); /* nothing to do, must not touch memory */
    assert_int_equal(secret[0], 0xA5);
}

static void test_utf8_valid_boundaries(void **state)
{
    static const struct {
        const char *s;
        bool ok;
    } cases[] = {
        { "", true },
        { "plain ASCII \x7F", true },
        { "\xC2\x80", true },              /* U+0080, smallest 2-byte */
        { "\xDF\xBF", true },              /* U+07FF */
        { "\xE0\xA0\x80", true },          /* U+0800, smallest 3-byte */
        { "\xED\x9F\xBF", true },          /* U+D7FF, just below the surrogates */
        { "\xEE\x80\x80", true },          /* U+E000, just above them */
        { "\xEF\xBF\xBF", true },          /* U+FFFF */
        { "\xF0\x90\x80\x80", true },      /* U+10000, smallest 4-byte */
        { "\xF4\x8F\xBF\xBF", true },      /* U+10FFFF, the largest */
        { "\x80", false },                 /* lone continuation */
        { "\xBF", false },
        { "\xC0\x80", false },             /* overlong NUL */
        { "\xC1\xBF", false },             /* overlong U+007F */
        { "\xE0\x9F\xBF", false },         /* overlong U+07FF */
        { "\xF0\x8F\xBF\xBF", false },     /* overlong U+FFFF */
        { "\xED\xA0\x80", false },         /* U+D800 encoded */
        { "\xED\xBF\xBF", false },         /* U+DFFF encoded */
        { "\xF4\x90\x80\x80", false },     /* U+110000 */
        { "\xF5\x80\x80\x80", false },
        { "\xFF", false },
        { "\xC2", false },                 /* truncated at the end */
        { "\xE2\x82", false },
        { "\xF0\x9F\x98", false },
        { "\xC2\x41", false },             /* continuation missing */
        { "\xE2\x28\xA1", false },
        { "a\xF0\x9F\x98\x80z\xC3", false },
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (ck_utf8_valid(cases[i].s, strlen(cases[i].s)) != cases[i].ok) {
            fail_msg("case %u", (unsigned)i);
        }
    }
    /* The length is honoured: a sequence cut by n is invalid. */
    assert_false(ck_utf8_valid("\xE2\x82\xAC", 2));
    assert_true(ck_utf8_valid("\xE2\x82\xAC", 3));
    assert_true(ck_utf8_valid(NULL, 0));
    assert_false(ck_utf8_valid(NULL, 1));
}

/* ---- writer: output ------------------------------------------------------ */

static void test_compact_object(void **state)
{
    outbuf o;
    ck_json_writer w;
    (void)state;

    outbuf_init(&o, 64);
    ck_json_writer_init(&w, o.mem, o.cap);
    assert_int_equal(ck_json_object_begin(&w), CK_OK);
    assert_int_equal(ck_json_member_string(&w, "a", "b"), CK_OK);
    assert_int_equal(ck_json_member_bool(&w, "c", true), CK_OK);
    assert_int_equal(ck_json_member_bool(&w, "d", false), CK_OK);
    assert_int_equal(ck_json_key(&w, "e"), CK_OK);
    assert_int_equal(ck_json_null(&w), CK_OK);
    assert_int_equal(ck_json_object_end(&w), CK_OK);
    assert_output(&w, &o, "{\"a\":\"b\",\"c\":true,\"d\":false,\"e\":null}");
}

static void test_empty_containers(void **state)
{
    outbuf o;
    ck_json_writer w;
    (void)state;

    outbuf_init(&o, 16);
    ck_json_writer_init(&w, o.mem, o.cap);
    ck_json_object_begin(&w);
    ck_json_object_end(&w);
    assert_output(&w, &o, "{}");

    outbuf_init(&o, 16);
    ck_json_writer_init(&w, o.mem, o.cap);
    ck_json_array_begin(&w);
    ck_json_array_end(&w);
    assert_output(&w, &o, "[]");
}

static void test_nesting(void **state)
{
    outbuf o;
    ck_json_writer w;
    (void)state;

    outbuf_init(&o, 128);
    ck_json_writer_init(&w, o.mem, o.cap);
    ck_json_object_begin(&w);
    ck_json_key(&w, "a");
    ck_json_array_begin(&w);
    ck_json_int(&w, 1);
    ck_json_array_begin(&w);
    ck_json_array_end(&w);
    ck_json_object_begin(&w);
    ck_json_object_end(&w);
    ck_json_string(&w, "x");
    ck_json_array_begin(&w);
    ck_json_bool(&w, true);
    ck_json_null(&w);
    ck_json_array_end(&w);
    ck_json_array_end(&w);
    ck_json_key(&w, "b");
    ck_json_object_begin(&w);
    ck_json_member_string(&w, "c", "d");
    ck_json_key(&w, "e");
    ck_json_object_begin(&w);
    ck_json_object_end(&w);
    ck_json_object_end(&w);
    assert_int_equal(ck_json_object_end(&w), CK_OK);
    assert_output(&w, &o, "{\"a\":[1,[],{},\"x\",[true,null]],\"b\":{\"c\":\"d\",\"e\":{}}}");
}

static void test_max_depth(void **state)
{
    outbuf o;
    ck_json_writer w;
    char want[2 * CK_JSON_WRITER_MAX_DEPTH + 1];
    unsigned i;
    (void)state;

    /* Exactly the maximum depth works. */
    outbuf_init(&o, 64);
    ck_json_writer_init(&w, o.mem, o.cap);
    for (i = 0; i < CK_JSON_WRITER_MAX_DEPTH; i++) {
        assert_int_equal(ck_json_array_begin(&w), CK_OK);
    }
    for (i = 0; i < CK_JSON_WRITER_MAX_DEPTH; i++) {
        assert_int_equal(ck_json_array_end(&w), CK_OK);
    }
    memset(want, '[', CK_JSON_WRITER_MAX_DEPTH);
    memset(want + CK_JSON_WRITER_MAX_DEPTH, ']', CK_JSON_WRITER_MAX_DEPTH);
    want[2 * CK_JSON_WRITER_MAX_DEPTH] = '\0';
    assert_output(&w, &o, want);

    /* One more level is misuse and writes nothing. */
    outbuf_init(&o, 64);
    ck_json_writer_init(&w, o.mem, o.cap);
    for (i = 0; i < CK_JSON_WRITER_MAX_DEPTH; i++) {
        assert_int_equal(ck_json_array_begin(&w), CK_OK);
    }
    ck_json_int(&w, 7);
    assert_int_equal(ck_json_array_begin(&w), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_writer_needed(&w), CK_JSON_WRITER_MAX_DEPTH + 1u);
    assert_int_equal(ck_json_object_begin(&w), CK_ERR_INVALID_ARG);
}

static void test_integers(void **state)
{
    outbuf o;
    ck_json_writer w;
    (void)state;

    outbuf_init(&o, 128);
    ck_json_writer_init(&w, o.mem, o.cap);
    ck_json_array_begin(&w);
    ck_json_int(&w, 0);
    ck_json_int(&w, 1);
    ck_json_int(&w, -1);
    ck_json_int(&w, 1234567890);
    ck_json_int(&w, INT64_MAX);
    ck_json_int(&w, INT64_MIN);
    ck_json_int(&w, INT64_MIN + 1);
    ck_json_array_end(&w);
    assert_output(&w, &o,
                  "[0,1,-1,1234567890,9223372036854775807,-9223372036854775808,-9223372036854775807]");
}

static void test_top_level_scalar(void **state)
{
    outbuf o;
    ck_json_writer w;
    (void)state;

    outbuf_init(&o, 16);
    ck_json_writer_init(&w, o.mem, o.cap);
    assert_int_equal(ck_json_string(&w, "x"), CK_OK);
    assert_output(&w, &o, "\"x\"");

    outbuf_init(&o, 16);
    ck_json_writer_init(&w, o.mem, o.cap);
    assert_int_equal(ck_json_int(&w, -5), CK_OK);
    assert_output(&w, &o, "-5");
}

/* ---- writer: escaping ---------------------------------------------------- */

static void test_escape_quote_backslash_solidus(void **state)
{
    (void)state;
    assert_string_encodes("a\"b", 3, "\"a\\\"b\"");
    assert_string_encodes("a\\b", 3, "\"a\\\\b\"");
    assert_string_encodes("\\\"", 2, "\"\\\\\\\"\"");
    /* The solidus may stay raw (RFC 8259 allows both). */
    assert_string_encodes("a/b", 3, "\"a/b\"");
    assert_string_encodes("", 0, "\"\"");
}

static void test_escape_short_forms(void **state)
{
    (void)state;
    assert_string_encodes("\b", 1, "\"\\b\"");
    assert_string_encodes("\f", 1, "\"\\f\"");
    assert_string_encodes("\n", 1, "\"\\n\"");
    assert_string_encodes("\r", 1, "\"\\r\"");
    assert_string_encodes("\t", 1, "\"\\t\"");
    assert_string_encodes("x\r\ny\t", 5, "\"x\\r\\ny\\t\"");
}

static void test_escape_other_controls(void **state)
{
    char c;
    (void)state;

    /* Every control character that has no short form is \u00XX, upper-case hex. */
    for (c = 0x01; c < 0x20; c++) {
        char want[16];
        static const char hex[] = "0123456789ABCDEF";
        if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
            continue;
        }
        strcpy(want, "\"\\u00");
        want[5] = hex[(unsigned char)c >> 4];
        want[6] = hex[(unsigned char)c & 15u];
        want[7] = '"';
        want[8] = '\0';
        assert_string_encodes(&c, 1, want);
    }
    assert_string_encodes("\x0B", 1, "\"\\u000B\"");
    assert_string_encodes("\x1F", 1, "\"\\u001F\"");
    assert_string_encodes("\x1B[0m", 4, "\"\\u001B[0m\"");
    /* DEL and space are not escaped. */
    assert_string_encodes("\x7F ", 2, "\"\x7F \"");
}

static void test_utf8_pass_through(void **state)
{
    (void)state;
    assert_string_encodes("caf\xC3\xA9", 5, "\"caf\xC3\xA9\"");                   /* 2-byte */
    assert_string_encodes("\xE2\x82\xAC" "5", 4, "\"\xE2\x82\xAC" "5\"");          /* 3-byte */
    assert_string_encodes("\xF0\x9F\x98\x80", 4, "\"\xF0\x9F\x98\x80\"");          /* 4-byte */
    assert_string_encodes("\xF4\x8F\xBF\xBF", 4, "\"\xF4\x8F\xBF\xBF\"");          /* U+10FFFF */
    assert_string_encodes("\xE2\x80\xA8", 3, "\"\xE2\x80\xA8\"");                  /* U+2028 kept raw */
}

static void test_invalid_utf8_rejected(void **state)
{
    static const char *const bad[] = {
        "\x80", "\xC0\xAF", "\xC1\x81", "\xE0\x80\xAF", "\xED\xA0\x80", "\xED\xBF\xBF",
        "ab\xE2\x82", "\xF0\x9F\x98", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFE", "\xFF",
        "\xC3\x28",
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        outbuf o;
        size_t len = 99;
        assert_int_equal(write_one_string_n(&o, bad[i], strlen(bad[i]), &len), CK_ERR_INVALID_ARG);
        assert_int_equal(len, 0);
        /* Nothing of the bad value was written: only `{"s":` is there. */
        assert_memory_equal(o.mem, "{\"s\":#", 6);
    }
}

static void test_nul_rejected(void **state)
{
    outbuf o;
    size_t len;
    ck_json_writer w;
    (void)state;

    assert_int_equal(write_one_string_n(&o, "a\0b", 3, &len), CK_ERR_INVALID_ARG);
    assert_int_equal(write_one_string_n(&o, "\0", 1, &len), CK_ERR_INVALID_ARG);
    /* NUL-terminated API: the string simply ends at the NUL. */
    outbuf_init(&o, 16);
    ck_json_writer_init(&w, o.mem, o.cap);
    assert_int_equal(ck_json_string(&w, "a\0b"), CK_OK);
    assert_output(&w, &o, "\"a\"");
    /* NULL text is invalid. */
    ck_json_writer_init(&w, o.mem, o.cap);
    assert_int_equal(ck_json_string(&w, NULL), CK_ERR_INVALID_ARG);
    ck_json_writer_init(&w, o.mem, o.cap);
    ck_json_object_begin(&w);
    assert_int_equal(ck_json_key(&w, NULL), CK_ERR_INVALID_ARG);
}

static void test_keys_escaped_and_checked(void **state)
{
    outbuf o;
    ck_json_writer w;
    (void)state;

    outbuf_init(&o, 64);
    ck_json_writer_init(&w, o.mem, o.cap);
    ck_json_object_begin(&w);
    assert_int_equal(ck_json_member_string(&w, "q\"k\n\x01\xC3\xA9", "v"), CK_OK);
    ck_json_object_end(&w);
    assert_output(&w, &o, "{\"q\\\"k\\n\\u0001\xC3\xA9\":\"v\"}");

    outbuf_init(&o, 64);
    ck_json_writer_init(&w, o.mem, o.cap);
    ck_json_object_begin(&w);
    assert_int_equal(ck_json_key(&w, "bad\xC0\x80"), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_writer_needed(&w), 1);
}

/* ---- writer: buffer bounds ----------------------------------------------- */

/* The same document as a sequence of calls, into any buffer. */
static ck_err write_sample(ck_json_writer *w)
{
    ck_json_object_begin(w);
    ck_json_member_string(w, "name", "J\xC3\xB8rn \"JJ\"\n");
    ck_json_key(w, "n");
    ck_json_int(w, -42);
    ck_json_key(w, "list");
    ck_json_array_begin(w);
    ck_json_bool(w, false);
    ck_json_null(w);
    ck_json_string(w, "\x02");
    ck_json_array_end(w);
    return ck_json_object_end(w);
}

static const char sample_json[] =
    "{\"name\":\"J\xC3\xB8rn \\\"JJ\\\"\\n\",\"n\":-42,\"list\":[false,null,\"\\u0002\"]}";

static void test_exact_fit(void **state)
{
    outbuf o;
    ck_json_writer w;
    size_t need = sizeof sample_json - 1u;
    (void)state;

    outbuf_init(&o, need);
    ck_json_writer_init(&w, o.mem, o.cap);
    assert_int_equal(write_sample(&w), CK_OK);
    assert_output(&w, &o, sample_json);
}

static void test_one_byte_short_and_every_shorter_size(void **state)
{
    size_t need = sizeof sample_json - 1u;
    size_t cap;
    (void)state;

    for (cap = 0; cap < need; cap++) {
        outbuf o;
        ck_json_writer w;
        size_t len = 77;

        outbuf_init(&o, cap);
        ck_json_writer_init(&w, o.mem, o.cap);
        assert_int_equal(write_sample(&w), CK_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(ck_json_writer_finish(&w, &len), CK_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(len, 0);
        assert_int_equal(ck_json_writer_needed(&w), need);
        assert_canary(&o);
        /* What fitted is the start of the document. */
        assert_memory_equal(o.mem, sample_json, cap);
    }
}

static void test_too_small_is_not_sticky_misuse_is(void **state)
{
    outbuf o;
    ck_json_writer w;
    (void)state;

    outbuf_init(&o, 2);
    ck_json_writer_init(&w, o.mem, o.cap);
    assert_int_equal(ck_json_object_begin(&w), CK_OK);
    assert_int_equal(ck_json_key(&w, "a"), CK_ERR_BUFFER_TOO_SMALL);
    /* Still counting, still checking placement. */
    assert_int_equal(ck_json_key(&w, "b"), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_writer_finish(&w, NULL), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_string(&w, "x"), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_writer_needed(&w), 5); /* {"a": */
    assert_canary(&o);
}

static void test_counting_mode(void **state)
{
    ck_json_writer w;
    size_t len = 0;
    (void)state;

    ck_json_writer_init(&w, NULL, 0);
    assert_int_equal(write_sample(&w), CK_OK);
    assert_int_equal(ck_json_writer_finish(&w, &len), CK_OK);
    assert_int_equal(len, sizeof sample_json - 1u);
    assert_int_equal(ck_json_writer_needed(&w), sizeof sample_json - 1u);

    /* A NULL buffer with a capacity still only counts. */
    ck_json_writer_init(&w, NULL, 100);
    assert_int_equal(write_sample(&w), CK_OK);
    assert_int_equal(ck_json_writer_needed(&w), sizeof sample_json - 1u);

    /* Misuse is still detected while counting. */
    ck_json_writer_init(&w, NULL, 0);
    assert_int_equal(ck_json_object_end(&w), CK_ERR_INVALID_ARG);
}

/* ---- writer: misuse ------------------------------------------------------ */

static void test_misuse_value_without_key(void **state)
{
    ck_json_writer w;
    char buf[32];
    (void)state;

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_object_begin(&w);
    assert_int_equal(ck_json_string(&w, "v"), CK_ERR_INVALID_ARG);

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_object_begin(&w);
    ck_json_member_bool(&w, "a", true);
    assert_int_equal(ck_json_int(&w, 1), CK_ERR_INVALID_ARG);

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_object_begin(&w);
    assert_int_equal(ck_json_array_begin(&w), CK_ERR_INVALID_ARG);
}

static void test_misuse_key_placement(void **state)
{
    ck_json_writer w;
    char buf[32];
    (void)state;

    ck_json_writer_init(&w, buf, sizeof buf);
    assert_int_equal(ck_json_key(&w, "a"), CK_ERR_INVALID_ARG); /* top level */

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_array_begin(&w);
    assert_int_equal(ck_json_key(&w, "a"), CK_ERR_INVALID_ARG); /* in an array */

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_object_begin(&w);
    ck_json_key(&w, "a");
    assert_int_equal(ck_json_key(&w, "b"), CK_ERR_INVALID_ARG); /* two keys */

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_object_begin(&w);
    ck_json_key(&w, "a");
    assert_int_equal(ck_json_object_end(&w), CK_ERR_INVALID_ARG); /* key without value */
}

static void test_misuse_ends(void **state)
{
    ck_json_writer w;
    char buf[32];
    (void)state;

    ck_json_writer_init(&w, buf, sizeof buf);
    assert_int_equal(ck_json_object_end(&w), CK_ERR_INVALID_ARG);
    ck_json_writer_init(&w, buf, sizeof buf);
    assert_int_equal(ck_json_array_end(&w), CK_ERR_INVALID_ARG);

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_object_begin(&w);
    assert_int_equal(ck_json_array_end(&w), CK_ERR_INVALID_ARG);

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_array_begin(&w);
    assert_int_equal(ck_json_object_end(&w), CK_ERR_INVALID_ARG);

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_object_begin(&w);
    ck_json_object_end(&w);
    assert_int_equal(ck_json_object_end(&w), CK_ERR_INVALID_ARG);
}

static void test_misuse_second_top_level_value(void **state)
{
    ck_json_writer w;
    char buf[32];
    (void)state;

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_object_begin(&w);
    ck_json_object_end(&w);
    assert_int_equal(ck_json_object_begin(&w), CK_ERR_INVALID_ARG);

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_null(&w);
    assert_int_equal(ck_json_string(&w, "x"), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_writer_needed(&w), 4);
}

static void test_sticky_error(void **state)
{
    outbuf o;
    ck_json_writer w;
    size_t len = 5;
    (void)state;

    outbuf_init(&o, 64);
    ck_json_writer_init(&w, o.mem, o.cap);
    ck_json_object_begin(&w);
    assert_int_equal(ck_json_string(&w, "no key"), CK_ERR_INVALID_ARG);
    /* Every later call does nothing and returns the first error. */
    assert_int_equal(ck_json_key(&w, "a"), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_string(&w, "b"), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_object_end(&w), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_writer_finish(&w, &len), CK_ERR_INVALID_ARG);
    assert_int_equal(len, 0);
    assert_int_equal(ck_json_writer_needed(&w), 1);
    assert_int_equal(o.mem[0], '{');
    assert_int_equal(o.mem[1], '#');
}

static void test_finish_incomplete(void **state)
{
    ck_json_writer w;
    char buf[32];
    size_t len = 3;
    (void)state;

    ck_json_writer_init(&w, buf, sizeof buf);
    assert_int_equal(ck_json_writer_finish(&w, &len), CK_ERR_INVALID_ARG); /* nothing */
    assert_int_equal(len, 0);

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_object_begin(&w);
    assert_int_equal(ck_json_writer_finish(&w, NULL), CK_ERR_INVALID_ARG);

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_array_begin(&w);
    ck_json_array_begin(&w);
    ck_json_array_end(&w);
    assert_int_equal(ck_json_writer_finish(&w, NULL), CK_ERR_INVALID_ARG);
    ck_json_array_end(&w);
    assert_int_equal(ck_json_writer_finish(&w, &len), CK_OK);
    assert_int_equal(len, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u64_to_dec),
        cmocka_unit_test(test_lower_nonempty_wipe),
        cmocka_unit_test(test_utf8_valid_boundaries),
        cmocka_unit_test(test_compact_object),
        cmocka_unit_test(test_empty_containers),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_max_depth),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_top_level_scalar),
        cmocka_unit_test(test_escape_quote_backslash_solidus),
        cmocka_unit_test(test_escape_short_forms),
        cmocka_unit_test(test_escape_other_controls),
        cmocka_unit_test(test_utf8_pass_through),
        cmocka_unit_test(test_invalid_utf8_rejected),
        cmocka_unit_test(test_nul_rejected),
        cmocka_unit_test(test_keys_escaped_and_checked),
        cmocka_unit_test(test_exact_fit),
        cmocka_unit_test(test_one_byte_short_and_every_shorter_size),
        cmocka_unit_test(test_too_small_is_not_sticky_misuse_is),
        cmocka_unit_test(test_counting_mode),
        cmocka_unit_test(test_misuse_value_without_key),
        cmocka_unit_test(test_misuse_key_placement),
        cmocka_unit_test(test_misuse_ends),
        cmocka_unit_test(test_misuse_second_top_level_value),
        cmocka_unit_test(test_sticky_error),
        cmocka_unit_test(test_finish_incomplete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
