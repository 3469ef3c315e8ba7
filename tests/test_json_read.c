/*
 * cardkit: the JSON reader (lib/json_read.c): what ck_json_parse() accepts
 * and rejects beyond jsmn, the token budget, and the typed getters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cardkit/ck_json.h"

#define NTOK 64
#define CANARY ((char)0x5A)

static ck_json_tok g_toks[NTOK];

/* Parse the NUL-terminated @p s (without its NUL) with NTOK tokens. */
static ck_err parse(ck_json_doc *doc, const char *s)
{
    return ck_json_parse(doc, s, strlen(s), g_toks, NTOK);
}

static void check_parse(const char *s, ck_err want)
{
    ck_json_doc doc;
    ck_err got = parse(&doc, s);
    if (got != want) {
        fail_msg("parse(%s): got %d, want %d", s, (int)got, (int)want);
    }
}

/* Parse `{"v":<value>}` and expect @p want. */
static void check_member(const char *value, ck_err want)
{
    char text[256];
    assert_true(snprintf(text, sizeof text, "{\"v\":%s}", value) < (int)sizeof text);
    check_parse(text, want);
}

/* ---- parse: what is accepted --------------------------------------------- */

static void test_parse_basic_and_tokens(void **state)
{
    ck_json_doc doc;
    const char *s = "{\"a\":\"b\",\"n\":[1,true],\"o\":{}}";
    (void)state;

    assert_int_equal(parse(&doc, s), CK_OK);
    assert_int_equal(doc.count, 9);
    assert_ptr_equal(doc.json, s);
    assert_int_equal(doc.len, strlen(s));
    assert_int_equal(doc.toks[0].type, JSMN_OBJECT);
    assert_int_equal(doc.toks[0].size, 3);
    assert_int_equal(doc.toks[4].type, JSMN_ARRAY);
    assert_int_equal(doc.toks[4].size, 2);
    assert_int_equal(doc.toks[8].type, JSMN_OBJECT);
    assert_int_equal(doc.toks[8].size, 0);
}

static void test_parse_whitespace(void **state)
{
    (void)state;
    check_parse("{}", CK_OK);
    check_parse(" \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n[ 1 , 2 ] \t\r\n} \t\r\n", CK_OK);
    check_parse("{\"a\":1}\n", CK_OK);
    /* Only the four JSON whitespace bytes. */
    check_parse("\f{}", CK_ERR_JSON_MALFORMED);
    check_parse("{}\v", CK_ERR_JSON_MALFORMED);
    check_parse("{\"a\":\xC2\xA0" "1}", CK_ERR_JSON_MALFORMED);
    check_parse("\xEF\xBB\xBF{}", CK_ERR_JSON_MALFORMED); /* BOM */
}

static void test_parse_trailing_content(void **state)
{
    (void)state;
    check_parse("{}x", CK_ERR_JSON_MALFORMED);
    check_parse("{}{}", CK_ERR_JSON_MALFORMED);
    check_parse("{} ,", CK_ERR_JSON_MALFORMED);
    check_parse("{}]", CK_ERR_JSON_MALFORMED);
    check_parse("{}}", CK_ERR_JSON_MALFORMED);
    check_parse("{\"a\":1} 2", CK_ERR_JSON_MALFORMED);
    check_parse("{}\"\"", CK_ERR_JSON_MALFORMED);
}

static void test_parse_top_level_not_object(void **state)
{
    (void)state;
    check_parse("", CK_ERR_JSON_MALFORMED);
    check_parse("   ", CK_ERR_JSON_MALFORMED);
    check_parse("[]", CK_ERR_JSON_MALFORMED);
    check_parse("[{}]", CK_ERR_JSON_MALFORMED);
    check_parse("\"a\"", CK_ERR_JSON_MALFORMED);
    check_parse("1", CK_ERR_JSON_MALFORMED);
    check_parse("true", CK_ERR_JSON_MALFORMED);
    check_parse("null", CK_ERR_JSON_MALFORMED);
}

