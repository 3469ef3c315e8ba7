/**
 * @file json_read.c
 * @brief The JSON reader of ck_json.h. The only file that compiles jsmn.
 *
 * ck_json_parse() first checks the whole text against the RFC 8259 grammar
 * with a small state machine and an explicit depth stack (jsmn, even in
 * strict mode, accepts missing commas and colons, bad numbers, bad
 * escapes, raw control characters, invalid UTF-8 and trailing content),
 * then lets jsmn build the tokens of the checked text. The getters rely on
 * that check: they decode strings and numbers without re-validating them.
 */
#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "cardkit/ck_json.h"

#include <limits.h>
#include <string.h>

#include "ck_text.h"

/** @brief Deepest nesting of objects and arrays ck_json_parse() accepts. */
#define CK_JSON_READ_MAX_DEPTH 32u

/* What the grammar check allows next (a set). */
#define ALLOW_VALUE 1u  /**< a value */
#define ALLOW_KEY 2u    /**< a key string */
#define ALLOW_COMMA 4u  /**< `,` */
#define ALLOW_COLON 8u  /**< `:` */
#define ALLOW_CLOSE 16u /**< the bracket that closes the innermost level */

/** @brief Index of the first byte at or after @p i that is not JSON whitespace. */
static size_t skip_ws(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
        i++;
    }
    return i;
}

/** @brief Value of the 4 hex digits at @p p, or 0x10000 when one is not a hex digit. */
static uint32_t hex4(const char *p)
{
    uint32_t v = 0;
    unsigned k;

    for (k = 0; k < 4u; k++) {
        unsigned c = (unsigned char)p[k];
        if (c - '0' < 10u) {
            c -= '0';
        } else if ((c | 0x20u) - 'a' < 6u) {
            c = (c | 0x20u) - 'a' + 10u;
        } else {
            return 0x10000u;
        }
        v = (v << 4) | c;
    }
    return v;
}

/** @brief True for a high (leading) surrogate code unit. */
static bool is_high(uint32_t u)
{
    return u - 0xD800u < 0x400u;
}

/** @brief True for a low (trailing) surrogate code unit. */
static bool is_low(uint32_t u)
{
    return u - 0xDC00u < 0x400u;
}

/**
 * @brief Check the string whose opening quote is at @p i: no raw control
 * characters, only the RFC 8259 escapes, `\uXXXX` surrogates only as
 * high-low pairs, and valid UTF-8.
 * @return Index just past the closing quote, or 0 when malformed.
 */
static size_t scan_string(const char *s, size_t len, size_t i)
{
    size_t start = ++i;
    uint32_t prev = 0; /* the previous character's \u value, else 0 */

    for (;;) {
        uint32_t u = 0;
        unsigned char c;

        if (i >= len) {
            return 0;
        }
        c = (unsigned char)s[i++];
        if (c == '"') {
            return (!is_high(prev) && ck_utf8_valid(s + start, i - 1u - start)) ? i : 0u;
        }
        if (c < 0x20u) {
            return 0;
        }
        if (c == '\\') {
            c = (i < len) ? (unsigned char)s[i++] : 0u;
            if (c == 'u') {
                u = (len - i >= 4u) ? hex4(s + i) : 0x10000u;
                i += 4u;
                if (u > 0xFFFFu) {
                    return 0;
                }
            } else if (c == 0u || strchr("\"\\/bfnrt", c) == NULL) {
                return 0;
            }
        }
        /* A high surrogate must be followed by a low one, and only there. */
        if (is_high(prev) != is_low(u)) {
            return 0;
        }
        prev = u;
    }
}

/** @brief Index just past the digits starting at @p i (none when @p i is not a digit). */
static size_t skip_digits(const char *s, size_t len, size_t i)
{
    while (i < len && (unsigned)(s[i] - '0') < 10u) {
        i++;
    }
    return i;
}

/**
 * @brief Check the number starting at @p i:
 * `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
 * @return Index just past it, or 0 when malformed.
 */
