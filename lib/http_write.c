/**
 * @file http_write.c
 * @brief The HTTP/1.1 request head writer (see ck_http.h).
 *
 * The callers validate method, host, path and header names, so the writer
 * only copies them. One cheap backstop stays, so that no input can end a
 * line or split the request line: a control byte (DEL included) in any
 * piece, HTAB but in a header value, and a space in the method, path,
 * host or a header name make the whole call CK_ERR_INVALID_ARG.
 */
#include <string.h>

#include "cardkit/ck_client.h"
#include "ck_http.h"
#include "ck_text.h"

/**
 * @brief What ck_hw_put() refuses, as the lowest byte allowed (DEL is
 * always refused): literals (all), header values (HTAB allowed), words
 * (method, path, host, header name: no space).
 */
enum { CK_HW_ANY = 0, CK_HW_VALUE = 0x20, CK_HW_WORD = 0x21 };

/** @brief Where the head goes: n keeps counting past cap; bad is set by a refused byte. */
typedef struct ck_hw_out {
    uint8_t *buf;
    size_t cap;
    size_t n;
    bool bad;
} ck_hw_out;

/** @brief ck_hw_put() length for "up to the NUL". */
#define CK_HW_STR SIZE_MAX

/**
 * @brief Append @p len bytes of @p s (CK_HW_STR: up to its NUL; nothing
 * for NULL); what is past cap is only counted. Refused: DEL, and bytes
 * below @p lo but HTAB in a value.
 */
static void ck_hw_put(ck_hw_out *o, const char *s, size_t len, unsigned lo)
{
    size_t i;

    if (s == NULL) {
        return;
    }
    if (len == CK_HW_STR) {
        len = strlen(s);
    }
    /* Literals (CK_HW_ANY) are ours and hold no DEL: not looked at. */
    if (lo != CK_HW_ANY && ck_span_plain(s, len, lo) != len) {
        for (i = 0; i < len; i++) {
            unsigned u = (unsigned char)s[i];
            if (u == 0x7Fu || (u < lo && (u != '\t' || lo == CK_HW_WORD))) {
                o->bad = true;
            }
        }
    }
    if (o->n < o->cap) {
        memcpy(o->buf + o->n, s, len < o->cap - o->n ? len : o->cap - o->n);
    }
    o->n += len;
}

/** @brief Append the string @p s (nothing for NULL), as ck_hw_put(). */
static void ck_hw_str(ck_hw_out *o, const char *s, unsigned lo)
{
    ck_hw_put(o, s, CK_HW_STR, lo);
}

static void ck_hw_num(ck_hw_out *o, size_t v)
{
    char num[20];

    ck_hw_put(o, num, ck_u64_to_dec(v, num), CK_HW_ANY);
}

/** @brief Literals; their first bytes double as " ", ":" and CRLF. */
static const char ck_hw_http[] = " HTTP/1.1\r\nHost: ";
static const char ck_hw_colon[] = ": ";
static const char ck_hw_ua[] = "\r\nUser-Agent: cardkit/" CK_VERSION_STRING "\r\n";

ck_err ck_http_write_head(const ck_http_request_head *head, uint8_t *buf, size_t cap, size_t *out_len)
{
    ck_hw_out o;
    const ck_http_header *h;
    size_t n;

    if (head == NULL || out_len == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    o.buf = buf;
    o.cap = cap;
    o.n = 0;
    o.bad = false;
    ck_hw_str(&o, head->method, CK_HW_WORD);
    ck_hw_put(&o, ck_hw_http, 1, CK_HW_ANY);
    ck_hw_put(&o, head->path_prefix, head->path_prefix_len, CK_HW_WORD);
    ck_hw_str(&o, head->path, CK_HW_WORD);
    ck_hw_str(&o, ck_hw_http, CK_HW_ANY);
    ck_hw_str(&o, head->host, CK_HW_WORD);
    if (head->port != 443u) {
        ck_hw_put(&o, ck_hw_colon, 1, CK_HW_ANY);
        ck_hw_num(&o, head->port);
    }
    ck_hw_str(&o, ck_hw_ua, CK_HW_ANY);
    h = head->headers;
    for (n = head->header_count; n != 0u; n--, h++) {
        if (h->value != NULL) {
            ck_hw_str(&o, h->name, CK_HW_WORD);
            ck_hw_str(&o, ck_hw_colon, CK_HW_ANY);
            ck_hw_str(&o, h->value_prefix, CK_HW_VALUE);
            ck_hw_str(&o, h->value, CK_HW_VALUE);
            ck_hw_put(&o, ck_hw_ua, 2, CK_HW_ANY);
        }
    }
    if (head->has_body) {
        ck_hw_str(&o, "Content-Length: ", CK_HW_ANY);
        ck_hw_num(&o, head->body_len);
        ck_hw_put(&o, ck_hw_ua, 2, CK_HW_ANY);
    }
    ck_hw_str(&o, head->keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n", CK_HW_ANY);
    if (o.bad) {
        *out_len = 0;
        return CK_ERR_INVALID_ARG;
    }
    *out_len = o.n;
    return o.n <= o.cap ? CK_OK : CK_ERR_BUFFER_TOO_SMALL;
}