static void test_parse_numbers(void **state)
{
    static const char *const good[] = {
        "0", "-0", "1", "-1", "10", "1234567890", "0.5", "-0.5", "1.25", "1e5", "1E5", "1e+5",
        "1e-5", "0e0", "-0.0e-0", "1.5E+10", "123.456e789", "99999999999999999999999",
    };
    static const char *const bad[] = {
        "01", "-01", "00", "1.", "-", "--1", "+1", ".5", "-.5", "1e", "1e+", "1E-", "1.e5",
        "1.5e", "0x1", "1a", "1.2.3", "1e5e5", "Infinity", "-Infinity", "NaN", "1 2", "- 1",
        "1,", "\xD9\xA1",
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        check_member(good[i], CK_OK);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        check_member(bad[i], CK_ERR_JSON_MALFORMED);
    }
    /* Also as array elements (jsmn's primitive end rules differ there). */
    check_member("[0,-1,2.5e3]", CK_OK);
    check_member("[01]", CK_ERR_JSON_MALFORMED);
    check_member("[1.]", CK_ERR_JSON_MALFORMED);
}

static void test_parse_literals(void **state)
{
    static const char *const bad[] = {
        "tru", "truee", "True", "TRUE", "t", "fals", "falsey", "nul", "nulll", "NULL", "nil",
        "undefined", "true1", "null-",
    };
    size_t i;
    (void)state;

    check_member("true", CK_OK);
    check_member("false", CK_OK);
    check_member("null", CK_OK);
    check_member("[true,false,null]", CK_OK);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        check_member(bad[i], CK_ERR_JSON_MALFORMED);
    }
}

static void test_parse_string_escapes(void **state)
{
    static const char *const bad[] = {
        "\"\\x41\"", "\"\\'\"", "\"\\a\"", "\"\\0\"", "\"\\U0041\"", "\"\\u41\"", "\"\\u004\"",
        "\"\\u00G1\"", "\"\\u-041\"", "\"\\", "\"\\\"", "\"abc", "\"\\ \"",
    };
    size_t i;
    (void)state;

    check_member("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", CK_OK);
    check_member("\"\\u0041\\u00e9\\u00E9\\uFFFF\\u0000\"", CK_OK);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        check_member(bad[i], CK_ERR_JSON_MALFORMED);
    }
}

static void test_parse_surrogates(void **state)
{
    (void)state;
    check_member("\"\\uD83D\\uDE00\"", CK_OK);
    check_member("\"\\ud83d\\ude00\"", CK_OK);
    check_member("\"\\uDBFF\\uDFFF\"", CK_OK);      /* U+10FFFF */
    check_member("\"\\uD800\\uDC00\"", CK_OK);      /* U+10000 */
    check_member("\"\\uD83D\"", CK_ERR_JSON_MALFORMED);          /* lone high at the end */
    check_member("\"\\uD83Dx\"", CK_ERR_JSON_MALFORMED);         /* high, then a character */
    check_member("\"\\uD83D\\n\"", CK_ERR_JSON_MALFORMED);       /* high, then another escape */
    check_member("\"\\uD83D\\uD83D\"", CK_ERR_JSON_MALFORMED);   /* high, high */
    check_member("\"\\uD83D\\u0041\"", CK_ERR_JSON_MALFORMED);   /* high, BMP */
    check_member("\"\\uDE00\"", CK_ERR_JSON_MALFORMED);          /* lone low */
    check_member("\"\\uDE00\\uD83D\"", CK_ERR_JSON_MALFORMED);   /* reversed */
    check_member("\"\\uD83D\\uDE0\"", CK_ERR_JSON_MALFORMED);    /* low cut short */
    check_parse("{\"v\":\"\\uD83D\\uDE", CK_ERR_JSON_MALFORMED); /* text ends inside */
}

static void test_parse_control_characters(void **state)
{
    char value[8];
    int c;
    (void)state;

    for (c = 0x01; c < 0x20; c++) {
        value[0] = '"';
        value[1] = 'a';
        value[2] = (char)c;
        value[3] = '"';
        value[4] = '\0';
        check_member(value, CK_ERR_JSON_MALFORMED);
    }
    check_member("\"a\x7F\"", CK_OK); /* DEL is not a control character for JSON */
    check_parse("{\"a\tb\":1}", CK_ERR_JSON_MALFORMED); /* in a key too */
}

