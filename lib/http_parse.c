/**
 * @file http_parse.c
 * @brief The incremental HTTP/1.1 response parser (see ck_http.h).
 *
 * One state machine, one byte at a time for the head and the chunk framing,
 * whole runs for body bytes. A CR is remembered and must be followed by LF;
 * the LF ends the line of the current state. Nothing of the head is stored
 * but the few header values cardkit reads; the decoded body goes to the
 * caller's buffer.
 *
 * Numbers (Content-Length, Retry-After) are 1 to 9 decimal digits, so they
 * fit any size_t: a Content-Length of 10 or more digits, leading zeros
 * included, is CK_ERR_HTTP_BAD_LENGTH, and such a Retry-After is ignored.
 */
#include <string.h>

#include "ck_http.h"

/* line[] must hold the longest header name looked up (17 bytes). */
typedef char ck_hp_line_holds_names[(CK_HTTP_LINE_SIZE >= 17u) ? 1 : -1];

/* The list headers are ids 1 to 3 (see the `hdr - 1u < 3u` test). */
typedef char ck_hp_lists_first[(CK_HH_CONTENT_LENGTH == 1 && CK_HH_CONNECTION == 3) ? 1 : -1];

/** @brief Largest Retry-After kept, in seconds. */
#define CK_HP_RETRY_AFTER_MAX 86400u

/** @brief The header names read, lower case, each after its length, in ::ck_http_hdr_id order from CK_HH_CONTENT_LENGTH. */
static const char ck_hp_names[] = "\016content-length\021transfer-encoding\012connection\014x-request-id\013retry-after";

/** @brief RFC 9110 tchar as a bitmap of 0x20..0x7F: ALPHA DIGIT ! # $ % & ' * + - . ^ _ ` | ~ */
static const uint8_t ck_hp_tchars[12] = {0xFAu, 0x6Cu, 0xFFu, 0x03u, 0xFEu, 0xFFu,
                                         0xFFu, 0xC7u, 0xFFu, 0xFFu, 0xFFu, 0x57u};

static bool ck_hp_ows(unsigned c)
{
    return c == ' ' || c == '\t';
}

/** @brief RFC 9110 tchar. */
static bool ck_hp_tchar(unsigned c)
{
    c -= 0x20u;
    return c < 96u && (((unsigned)ck_hp_tchars[c >> 3] >> (c & 7u)) & 1u) != 0u;
}

/** @brief Connection and Transfer-Encoding tokens, each after its length, in CK_HT_ order. */
static const char ck_hp_tokens[] = "\005close\012keep-alive\007chunked";

/**
 * @brief Look @p n bytes of @p s up, case-insensitively, in @p tab
 * (lower-case words of letters and '-', each after its length byte, then
 * a NUL; @p s holds no control character).
 * @return The word's place from 1, or 0.
 */
static unsigned ck_hp_find(const char *s, size_t n, const char *tab)
{
    unsigned id = 0;
    size_t m;

    while ((m = (unsigned char)*tab++) != 0u) {
        id++;
        if (m == n) {
            size_t j = 0;
            while (j < n && ((unsigned char)s[j] | 0x20u) == (unsigned char)tab[j]) {
                j++;
            }
            if (j == n) {
                return id;
            }
        }
        tab += m;
    }
    return 0;
}

/** @brief `1*9DIGIT` into *@p out; false when empty, longer or not all digits. */
static bool ck_hp_num(const char *t, size_t len, size_t *out)
{
    size_t x = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned d = (unsigned char)t[i] - (unsigned)'0';
        if (d > 9u) {
            return false;
        }
        x = x * 10u + d; /* past 9 digits it may wrap: refused below */
    }
    *out = x;
    return len - 1u < 9u; /* len 0 wraps */
}

/**
 * @brief A header value, or an element of a list value, is complete: use
 * it. The element is line[elem_start, val_trim) (OWS trimmed); Content-Length,
 * Transfer-Encoding and Connection are comma lists, handed over one element
 * at a time, the others whole.
 */
