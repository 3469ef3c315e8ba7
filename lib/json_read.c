/**
 * @file json_read.c
 * @brief The JSON reader of ck_json.h. The only file that compiles jsmn.
 *
 * ck_json_parse() lets jsmn tokenize first, then walks the tokens once, in
 * order, looking at every byte of the text once more:
 *  - inside a string: no raw control characters, valid UTF-8 (the decoder
 *    of text.c), `\u` surrogates only as high-low pairs; jsmn has checked
 *    the escapes themselves;
 *  - a primitive: exactly a number (RFC 8259 grammar) or true/false/null;
 *  - the tree: one top-level object; a string has exactly one child (its
 *    value) when it is a member of an object, none elsewhere; nothing
 *    hangs off a primitive (jsmn's strict mode already makes every member
 *    of an object a string);
 *  - the gap before each token and after the last: only whitespace, then
 *    exactly the separator the tree calls for (`:` before the value of a
 *    key, `,` before any later member or element, none before a first
 *    one), and closing brackets only before such a comma or at the end.
 * jsmn, even in strict mode, lets missing or extra commas and colons, bad
 * numbers and literals, raw control characters, invalid UTF-8, keys
 * without values and trailing content through; each of them breaks one of
 * the rules above. jsmn matches the brackets (type and nesting) itself,
 * and with the separators in place its parent links are the real tree, so
 * the gaps need not know which container a bracket closes.
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

#include "ck_json_member.h"
#include "ck_text.h"

/** @brief Deepest nesting of objects and arrays ck_json_parse() accepts. */
#define CK_JSON_READ_MAX_DEPTH 32

/** @brief str_next()'s result for a character a string must not hold. */
#define BAD 0xFFFFFFFFu

