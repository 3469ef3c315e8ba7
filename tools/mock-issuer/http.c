/**
 * @file http.c
 * @brief The mock's HTTP/1.1 request parser and response framing.
 *
 * The parser is deliberately strict, because the mock exists to catch a
 * client that speaks HTTP loosely: CRLF line ends only, no obs-fold, no
 * whitespace before the colon, origin-form targets, exactly one Host for
 * HTTP/1.1, at most one Content-Length of plain digits, and no request
 * Transfer-Encoding (cardkit never sends one). It re-parses the buffered
 * bytes from the start each time more arrive; requests are small.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mock.h"

/** @brief RFC 9110 tchar. */
static bool mock_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", (int)c) != NULL;
}

/** @brief ASCII lower case. */
static char mock_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/** @brief Case-insensitive comparison of a span with a NUL-terminated string. */
static bool mock_span_ieq(const char *s, size_t n, const char *lit)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (lit[i] == '\0' || mock_lower(s[i]) != mock_lower(lit[i])) {
            return false;
        }
    }
    return lit[n] == '\0';
}

/** @brief True when a comma-separated header value contains token @p tok (case-insensitive). */
static bool mock_list_has(const char *v, size_t n, const char *tok)
{
    size_t i = 0;

    while (i < n) {
        size_t start;
        size_t end;

        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) {
            i++;
        }
        start = i;
        while (i < n && v[i] != ',') {
            i++;
        }
        end = i;
        while (end > start && (v[end - 1u] == ' ' || v[end - 1u] == '\t')) {
            end--;
        }
        if (end > start && mock_span_ieq(v + start, end - start, tok)) {
            return true;
        }
    }
    return false;
}

/** @brief Find CRLF in [p, end); returns its offset or -1. A bare CR or LF sets *bad. */
static long mock_find_crlf(const char *p, const char *end, bool *bad)
{
    const char *q;

    for (q = p; q < end; q++) {
        if (*q == '\r') {
            if (q + 1 == end) {
                return -1; /* the LF may still come */
            }
            if (q[1] != '\n') {
                *bad = true;
                return -1;
            }
            return (long)(q - p);
        }
        if (*q == '\n') {
            *bad = true;
            return -1;
        }
    }
    return -1;
}

/** @brief Parse the request line "METHOD SP target SP HTTP/1.x". */
static bool mock_parse_request_line(const char *line, size_t n, mock_request *req, const char **why)
{
    size_t i = 0;
    size_t m;
    size_t t0;

    while (i < n && mock_tchar((unsigned char)line[i])) {
        i++;
    }
    if (i == 0u || i >= sizeof req->method || i >= n || line[i] != ' ') {
        *why = "bad request method";
        return false;
    }
    memcpy(req->method, line, i);
    req->method[i] = '\0';
    t0 = ++i;
    while (i < n && line[i] > 0x20 && line[i] < 0x7F) {
        i++;
    }
    if (i == t0 || i >= n || line[i] != ' ' || line[t0] != '/') {
        *why = "bad request target (origin-form only)";
        return false;
    }
    req->target = line + t0;
    req->target_len = i - t0;
    for (m = 0; m < req->target_len && req->target[m] != '?' && req->target[m] != '#'; m++) {
    }
    req->path_len = m;
    i++;
    if (n - i != 8u || memcmp(line + i, "HTTP/1.", 7) != 0 ||
        (line[i + 7u] != '0' && line[i + 7u] != '1')) {
        *why = "unsupported HTTP version";
        return false;
    }
    req->minor = (unsigned)(line[i + 7u] - '0');
    return true;
}

/** @brief Parse one header line into req->headers. */
static bool mock_parse_header(const char *line, size_t n, mock_request *req, const char **why)
{
    size_t i = 0;
    size_t name_len;
    size_t v0;
    size_t v1;
    mock_header *h;

    if (line[0] == ' ' || line[0] == '\t') {
        *why = "obsolete line folding";
        return false;
    }
    while (i < n && mock_tchar((unsigned char)line[i])) {
        i++;
    }
    if (i == 0u || i >= n || line[i] != ':') {
        *why = "malformed header field";
        return false;
    }
    name_len = i;
    v0 = i + 1u;
    while (v0 < n && (line[v0] == ' ' || line[v0] == '\t')) {
        v0++;
    }
    v1 = n;
    while (v1 > v0 && (line[v1 - 1u] == ' ' || line[v1 - 1u] == '\t')) {
        v1--;
    }
    for (i = v0; i < v1; i++) {
        unsigned char c = (unsigned char)line[i];
        if ((c < 0x20u && c != '\t') || c == 0x7Fu) {
            *why = "control character in header value";
            return false;
        }
    }
    if (req->header_count >= MOCK_MAX_HEADERS) {
        *why = "too many header fields";
        return false;
    }
    h = &req->headers[req->header_count++];
    h->name = line;
    h->name_len = name_len;
    h->value = line + v0;
    h->value_len = v1 - v0;
    return true;
}

