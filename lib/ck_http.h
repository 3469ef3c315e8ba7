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
 * @param out_len On CK_OK the bytes written; on CK_ERR_BUFFER_TOO_SMALL the
 *        bytes that would be needed.
 * @return CK_OK; CK_ERR_BUFFER_TOO_SMALL (nothing useful written);
 *         CK_ERR_INVALID_ARG when a header value holds CR, LF, NUL or another
 *         control character but HTAB, a name is not an RFC 9110 token, or the
 *         method, host or path is empty or holds characters not allowed there.
 */
ck_err ck_http_write_head(const ck_http_request_head *head, uint8_t *buf, size_t cap, size_t *out_len);

/** @brief Parser states (private). The three body states are contiguous. */
typedef enum ck_http_state {
    CK_HS_STATUS = 0,     /**< status line */
    CK_HS_HEADER_START,   /**< start of a header or trailer line */
    CK_HS_HEADER_NAME,
    CK_HS_HEADER_VALUE,
    CK_HS_LF,             /**< after CR: LF, then `next` */
    CK_HS_HEAD_END,       /**< (only as `next`) the empty line ending a head */
    CK_HS_BODY_LENGTH,    /**< Content-Length body */
    CK_HS_BODY_CLOSE,     /**< body delimited by the connection close */
    CK_HS_CHUNK_DATA,
    CK_HS_CHUNK_SIZE,
    CK_HS_CHUNK_EXT,
    CK_HS_CHUNK_DATA_CR,  /**< CR after chunk data */
    CK_HS_DONE,
    CK_HS_ERROR
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

/**
 * @brief Incremental response parser. Feed it bytes as they come, split
 * anywhere (one byte at a time works). It keeps no copy of the head:
 * it reads the headers it needs on the fly and writes only the decoded body
 * into the caller's body buffer.
 *
 * Public fields (read after a feed): status, keep_alive, body_len, done,
 * head_done, has_retry_after, retry_after_s, request_id_truncated.
 */
typedef struct ck_http_parser {
    /* results */
    uint16_t status;          /**< final status code (1xx are skipped) */
    bool head_done;           /**< the final head has been read */
    bool done;                /**< the whole message has been read */
    bool keep_alive;          /**< the server allows reusing the connection */
    size_t body_len;          /**< decoded body bytes in body[] */
    bool has_retry_after;     /**< a Retry-After delta-seconds was read */
    uint32_t retry_after_s;   /**< its value, capped at 86400 */
    bool request_id_truncated;/**< X-Request-Id longer than its buffer: left empty */

    /* private */
    uint8_t *body;
    size_t body_cap;
    char *request_id;
    size_t request_id_cap;    /**< 0 when request_id is NULL */
    ck_http_state state;
    ck_http_state next;       /**< state after the LF of CK_HS_LF */
    ck_err lf_err;            /**< error when CK_HS_LF sees no LF */
    ck_err err;               /**< the error of CK_HS_ERROR */
    ck_http_hdr_id hdr;
    uint8_t minor_version;    /**< HTTP/1.x */
    bool has_length;
    bool chunked;
    bool conn_close;
    bool conn_keep_alive;
    bool trailer;             /**< header lines are trailers */
    uint64_t content_length;
    size_t remaining;         /**< body or chunk bytes left */
    size_t head_bytes;        /**< bytes of head, framing and trailers so far */
    size_t line_len;          /**< bytes in the current line/token/value */
    size_t val_trim;          /**< value length without trailing OWS */
    uint16_t header_count;
    char line[CK_HTTP_LINE_SIZE]; /**< lower-case header name, or the value being read */
} ck_http_parser;

/**
 * @brief Start parsing one response.
 * @param body       Where the decoded body goes.
 * @param body_cap   Its size; a larger body is CK_ERR_RESPONSE_TOO_LARGE.
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
