/**
 * @file http_write.c
 * @brief The HTTP/1.1 request head writer (see ck_http.h).
 *
 * One pass: every piece is checked against its character class while it is
 * copied; a bad piece makes the whole call CK_ERR_INVALID_ARG.
 */
#include <string.h>

#include "cardkit/ck_client.h"
#include "ck_http.h"
#include "ck_text.h"

/** @brief Character classes (bit numbers in ck_hw_cls, then the computed ones). */
enum {
    CK_HW_TOKEN,  /**< RFC 9110 tchar */
    CK_HW_METHOD, /**< tchar but lower-case letters */
    CK_HW_PATH,   /**< RFC 3986 pchar, '/' and '?' */
    CK_HW_HOST,   /**< reg-name / IPv4address: letters, digits, '.', '-' */
    CK_HW_IPV6,   /**< an IPv6 literal with its brackets: hex digits ':' '.' '[' ']' */
    CK_HW_VALUE,  /**< field value: no control character but HTAB (may be empty) */
    CK_HW_ANY     /**< literal text of the writer (may be empty) */
};

#define T (1u << CK_HW_TOKEN)
#define M (1u << CK_HW_METHOD)
#define P (1u << CK_HW_PATH)
#define H (1u << CK_HW_HOST)
#define V (1u << CK_HW_IPV6)

/** @brief The classes of '!' (0x21) to '~' (0x7E). */
static const uint8_t ck_hw_cls[94] = {
    T|M|P, 0, T|M, T|M|P, T|M|P, T|M|P, T|M|P, P, /* ! " # $ % & ' ( */
    P, T|M|P, T|M|P, P, T|M|P|H, T|M|P|H|V, P, T|M|P|H|V, /* ) * + , - . / 0 */
    T|M|P|H|V, T|M|P|H|V, T|M|P|H|V, T|M|P|H|V, T|M|P|H|V, T|M|P|H|V, T|M|P|H|V, T|M|P|H|V, /* 1 2 3 4 5 6 7 8 */
    T|M|P|H|V, P|V, P, 0, P, 0, P, P, /* 9 : ; < = > ? @ */
    T|M|P|H|V, T|M|P|H|V, T|M|P|H|V, T|M|P|H|V, T|M|P|H|V, T|M|P|H|V, T|M|P|H, T|M|P|H, /* A B C D E F G H */
    T|M|P|H, T|M|P|H, T|M|P|H, T|M|P|H, T|M|P|H, T|M|P|H, T|M|P|H, T|M|P|H, /* I J K L M N O P */
    T|M|P|H, T|M|P|H, T|M|P|H, T|M|P|H, T|M|P|H, T|M|P|H, T|M|P|H, T|M|P|H, /* Q R S T U V W X */
    T|M|P|H, T|M|P|H, V, 0, V, T|M, T|M|P, T|M, /* Y Z [ \ ] ^ _ ` */
    T|P|H|V, T|P|H|V, T|P|H|V, T|P|H|V, T|P|H|V, T|P|H|V, T|P|H, T|P|H, /* a b c d e f g h */
    T|P|H, T|P|H, T|P|H, T|P|H, T|P|H, T|P|H, T|P|H, T|P|H, /* i j k l m n o p */
    T|P|H, T|P|H, T|P|H, T|P|H, T|P|H, T|P|H, T|P|H, T|P|H, /* q r s t u v w x */
    T|P|H, T|P|H, 0, T|M, 0, T|M|P, /* y z { | } ~ */
};

#undef T
#undef M
#undef P
#undef H
#undef V

/** @brief Where the head goes: n keeps counting past cap; bad is set by an invalid piece. */
typedef struct ck_hw_out {
    uint8_t *buf;
    size_t cap;
    size_t n;
    bool bad;
} ck_hw_out;

static bool ck_hw_char(char ch, unsigned cls)
{
    unsigned u = (unsigned char)ch;

    if (cls >= CK_HW_VALUE) {
        return cls == CK_HW_ANY || ((u >= 0x20u || u == '\t') && u != 0x7Fu);
    }
    u -= 0x21u;
    return u < sizeof ck_hw_cls && (ck_hw_cls[u] >> cls & 1u) != 0u;
}

