/**
 * @file json_write.c
 * @brief The JSON writer of ck_json.h: compact output (no whitespace),
 * RFC 8259 escaping, bounded buffer with byte counting.
 *
 * Escaping: `"` and `\` get a backslash; \b \f \n \r \t use their short
 * forms; every other byte below 0x20 is written as `\u00XX` with upper-case
 * hex digits. DEL (0x7F) and valid UTF-8 are written unchanged.
 *
 * Errors: misuse and bad text (CK_ERR_INVALID_ARG) are sticky. Running out
 * of room is not: the writer stops storing bytes at `cap` but goes on
 * counting, and every call returns CK_ERR_BUFFER_TOO_SMALL from then on, so
 * ck_json_writer_needed() gives the full size at the end. With a NULL
 * buffer every call returns CK_OK and only counts.
 */
#include <string.h>

#include "cardkit/ck_json.h"
#include "ck_text.h"

/** @brief Store @p c when it fits, and count it either way. */
static void put_byte(ck_json_writer *w, char c)
{
    if (w->len < w->cap) {
        w->buf[w->len] = c;
    }
    w->len++;
}

/** @brief put_byte() for each of the @p n bytes of @p s. */
static void put(ck_json_writer *w, const char *s, size_t n)
{
    while (n-- > 0u) {
        put_byte(w, *s++);
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

/** @brief Write @p n bytes of checked text @p s as a quoted, escaped JSON string. */
static void put_string(ck_json_writer *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";

    put_byte(w, '"');
    while (n-- > 0u) {
        unsigned char c = (unsigned char)*s++;

        if (c == '"' || c == '\\') {
            put_byte(w, '\\');
        } else if (c < 0x20u) {
            put_byte(w, '\\');
            if (c >= 0x08u && c <= 0x0Du && c != 0x0Bu) {
                /* 08 \b, 09 \t, 0A \n, 0C \f, 0D \r */
                c = (unsigned char)"btn-fr"[c - 0x08u];
            } else {
                put(w, "u00", 3);
                put_byte(w, hex[c >> 4]);
                c = (unsigned char)hex[c & 0x0Fu];
            }
        }
        put_byte(w, (char)c);
    }
    put_byte(w, '"');
}

/** @brief What emit() writes. */
enum {
    K_RAW,     /**< a number or literal, written as is */
    K_STRING,  /**< a string value */
    K_KEY,     /**< an object key and its colon */
    K_OBJECT,  /**< `{` */
    K_ARRAY,   /**< `[` */
    K_END_OBJ, /**< `}` */
    K_END_ARR  /**< `]` */
};

/**
 * @brief The one place that checks placement, writes commas and keeps the
 * nesting state.
 * @param kind One of K_RAW .. K_END_ARR.
 * @param s    Text for K_RAW, K_STRING and K_KEY (else unused).
 * @param n    Its length in bytes.
 */
static ck_err emit(ck_json_writer *w, unsigned kind, const char *s, size_t n)
{
    uint16_t bit = (uint16_t)((1u << w->depth) >> 1); /* innermost level, 0 at the top */
    bool in_obj = (w->is_object & bit) != 0u;

    if (w->err != CK_OK) {
        return w->err;
    }
    if (kind >= K_END_OBJ) {
        if (bit == 0u || w->after_key || in_obj != (kind == K_END_OBJ)) {
            goto misuse;
        }
        put_byte(w, (kind == K_END_OBJ) ? '}' : ']');
        w->depth--;
        w->done = (w->depth == 0u);
        return status(w);
    }
    if (kind == K_KEY ? (!in_obj || w->after_key) : (w->done || in_obj != w->after_key)) {
        goto misuse;
    }
    if (kind == K_STRING || kind == K_KEY) {
        if (s == NULL || memchr(s, 0, n) != NULL || !ck_utf8_valid(s, n)) {
            goto misuse;
        }
    }
    if (kind >= K_OBJECT && w->depth >= CK_JSON_WRITER_MAX_DEPTH) {
        goto misuse;
    }
    if (!w->after_key && (w->has_items & bit) != 0u) {
        put_byte(w, ',');
    }
    w->has_items = (uint16_t)(w->has_items | bit);
    w->after_key = (kind == K_KEY);
    if (kind >= K_OBJECT) {
        put_byte(w, (kind == K_OBJECT) ? '{' : '[');
        bit = (uint16_t)(1u << w->depth++);
        w->has_items = (uint16_t)(w->has_items & ~bit);
        w->is_object = (uint16_t)((kind == K_OBJECT) ? (w->is_object | bit) : (w->is_object & ~bit));
        return status(w);
    }
    if (kind == K_RAW) {
        put(w, s, n);
    } else {
        put_string(w, s, n);
        if (kind == K_KEY) {
            put_byte(w, ':');
        }
    }
    w->done = (w->depth == 0u);
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
    w->err = CK_OK;
}

ck_err ck_json_object_begin(ck_json_writer *w)
{
    return emit(w, K_OBJECT, NULL, 0);
}

ck_err ck_json_object_end(ck_json_writer *w)
{
    return emit(w, K_END_OBJ, NULL, 0);
}

ck_err ck_json_array_begin(ck_json_writer *w)
{
    return emit(w, K_ARRAY, NULL, 0);
}

ck_err ck_json_array_end(ck_json_writer *w)
{
    return emit(w, K_END_ARR, NULL, 0);
}

ck_err ck_json_key(ck_json_writer *w, const char *key)
{
    return emit(w, K_KEY, key, (key != NULL) ? strlen(key) : 0u);
}

ck_err ck_json_string(ck_json_writer *w, const char *s)
{
    return emit(w, K_STRING, s, (s != NULL) ? strlen(s) : 0u);
}

ck_err ck_json_string_n(ck_json_writer *w, const char *s, size_t n)
{
    return emit(w, K_STRING, s, n);
}

ck_err ck_json_bool(ck_json_writer *w, bool value)
{
    return value ? emit(w, K_RAW, "true", 4) : emit(w, K_RAW, "false", 5);
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
    return emit(w, K_RAW, text, n);
}

ck_err ck_json_null(ck_json_writer *w)
{
    return emit(w, K_RAW, "null", 4);
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

    if (err == CK_OK && !w->done) {
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