/** @brief Value of the 4 hex digits at @p p (jsmn has checked they are hex). */
static uint32_t hex4(const char *p)
{
    uint32_t v = 0;
    const char *e = p + 4;

    while (p < e) {
        unsigned c = (unsigned char)*p++;
        v = (v << 4) | ((c & 0x0Fu) + 9u * (c >> 6)); /* '0'-'9' 0x3X, 'A'-'F' 0x4X, 'a'-'f' 0x6X */
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
    const char *p = s + *pi;
    uint32_t u = (unsigned char)*p;
    size_t n;

    if (u == '\\') {
        u = (unsigned char)p[1];
        n = 2;
        if (u == 'u') {
            u = hex4(p + 2);
            n = 6;
            /* A high surrogate and a low one right after it. p[6] is at
             * most the closing quote, and a backslash there opens a
             * complete escape. */
            if (u - 0xD800u < 0x400u && p[6] == '\\' && p[7] == 'u') {
                uint32_t lo = hex4(p + 8) - 0xDC00u;
                if (lo < 0x400u) {
                    u = ((u - 0xD7C0u) << 10) + lo; /* 0x10000 + (u - 0xD800) * 0x400 + lo */
                    n = 12;
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
        n = ck_utf8_next(p, end - *pi, &u);
        if (n == 0u || u < 0x20u) {
            return BAD;
        }
    }
    *pi += n;
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
    const char *p = "true\0false\0null\0";
    const char *q;
    unsigned stage = 0; /* 0 integer part, 1 fraction, 2 exponent */

    /* strncmp() stops at a mismatch and a primitive has no NUL, so on a
     * match n is at most the word's length. */
    while (*p != '\0') {
        if (strncmp(s, p, n) == 0 && p[n] == '\0') {
            return true;
        }
        p += strlen(p) + 1u;
    }
    /* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?: runs of one or more
     * digits, the first without a leading zero, joined by `.` then `e`. */
    p = s + (*s == '-' ? 1 : 0);
    if (*p == '0' && (unsigned)(p[1] - '0') < 10u) {
        return false;
    }
    for (;;) {
        q = digits(p);
        if (q == p) {
            return false;
        }
        p = q + 1;
        if (*q == '.' && stage == 0u) {
            stage = 1;
        } else if ((*q | 0x20) == 'e' && stage < 2u) {
            stage = 2;
            p += (*p == '+' || *p == '-') ? 1 : 0;
        } else {
            return q == s + n;
        }
    }
}

/** @brief No separator due (no byte equals it). */
#define NO_SEP 0x100u

/** @brief The check described at the top of this file, on jsmn's @p count (>= 1) tokens. */
static bool tokens_ok(const char *s, size_t len, const ck_json_tok *toks, int count)
{
    size_t pos = 0;
    int depth = 0;
    int i;

    for (i = 0;; i++) {
        const ck_json_tok *t = &toks[i]; /* not read when i == count */
        unsigned sep = NO_SEP;
        bool closes = (i == count);

        if (i == 0) {
            if (t->type != JSMN_OBJECT) {
                return false;
            }
        } else if (i < count) {
            int parent = t->parent;
            jsmntype_t pt;

            if (parent < 0) {
                return false; /* a second top-level value */
            }
            pt = toks[parent].type;
            /* Nothing hangs off a primitive. A string has one child, its
             * value (so right after it), when it is a key: jsmn makes every
             * member of an object a string. Other strings have none. */
            if (pt == JSMN_PRIMITIVE ||
                (t->type == JSMN_STRING && t->size != (pt == JSMN_OBJECT ? 1 : 0))) {
                return false;
            }
            if (pt == JSMN_STRING) {
                sep = ':';
            } else if (parent != i - 1) {
                sep = ',';
                closes = true;
            }
        }
        /* The gap: whitespace, the separator, and before a comma or at
         * the end the brackets closing the containers that end there
         * (jsmn has matched them). */
        for (; pos < len; pos++) {
            unsigned c = (unsigned char)s[pos];
            if (c == sep) {
                sep = NO_SEP;
                closes = false;
            } else if (closes && (c == '}' || c == ']')) {
                depth--;
            } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
        }
        if (sep != NO_SEP) {
            return false;
        }
        if (i == count) {
            return pos == len;
        }
        if (pos + (t->type == JSMN_STRING ? 1u : 0u) != (size_t)t->start) {
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
                /* Printable ASCII but '\\' stands for itself. */
                k += ck_span_plain(s + k, pos - k, 0x20u);
                if (k < pos && str_next(s, &k, pos) == BAD) {
                    return false;
                }
            }
            pos++; /* the closing quote */
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
    return doc != NULL && (unsigned)tok < (unsigned)doc->count && doc->toks[tok].type == type;
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

    if (key != NULL && memchr(doc->json + i, '\\', end - i) == NULL) {
        /* No escape: the checked text is its own value. */
        n = end - i;
        return (strlen(key) == n && memcmp(key, doc->json + i, n) == 0) ? n : SIZE_MAX;
    }
    while (i < end) {
        uint32_t u = str_next(doc->json, &i, end);
        unsigned m = 1u + (u >= 0x80u ? 1u : 0u) + (u >= 0x800u ? 1u : 0u) + (u >= 0x10000u ? 1u : 0u);
        unsigned sh = 6u * (m - 1u);
        /* Lead byte 0xxxxxxx, 110xxxxx, 1110xxxx or 11110xxx. */
        unsigned b = ((0xF0E0C000u >> (8u * m - 8u)) & 0xFFu) | (u >> sh);

        if (u == 0u) {
            return SIZE_MAX;
        }
        for (;;) {
            if (key != NULL && (unsigned char)key[n] != b) {
                return SIZE_MAX; /* also when key ends: b is never 0 */
            }
            if (n + 1u < cap) {
                out[n] = (char)b;
            }
            n++;
            if (sh == 0u) {
                break;
            }
            sh -= 6u;
            b = 0x80u | ((u >> sh) & 0x3Fu);
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
    ck_err err;
    size_t n = SIZE_MAX;

    if (out == NULL && cap > 0u) {
        return CK_ERR_INVALID_ARG;
    }
    if (tok_is(doc, tok, JSMN_STRING)) {
        n = unescape(doc, tok, out, cap, NULL);
    }
    err = (n == SIZE_MAX) ? CK_ERR_UNEXPECTED_RESPONSE : (n >= cap) ? CK_ERR_BUFFER_TOO_SMALL : CK_OK;
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

int ck_json_member(const ck_json_doc *doc, int obj, const char *key, int type)
{
    int tok;
    ck_err err = ck_json_find(doc, obj, key, &tok);

    if (err == CK_OK && (tok < 0 || (int)doc->toks[tok].type != type)) {
        err = CK_ERR_UNEXPECTED_RESPONSE;
    }
    return err != CK_OK ? -(int)err : tok;
}

ck_err ck_json_get_string(const ck_json_doc *doc, int obj, const char *key,
                          char *out, size_t cap, size_t *out_len)
{
    int tok;
    ck_err err = ck_json_find(doc, obj, key, &tok);
    /* Absent (tok -1) or not a string: UNEXPECTED_RESPONSE, and out cleared. */
    ck_err err2 = ck_json_tok_string(doc, tok, out, cap, out_len);

    return (err != CK_OK) ? err : err2;
}

ck_err ck_json_get_bool(const ck_json_doc *doc, int obj, const char *key, bool *out)
{
    int tok = (out != NULL) ? ck_json_member(doc, obj, key, JSMN_PRIMITIVE) : -(int)CK_ERR_INVALID_ARG;
    ck_err err = tok < 0 ? (ck_err)-tok : CK_OK;
    const char *s;

    if (err == CK_OK) {
        s = doc->json + doc->toks[tok].start;
        if (*s != 't' && *s != 'f') {
            return CK_ERR_UNEXPECTED_RESPONSE;
        }
        *out = (*s == 't');
    }
    return err;
}

ck_err ck_json_get_int(const ck_json_doc *doc, int obj, const char *key, int64_t *out)
{
    int tok = (out != NULL) ? ck_json_member(doc, obj, key, JSMN_PRIMITIVE) : -(int)CK_ERR_INVALID_ARG;
    const char *s;
    uint64_t mag = 0;
    unsigned neg;
    unsigned k;

    if (tok < 0) {
        return (ck_err)-tok;
    }
    s = doc->json + doc->toks[tok].start;
    neg = (*s == '-') ? 1u : 0u;
    s += neg;
    /* Checked grammar: the token ends at a byte that is no digit, and with
     * no leading zeros 19 digits cannot wrap a uint64_t. A fraction,
     * exponent or literal is not a digit. */
    for (k = 0; (unsigned)(s[k] - '0') < 10u; k++) {
        if (k == 19u) {
            return CK_ERR_UNEXPECTED_RESPONSE;
        }
        mag = mag * 10u + (unsigned)(s[k] - '0');
    }
    if (k == 0u || (s[k] | 0x20) == 'e' || s[k] == '.') {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    if (mag == 0u) {
        neg = 0; /* -0 */
    }
    mag -= neg; /* a negative value as -mag - 1 */
    if ((mag >> 63) != 0u) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    *out = (neg != 0u) ? -(int64_t)mag - 1 : (int64_t)mag;
    return CK_OK;
}

ck_err ck_json_array_at(const ck_json_doc *doc, int arr, int index, int *out_tok)
{
    int i;

    if (out_tok == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    *out_tok = -1;
    if (!tok_is(doc, arr, JSMN_ARRAY) || (unsigned)index >= (unsigned)doc->toks[arr].size) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    /* The array has `size` children, all after it. */
    i = arr + 1;
    while (doc->toks[i].parent != arr || index-- > 0) {
        i++;
    }
    *out_tok = i;
    return CK_OK;
}
