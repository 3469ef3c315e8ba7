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
 * State: `is_object` bit n is set when level n (1 = outermost container)
 * is an object; `state` is where the innermost level stands.
 */
#include <string.h>

#include "cardkit/ck_json.h"
#include "ck_text.h"

/* ck_json_writer::state */
#define ST_FIRST 0u /**< nothing written at this level yet */
#define ST_NEXT 1u  /**< a member or element was written: a comma comes first */
#define ST_KEY 2u   /**< a key was written: its value must follow */
#define ST_DONE 3u  /**< the top-level value is complete */

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
    while (n-- > 0u) {
        put_byte(w, (unsigned char)*s++);
    }
}

/** @brief The result of a call: the sticky error, else BUFFER_TOO_SMALL once out of room. */
static ck_err status(const ck_json_writer *w)
{
    if (w->err != CK_OK) {
        return w->err;
    }
    return (w->buf != NULL && w->len > w->cap) ? CK_ERR_BUFFER_TOO_SMALL : CK_OK;
}

/**
 * @brief The one place that checks placement, writes commas and keeps the
 * nesting state.
 * @param kind What to write: `{` `[` `}` `]`, `"` a string value, `:` a
 *             key and its colon, 0 the number or literal @p s.
 * @param s    Text for `"`, `:` and 0 (else unused).
 * @param n    Its length in bytes.
 */
static ck_err emit(ck_json_writer *w, unsigned kind, const char *s, size_t n)
{
    unsigned in_obj = ((unsigned)w->is_object >> w->depth) & 1u;
    unsigned st = w->state;

    if (w->err != CK_OK) {
        return w->err;
    }
    if (kind == '}' || kind == ']') {
        if (w->depth == 0u || st >= ST_KEY || in_obj != (kind == '}' ? 1u : 0u)) {
            goto misuse;
        }
        w->depth--;
    } else {
        if (kind == ':' ? (in_obj == 0u || st >= ST_KEY) : (st ^ (in_obj << 1)) >= ST_KEY) {
            goto misuse; /* a key outside an object or after a key; a value where a key is due */
        }
        if ((kind == ':' || kind == '"') &&
            (s == NULL || memchr(s, 0, n) != NULL || !ck_utf8_valid(s, n))) {
            goto misuse;
        }
        if ((kind == '{' || kind == '[') && w->depth >= CK_JSON_WRITER_MAX_DEPTH) {
            goto misuse;
        }
        if (st == ST_NEXT) {
            put_byte(w, ',');
        }
    }
    if (kind == 0u) {
        put(w, s, n);
    } else if (kind == '"' || kind == ':') {
        put_byte(w, '"');
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
    } else {
        put_byte(w, kind);
    }
    st = (w->depth == 0u) ? ST_DONE : ST_NEXT;
    if (kind == ':') {
        put_byte(w, ':');
        st = ST_KEY;
    } else if (kind == '{' || kind == '[') {
        w->depth++;
        w->is_object = (uint32_t)((w->is_object & ~(1uL << w->depth)) | ((kind == '{' ? 1uL : 0uL) << w->depth));
        st = ST_FIRST;
    }
    w->state = (uint8_t)st;
    return status(w);

misuse:
    w->err = CK_ERR_INVALID_ARG;
    return w->err;
}

void ck_json_writer_init(ck_json_writer *w, char *buf, size_t cap)
{
    memset(w, 0, sizeof *w);
    w->buf = buf;
    w->cap = (buf != NULL) ? cap : 0u;
}

ck_err ck_json_object_begin(ck_json_writer *w)
{
    return emit(w, '{', NULL, 0);
}

ck_err ck_json_object_end(ck_json_writer *w)
{
    return emit(w, '}', NULL, 0);
}

ck_err ck_json_array_begin(ck_json_writer *w)
{
    return emit(w, '[', NULL, 0);
}

ck_err ck_json_array_end(ck_json_writer *w)
{
    return emit(w, ']', NULL, 0);
}

ck_err ck_json_key(ck_json_writer *w, const char *key)
{
    return emit(w, ':', key, (key != NULL) ? strlen(key) : 0u);
}

ck_err ck_json_string(ck_json_writer *w, const char *s)
{
    return emit(w, '"', s, (s != NULL) ? strlen(s) : 0u);
}

ck_err ck_json_string_n(ck_json_writer *w, const char *s, size_t n)
{
    return emit(w, '"', s, n);
}

ck_err ck_json_bool(ck_json_writer *w, bool value)
{
    return value ? emit(w, 0, "true", 4) : emit(w, 0, "false", 5);
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
    return emit(w, 0, text, n);
}

ck_err ck_json_null(ck_json_writer *w)
{
    return emit(w, 0, "null", 4);
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

    if (err == CK_OK && w->state != ST_DONE) {
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