/** @brief Content-Length: digits only, no overflow past the request limit. */
static bool mock_parse_length(const mock_header *h, size_t *out)
{
    size_t i;
    size_t v = 0;

    if (h->value_len == 0u || h->value_len > 9u) {
        return false;
    }
    for (i = 0; i < h->value_len; i++) {
        char c = h->value[i];
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10u + (size_t)(c - '0');
    }
    *out = v;
    return true;
}

/** @brief Framing rules once the whole head is in. */
static mock_parse mock_check_framing(mock_request *req, const char **why)
{
    const mock_header *h;
    size_t n;
    bool body_method = strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0 ||
                       strcmp(req->method, "PATCH") == 0;

    if (mock_http_header(req, "transfer-encoding") != NULL) {
        *why = "request Transfer-Encoding is not supported";
        return MOCK_PARSE_BAD;
    }
    n = mock_http_header_count(req, "content-length");
    if (n > 1u) {
        *why = "more than one Content-Length";
        return MOCK_PARSE_BAD;
    }
    if (n == 1u) {
        h = mock_http_header(req, "content-length");
        if (!mock_parse_length(h, &req->content_length)) {
            if (h->value_len > 9u) {
                *why = "request body too large";
                return MOCK_PARSE_TOO_LARGE;
            }
            *why = "malformed Content-Length";
            return MOCK_PARSE_BAD;
        }
        req->has_content_length = true;
    } else if (body_method) {
        *why = "Content-Length required";
        return MOCK_PARSE_LENGTH_REQUIRED;
    }
    if (req->head_len + req->content_length > MOCK_REQ_MAX) {
        *why = "request body too large";
        return MOCK_PARSE_TOO_LARGE;
    }
    if (req->minor == 1u && mock_http_header_count(req, "host") != 1u) {
        *why = "HTTP/1.1 needs exactly one Host";
        return MOCK_PARSE_BAD;
    }
    h = mock_http_header(req, "connection");
    if (req->minor == 1u) {
        req->keep_alive = h == NULL || !mock_list_has(h->value, h->value_len, "close");
    } else {
        req->keep_alive = h != NULL && mock_list_has(h->value, h->value_len, "keep-alive");
    }
    h = mock_http_header(req, "expect");
    if (h != NULL) {
        if (!mock_span_ieq(h->value, h->value_len, "100-continue")) {
            *why = "unsupported Expect";
            return MOCK_PARSE_BAD;
        }
        req->expect_continue = req->minor == 1u;
    }
    return MOCK_PARSE_DONE;
}

mock_parse mock_http_parse(const char *buf, size_t len, mock_request *req, const char **why)
{
    const char *p = buf;
    const char *end = buf + len;
    bool bad = false;
    long n;
    bool first = true;
    mock_parse r;

    memset(req, 0, sizeof *req);
    *why = "";
    for (;;) {
        n = mock_find_crlf(p, end, &bad);
        if (bad) {
            *why = "line not ended by CRLF";
            return MOCK_PARSE_BAD;
        }
        if (n < 0) {
            if (len >= MOCK_HEAD_MAX) {
                *why = "request head too large";
                return MOCK_PARSE_TOO_LARGE;
            }
            return MOCK_PARSE_NEED_MORE;
        }
        if ((size_t)(p - buf) + (size_t)n + 2u > MOCK_HEAD_MAX) {
            *why = "request head too large";
            return MOCK_PARSE_TOO_LARGE;
        }
        if (first) {
            if (!mock_parse_request_line(p, (size_t)n, req, why)) {
                return MOCK_PARSE_BAD;
            }
            first = false;
        } else if (n == 0) {
            p += 2;
            break;
        } else if (!mock_parse_header(p, (size_t)n, req, why)) {
            return req->header_count >= MOCK_MAX_HEADERS ? MOCK_PARSE_TOO_LARGE : MOCK_PARSE_BAD;
        }
        p += n + 2;
    }
    req->head_len = (size_t)(p - buf);
    r = mock_check_framing(req, why);
    if (r != MOCK_PARSE_DONE) {
        return r;
    }
    req->total_len = req->head_len + req->content_length;
    if (len < req->total_len) {
        return MOCK_PARSE_NEED_BODY;
    }
    req->body = buf + req->head_len;
    return MOCK_PARSE_DONE;
}

