/**
 * @file json_write.c
 * @brief The JSON writer of ck_json.h: compact output (no whitespace),
 * RFC 8259 escaping, bounded buffer with byte counting.
 *
 * Escaping: `"` and `\` get a backslash; \b \f \n \r \t use their short
 * forms; every other byte below 0x20 is written as `\u00XX` with upper-case
 * hex digits. DEL (0x7F) and valid UTF-8 are written unchanged.
 *
 * Errors: misuse and bad text (CK_ERR_INVALID_ARG) are sticky and write
 * nothing. Running out of room is not: the writer stops storing bytes at
 * `cap` but goes on counting, and every call returns
 * CK_ERR_BUFFER_TOO_SMALL from then on, so ck_json_writer_needed() gives
 * the full size at the end. With a NULL buffer every call returns CK_OK
 * and only counts.
 *
 * State: `is_object` bit n - 1 is set when level n (1 = the outermost
 * container) is an object; `state` is where the innermost level stands.
 * Placement is one table lookup (OK_*): the level kind and the state
 * select a bit of the item's set of allowed places.
 */
#include <stdint.h>
#include <string.h>

#include "cardkit/ck_json.h"
#include "ck_text.h"

/* ck_json_writer::state */
#define ST_FIRST 0u /**< nothing written at this level yet */
#define ST_NEXT 1u  /**< a member or element was written (at the top level: done) */
#define ST_KEY 2u   /**< a key was written: its value must follow */

/*
 * Where each kind of item may come: bit 4 * L + state, L being the kind of
 * the innermost level (0 the top, 1 an array, 2 an object). OK_COMMA: a
 * comma goes before the item when its level already has something.
 */
#define OK_COMMA 0x80000000u
#define OK_VALUE (OK_COMMA | 0x431u) /**< top level before its value; array; object after a key */
#define OK_KEY (OK_COMMA | 0x300u)   /**< object, not after a key */
#define OK_END_OBJ 0x300u            /**< `}`: object, not after a key */
#define OK_END_ARR 0x030u            /**< `]`: array */

/** @brief Store @p c when it fits, and count it either way. */
static void put_byte(ck_json_writer *w, unsigned c)
{
    if (w->len < w->cap) {
        w->buf[w->len] = (char)c;
    }
    w->len++;
}

/** @brief put_byte() for each of the @p n bytes of @p s. */
static void put(ck_json_writer *w, const char *s, size_t n)
{
    if (w->len < w->cap) {
        memcpy(w->buf + w->len, s, n < w->cap - w->len ? n : w->cap - w->len);
    }
    w->len += n;
}

/** @brief The result of a call: the sticky error, else BUFFER_TOO_SMALL once out of room. */
static ck_err status(const ck_json_writer *w)
{
    if (w->err != CK_OK) {
        return w->err;
    }
    return (w->buf != NULL && w->len > w->cap) ? CK_ERR_BUFFER_TOO_SMALL : CK_OK;
}

/** @brief Record misuse (sticky) and return it. */
static ck_err misuse(ck_json_writer *w)
{
    w->err = CK_ERR_INVALID_ARG;
    return CK_ERR_INVALID_ARG;
}

/**
 * @brief Check that an item allowed where @p ok says may come now, write
 * the comma before it, and set the state to what follows a value.
 * @return False on misuse or an earlier error (then w->err is set).
 */
static bool place(ck_json_writer *w, uint32_t ok)
{
    unsigned d = w->depth;
    unsigned at = 4u * ((d == 0u) ? 0u : 1u + (((unsigned)w->is_object >> (d - 1u)) & 1u)) + w->state;

    if (w->err != CK_OK || ((ok >> at) & 1u) == 0u) {
        (void)misuse(w);
        return false;
    }
    if ((ok & OK_COMMA) != 0u && w->state == ST_NEXT) {
        put_byte(w, ',');
    }
    w->state = ST_NEXT; /* after the item; an open or a key changes it */
    return true;
}

/** @brief Write @p c: `{` `[` (open) or `}` `]` (close). */
static ck_err bracket(ck_json_writer *w, unsigned c)
{
    unsigned bit;

    if ((c & 2u) != 0u) { /* `{` 0x7B and `[` 0x5B open; `}` 0x7D and `]` 0x5D close */
        if (w->depth >= CK_JSON_WRITER_MAX_DEPTH || !place(w, OK_VALUE)) {
            return misuse(w);
        }
        bit = 1u << w->depth++;
        w->is_object = (uint16_t)((c == '{') ? (w->is_object | bit) : (w->is_object & ~bit));
        w->state = ST_FIRST;
    } else {
        if (!place(w, (c == '}') ? OK_END_OBJ : OK_END_ARR)) {
            return w->err;
        }
        w->depth--;
    }
    put_byte(w, c);
    return status(w);
}

