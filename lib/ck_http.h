/**
 * @file ck_http.h
 * @brief Private: the HTTP/1.1 request head writer and the incremental
 * response parser. Knows bytes and the transport-free HTTP grammar only.
 */
#ifndef CK_HTTP_H
#define CK_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cardkit/ck_config_defaults.h"
#include "cardkit/ck_err.h"

/**
 * @brief One extra request header, written as `name: [value_prefix]value`.
 * A NULL value means "leave it out".
 */
typedef struct ck_http_header {
    const char *name;
    const char *value;
    const char *value_prefix; /**< e.g. "Bearer "; NULL for none */
} ck_http_header;

/** @brief Everything the head writer needs. */
typedef struct ck_http_request_head {
    const char *method;             /**< "POST", "GET", "PATCH", "DELETE" */
    const char *host;               /**< Host header (no port) */
    uint16_t port;                  /**< appended to Host as ":port" unless 443 */
    const char *path_prefix;        /**< from the base URL, may be NULL */
    size_t path_prefix_len;
    const char *path;               /**< appended after the prefix, starts with '/' */
    const ck_http_header *headers;  /**< extra headers, in order */
    size_t header_count;
    bool has_body;                  /**< send Content-Length: body_len */
    size_t body_len;
    bool keep_alive;                /**< "Connection: keep-alive" or "Connection: close" */
} ck_http_request_head;

/**
 * @brief Write the request head:
 * ```
 * METHOD <prefix><path> HTTP/1.1\r\n
 * Host: <host>[:<port>]\r\n
 * User-Agent: cardkit/<CK_VERSION_STRING>\r\n
 * <name>: <value>\r\n            (each extra header with a non-NULL value)
 * Content-Length: <n>\r\n        (when has_body)
 * Connection: keep-alive|close\r\n
 * \r\n
 * ```
 * The callers validate what they pass (ck_parse_base_url() the host and the
 * path prefix, ck_path_ok() generic paths; names and built-in paths are
 * constants; credentials pass ck_header_value_ok()); the writer copies
 * method, path, host and names as they are. A backstop keeps any input from
 * ending a line or splitting the request line: a control byte (DEL
 * included) anywhere, HTAB but in a header value or value_prefix, or a
 * space in the method, path prefix, path, host or a header name is
 * CK_ERR_INVALID_ARG. A NULL string is written as empty; headers may be
 * NULL only when header_count is 0.
 * @param buf     May be NULL when @p cap is 0 (to measure).
 * @param out_len On CK_OK the bytes written; on CK_ERR_BUFFER_TOO_SMALL the
 *        bytes that would be needed.
 * @return CK_OK; CK_ERR_BUFFER_TOO_SMALL (nothing useful written);
 *         CK_ERR_INVALID_ARG (see above; also for a NULL @p head or @p out_len).
 */
ck_err ck_http_write_head(const ck_http_request_head *head, uint8_t *buf, size_t cap, size_t *out_len);

/** @brief Parser states (private). The chunk framing states follow the header states. */
typedef enum ck_http_state {
    CK_HS_STATUS = 0,     /**< status line */
    CK_HS_HEADER_START,   /**< start of a header or trailer line */
    CK_HS_HEADER_NAME,
    CK_HS_HEADER_VALUE,
    CK_HS_CHUNK_SIZE,     /**< chunk size and extensions */
    CK_HS_CHUNK_END,      /**< the CRLF after chunk data */
    CK_HS_BODY            /**< Content-Length, chunk or close-delimited body bytes (`remaining` of them) */
} ck_http_state;

/** @brief Size of ck_http_parser::line: the longest value kept (a header
 * value or an X-Request-Id) plus one (private). */
#define CK_HTTP_LINE_SIZE ((CK_HTTP_MAX_VALUE > CK_REQUEST_ID_MAX ? CK_HTTP_MAX_VALUE : CK_REQUEST_ID_MAX) + 1u)

/** @brief Which header the parser is reading a value of (private). */
typedef enum ck_http_hdr_id {
    CK_HH_OTHER = 0,
    CK_HH_CONTENT_LENGTH,
    CK_HH_TRANSFER_ENCODING,
    CK_HH_CONNECTION,
    CK_HH_REQUEST_ID,
    CK_HH_RETRY_AFTER
} ck_http_hdr_id;

/** @brief Tokens of Connection and Transfer-Encoding, indexes of ck_http_parser::tok (private). */
enum { CK_HT_CLOSE, CK_HT_KEEP_ALIVE, CK_HT_CHUNKED, CK_HT_COUNT };