const mock_header *mock_http_header(const mock_request *req, const char *name)
{
    size_t i;

    for (i = 0; i < req->header_count; i++) {
        if (mock_span_ieq(req->headers[i].name, req->headers[i].name_len, name)) {
            return &req->headers[i];
        }
    }
    return NULL;
}

size_t mock_http_header_count(const mock_request *req, const char *name)
{
    size_t i;
    size_t n = 0;

    for (i = 0; i < req->header_count; i++) {
        if (mock_span_ieq(req->headers[i].name, req->headers[i].name_len, name)) {
            n++;
        }
    }
    return n;
}

bool mock_header_equals(const mock_header *h, const char *s)
{
    size_t n = strlen(s);
    unsigned char diff = 0;
    size_t i;

    if (h == NULL || h->value_len != n) {
        return false;
    }
    /* Compare every byte: credentials are checked here. */
    for (i = 0; i < n; i++) {
        diff |= (unsigned char)(h->value[i] ^ s[i]);
    }
    return diff == 0u;
}

const char *mock_http_reason(unsigned status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
    }
}

/** @brief Append formatted text; sets *ok false when it does not fit. */
static void mock_out(char *out, size_t cap, size_t *len, bool *ok, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void mock_out(char *out, size_t cap, size_t *len, bool *ok, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!*ok) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(out + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap - *len) {
        *ok = false;
        return;
    }
    *len += (size_t)n;
}

/** @brief Append raw bytes. */
static void mock_out_raw(char *out, size_t cap, size_t *len, bool *ok, const char *s, size_t n)
{
    if (!*ok || n > cap - *len) {
        *ok = false;
        return;
    }
    memcpy(out + *len, s, n);
    *len += n;
}

size_t mock_http_frame(const mock_response *res, unsigned long request_no, bool chunked,
                       char *out, size_t cap)
{
    size_t len = 0;
    bool ok = true;

    mock_out(out, cap, &len, &ok, "HTTP/1.1 %u %s\r\n", res->status, mock_http_reason(res->status));
    mock_out(out, cap, &len, &ok, "Server: ck-mock-issuer\r\n");
    mock_out(out, cap, &len, &ok, "Content-Type: application/json\r\n");
    mock_out(out, cap, &len, &ok, "X-Request-Id: mock-%lu\r\n", request_no);
    if (res->allow != NULL) {
        mock_out(out, cap, &len, &ok, "Allow: %s\r\n", res->allow);
    }
    if (res->retry_after_s > 0u) {
        mock_out(out, cap, &len, &ok, "Retry-After: %lu\r\n", res->retry_after_s);
    }
    if (chunked) {
        mock_out(out, cap, &len, &ok, "Transfer-Encoding: chunked\r\n");
    } else {
        mock_out(out, cap, &len, &ok, "Content-Length: %lu\r\n", (unsigned long)res->body_len);
    }
    mock_out(out, cap, &len, &ok, "Connection: %s\r\n\r\n", res->close ? "close" : "keep-alive");
    if (!chunked) {
        mock_out_raw(out, cap, &len, &ok, res->body, res->body_len);
    } else {
        /* Two chunks when the body allows: the first with an extension and
         * a lower-case hex size, the second with upper-case hex, then the
         * last chunk and an empty trailer section. */
        size_t first = res->body_len > 1u ? res->body_len / 2u : res->body_len;
        size_t second = res->body_len - first;

        if (first > 0u) {
            mock_out(out, cap, &len, &ok, "%lx;mock-ext=\"one\"\r\n", (unsigned long)first);
            mock_out_raw(out, cap, &len, &ok, res->body, first);
            mock_out(out, cap, &len, &ok, "\r\n");
        }
        if (second > 0u) {
            mock_out(out, cap, &len, &ok, "%lX\r\n", (unsigned long)second);
            mock_out_raw(out, cap, &len, &ok, res->body + first, second);
            mock_out(out, cap, &len, &ok, "\r\n");
        }
        mock_out(out, cap, &len, &ok, "0\r\n\r\n");
    }
    return ok ? len : 0u;
}