static void test_parse_nul_byte(void **state)
{
    ck_json_doc doc;
    static const char in_string[] = "{\"a\":\"x\0y\"}";
    static const char after[] = "{\"a\":1}\0";
    static const char between[] = "{\"a\":1,\0\"b\":2}";
    static const char escaped[] = "{\"a\":\"\\\0\"}";
    (void)state;

    assert_int_equal(ck_json_parse(&doc, escaped, sizeof escaped - 1u, g_toks, NTOK), CK_ERR_JSON_MALFORMED);
    assert_int_equal(ck_json_parse(&doc, in_string, sizeof in_string - 1u, g_toks, NTOK), CK_ERR_JSON_MALFORMED);
    assert_int_equal(ck_json_parse(&doc, after, sizeof after - 1u, g_toks, NTOK), CK_ERR_JSON_MALFORMED);
    assert_int_equal(ck_json_parse(&doc, between, sizeof between - 1u, g_toks, NTOK), CK_ERR_JSON_MALFORMED);
    /* Without the NUL in the length it is fine, and no NUL is needed at all. */
    assert_int_equal(ck_json_parse(&doc, after, sizeof after - 2u, g_toks, NTOK), CK_OK);
}

static void test_parse_utf8_in_strings(void **state)
{
    static const char *const bad[] = {
        "\"\x80\"", "\"\xC0\xAF\"", "\"\xE0\x80\xAF\"", "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"",
        "\"\xF5\x80\x80\x80\"", "\"\xFF\"", "\"a\xE2\x82\"", "\"\xF0\x9F\x98\"", "\"\xC3\x28\"",
    };
    size_t i;
    (void)state;

    check_member("\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\"", CK_OK);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        check_member(bad[i], CK_ERR_JSON_MALFORMED);
    }
    check_parse("{\"k\xFF\":1}", CK_ERR_JSON_MALFORMED);
}

static void test_parse_structure(void **state)
{
    static const char *const bad[] = {
        "{\"a\":1 \"b\":2}",    /* missing comma */
        "{\"a\" 1}",            /* missing colon */
        "{\"a\"}",              /* key without value */
        "{\"a\":}",             /* colon without value */
        "{\"a\"::1}",           /* two colons */
        "{\"a\":1,}",           /* trailing comma */
        "{,\"a\":1}",           /* leading comma */
        "{\"a\":1,,\"b\":2}",   /* double comma */
        "{1:2}",                /* number as key */
        "{true:1}",             /* literal as key */
        "{{}:1}",               /* object as key */
        "{\"a\":1:2}",          /* colon after value */
        "{\"a\",1}",            /* comma for colon */
        "{\"a\":[1 2]}",        /* missing comma in array */
        "{\"a\":[1,]}",         /* trailing comma in array */
        "{\"a\":[,1]}",         /* leading comma in array */
        "{\"a\":[\"b\":1]}",    /* member in array */
        "{\"a\":[}",            /* mismatched */
        "{\"a\":{]}",
        "{\"a\":1]",
        "{\"a\":1",             /* unclosed */
        "{\"a\":",
        "{\"a\"",
        "{",
        "}",
        "{\"a\":'b'}",          /* single quotes */
        "{a:1}",                /* bare key */
        "{\"a\":1}}",
        "{\"a\":\"b\"\"c\":1}", /* strings glued */
        "{\"a\":[1]2}",
        "{\"a\":{}\"b\":{}}",
        /* What jsmn's parent links let through, caught by the gaps. */
        "{\"x\":{\"a\"}:1}",      /* a bracket before a colon */
        "{\"a\"}:1",              /* a value after the close */
        "{\"a\":1}:}",            /* jsmn swallows the second } */
        "{\"a\":{}}:\"x\"",
        "{\"a\":[1],\"b\"}",      /* key without value after a container */
        "{\"a\":[]2}",            /* no comma after a container */
        "{\"a\":[[1]2]}",
        "{\"a\":[1]:2}",
        "{\"a\":\"b\":1}",        /* a value used as a key */
        "{\"a\":{\"b\":1}:2}",
        "{\"a\":[\"b\",:1]}",
        "{\"a\":1,}\n",
        "{\"a\":[1,]}",
        "{\"a\":[,]}",
        "{\"a\":{,}}",
        "{\"a\":[]],\"b\":1}",
        "{\"a\":[1]}}",
        "{} {}",
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        check_parse(bad[i], CK_ERR_JSON_MALFORMED);
    }
    check_parse("{\"a\":[[],{},[{}],{\"b\":[]}],\"c\":{\"d\":{\"e\":[1,\"x\",null]}}}", CK_OK);
    check_parse("{\"a\" : [ [ ] , { } , [ [ 1 ] ] ] , \"b\" : { \"c\" : { } } }", CK_OK);
}