static ck_err ck_hp_elem(ck_http_parser *p)
{
    const char *v;
    size_t n = p->val_trim - p->elem_start;
    size_t x;
    unsigned t;

    if (p->hdr == CK_HH_REQUEST_ID) {
        if (p->request_id_cap != 0u) {
            /* Kept whole (elem_start is 0), and only when it was stored in full. */
            p->request_id_truncated = n >= p->request_id_cap || p->val_trim >= sizeof p->line;
            if (p->request_id_truncated) {
                n = 0;
            }
            p->request_id[n] = '\0';
            while (n-- != 0u) {
                p->request_id[n] = p->line[p->elem_start + n];
            }
        }
        return CK_OK;
    }
    if (p->hdr == CK_HH_OTHER) {
        return CK_OK;
    }
    if (p->val_trim > CK_HTTP_MAX_VALUE) { /* the whole value so far */
        return CK_ERR_HTTP_MALFORMED;
    }
    /* Only now is the element known to lie inside line[]. */
    v = p->line + p->elem_start;
    if (p->hdr == CK_HH_RETRY_AFTER) {
        /* delta-seconds; an HTTP-date (or an absurd number) is ignored */
        if (ck_hp_num(v, n, &x)) {
            p->has_retry_after = true;
            p->retry_after_s = x > CK_HP_RETRY_AFTER_MAX ? CK_HP_RETRY_AFTER_MAX : (uint32_t)x;
        }
        return CK_OK;
    }
    if (p->hdr == CK_HH_CONTENT_LENGTH) {
        /* a list must repeat one value */
        if (!ck_hp_num(v, n, &x)) {
            return CK_ERR_HTTP_BAD_LENGTH;
        }
        if (p->has_length && x != p->remaining) {
            return CK_ERR_HTTP_LENGTH_CONFLICT;
        }
        p->remaining = x;
        p->has_length = true;
        return CK_OK;
    }
    t = ck_hp_find(v, n, ck_hp_tokens);
    if (p->hdr == CK_HH_TRANSFER_ENCODING) {
        /* only in HTTP/1.1; only one coding, and it is chunked */
        if (!p->minor_version) {
            return CK_ERR_HTTP_MALFORMED;
        }
        if (t != CK_HT_CHUNKED + 1u || p->tok[CK_HT_CHUNKED]) {
            return CK_ERR_HTTP_UNSUPPORTED;
        }
    } else if (t == CK_HT_CHUNKED + 1u) {
        t = 0; /* Connection: chunked means nothing */
    }
    if (t != 0u) {
        p->tok[t - 1u] = true;
    }
    return CK_OK;
}

/** @brief The empty line after a head: skip a 1xx head, else pick the body framing. */
static ck_err ck_hp_head_end(ck_http_parser *p)
{
    if (p->status < 200u) {
        p->state = CK_HS_STATUS;
        return CK_OK;
    }
    p->head_done = true;
    p->keep_alive = !p->tok[CK_HT_CLOSE] && (p->minor_version || p->tok[CK_HT_KEEP_ALIVE]);
    if (p->has_length && p->tok[CK_HT_CHUNKED]) {
        return CK_ERR_HTTP_LENGTH_CONFLICT;
    }
    if (p->status == 204u || p->status == 304u) {
        p->done = true;
        return CK_OK;
    }
    if (p->tok[CK_HT_CHUNKED]) {
        p->state = CK_HS_CHUNK_SIZE;
        return CK_OK;
    }
    p->state = CK_HS_BODY;
    if (!p->has_length) {
        p->remaining = SIZE_MAX; /* never reached: the body ends with the connection */
        p->keep_alive = false;
    } else if (p->remaining > p->body_cap) {
        return CK_ERR_RESPONSE_TOO_LARGE;
    }
    return CK_OK;
}

/** @brief The LF after a CR: the line of the current state ends. */
static ck_err ck_hp_line_end(ck_http_parser *p)
{
    size_t k = p->line_len;
    size_t x;

    p->line_len = 0;
    switch (p->state) {
    case CK_HS_STATUS:
        if (k < 12u || !ck_hp_num(p->line + 9, 3, &x) || x - 100u > 499u) {
            return CK_ERR_HTTP_MALFORMED;
        }
        p->status = (uint16_t)x;
        p->state = CK_HS_HEADER_START;
        return p->status == 101u ? CK_ERR_HTTP_UNSUPPORTED : CK_OK;
    case CK_HS_HEADER_START: /* the empty line */
        p->header_count = 0; /* counts again in the next head, or in the trailers */
        if (p->head_done) {
            p->done = true; /* after the trailers */
            return CK_OK;
        }
        return ck_hp_head_end(p);
    case CK_HS_HEADER_NAME:
        return CK_ERR_HTTP_MALFORMED;
    case CK_HS_HEADER_VALUE:
        p->state = CK_HS_HEADER_START;
        return ck_hp_elem(p);
    case CK_HS_CHUNK_END:
        p->state = CK_HS_CHUNK_SIZE;
        return CK_OK;
    default: /* CK_HS_CHUNK_SIZE */
        if (k == 0u) {
            return CK_ERR_HTTP_MALFORMED;
        }
        if (p->remaining > p->body_cap - p->body_len) {
            return CK_ERR_RESPONSE_TOO_LARGE;
        }
        /* the last chunk is followed by the trailers */
        p->state = p->remaining != 0u ? CK_HS_BODY : CK_HS_HEADER_START;
        return CK_OK;
    }
}