/** @brief Append @p len bytes of @p s, each of class @p cls; what is past cap is only counted. */
static void ck_hw_put(ck_hw_out *o, const char *s, size_t len, unsigned cls)
{
    size_t i;

    if (s == NULL) {
        o->bad = o->bad || len != 0u;
        return;
    }
    for (i = 0; i < len; i++) {
        o->bad = o->bad || !ck_hw_char(s[i], cls);
        if (o->n < o->cap) {
            o->buf[o->n] = (uint8_t)s[i];
        }
        o->n++;
    }
}

/** @brief Append a string of class @p cls; NULL, or empty but for values and literals, is bad. */
static void ck_hw_puts(ck_hw_out *o, const char *s, unsigned cls)
{
    if (s == NULL || (*s == '\0' && cls < CK_HW_VALUE)) {
        o->bad = true;
        return;
    }
    ck_hw_put(o, s, strlen(s), cls);
}

static void ck_hw_num(ck_hw_out *o, uint64_t v)
{
    char num[20];

    ck_hw_put(o, num, ck_u64_to_dec(v, num), CK_HW_ANY);
}

ck_err ck_http_write_head(const ck_http_request_head *head, uint8_t *buf, size_t cap, size_t *out_len)
{
    ck_hw_out o;
    const char *host;
    unsigned host_cls = CK_HW_HOST;
    size_t i;

    if (head == NULL || out_len == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    o.buf = buf;
    o.cap = buf != NULL ? cap : 0u;
    o.n = 0;
    o.bad = head->path == NULL || head->path[0] != '/' || (head->headers == NULL && head->header_count != 0u);
    host = head->host;
    if (host != NULL && host[0] == '[') {
        /* '[' 1*( HEXDIG / ":" / "." ) ']' */
        size_t n = strlen(host);
        host_cls = CK_HW_IPV6;
        o.bad = o.bad || n < 3u || host[n - 1u] != ']' || strcspn(host + 1, "[]") != n - 2u;
    }
    ck_hw_puts(&o, head->method, CK_HW_METHOD);
    ck_hw_puts(&o, " ", CK_HW_ANY);
    ck_hw_put(&o, head->path_prefix, head->path_prefix_len, CK_HW_PATH);
    ck_hw_puts(&o, head->path, CK_HW_PATH);
    ck_hw_puts(&o, " HTTP/1.1\r\nHost: ", CK_HW_ANY);
    ck_hw_puts(&o, host, host_cls);
    if (head->port != 443u) {
        ck_hw_puts(&o, ":", CK_HW_ANY);
        ck_hw_num(&o, head->port);
    }
    ck_hw_puts(&o, "\r\nUser-Agent: cardkit/" CK_VERSION_STRING "\r\n", CK_HW_ANY);
    for (i = 0; !o.bad && i < head->header_count; i++) {
        const ck_http_header *h = &head->headers[i];
        if (h->value != NULL) {
            ck_hw_puts(&o, h->name, CK_HW_TOKEN);
            ck_hw_puts(&o, ": ", CK_HW_ANY);
            if (h->value_prefix != NULL) {
                ck_hw_puts(&o, h->value_prefix, CK_HW_VALUE);
            }
            ck_hw_puts(&o, h->value, CK_HW_VALUE);
            ck_hw_puts(&o, "\r\n", CK_HW_ANY);
        }
    }
    if (head->has_body) {
        ck_hw_puts(&o, "Content-Length: ", CK_HW_ANY);
        ck_hw_num(&o, head->body_len);
        ck_hw_puts(&o, "\r\n", CK_HW_ANY);
    }
    ck_hw_puts(&o, head->keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n", CK_HW_ANY);
    if (o.bad) {
        *out_len = 0;
        return CK_ERR_INVALID_ARG;
    }
    *out_len = o.n;
    return o.n <= o.cap ? CK_OK : CK_ERR_BUFFER_TOO_SMALL;
}
