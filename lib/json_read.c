/**
 * @file json_read.c
 * @brief The JSON reader of ck_json.h. The only file that compiles jsmn.
 *
 * ck_json_parse() lets jsmn tokenize first, then walks the tokens once, in
 * order, and checks the text around and inside each of them, so that every
 * byte of the text is looked at exactly once more:
 *  - a string's contents: no raw control characters, valid UTF-8, `\u`
 *    surrogates only as high-low pairs (jsmn already checks the escapes);
 *  - a primitive: exactly a number (RFC 8259 grammar) or true/false/null;
 *  - the gap before each token, and after the last: whitespace and exactly
 *    the punctuation the token tree calls for (the brackets closing the
 *    containers that end there, then `:` before a value of a key, `,`
 *    before any later member or element), nothing else;
 *  - the tree itself: one top-level object, every key of an object a
 *    string with exactly one value right after it.
 * jsmn, even in strict mode, lets through missing or extra commas and
 * colons, bad numbers and literals, raw control characters, invalid UTF-8
 * and trailing content; all of that shows up as a gap or token mismatch.
 * The getters rely on the check: they decode strings and numbers without
 * re-validating them.
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
#define CK_JSON_READ_MAX_DEPTH 32

/** @brief str_next()'s result for a character a string must not hold. */
#define BAD 0xFFFFFFFFu

/** @brief Value of the 4 hex digits at @p p (jsmn has checked they are hex). */
static uint32_t hex4(const char *p)
{
    uint32_t v = 0;
    unsigned k;

    for (k = 0; k < 4u; k++) {
        unsigned c = (unsigned char)p[k] | 0x20u; /* digits stay, letters to lower case */
        v = (v << 4) | ((c <= '9') ? c - '0' : c - 'a' + 10u);
    }
    return v;
}

/**
 * @brief Decode one character of the string token text at @p *pi (before
 * @p end): a raw UTF-8 sequence or one escape, a `\u` surrogate pair being
 * one escape. jsmn has checked the escapes.
 * @return The code point, or BAD for a raw control character, invalid
 *         UTF-8 or a `\u` surrogate outside a high-low pair.
 */
static uint32_t str_next(const char *s, size_t *pi, size_t end)
{
    size_t i = *pi;
    uint32_t u = (unsigned char)s[i];

    if (u == '\\') {
        u = (unsigned char)s[i + 1u];
        i += 2u;
        if (u == 'u') {
            u = hex4(s + i);
            i += 4u;
            /* A high surrogate and a low one right after it: one character.
             * s[i] is at most the closing quote, and a backslash before
             * it opens a complete escape. */
            if (u - 0xD800u < 0x400u && s[i] == '\\' && s[i + 1u] == 'u') {
                uint32_t lo = hex4(s + i + 2u) - 0xDC00u;
                if (lo < 0x400u) {
                    u = 0x10000u + ((u - 0xD800u) << 10) + lo;
                    i += 6u;
                }
            }
        } else {
            /* \" \\ \/ stand for themselves. */
            const char *m = strchr("b\bf\fn\nr\rt\t", (int)u);
            if (m != NULL) {
                u = (unsigned char)m[1];
            }
        }
    } else {
        size_t n = ck_utf8_next(s + i, end - i, &u);
        if (n == 0u || u < 0x20u) {
            return BAD;
        }
        i += n;
    }
    *pi = i;
    return (u - 0xD800u < 0x800u) ? BAD : u;
}

/** @brief Just past the ASCII digits at @p p. */
static const char *digits(const char *p)
{
    while ((unsigned)(*p - '0') < 10u) {
        p++;
    }
    return p;
}

/**
 * @brief True when the @p n bytes at @p s are exactly a JSON number or
 * literal. s[n] may be read: jsmn ends a primitive only at a following
 * whitespace, `,`, `]` or `}`.
 */