/* {"a": followed by @p arrays `[` and as many `]`, then `}`. */
static ck_err parse_nested(unsigned arrays)
{
    static char text[128];
    ck_json_doc doc;
    size_t n = 0;
    unsigned i;

    n += (size_t)sprintf(text, "{\"a\":");
    for (i = 0; i < arrays; i++) {
        text[n++] = '[';
    }
    for (i = 0; i < arrays; i++) {
        text[n++] = ']';
    }
    text[n++] = '}';
    return ck_json_parse(&doc, text, n, g_toks, NTOK);
}

static void test_parse_depth_limit(void **state)
{
    (void)state;
    /* The object plus 31 arrays is 32 levels: the limit. */
    assert_int_equal(parse_nested(31), CK_OK);
    assert_int_equal(parse_nested(32), CK_ERR_JSON_MALFORMED);
    assert_int_equal(parse_nested(60), CK_ERR_JSON_MALFORMED);
}

static void test_parse_token_budget_exact(void **state)
{
    ck_json_doc doc;
    /* 1 object + 3 keys + "x" + array with 2 + empty object = 9 tokens. */
    const char *s = "{\"a\":\"x\",\"b\":[1,2],\"c\":{}}";
    size_t len = strlen(s);
    (void)state;

    assert_int_equal(ck_json_parse(&doc, s, len, g_toks, 9), CK_OK);
    assert_int_equal(doc.count, 9);
    assert_int_equal(ck_json_parse(&doc, s, len, g_toks, 8), CK_ERR_JSON_TOO_MANY_TOKENS);
    assert_int_equal(doc.count, 0);
    assert_int_equal(ck_json_parse(&doc, s, len, g_toks, 1), CK_ERR_JSON_TOO_MANY_TOKENS);
    assert_int_equal(ck_json_parse(&doc, "{}", 2, g_toks, 1), CK_OK);
    assert_int_equal(ck_json_parse(&doc, "{}", 2, g_toks, 0), CK_ERR_JSON_TOO_MANY_TOKENS);
    /* jsmn tokenizes before the text is checked: with fewer tokens than
     * jsmn needs, malformed text is TOO_MANY_TOKENS too (documented). */
    assert_int_equal(ck_json_parse(&doc, "{\"a\":01,\"b\":2}", 14, g_toks, 1), CK_ERR_JSON_TOO_MANY_TOKENS);
    assert_int_equal(ck_json_parse(&doc, "{\"a\":01,\"b\":2}", 14, g_toks, 5), CK_ERR_JSON_MALFORMED);
}

static void test_parse_invalid_args(void **state)
{
    ck_json_doc doc;
    (void)state;

    assert_int_equal(ck_json_parse(NULL, "{}", 2, g_toks, NTOK), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_parse(&doc, NULL, 2, g_toks, NTOK), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_parse(&doc, "{}", 2, NULL, NTOK), CK_ERR_INVALID_ARG);
    assert_int_equal(doc.count, 0);
}

/* ---- getters ------------------------------------------------------------- */

static const char doc_text[] =
    "{\"code\":\"SUCCESS\",\"ok\":true,\"no\":false,\"nil\":null,\"n\":-42,"
    "\"inner\":{\"code\":\"NESTED\",\"x\":1},"
    "\"list\":[\"a\",{\"k\":[1,2]},[3],\"z\"],"
    "\"esc\":\"q\\\"b\\\\s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u20AC\\uD83D\\uDE00\","
    "\"caf\\u00e9\":\"key escaped\",\"nul\":\"a\\u0000b\",\"num\":\"12\",\"f\":1.5,\"e\":1e3}";

static void parse_doc(ck_json_doc *doc)
{
    assert_int_equal(ck_json_parse(doc, doc_text, sizeof doc_text - 1u, g_toks, NTOK), CK_OK);
}