/**
 * @brief Incremental response parser. Feed it bytes as they come, split
 * anywhere (one byte at a time works). It keeps no copy of the head:
 * it reads the headers it needs on the fly and writes only the decoded body
 * into the caller's body buffer.
 *
 * Public fields (read after a feed): status, keep_alive, body_len, done,
 * head_done, has_retry_after, retry_after_s, request_id_truncated.
 *
 * Numbers are read as 1 to 9 decimal digits, so that they fit any size_t
 * without 64-bit arithmetic: a Content-Length of 10 or more digits (leading
 * zeros count) is CK_ERR_HTTP_BAD_LENGTH, a Retry-After of 10 or more digits
 * is ignored (as an HTTP-date is). Chunk sizes are up to 16 hex digits
 * (more is CK_ERR_HTTP_BAD_CHUNK); one above the room left is
 * CK_ERR_RESPONSE_TOO_LARGE. CK_HTTP_MAX_VALUE bounds a whole
 * Content-Length, Transfer-Encoding, Connection or Retry-After value (OWS
 * after a list comma not counted).
 */
typedef struct ck_http_parser {
    /* results (bytes first: small offsets make small code) */
    bool head_done;           /**< the final head has been read */
    bool done;                /**< the whole message has been read */
    bool keep_alive;          /**< the server allows reusing the connection */
    bool has_retry_after;     /**< a Retry-After delta-seconds was read */
    bool request_id_truncated;/**< X-Request-Id longer than its buffer: left empty */

    /* private */
    uint8_t state;            /**< a ::ck_http_state */
    uint8_t hdr;              /**< a ::ck_http_hdr_id */
    bool cr;                  /**< a CR was read: LF must follow */
    bool minor_version;       /**< HTTP/1.1 (else 1.0) */
    bool has_length;
    bool tok[CK_HT_COUNT];    /**< Connection: close, keep-alive; Transfer-Encoding: chunked */

    /* results */
    uint16_t status;          /**< final status code (1xx are skipped); set at the end of its line */
    uint32_t retry_after_s;   /**< its value, capped at 86400 */
    size_t body_len;          /**< decoded body bytes in body[] */

    /* private */
    ck_err err;               /**< sticky error */
    size_t header_count;      /**< header or trailer lines so far */
    size_t remaining;         /**< Content-Length while reading the head; then body or chunk bytes left */
    size_t head_bytes;        /**< bytes of head, framing and trailers so far */
    size_t line_len;          /**< bytes in the current line/token/value */
    size_t val_trim;          /**< value length without trailing OWS */
    size_t elem_start;        /**< where the list element being read starts in line[] */
    uint8_t *body;
    size_t body_cap;
    char *request_id;
    size_t request_id_cap;    /**< 0 when request_id is NULL */
    char line[CK_HTTP_LINE_SIZE]; /**< the start of the status line, a header name or value being read */
} ck_http_parser;

/**
 * @brief Start parsing one response.
 * @param body       Where the decoded body goes.
 * @param body_cap   Its size (below SIZE_MAX); a larger body is CK_ERR_RESPONSE_TOO_LARGE.
 * @param request_id Where the X-Request-Id value goes (NUL-terminated, ""
 *                   when absent); may be NULL.
 * @param request_id_cap Its size. A longer id is not copied (request_id
 *                   left "", request_id_truncated set); so is one longer
 *                   than CK_HTTP_LINE_SIZE - 1, whatever the size.
 */
void ck_http_parser_init(ck_http_parser *p, uint8_t *body, size_t body_cap,
                         char *request_id, size_t request_id_cap);

/**
 * @brief Feed @p len bytes. @p data may lie inside the body buffer at or
 * after body + body_len (in-place decoding: output never overtakes input).
 * @param out_consumed Bytes used; less than @p len only when the message
 *        ended (p->done) and bytes of something else follow.
 * @return CK_OK (more needed, or done), or a typed error: CK_ERR_HTTP_MALFORMED,
 *         CK_ERR_HTTP_BAD_LENGTH, CK_ERR_HTTP_LENGTH_CONFLICT,
 *         CK_ERR_HTTP_BAD_CHUNK, CK_ERR_HTTP_OBS_FOLD,
 *         CK_ERR_HTTP_HEAD_TOO_LARGE, CK_ERR_HTTP_UNSUPPORTED,
 *         CK_ERR_RESPONSE_TOO_LARGE. After an error the parser stays failed.
 */
ck_err ck_http_parser_feed(ck_http_parser *p, const uint8_t *data, size_t len, size_t *out_consumed);

/**
 * @brief The peer closed the connection. Ends a body delimited by the
 * close (then p->done is set and CK_OK returned); anywhere else it is
 * CK_ERR_PEER_CLOSED.
 */
ck_err ck_http_parser_eof(ck_http_parser *p);

#endif /* CK_HTTP_H */