/** @brief Write the number or literal @p s of @p n bytes. */
static ck_err raw(ck_json_writer *w, const char *s, size_t n)
{
    if (place(w, OK_VALUE)) {
        put(w, s, n);
    }
    return status(w);
}

/**
 * @brief Write @p n bytes of @p s (NUL-terminated when @p n is SIZE_MAX)
 * as a quoted, escaped string, placed as @p ok says (a value or a key).
 * Checked first: NULL, a NUL or invalid UTF-8 is misuse and writes
 * nothing.
 */
static ck_err quoted(ck_json_writer *w, const char *s, size_t n, uint32_t ok)
{
    size_t k;

    if (s == NULL) {
        return misuse(w);
    }
    if (n == SIZE_MAX) {
        n = strlen(s);
    }
    /* Printable ASCII but '"' and '\\' needs no check (and no escape). */
    k = ck_span_plain(s, n, 0x20u);
    if (k != n && (memchr(s + k, 0, n - k) != NULL || !ck_utf8_valid(s + k, n - k))) {
        return misuse(w);
    }
    if (!place(w, ok)) {
        return w->err;
    }
    put_byte(w, '"');
    put(w, s, k);
    s += k;
    n -= k;
    while (n-- > 0u) {
        unsigned c = (unsigned char)*s++;

        if (c < 0x20u || c == '"' || c == '\\') {
            put_byte(w, '\\');
            if (c < 0x20u) {
                if (c - 0x08u < 6u && c != 0x0Bu) {
                    c = (unsigned char)"btn-fr"[c - 0x08u]; /* 08 \b, 09 \t, 0A \n, 0C \f, 0D \r */
                } else {
                    put(w, "u00", 3);
                    put_byte(w, '0' + (c >> 4));
                    c &= 0x0Fu;
                    c += (c < 10u) ? '0' : 'A' - 10u;
                }
            }
        }
        put_byte(w, c);
    }
    put_byte(w, '"');
    return status(w);
}

void ck_json_writer_init(ck_json_writer *w, char *buf, size_t cap)
{
    memset(w, 0, sizeof *w);
    w->buf = buf;
    w->cap = (buf != NULL) ? cap : 0u;
}

ck_err ck_json_object_begin(ck_json_writer *w)
{
    return bracket(w, '{');
}

ck_err ck_json_object_end(ck_json_writer *w)
{
    return bracket(w, '}');
}

ck_err ck_json_array_begin(ck_json_writer *w)
{
    return bracket(w, '[');
}

ck_err ck_json_array_end(ck_json_writer *w)
{
    return bracket(w, ']');
}

ck_err ck_json_key(ck_json_writer *w, const char *key)
{
    if (quoted(w, key, SIZE_MAX, OK_KEY) != CK_ERR_INVALID_ARG) {
        put_byte(w, ':');
        w->state = ST_KEY;
    }
    return status(w);
}

ck_err ck_json_string(ck_json_writer *w, const char *s)
{
    return quoted(w, s, SIZE_MAX, OK_VALUE);
}

ck_err ck_json_string_n(ck_json_writer *w, const char *s, size_t n)
{
    return quoted(w, s, n, OK_VALUE);
}

ck_err ck_json_bool(ck_json_writer *w, bool value)
{
    return value ? raw(w, "true", 4) : raw(w, "false", 5);
}

ck_err ck_json_int(ck_json_writer *w, int64_t value)
{
    char text[21];
    uint64_t mag = (uint64_t)value;
    size_t n = 0;

    if (value < 0) {
        text[n++] = '-';
        mag = 0u - mag;
    }
    n += ck_u64_to_dec(mag, text + n);
    return raw(w, text, n);
}

ck_err ck_json_null(ck_json_writer *w)
{
    return raw(w, "null", 4);
}

ck_err ck_json_member_string(ck_json_writer *w, const char *key, const char *value)
{
    (void)ck_json_key(w, key);
    return ck_json_string(w, value);
}

ck_err ck_json_member_bool(ck_json_writer *w, const char *key, bool value)
{
    (void)ck_json_key(w, key);
    return ck_json_bool(w, value);
}

ck_err ck_json_writer_finish(ck_json_writer *w, size_t *out_len)
{
    ck_err err = status(w);

    if (err == CK_OK && (w->depth != 0u || w->state != ST_NEXT)) {
        err = CK_ERR_INVALID_ARG;
    }
    if (out_len != NULL) {
        *out_len = (err == CK_OK) ? w->len : 0u;
    }
    return err;
}

size_t ck_json_writer_needed(const ck_json_writer *w)
{
    return w->len;
}