static size_t scan_number(const char *s, size_t len, size_t i)
{
    size_t j;

    if (s[i] == '-') {
        i++;
    }
    if (i < len && s[i] == '0') {
        i++;
    } else {
        j = skip_digits(s, len, i);
        if (j == i) {
            return 0;
        }
        i = j;
    }
    if (i < len && s[i] == '.') {
        j = skip_digits(s, len, ++i);
        if (j == i) {
            return 0;
        }
        i = j;
    }
    if (i < len && (s[i] | 0x20) == 'e') {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        j = skip_digits(s, len, i);
        if (j == i) {
            return 0;
        }
        i = j;
    }
    return i;
}

/**
 * @brief Check the literal (true, false, null) at @p i.
 * @return Index just past it, or 0 when it is none of them.
 */
static size_t scan_literal(const char *s, size_t len, size_t i)
{
    const char *word = (s[i] == 't') ? "true" : (s[i] == 'f') ? "false" : "null";

    while (*word != '\0' && i < len && s[i] == *word) {
        i++;
        word++;
    }
    return (*word == '\0') ? i : 0u;
}

/**
 * @brief True when @p s is exactly one JSON object with optional
 * whitespace around it, no deeper than CK_JSON_READ_MAX_DEPTH.
 */
static bool grammar_ok(const char *s, size_t len)
{
    uint32_t objects = 0; /* bit 0: the innermost level is an object; bit 1: its parent... */
    unsigned depth = 0;
    unsigned allow = ALLOW_VALUE; /* 0 once the top-level object is closed */
    size_t i = skip_ws(s, len, 0);

    if (i >= len || s[i] != '{') {
        return false;
    }
    for (;;) {
        bool in_obj = (objects & 1u) != 0u;
        unsigned need;
        char c;

        i = skip_ws(s, len, i);
        if (i >= len) {
            return allow == 0u;
        }
        c = s[i];
        need = (c == '}' || c == ']') ? ALLOW_CLOSE
             : (c == ',') ? ALLOW_COMMA
             : (c == ':') ? ALLOW_COLON
             : (c == '"') ? (ALLOW_VALUE | ALLOW_KEY)
             : ALLOW_VALUE;
        if ((allow & need) == 0u) {
            return false;
        }
        if (c == '{' || c == '[') {
            if (depth >= CK_JSON_READ_MAX_DEPTH) {
                return false;
            }
            depth++;
            objects = (objects << 1) | (c == '{' ? 1u : 0u);
            allow = (c == '{' ? ALLOW_KEY : ALLOW_VALUE) | ALLOW_CLOSE;
            i++;
        } else if (need == ALLOW_CLOSE) {
            if ((c == '}') != in_obj) {
                return false;
            }
            depth--;
            objects >>= 1;
            allow = (depth > 0u) ? (ALLOW_COMMA | ALLOW_CLOSE) : 0u;
            i++;
        } else if (need == ALLOW_COMMA) {
            allow = in_obj ? ALLOW_KEY : ALLOW_VALUE;
            i++;
        } else if (need == ALLOW_COLON) {
            allow = ALLOW_VALUE;
            i++;
        } else {
            if (c == '"') {
                i = scan_string(s, len, i);
            } else if (c == '-' || (unsigned)(c - '0') < 10u) {
                i = scan_number(s, len, i);
            } else {
                i = scan_literal(s, len, i);
            }
            if (i == 0u) {
                return false;
            }
            allow = (allow & ALLOW_KEY) ? ALLOW_COLON : (ALLOW_COMMA | ALLOW_CLOSE);
        }
    }
}

