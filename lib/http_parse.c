/**
 * @file http_parse.c
 * @brief The incremental HTTP/1.1 response parser (see ck_http.h).
 *
 * One state machine, one byte at a time for the head and the chunk framing,
 * whole runs for body bytes. Nothing of the head is stored but the few
 * header values cardkit reads; the decoded body goes to the caller's buffer.
 */
#include <string.h>

#include "ck_http.h"
#include "ck_text.h"

/* line[] must hold the longest header name looked up (17 bytes). */
typedef char ck_hp_line_holds_names[(CK_HTTP_LINE_SIZE >= 17u) ? 1 : -1];

/** @brief Largest Retry-After kept, in seconds. */
#define CK_HP_RETRY_AFTER_MAX 86400u

/**
 * @brief The header names read, lower case, each after its length, in
 * ::ck_http_hdr_id order from CK_HH_CONTENT_LENGTH.
 */
static const char ck_hp_names[] =
    "\016content-length\021transfer-encoding\012connection\014x-request-id\013retry-after";

/** @brief RFC 9110 tchar as a bitmap of 0x20..0x7F: ALPHA DIGIT ! # $ % & ' * + - . ^ _ ` | ~ */
static const uint8_t ck_hp_tchars[12] = {0xFAu, 0x6Cu, 0xFFu, 0x03u, 0xFEu, 0xFFu,
                                         0xFFu, 0xC7u, 0xFFu, 0xFFu, 0xFFu, 0x57u};

static bool ck_hp_tchar(uint8_t c)
{
    unsigned u = c - 0x20u;
    return u < 96u && (ck_hp_tchars[u >> 3] >> (u & 7u) & 1u) != 0u;
}

/** @brief A control character other than HTAB (DEL included). */
static bool ck_hp_ctl(uint8_t c)
{
    return (c < 0x20u && c != '\t') || c == 0x7Fu;
}

static bool ck_hp_ows(char c)
{
    return c == ' ' || c == '\t';
}

static bool ck_hp_digit(char c)
{
    return c >= '0' && c <= '9';
}

/** @brief Case-insensitive: @p n bytes of @p s equal the lower-case @p lit. */
static bool ck_hp_ieq(const char *s, size_t n, const char *lit)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (ck_lower(s[i]) != lit[i]) {
            return false;
        }
    }
    return lit[n] == '\0';
}

/**
 * @brief The comma-separated element of @p v (@p n bytes) starting at *@p i,
 * OWS trimmed; *@p i moves past its comma (to n + 1 after the last one).
 */
static size_t ck_hp_elem(const char *v, size_t n, size_t *i, const char **out)
{
    size_t s = *i;
    size_t e;

    while (s < n && ck_hp_ows(v[s])) {
        s++;
    }
    for (e = s; e < n && v[e] != ','; e++) {
    }
    *i = e + 1u;
    while (e > s && ck_hp_ows(v[e - 1u])) {
        e--;
    }
    *out = v + s;
    return e - s;
}

/**
 * @brief `1*DIGIT`, at most 20 digits, into *@p out.
 * @return false when empty, not all digits, or above UINT64_MAX.
 */
static bool ck_hp_number(const char *t, size_t len, uint64_t *out)
{
    uint64_t x = 0;
    size_t j;

    if (len - 1u >= 20u) { /* len 0 wraps */
        return false;
    }
    for (j = 0; j < len; j++) {
        unsigned d = (unsigned)(t[j] - '0');
        if (d > 9u || x > UINT64_MAX / 10u || x * 10u > UINT64_MAX - d) {
            return false;
        }
        x = x * 10u + d;
    }
    *out = x;
    return true;
}

/**
 * @brief A header value is complete (OWS trimmed, val_trim bytes, the first
 * sizeof line - 1 of them in line[]): use it.
 */