static bool primitive_ok(const char *s, size_t n)
{
    const char *p = s;
    const char *q;

    if (*p == 't' || *p == 'f' || *p == 'n') {
        q = (*p == 't') ? "true" : (*p == 'f') ? "false" : "null";
        return strlen(q) == n && memcmp(s, q, n) == 0;
    }
    if (*p == '-') {
        p++;
    }
    q = digits(p);
    /* One or more digits, no leading zero. */
    if (q == p || (*p == '0' && q != p + 1)) {
        return false;
    }
    if (*q == '.') {
        p = q + 1;
        q = digits(p);
        if (q == p) {
            return false;
        }
    }
    if ((*q | 0x20) == 'e') {
        p = q + 1;
        if (*p == '+' || *p == '-') {
            p++;
        }
        q = digits(p);
        if (q == p) {
            return false;
        }
    }
    return q == s + n;
}

/**
 * @brief Skip whitespace from @p *pos; when @p c is not 0, then require
 * @p c, step over it and skip whitespace again.
 */
static bool expect(const char *s, size_t len, size_t *pos, char c)
{
    size_t i = *pos;

    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
            i++;
        }
        if (c == '\0') {
            break;
        }
        if (i >= len || s[i] != c) {
            return false;
        }
        i++;
        c = '\0';
    }
    *pos = i;
    return true;
}