static void test_find_direct_members_only(void **state)
{
    ck_json_doc doc;
    int tok = 99;
    int inner;
    char out[16];
    (void)state;

    parse_doc(&doc);
    assert_int_equal(ck_json_find(&doc, 0, "code", &tok), CK_OK);
    assert_int_equal(ck_json_tok_string(&doc, tok, out, sizeof out, NULL), CK_OK);
    assert_string_equal(out, "SUCCESS");

    assert_int_equal(ck_json_find(&doc, 0, "inner", &inner), CK_OK);
    assert_int_equal(ck_json_find(&doc, inner, "code", &tok), CK_OK);
    assert_int_equal(ck_json_tok_string(&doc, tok, out, sizeof out, NULL), CK_OK);
    assert_string_equal(out, "NESTED");

    /* A key of a nested object is not a member of the outer one. */
    assert_int_equal(ck_json_find(&doc, 0, "x", &tok), CK_OK);
    assert_int_equal(tok, -1);
    assert_int_equal(ck_json_find(&doc, 0, "k", &tok), CK_OK);
    assert_int_equal(tok, -1);
    /* Values are not keys. */
    assert_int_equal(ck_json_find(&doc, 0, "SUCCESS", &tok), CK_OK);
    assert_int_equal(tok, -1);
    /* Prefixes and extensions do not match. */
    assert_int_equal(ck_json_find(&doc, 0, "cod", &tok), CK_OK);
    assert_int_equal(tok, -1);
    assert_int_equal(ck_json_find(&doc, 0, "codes", &tok), CK_OK);
    assert_int_equal(tok, -1);
    assert_int_equal(ck_json_find(&doc, 0, "", &tok), CK_OK);
    assert_int_equal(tok, -1);
}

static void test_find_escaped_key(void **state)
{
    ck_json_doc doc;
    int tok;
    char out[32];
    (void)state;

    parse_doc(&doc);
    assert_int_equal(ck_json_find(&doc, 0, "caf\xC3\xA9", &tok), CK_OK);
    assert_true(tok > 0);
    assert_int_equal(ck_json_tok_string(&doc, tok, out, sizeof out, NULL), CK_OK);
    assert_string_equal(out, "key escaped");
    /* The raw escaped text is not the key. */
    assert_int_equal(ck_json_find(&doc, 0, "caf\\u00e9", &tok), CK_OK);
    assert_int_equal(tok, -1);

    /* A key holding \u0000 matches no C string. */
    assert_int_equal(parse(&doc, "{\"a\\u0000\":1}"), CK_OK);
    assert_int_equal(ck_json_find(&doc, 0, "a", &tok), CK_OK);
    assert_int_equal(tok, -1);
}