/** @brief The ':' after a header name of line_len bytes: look the name up. */
static void ck_hp_colon(ck_http_parser *p)
{
    /* names are looked up in the final head only, not in trailers */
    p->hdr = (uint8_t)(!p->head_done && p->status >= 200u ? ck_hp_find(p->line, p->line_len, ck_hp_names) : 0u);
    p->line_len = 0;
    p->val_trim = 0;
    p->elem_start = 0;
    p->state = CK_HS_HEADER_VALUE;
}

/**
 * @brief One byte of a line, neither CR nor a control character but HTAB.
 * CK_ERR_HTTP_MALFORMED in the chunk framing becomes CK_ERR_HTTP_BAD_CHUNK.
 */
static ck_err ck_hp_byte(ck_http_parser *p, unsigned c)
{
    size_t k = p->line_len;

    switch (p->state) {
    case CK_HS_STATUS: /* HTTP/1.x SP 3DIGIT [SP reason]: the digits are read at the line end */
        if (k < 9u) {
            if (k == 5u && c - '2' < 8u) {
                return CK_ERR_HTTP_UNSUPPORTED; /* HTTP/2 and later */
            }
            if (k == 7u) {
                p->minor_version = (c & 1u) != 0u;
                c |= 1u; /* '0' or '1' */
            }
            if (c != (unsigned char)"HTTP/1.1 "[k]) {
                return CK_ERR_HTTP_MALFORMED;
            }
        } else if (k == 12u && c != ' ') {
            return CK_ERR_HTTP_MALFORMED;
        }
        goto store;
    case CK_HS_HEADER_START:
        if (ck_hp_ows(c)) {
            return p->header_count != 0u ? CK_ERR_HTTP_OBS_FOLD : CK_ERR_HTTP_MALFORMED;
        }
        if (++p->header_count > CK_HTTP_MAX_HEADERS) {
            return CK_ERR_HTTP_HEAD_TOO_LARGE;
        }
        p->state = CK_HS_HEADER_NAME;
        /* fall through */
    case CK_HS_HEADER_NAME:
        if (c == ':' && k != 0u) {
            ck_hp_colon(p);
            return CK_OK;
        }
        if (!ck_hp_tchar(c)) {
            return CK_ERR_HTTP_MALFORMED;
        }
        goto store;
    case CK_HS_HEADER_VALUE:
        if (ck_hp_ows(c)) {
            if (k == p->elem_start) {
                return CK_OK; /* OWS before the value or a list element */
            }
        } else {
            if (c == ',' && p->hdr - 1u < 3u) { /* Content-Length, Transfer-Encoding, Connection */
                ck_err err = ck_hp_elem(p);
                if (err != CK_OK) {
                    return err;
                }
                p->elem_start = k + 1u;
            }
            p->val_trim = k + 1u;
        }
    store:
        if (k < sizeof p->line) {
            p->line[k] = (char)c;
        }
        break;
    case CK_HS_CHUNK_SIZE: {
        /* up to 16 hex digits; after a ';' line_len counts on from 17 */
        unsigned d = c - '0';
        if (k > 16u) {
            if (k > 16u + CK_HTTP_MAX_CHUNK_EXT) {
                return CK_ERR_HTTP_MALFORMED;
            }
            break;
        }
        if (d > 9u) {
            d = (c | 0x20u) - 'a' + 10u; /* non-hex: 16 or more, or wraps */
        }
        if (d < 16u && k < 16u) {
            /* saturates: a size above SIZE_MAX cannot fit the body anyway */
            p->remaining = (p->remaining > SIZE_MAX / 16u ? SIZE_MAX / 16u : p->remaining) * 16u + d;
            break;
        }
        if (c != ';' || k == 0u) {
            return CK_ERR_HTTP_MALFORMED;
        }
        k = 16u;
        break;
    }
    default: /* CK_HS_CHUNK_END: only CRLF */
        return CK_ERR_HTTP_MALFORMED;
    }
    p->line_len = k + 1u;
    return CK_OK;
}