/** @brief The check described at the top of this file, on jsmn's @p count (>= 1) tokens. */
static bool tokens_ok(const char *s, size_t len, const ck_json_tok *toks, int count)
{
    size_t pos = 0;
    int depth = 0;
    int i;

    if (toks[0].type != JSMN_OBJECT) {
        return false;
    }
    for (i = 0;; i++) {
        const ck_json_tok *t = &toks[i];
        int parent = (i < count) ? t->parent : -1;
        int a;
        char sep = '\0';

        /* Close the containers from token i-1 up to (not including) the
         * parent of token i, which must be one of their ancestors. */
        for (a = i - 1; a != parent; a = toks[a].parent) {
            if (a < 0) {
                return false;
            }
            if (toks[a].type <= JSMN_ARRAY) {
                if (!expect(s, len, &pos, (toks[a].type == JSMN_OBJECT) ? '}' : ']')) {
                    return false;
                }
                depth--;
            }
        }
        if (i == count) {
            break;
        }
        if (i > 0) {
            jsmntype_t pt;

            if (parent < 0) {
                return false; /* a second top-level value */
            }
            pt = toks[parent].type;
            if (pt == JSMN_STRING) {
                /* The value of a key, right after it. */
                if (parent != i - 1 || toks[toks[parent].parent].type != JSMN_OBJECT) {
                    return false;
                }
                sep = ':';
            } else if (pt == JSMN_PRIMITIVE || (pt == JSMN_OBJECT && t->size != 1)) {
                return false; /* jsmn makes the members of an object strings */
            } else if (parent != i - 1) {
                sep = ',';
            }
        }
        if (!expect(s, len, &pos, sep) ||
            pos + (t->type == JSMN_STRING ? 1u : 0u) != (size_t)t->start) {
            return false;
        }
        pos = (size_t)t->end;
        if (t->type <= JSMN_ARRAY) {
            pos = (size_t)t->start + 1u;
            if (++depth > CK_JSON_READ_MAX_DEPTH) {
                return false;
            }
        } else if (t->type == JSMN_PRIMITIVE) {
            if (!primitive_ok(s + t->start, pos - (size_t)t->start)) {
                return false;
            }
        } else {
            size_t k = (size_t)t->start;
            while (k < pos) {
                if (str_next(s, &k, pos) == BAD) {
                    return false;
                }
            }
            pos++; /* the closing quote */
        }
    }
    (void)expect(s, len, &pos, '\0');
    return pos == len;
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
    jsmn_init(&p);
    r = jsmn_parse(&p, json, len, toks, (tok_cap > UINT_MAX) ? UINT_MAX : (unsigned)tok_cap);
    if (r == JSMN_ERROR_NOMEM) {
        return CK_ERR_JSON_TOO_MANY_TOKENS;
    }
    if (r < 1 || !tokens_ok(json, len, toks, r)) {
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
 * @brief Unescape string token @p tok of @p doc (checked text) as UTF-8
 * into @p out, as far as it fits in @p cap with a NUL, and compare it with
 * @p key when that is not NULL.
 * @return The unescaped length; SIZE_MAX when the token holds `\u0000` or
 *         differs from @p key.
 */
static size_t unescape(const ck_json_doc *doc, int tok, char *out, size_t cap, const char *key)
{
    size_t i = (size_t)doc->toks[tok].start;
    size_t end = (size_t)doc->toks[tok].end;
    size_t n = 0;

    while (i < end) {
        uint32_t u = str_next(doc->json, &i, end);
        unsigned m = (u < 0x80u) ? 1u : (u < 0x800u) ? 2u : (u < 0x10000u) ? 3u : 4u;
        unsigned k = m;
        unsigned char b[4];

        if (u == 0u) {
            return SIZE_MAX;
        }
        while (--k > 0u) {
            b[k] = (unsigned char)(0x80u | (u & 0x3Fu));
            u >>= 6;
        }
        /* Lead byte 0xxxxxxx, 110xxxxx, 1110xxxx or 11110xxx. */
        b[0] = (unsigned char)((0xF0E0C000u >> (8u * m - 8u)) | u);
        for (; k < m; k++, n++) {
            if (key != NULL && (unsigned char)key[n] != b[k]) {
                return SIZE_MAX; /* also when key ends: b[k] is never 0 */
            }
            if (n + 1u < cap) {
                out[n] = (char)b[k];
            }
        }
    }
    return (key != NULL && key[n] != '\0') ? SIZE_MAX : n;
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
        if (doc->toks[i].parent == obj && unescape(doc, i, NULL, 0, key) != SIZE_MAX) {
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
        n = unescape(doc, tok, out, cap, NULL);
        err = (n == SIZE_MAX) ? CK_ERR_UNEXPECTED_RESPONSE : (n >= cap) ? CK_ERR_BUFFER_TOO_SMALL : CK_OK;
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

/**
 * @brief ck_json_find() where an absent key is CK_ERR_UNEXPECTED_RESPONSE
 * (@p out_tok is then -1), and the value must be of @p type unless that is
 * JSMN_UNDEFINED.
 */
static ck_err find_typed(const ck_json_doc *doc, int obj, const char *key, jsmntype_t type, int *out_tok)
{
    ck_err err = ck_json_find(doc, obj, key, out_tok);

    if (err == CK_OK && (*out_tok < 0 || (type != JSMN_UNDEFINED && doc->toks[*out_tok].type != type))) {
        err = CK_ERR_UNEXPECTED_RESPONSE;
    }
    return err;
}

ck_err ck_json_get_string(const ck_json_doc *doc, int obj, const char *key,
                          char *out, size_t cap, size_t *out_len)
{
    int tok;
    ck_err err = find_typed(doc, obj, key, JSMN_UNDEFINED, &tok);
    ck_err err2 = ck_json_tok_string(doc, tok, out, cap, out_len); /* tok -1: clears out */

    return (err != CK_OK) ? err : err2;
}

ck_err ck_json_get_bool(const ck_json_doc *doc, int obj, const char *key, bool *out)
{
    int tok;
    ck_err err = (out != NULL) ? find_typed(doc, obj, key, JSMN_PRIMITIVE, &tok) : CK_ERR_INVALID_ARG;

    if (err == CK_OK) {
        char c = doc->json[doc->toks[tok].start];
        if (c != 't' && c != 'f') {
            return CK_ERR_UNEXPECTED_RESPONSE;
        }
        *out = (c == 't');
    }
    return err;
}

ck_err ck_json_get_int(const ck_json_doc *doc, int obj, const char *key, int64_t *out)
{
    int tok;
    ck_err err = (out != NULL) ? find_typed(doc, obj, key, JSMN_PRIMITIVE, &tok) : CK_ERR_INVALID_ARG;
    const char *s;
    const char *e;
    uint64_t mag = 0;
    bool neg;

    if (err != CK_OK) {
        return err;
    }
    s = doc->json + doc->toks[tok].start;
    e = doc->json + doc->toks[tok].end;
    neg = (*s == '-');
    s += neg ? 1 : 0;
    /* Checked grammar: no leading zeros, so 19 digits or fewer cannot wrap
     * a uint64_t. A fraction, exponent or literal stops digits(). */
    if (e - s > 19 || digits(s) != e) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    while (s < e) {
        mag = mag * 10u + (unsigned)(*s++ - '0');
    }
    if (mag > (uint64_t)INT64_MAX + (neg ? 1u : 0u)) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    *out = (int64_t)(neg ? 0u - mag : mag);
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