static void test_find_duplicate_keys(void **state)
{
    ck_json_doc doc;
    int tok = 5;
    (void)state;

    assert_int_equal(parse(&doc, "{\"a\":1,\"b\":2,\"a\":3}"), CK_OK);
    assert_int_equal(ck_json_find(&doc, 0, "a", &tok), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(tok, -1);
    assert_int_equal(ck_json_find(&doc, 0, "b", &tok), CK_OK);
    assert_int_equal(tok, 4);

    /* The same key spelt two ways is a duplicate too. */
    assert_int_equal(parse(&doc, "{\"a\":1,\"\\u0061\":2}"), CK_OK);
    assert_int_equal(ck_json_find(&doc, 0, "a", &tok), CK_ERR_UNEXPECTED_RESPONSE);

    /* The same key at different levels is not. */
    assert_int_equal(parse(&doc, "{\"a\":{\"a\":{\"a\":1}}}"), CK_OK);
    assert_int_equal(ck_json_find(&doc, 0, "a", &tok), CK_OK);
    assert_int_equal(tok, 2);
    assert_int_equal(ck_json_find(&doc, 2, "a", &tok), CK_OK);
    assert_int_equal(tok, 4);
}

static void test_find_bad_arguments(void **state)
{
    ck_json_doc doc;
    int tok = 5;
    int list;
    (void)state;

    parse_doc(&doc);
    assert_int_equal(ck_json_find(&doc, 0, "list", &list), CK_OK);
    assert_int_equal(ck_json_find(&doc, list, "a", &tok), CK_ERR_UNEXPECTED_RESPONSE); /* array */
    assert_int_equal(tok, -1);
    assert_int_equal(ck_json_find(&doc, 1, "a", &tok), CK_ERR_UNEXPECTED_RESPONSE);    /* string */
    assert_int_equal(ck_json_find(&doc, -1, "a", &tok), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_find(&doc, doc.count, "a", &tok), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_find(NULL, 0, "a", &tok), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_find(&doc, 0, NULL, &tok), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_json_find(&doc, 0, "a", NULL), CK_ERR_INVALID_ARG);
}

static void test_tok_string_unescapes(void **state)
{
    ck_json_doc doc;
    char out[64];
    size_t len = 0;
    static const char want[] = "q\"b\\s/ \b\f\n\r\t A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    (void)state;

    parse_doc(&doc);
    assert_int_equal(ck_json_get_string(&doc, 0, "esc", out, sizeof out, &len), CK_OK);
    assert_int_equal(len, sizeof want - 1u);
    assert_memory_equal(out, want, sizeof want); /* with the NUL */

    /* Upper and lower case hex, the first and last supplementary code points. */
    assert_int_equal(parse(&doc, "{\"s\":\"\\u00E9\\ud800\\udc00\\uDBFF\\uDFFF\\u007f\\u0080\\u07FF\\u0800\\uFFFF\"}"), CK_OK);
    assert_int_equal(ck_json_get_string(&doc, 0, "s", out, sizeof out, &len), CK_OK);
    assert_string_equal(out, "\xC3\xA9\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF");
    assert_int_equal(len, 21);
}

static void test_tok_string_nul_escape(void **state)
{
    ck_json_doc doc;
    char out[16];
    size_t len = 9;
    (void)state;

    parse_doc(&doc);
    memset(out, 'x', sizeof out);
    assert_int_equal(ck_json_get_string(&doc, 0, "nul", out, sizeof out, &len), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(out[0], '\0');
    assert_int_equal(len, 0);
}

static void test_tok_string_buffer_boundaries(void **state)
{
    ck_json_doc doc;
    char out[32];
    size_t len;
    int tok;
    /* "caf\u00e9\uD83D\uDE00" decodes to 3 + 2 + 4 = 9 bytes. */
    const char *s = "{\"s\":\"caf\\u00e9\\uD83D\\uDE00\"}";
    size_t cap;
    (void)state;

    assert_int_equal(parse(&doc, s), CK_OK);
    assert_int_equal(ck_json_find(&doc, 0, "s", &tok), CK_OK);

    /* Exactly fits: 9 bytes and the NUL. */
    memset(out, '#', sizeof out);
    out[10] = CANARY;
    assert_int_equal(ck_json_tok_string(&doc, tok, out, 10, &len), CK_OK);
    assert_int_equal(len, 9);
    assert_memory_equal(out, "caf\xC3\xA9\xF0\x9F\x98\x80", 10);
    assert_int_equal(out[10], CANARY);

    /* Every smaller buffer: too small, out is "", nothing past cap. */
    for (cap = 1; cap < 10; cap++) {
        memset(out, '#', sizeof out);
        out[cap] = CANARY;
        len = 77;
        assert_int_equal(ck_json_tok_string(&doc, tok, out, cap, &len), CK_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(out[0], '\0');
        assert_int_equal(out[cap], CANARY);
        assert_int_equal(len, 0);
    }
    /* No buffer at all. */
    assert_int_equal(ck_json_tok_string(&doc, tok, NULL, 0, NULL), CK_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(ck_json_tok_string(&doc, tok, NULL, 5, NULL), CK_ERR_INVALID_ARG);

    /* The empty string fits in one byte. */
    assert_int_equal(parse(&doc, "{\"s\":\"\"}"), CK_OK);
    out[0] = 'x';
    out[1] = CANARY;
    assert_int_equal(ck_json_get_string(&doc, 0, "s", out, 1, &len), CK_OK);
    assert_int_equal(out[0], '\0');
    assert_int_equal(out[1], CANARY);
    assert_int_equal(len, 0);
}

static void test_get_string_errors(void **state)
{
    ck_json_doc doc;
    char out[8];
    (void)state;

    parse_doc(&doc);
    out[0] = 'x';
    assert_int_equal(ck_json_get_string(&doc, 0, "absent", out, sizeof out, NULL), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(out[0], '\0');
    assert_int_equal(ck_json_get_string(&doc, 0, "ok", out, sizeof out, NULL), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_string(&doc, 0, "n", out, sizeof out, NULL), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_string(&doc, 0, "nil", out, sizeof out, NULL), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_string(&doc, 0, "inner", out, sizeof out, NULL), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_string(&doc, 0, "list", out, sizeof out, NULL), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_tok_string(&doc, 0, out, sizeof out, NULL), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_tok_string(&doc, -1, out, sizeof out, NULL), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_tok_string(&doc, doc.count, out, sizeof out, NULL), CK_ERR_UNEXPECTED_RESPONSE);
}

static void test_get_bool(void **state)
{
    ck_json_doc doc;
    bool b = false;
    (void)state;

    parse_doc(&doc);
    assert_int_equal(ck_json_get_bool(&doc, 0, "ok", &b), CK_OK);
    assert_true(b);
    assert_int_equal(ck_json_get_bool(&doc, 0, "no", &b), CK_OK);
    assert_false(b);
    assert_int_equal(ck_json_get_bool(&doc, 0, "nil", &b), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_bool(&doc, 0, "n", &b), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_bool(&doc, 0, "absent", &b), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_bool(&doc, 0, "inner", &b), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_bool(&doc, 0, "ok", NULL), CK_ERR_INVALID_ARG);
    assert_int_equal(parse(&doc, "{\"t\":\"true\",\"f\":\"false\"}"), CK_OK);
    assert_int_equal(ck_json_get_bool(&doc, 0, "t", &b), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_bool(&doc, 0, "f", &b), CK_ERR_UNEXPECTED_RESPONSE);
}

static void check_int(const char *value, ck_err want_err, int64_t want)
{
    ck_json_doc doc;
    char text[64];
    int64_t got = 12345;

    assert_true(snprintf(text, sizeof text, "{\"v\":%s}", value) < (int)sizeof text);
    assert_int_equal(parse(&doc, text), CK_OK);
    if (ck_json_get_int(&doc, 0, "v", &got) != want_err) {
        fail_msg("get_int(%s): wrong result", value);
    }
    if (want_err == CK_OK && got != want) {
        fail_msg("get_int(%s): wrong value", value);
    }
}

static void test_get_int(void **state)
{
    ck_json_doc doc;
    int64_t v;
    (void)state;

    check_int("0", CK_OK, 0);
    check_int("-0", CK_OK, 0);
    check_int("7", CK_OK, 7);
    check_int("-42", CK_OK, -42);
    check_int("1234567890123", CK_OK, 1234567890123);
    check_int("9223372036854775807", CK_OK, INT64_MAX);
    check_int("-9223372036854775808", CK_OK, INT64_MIN);
    check_int("9223372036854775808", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("-9223372036854775809", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("18446744073709551615", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("18446744073709551616", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("99999999999999999999999", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("1.0", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("1e2", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("1E2", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("-1.5", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("\"12\"", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("true", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("null", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("[1]", CK_ERR_UNEXPECTED_RESPONSE, 0);
    check_int("{}", CK_ERR_UNEXPECTED_RESPONSE, 0);

    parse_doc(&doc);
    assert_int_equal(ck_json_get_int(&doc, 0, "n", &v), CK_OK);
    assert_int_equal(v, -42);
    assert_int_equal(ck_json_get_int(&doc, 0, "absent", &v), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_int(&doc, 0, "f", &v), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_int(&doc, 0, "e", &v), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_get_int(&doc, 0, "n", NULL), CK_ERR_INVALID_ARG);
}

static void test_array_at(void **state)
{
    ck_json_doc doc;
    int list;
    int el;
    int k;
    char out[8];
    (void)state;

    parse_doc(&doc);
    assert_int_equal(ck_json_find(&doc, 0, "list", &list), CK_OK);
    assert_int_equal(ck_json_array_at(&doc, list, 0, &el), CK_OK);
    assert_int_equal(ck_json_tok_string(&doc, el, out, sizeof out, NULL), CK_OK);
    assert_string_equal(out, "a");
    /* Element 1 is an object holding an array; element 2 comes after it. */
    assert_int_equal(ck_json_array_at(&doc, list, 1, &el), CK_OK);
    assert_int_equal(doc.toks[el].type, JSMN_OBJECT);
    assert_int_equal(ck_json_find(&doc, el, "k", &k), CK_OK);
    assert_int_equal(ck_json_array_at(&doc, k, 1, &el), CK_OK);
    assert_memory_equal(doc.json + doc.toks[el].start, "2", 1);
    assert_int_equal(ck_json_array_at(&doc, list, 2, &el), CK_OK);
    assert_int_equal(doc.toks[el].type, JSMN_ARRAY);
    assert_int_equal(ck_json_array_at(&doc, list, 3, &el), CK_OK);
    assert_int_equal(ck_json_tok_string(&doc, el, out, sizeof out, NULL), CK_OK);
    assert_string_equal(out, "z");

    /* Past the end, negative, not an array. */
    assert_int_equal(ck_json_array_at(&doc, list, 4, &el), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(el, -1);
    assert_int_equal(ck_json_array_at(&doc, list, -1, &el), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_array_at(&doc, 0, 0, &el), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_array_at(&doc, -3, 0, &el), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_array_at(&doc, list, 0, NULL), CK_ERR_INVALID_ARG);

    /* An empty array has no element 0. */
    assert_int_equal(parse(&doc, "{\"e\":[],\"i\":[10,[20],30]}"), CK_OK);
    assert_int_equal(ck_json_array_at(&doc, 2, 0, &el), CK_ERR_UNEXPECTED_RESPONSE);
    assert_int_equal(ck_json_find(&doc, 0, "i", &list), CK_OK);
    assert_int_equal(ck_json_array_at(&doc, list, 2, &el), CK_OK);
    assert_memory_equal(doc.json + doc.toks[el].start, "30", 2);
}

/* What the writer produces, the reader gives back byte for byte. */
static void test_round_trip_with_writer(void **state)
{
    static const char nasty[] = "\"\\/\b\f\n\r\t\x01\x1F\x7F caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
    char buf[256];
    char out[64];
    size_t len;
    ck_json_writer w;
    ck_json_doc doc;
    int64_t v;
    bool b;
    (void)state;

    ck_json_writer_init(&w, buf, sizeof buf);
    ck_json_object_begin(&w);
    ck_json_member_string(&w, nasty, nasty);
    ck_json_key(&w, "n");
    ck_json_int(&w, INT64_MIN);
    ck_json_member_bool(&w, "b", true);
    assert_int_equal(ck_json_object_end(&w), CK_OK);
    assert_int_equal(ck_json_writer_finish(&w, &len), CK_OK);

    assert_int_equal(ck_json_parse(&doc, buf, len, g_toks, NTOK), CK_OK);
    assert_int_equal(ck_json_get_string(&doc, 0, nasty, out, sizeof out, &len), CK_OK);
    assert_int_equal(len, sizeof nasty - 1u);
    assert_string_equal(out, nasty);
    assert_int_equal(ck_json_get_int(&doc, 0, "n", &v), CK_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(ck_json_get_bool(&doc, 0, "b", &b), CK_OK);
    assert_true(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_basic_and_tokens),
        cmocka_unit_test(test_parse_whitespace),
        cmocka_unit_test(test_parse_trailing_content),
        cmocka_unit_test(test_parse_top_level_not_object),
        cmocka_unit_test(test_parse_numbers),
        cmocka_unit_test(test_parse_literals),
        cmocka_unit_test(test_parse_string_escapes),
        cmocka_unit_test(test_parse_surrogates),
        cmocka_unit_test(test_parse_control_characters),
        cmocka_unit_test(test_parse_nul_byte),
        cmocka_unit_test(test_parse_utf8_in_strings),
        cmocka_unit_test(test_parse_structure),
        cmocka_unit_test(test_parse_depth_limit),
        cmocka_unit_test(test_parse_token_budget_exact),
        cmocka_unit_test(test_parse_invalid_args),
        cmocka_unit_test(test_find_direct_members_only),
        cmocka_unit_test(test_find_escaped_key),
        cmocka_unit_test(test_find_duplicate_keys),
        cmocka_unit_test(test_find_bad_arguments),
        cmocka_unit_test(test_tok_string_unescapes),
        cmocka_unit_test(test_tok_string_nul_escape),
        cmocka_unit_test(test_tok_string_buffer_boundaries),
        cmocka_unit_test(test_get_string_errors),
        cmocka_unit_test(test_get_bool),
        cmocka_unit_test(test_get_int),
        cmocka_unit_test(test_array_at),
        cmocka_unit_test(test_round_trip_with_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