static ck_err ck_hp_value_end(ck_http_parser *p)
{
    size_t n = p->val_trim;
    size_t i = 0;
    uint64_t x;

    if (p->hdr == CK_HH_OTHER) {
        return CK_OK;
    }
    if (p->hdr == CK_HH_REQUEST_ID) {
        if (p->request_id_cap != 0u) {
            p->request_id_truncated = n >= p->request_id_cap || n >= sizeof p->line;
            if (!p->request_id_truncated) {
                memcpy(p->request_id, p->line, n);
            }
            p->request_id[p->request_id_truncated ? 0u : n] = '\0';
        }
        return CK_OK;
    }
    if (n > CK_HTTP_MAX_VALUE) {
        return CK_ERR_HTTP_MALFORMED;
    }
    if (p->hdr == CK_HH_RETRY_AFTER) {
        /* delta-seconds; an HTTP-date (or an absurd number) is ignored */
        if (ck_hp_number(p->line, n, &x)) {
            p->has_retry_after = true;
            p->retry_after_s = x > CK_HP_RETRY_AFTER_MAX ? CK_HP_RETRY_AFTER_MAX : (uint32_t)x;
        }
        return CK_OK;
    }
    if (p->hdr == CK_HH_TRANSFER_ENCODING && p->minor_version == 0u) {
        return CK_ERR_HTTP_MALFORMED;
    }
    /* Content-Length, Transfer-Encoding and Connection are comma lists */
    while (i <= n) {
        const char *t;
        size_t len = ck_hp_elem(p->line, n, &i, &t);
        if (p->hdr == CK_HH_CONTENT_LENGTH) {
            /* a list must repeat one value */
            if (!ck_hp_number(t, len, &x)) {
                return CK_ERR_HTTP_BAD_LENGTH;
            }
            if (p->has_length && x != p->content_length) {
                return CK_ERR_HTTP_LENGTH_CONFLICT;
            }
            p->content_length = x;
            p->has_length = true;
        } else if (p->hdr == CK_HH_TRANSFER_ENCODING) {
            /* only one coding, and it is chunked */
            if (p->chunked || !ck_hp_ieq(t, len, "chunked")) {
                return CK_ERR_HTTP_UNSUPPORTED;
            }
            p->chunked = true;
        } else {
            p->conn_close = p->conn_close || ck_hp_ieq(t, len, "close");
            p->conn_keep_alive = p->conn_keep_alive || ck_hp_ieq(t, len, "keep-alive");
        }
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
    p->header_count = 0; /* now counts trailers */
    p->keep_alive = !p->conn_close && (p->minor_version != 0u || p->conn_keep_alive);
    if (p->has_length && p->chunked) {
        return CK_ERR_HTTP_LENGTH_CONFLICT;
    }
    p->state = CK_HS_DONE;
    if (p->status == 204u || p->status == 304u) {
        return CK_OK;
    }
    if (p->chunked) {
        p->state = CK_HS_CHUNK_SIZE;
    } else if (p->has_length) {
        if (p->content_length > p->body_cap) {
            return CK_ERR_RESPONSE_TOO_LARGE;
        }
        p->remaining = (size_t)p->content_length;
        if (p->remaining != 0u) {
            p->state = CK_HS_BODY_LENGTH;
        }
    } else {
        p->remaining = SIZE_MAX; /* never reached: the body ends with the connection */
        p->state = CK_HS_BODY_CLOSE;
        p->keep_alive = false;
    }
    return CK_OK;
}

/** @brief A CR was read: expect LF, then go to @p next; else fail with @p err. */
static void ck_hp_expect_lf(ck_http_parser *p, ck_http_state next, ck_err err)
{
    p->state = CK_HS_LF;
    p->next = next;
    p->lf_err = err;
    p->line_len = 0;
}

/** @brief One byte of the status line `HTTP/1.x SP 3DIGIT [SP reason] CRLF`. */
static ck_err ck_hp_status(ck_http_parser *p, uint8_t c)
{
    size_t k = p->line_len++;

    if (k < 9u) {
        if (k == 5u && c >= '2' && c <= '9') {
            return CK_ERR_HTTP_UNSUPPORTED; /* HTTP/2 and later */
        }
        if (k == 7u) {
            p->minor_version = (uint8_t)(c - '0');
            return c == '0' || c == '1' ? CK_OK : CK_ERR_HTTP_MALFORMED;
        }
        return c == (uint8_t)"HTTP/1.x "[k] ? CK_OK : CK_ERR_HTTP_MALFORMED;
    }
    if (k < 12u) {
        p->status = (uint16_t)((k == 9u ? 0u : p->status * 10u) + (uint16_t)(c - '0'));
        return ck_hp_digit((char)c) && (k != 9u || (c >= '1' && c <= '5')) ? CK_OK : CK_ERR_HTTP_MALFORMED;
    }
    if (c == '\r') {
        p->header_count = 0;
        ck_hp_expect_lf(p, CK_HS_HEADER_START, CK_ERR_HTTP_MALFORMED);
        return p->status == 101u ? CK_ERR_HTTP_UNSUPPORTED : CK_OK;
    }
    return (k > 12u || c == ' ') && !ck_hp_ctl(c) ? CK_OK : CK_ERR_HTTP_MALFORMED;
}

/** @brief One byte of a header or trailer line. */
static ck_err ck_hp_header(ck_http_parser *p, uint8_t c)
{
    size_t k = p->line_len;

    switch (p->state) {
    case CK_HS_HEADER_START:
        if (c == '\r') {
            ck_hp_expect_lf(p, p->trailer ? CK_HS_DONE : CK_HS_HEAD_END, CK_ERR_HTTP_MALFORMED);
            return CK_OK;
        }
        if (ck_hp_ows((char)c)) {
            return p->header_count != 0u ? CK_ERR_HTTP_OBS_FOLD : CK_ERR_HTTP_MALFORMED;
        }
        if (++p->header_count > CK_HTTP_MAX_HEADERS) {
            return CK_ERR_HTTP_HEAD_TOO_LARGE;
        }
        p->state = CK_HS_HEADER_NAME;
        /* fall through */
    case CK_HS_HEADER_NAME:
        if (c == ':' && k != 0u) {
            const char *s = ck_hp_names;
            unsigned id = CK_HH_CONTENT_LENGTH;
            p->hdr = CK_HH_OTHER;
            while (!p->trailer && p->status >= 200u && *s != '\0') {
                size_t n = (size_t)*s;
                if (n == k && memcmp(s + 1, p->line, n) == 0) {
                    p->hdr = (ck_http_hdr_id)id;
                }
                s += n + 1u;
                id++;
            }
            p->line_len = 0;
            p->val_trim = 0;
            p->state = CK_HS_HEADER_VALUE;
            return CK_OK;
        }
        if (!ck_hp_tchar(c)) {
            return CK_ERR_HTTP_MALFORMED;
        }
        if (k < sizeof p->line) {
            p->line[k] = ck_lower((char)c);
        }
        break;
    default: /* CK_HS_HEADER_VALUE */
        if (c == '\r') {
            ck_hp_expect_lf(p, CK_HS_HEADER_START, CK_ERR_HTTP_MALFORMED);
            return ck_hp_value_end(p);
        }
        if (ck_hp_ctl(c)) {
            return CK_ERR_HTTP_MALFORMED;
        }
        if (!ck_hp_ows((char)c)) {
            p->val_trim = k + 1u;
        } else if (k == 0u) {
            return CK_OK; /* leading OWS */
        }
        if (k < sizeof p->line - 1u) {
            p->line[k] = (char)c;
        }
        break;
    }
    p->line_len = k + 1u;
    return CK_OK;
}

/** @brief One byte of a chunk-size line or of the CRLF after chunk data. */
static ck_err ck_hp_chunk(ck_http_parser *p, uint8_t c)
{
    char l = ck_lower((char)c);

    if (p->state == CK_HS_CHUNK_DATA_CR) {
        if (c != '\r') {
            return CK_ERR_HTTP_BAD_CHUNK;
        }
        ck_hp_expect_lf(p, CK_HS_CHUNK_SIZE, CK_ERR_HTTP_BAD_CHUNK);
        return CK_OK;
    }
    if (p->state == CK_HS_CHUNK_SIZE) {
        if (ck_hp_digit(l) || (l >= 'a' && l <= 'f')) {
            if (p->line_len++ == 16u) {
                return CK_ERR_HTTP_BAD_CHUNK;
            }
            /* saturates: a size above SIZE_MAX cannot fit the body anyway */
            p->remaining = p->remaining > (SIZE_MAX >> 4)
                               ? SIZE_MAX
                               : (p->remaining << 4) | (size_t)(ck_hp_digit(l) ? l - '0' : l - 'a' + 10);
            return CK_OK;
        }
        if (p->line_len == 0u) {
            return CK_ERR_HTTP_BAD_CHUNK;
        }
        if (c == ';') {
            p->state = CK_HS_CHUNK_EXT;
            p->line_len = 0;
            return CK_OK;
        }
    }
    if (c == '\r') {
        if (p->remaining > p->body_cap - p->body_len) {
            return CK_ERR_RESPONSE_TOO_LARGE;
        }
        p->trailer = p->remaining == 0u;
        ck_hp_expect_lf(p, p->trailer ? CK_HS_HEADER_START : CK_HS_CHUNK_DATA, CK_ERR_HTTP_BAD_CHUNK);
        return CK_OK;
    }
    if (p->state == CK_HS_CHUNK_SIZE || ck_hp_ctl(c) || ++p->line_len > CK_HTTP_MAX_CHUNK_EXT) {
        return CK_ERR_HTTP_BAD_CHUNK;
    }
    return CK_OK;
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
    ck_err err = p->state == CK_HS_ERROR ? p->err : CK_OK;

    while (err == CK_OK && i < len && p->state != CK_HS_DONE) {
        uint8_t c;
        if (p->state >= CK_HS_BODY_LENGTH && p->state <= CK_HS_CHUNK_DATA) {
            size_t n = len - i;
            if (n > p->remaining) {
                n = p->remaining;
            }
            if (n > p->body_cap - p->body_len) {
                err = CK_ERR_RESPONSE_TOO_LARGE;
                break;
            }
            /* data may lie in body[] at or after body + body_len */
            memmove(p->body + p->body_len, data + i, n);
            p->body_len += n;
            p->remaining -= n;
            i += n;
            if (p->remaining == 0u) {
                p->state = p->state == CK_HS_CHUNK_DATA ? CK_HS_CHUNK_DATA_CR : CK_HS_DONE;
            }
            continue;
        }
        c = data[i++];
        if (++p->head_bytes > CK_HTTP_MAX_HEAD_BYTES) {
            err = CK_ERR_HTTP_HEAD_TOO_LARGE;
        } else if (p->state == CK_HS_STATUS) {
            err = ck_hp_status(p, c);
        } else if (p->state == CK_HS_LF) {
            if (c != '\n') {
                err = p->lf_err;
            } else {
                p->state = p->next;
                if (p->state == CK_HS_HEAD_END) {
                    err = ck_hp_head_end(p);
                }
            }
        } else if (p->state <= CK_HS_HEADER_VALUE) {
            err = ck_hp_header(p, c);
        } else {
            err = ck_hp_chunk(p, c);
        }
    }
    if (err != CK_OK) {
        p->state = CK_HS_ERROR;
        p->err = err;
    }
    p->done = p->state == CK_HS_DONE;
    if (out_consumed != NULL) {
        *out_consumed = i;
    }
    return err;
}

ck_err ck_http_parser_eof(ck_http_parser *p)
{
    if (p->state == CK_HS_BODY_CLOSE) {
        p->state = CK_HS_DONE;
        p->done = true;
    }
    if (p->state == CK_HS_DONE) {
        return CK_OK;
    }
    if (p->state != CK_HS_ERROR) {
        p->state = CK_HS_ERROR;
        p->err = CK_ERR_PEER_CLOSED;
    }
    return p->err;
}