ck_err ck_json_parse(ck_json_doc *doc, const char *json, size_t len,
                     ck_json_tok *toks, size_t tok_cap)
{
    jsmn_parser p;
    int r;

    if (doc == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    doc->json = json;
    doc->len = len;
    doc->toks = toks;
    doc->count = 0;
    if (json == NULL || toks == NULL || len > (size_t)INT_MAX) {
        return CK_ERR_INVALID_ARG;
    }
    if (!grammar_ok(json, len)) {
        return CK_ERR_JSON_MALFORMED;
    }
    jsmn_init(&p);
    r = jsmn_parse(&p, json, len, toks, (tok_cap > UINT_MAX) ? UINT_MAX : (unsigned)tok_cap);
    if (r == JSMN_ERROR_NOMEM) {
        return CK_ERR_JSON_TOO_MANY_TOKENS;
    }
    if (r < 1 || toks[0].type != JSMN_OBJECT) {
        return CK_ERR_JSON_MALFORMED;
    }
    doc->count = r;
    return CK_OK;
}

/** @brief True when @p tok is a token of @p doc of type @p type. */
static bool tok_is(const ck_json_doc *doc, int tok, jsmntype_t type)
{
    return doc != NULL && tok >= 0 && tok < doc->count && doc->toks[tok].type == type;
}

/**
 * @brief Decode one character of checked string text at @p *pi (a raw
 * byte or one escape, a surrogate pair being one escape) and advance.
 * @param out Receives the UTF-8 bytes.
 * @return The number of bytes in @p out (1 to 4).
 */
static unsigned decode(const char *s, size_t *pi, unsigned char out[4])
{
    static const unsigned char lead[5] = { 0x00u, 0x00u, 0xC0u, 0xE0u, 0xF0u };
    const char *p = s + *pi;
    uint32_t u = (unsigned char)*p++;
    unsigned n = 1;
    unsigned k;

    if (u == '\\') {
        u = (unsigned char)*p++;
        if (u == 'u') {
            u = hex4(p);
            p += 4;
            if (is_high(u)) {
                u = 0x10000u + ((u - 0xD800u) << 10) + (hex4(p + 2) - 0xDC00u);
                p += 6;
            }
            n = (u < 0x80u) ? 1u : (u < 0x800u) ? 2u : (u < 0x10000u) ? 3u : 4u;
        } else {
            /* The checked text only has \" \\ \/ (kept) and these. */
            const char *m = strchr("b\bf\fn\nr\rt\t", (int)u);
            if (m != NULL) {
                u = (unsigned char)m[1];
            }
        }
    }
    *pi = (size_t)(p - s);
    for (k = n - 1u; k > 0u; k--) {
        out[k] = (unsigned char)(0x80u | (u & 0x3Fu));
        u >>= 6;
    }
    out[0] = (unsigned char)(lead[n] | u);
    return n;
}

/** @brief True when key token @p tok, unescaped, equals the C string @p key. */
static bool key_eq(const ck_json_doc *doc, int tok, const char *key)
{
    const ck_json_tok *t = &doc->toks[tok];
    size_t i = (size_t)t->start;
    size_t end = (size_t)t->end;

    while (i < end) {
        unsigned char b[4];
        unsigned n = decode(doc->json, &i, b);
        unsigned k;

        for (k = 0; k < n; k++) {
            if (*key == '\0' || (unsigned char)*key != b[k]) {
                return false;
            }
            key++;
        }
    }
    return *key == '\0';
}

ck_err ck_json_find(const ck_json_doc *doc, int obj, const char *key, int *out_tok)
{
    int found = -1;
    int i;

    if (out_tok != NULL) {
        *out_tok = -1;
    }
    if (key == NULL || out_tok == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    if (!tok_is(doc, obj, JSMN_OBJECT)) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    for (i = obj + 1; i < doc->count; i++) {
        if (doc->toks[i].parent == obj && key_eq(doc, i, key)) {
            if (found >= 0) {
                return CK_ERR_UNEXPECTED_RESPONSE;
            }
            found = i + 1;
        }
    }
    *out_tok = found;
    return CK_OK;
}

ck_err ck_json_tok_string(const ck_json_doc *doc, int tok, char *out, size_t cap, size_t *out_len)
{
    ck_err err = CK_ERR_UNEXPECTED_RESPONSE;
    size_t n = 0;

    if (out == NULL && cap > 0u) {
        return CK_ERR_INVALID_ARG;
    }
    if (tok_is(doc, tok, JSMN_STRING)) {
        size_t i = (size_t)doc->toks[tok].start;
        size_t end = (size_t)doc->toks[tok].end;

        err = CK_OK;
        while (i < end) {
            unsigned char b[4];
            unsigned m = decode(doc->json, &i, b);
            unsigned k;

            if (b[0] == 0u) {
                err = CK_ERR_UNEXPECTED_RESPONSE; /* \u0000 */
                break;
            }
            for (k = 0; k < m; k++, n++) {
                if (n + 1u < cap) {
                    out[n] = (char)b[k];
                }
            }
        }
        if (err == CK_OK && n >= cap) {
            err = CK_ERR_BUFFER_TOO_SMALL;
        }
    }
    if (err != CK_OK) {
        n = 0;
    }
    if (cap > 0u) {
        out[n] = '\0';
    }
    if (out_len != NULL) {
        *out_len = n;
    }
    return err;
}

/** @brief ck_json_find() where an absent key is CK_ERR_UNEXPECTED_RESPONSE (@p out_tok is then -1). */
static ck_err find_present(const ck_json_doc *doc, int obj, const char *key, int *out_tok)
{
    ck_err err = ck_json_find(doc, obj, key, out_tok);

    return (err == CK_OK && *out_tok < 0) ? CK_ERR_UNEXPECTED_RESPONSE : err;
}

/**
 * @brief Find member @p key, which must be a number or literal.
 * @param text Set to its text, @p n to its length.
 */
static ck_err find_primitive(const ck_json_doc *doc, int obj, const char *key,
                             const char **text, size_t *n)
{
    int tok;
    ck_err err = find_present(doc, obj, key, &tok);

    if (err == CK_OK) {
        const ck_json_tok *t = &doc->toks[tok];
        if (t->type != JSMN_PRIMITIVE) {
            return CK_ERR_UNEXPECTED_RESPONSE;
        }
        *text = doc->json + t->start;
        *n = (size_t)(t->end - t->start);
    }
    return err;
}

ck_err ck_json_get_string(const ck_json_doc *doc, int obj, const char *key,
                          char *out, size_t cap, size_t *out_len)
{
    int tok;
    ck_err err = find_present(doc, obj, key, &tok);
    ck_err err2 = ck_json_tok_string(doc, tok, out, cap, out_len); /* tok -1: clears out */

    return (err != CK_OK) ? err : err2;
}

ck_err ck_json_get_bool(const ck_json_doc *doc, int obj, const char *key, bool *out)
{
    const char *s;
    size_t n;
    ck_err err = (out != NULL) ? find_primitive(doc, obj, key, &s, &n) : CK_ERR_INVALID_ARG;

    if (err == CK_OK) {
        if (*s != 't' && *s != 'f') {
            return CK_ERR_UNEXPECTED_RESPONSE;
        }
        *out = (*s == 't');
    }
    return err;
}

ck_err ck_json_get_int(const ck_json_doc *doc, int obj, const char *key, int64_t *out)
{
    const char *s;
    size_t n;
    ck_err err = (out != NULL) ? find_primitive(doc, obj, key, &s, &n) : CK_ERR_INVALID_ARG;
    uint64_t mag = 0;
    bool neg;

    if (err != CK_OK) {
        return err;
    }
    neg = (*s == '-');
    if (neg) {
        s++;
        n--;
    }
    /* Checked grammar: no leading zeros, so 19 digits or fewer cannot wrap
     * a uint64_t. A fraction, exponent or literal stops skip_digits(). */
    if (n > 19u || skip_digits(s, n, 0) != n) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    while (n-- > 0u) {
        mag = mag * 10u + (unsigned)(*s++ - '0');
    }
    if (mag > (uint64_t)INT64_MAX + (neg ? 1u : 0u)) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    *out = (neg && mag > 0u) ? -(int64_t)(mag - 1u) - 1 : (int64_t)mag;
    return CK_OK;
}

ck_err ck_json_array_at(const ck_json_doc *doc, int arr, int index, int *out_tok)
{
    int i;

    if (out_tok == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    *out_tok = -1;
    if (!tok_is(doc, arr, JSMN_ARRAY) || index < 0 || index >= doc->toks[arr].size) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    for (i = arr + 1; i < doc->count; i++) {
        if (doc->toks[i].parent == arr && index-- == 0) {
            *out_tok = i;
            break;
        }
    }
    return CK_OK;
}