/** @brief True for a byte a header value or reason phrase may hold: VCHAR, obs-text, SP, HTAB. */
static bool ck_hp_text(unsigned c)
{
    return (c >= 0x20u && c != 0x7Fu) || c == '\t';
}

/**
 * @brief The common case of a head, a run at a time: the rest of a header
 * name, or the value of a header not read (nothing of it is kept). It stops
 * at the first byte the byte-at-a-time path must see (':', CR, anything
 * unusual), leaving the state as that path would have it.
 * @return Where it stopped.
 */
static size_t ck_hp_run(ck_http_parser *p, const uint8_t *d, size_t i, size_t len)
{
    size_t k = p->line_len;

    if (p->state == CK_HS_HEADER_NAME) {
        for (; i < len && ck_hp_tchar(d[i]); i++, k++) {
            if (k < sizeof p->line) {
                p->line[k] = (char)d[i];
            }
        }
        p->line_len = k;
    } else {
        while (i < len && ck_hp_text(d[i])) {
            i++;
        }
    }
    return i;
}

void ck_http_parser_init(ck_http_parser *p, uint8_t *body, size_t body_cap,
                         char *request_id, size_t request_id_cap)
{
    memset(p, 0, sizeof *p);
    p->body = body;
    p->body_cap = body_cap;
    if (request_id != NULL && request_id_cap != 0u) {
        p->request_id = request_id;
        p->request_id_cap = request_id_cap;
        request_id[0] = '\0';
    }
}

ck_err ck_http_parser_feed(ck_http_parser *p, const uint8_t *data, size_t len, size_t *out_consumed)
{
    size_t i = 0;
    ck_err err = p->err;

    while (err == CK_OK && !p->done) {
        unsigned c;
        if (p->state == CK_HS_BODY) {
            size_t n = len - i;
            uint8_t *d = p->body + p->body_len;
            if (n > p->remaining) {
                n = p->remaining;
            }
            if (n > p->body_cap - p->body_len) {
                err = CK_ERR_RESPONSE_TOO_LARGE;
                break;
            }
            p->body_len += n;
            p->remaining -= n;
            /* data may lie in body[] at or after d */
            memmove(d, data + i, n);
            i += n;
            if (p->remaining == 0u) {
                p->state = CK_HS_CHUNK_END;
                p->done = !p->tok[CK_HT_CHUNKED];
                continue;
            }
        }
        if (i == len) {
            break;
        }
        if (!p->cr && (p->state == CK_HS_HEADER_NAME || (p->state == CK_HS_HEADER_VALUE && p->hdr == CK_HH_OTHER)) &&
            len - i <= CK_HTTP_MAX_HEAD_BYTES - p->head_bytes) {
            size_t j = ck_hp_run(p, data, i, len);
            p->head_bytes += j - i;
            i = j;
            if (i == len) {
                break;
            }
        }
        c = data[i++];
        if (++p->head_bytes > CK_HTTP_MAX_HEAD_BYTES) {
            err = CK_ERR_HTTP_HEAD_TOO_LARGE;
        } else if (p->cr) {
            p->cr = false;
            err = c == '\n' ? ck_hp_line_end(p) : CK_ERR_HTTP_MALFORMED;
        } else if (c == '\r') {
            p->cr = true;
        } else if ((c < 0x20u && c != '\t') || c == 0x7Fu) {
            err = CK_ERR_HTTP_MALFORMED;
        } else {
            err = ck_hp_byte(p, c);
        }
    }
    if (err == CK_ERR_HTTP_MALFORMED && p->state >= CK_HS_CHUNK_SIZE) {
        err = CK_ERR_HTTP_BAD_CHUNK;
    }
    p->err = err;
    if (out_consumed != NULL) {
        *out_consumed = i;
    }
    return err;
}

ck_err ck_http_parser_eof(ck_http_parser *p)
{
    if (p->err == CK_OK && !p->done) {
        if (p->state == CK_HS_BODY && !p->has_length && !p->tok[CK_HT_CHUNKED]) {
            p->done = true; /* the body ended by the close */
        } else {
            p->err = CK_ERR_PEER_CLOSED;
        }
    }
    return p->err;
}
