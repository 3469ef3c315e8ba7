/**
 * @file ck_config_defaults.h
 * @brief Every compile-time size and tunable of cardkit, with its default.
 *
 * Each value is an `#ifndef` default. To override, define the macro before
 * any cardkit header is included: on the compiler command line
 * (`-DCK_WORK_BUF_SIZE=2048`) or in a user header named by
 * `-DCK_CONFIG_FILE="my_ck_config.h"`, which is included first.
 *
 * The defaults are sized for a constrained device: an enroll or a contact
 * update runs in one ::ck_buffers of CK_WORK_BUF_SIZE + CK_JSON_MAX_TOKENS
 * tokens (see `make size` for the exact figures, under 3 KiB in all).
 */
#ifndef CK_CONFIG_DEFAULTS_H
#define CK_CONFIG_DEFAULTS_H

#ifdef CK_CONFIG_FILE
#include CK_CONFIG_FILE
#endif

/**
 * @brief Size in bytes of the work buffer that holds the request (head and
 * body) and then the decoded response body.
 *
 * A request that does not fit fails with CK_ERR_BUFFER_TOO_SMALL before any
 * byte is sent; a response body that does not fit fails with
 * CK_ERR_RESPONSE_TOO_LARGE. Response headers are parsed on the fly and take
 * no room here.
 *
 * Possible values: 256 .. 65535. Default value: 1536.
 */
#ifndef CK_WORK_BUF_SIZE
#define CK_WORK_BUF_SIZE 1536u
#endif

/**
 * @brief Number of JSON tokens available to decode one response body.
 *
 * One token per object, array, key and value (about 20 bytes each). The
 * largest documented v2 response needs 7; a v1 GET with n entries needs
 * 9 + 7n, so the default holds a GET of up to 4 entries. More tokens than
 * this is CK_ERR_JSON_TOO_MANY_TOKENS.
 *
 * Possible values: 8 .. 65535. Default value: 40.
 */
#ifndef CK_JSON_MAX_TOKENS
#define CK_JSON_MAX_TOKENS 40u
#endif

/**
 * @brief Largest response head (status line, headers, and the sum of chunk
 * framing and trailers) the parser accepts, counted, not stored.
 *
 * Possible values: 256 .. 65535. Default value: 4096.
 */
#ifndef CK_HTTP_MAX_HEAD_BYTES
#define CK_HTTP_MAX_HEAD_BYTES 4096u
#endif

/**
 * @brief Largest number of header fields (and trailer fields) in one response.
 *
 * Possible values: 8 .. 255. Default value: 48.
 */
#ifndef CK_HTTP_MAX_HEADERS
#define CK_HTTP_MAX_HEADERS 48u
#endif

/**
 * @brief Largest header value the parser keeps for the headers it reads
 * (Content-Length, Transfer-Encoding, Connection, Retry-After). Longer values
 * of those headers are a malformed response.
 *
 * Possible values: 16 .. 255. Default value: 48.
 */
#ifndef CK_HTTP_MAX_VALUE
#define CK_HTTP_MAX_VALUE 48u
#endif

/**
 * @brief Longest chunk extension (after ';' on a chunk-size line) accepted.
 *
 * Possible values: 0 .. 4096. Default value: 128.
 */
#ifndef CK_HTTP_MAX_CHUNK_EXT
#define CK_HTTP_MAX_CHUNK_EXT 128u
#endif

/**
 * @brief Size of the result's copy of the API `code` string (with NUL).
 * A longer code is not copied and ck_result::api_code_truncated is set.
 *
 * Possible values: 8 .. 255. Default value: 32.
 */
#ifndef CK_API_CODE_MAX
#define CK_API_CODE_MAX 32u
#endif

/**
 * @brief Size of the result's copy of the API `message` string (with NUL).
 * A longer message is not copied and ck_result::api_message_truncated is set.
 *
 * Possible values: 16 .. 1024. Default value: 128.
 */
#ifndef CK_API_MESSAGE_MAX
#define CK_API_MESSAGE_MAX 128u
#endif

/**
 * @brief Size of the result's copy of the server's `X-Request-Id` header
 * (with NUL). A longer id is not copied and ck_result::request_id_truncated
 * is set.
 *
 * Possible values: 8 .. 255. Default value: 48.
 */
#ifndef CK_REQUEST_ID_MAX
#define CK_REQUEST_ID_MAX 48u
#endif

/**
 * @brief Size of an identifier returned by the API (card_id), with NUL.
 *
 * Possible values: 16 .. 255. Default value: 48.
 */
#ifndef CK_ID_MAX
#define CK_ID_MAX 48u
#endif

/**
 * @brief Longest host name in the base URL (without NUL).
 *
 * Possible values: 8 .. 253. Default value: 64.
 */
#ifndef CK_HOST_MAX
#define CK_HOST_MAX 64u
#endif

/**
 * @brief Default overall deadline of one API call in milliseconds: connect,
 * TLS handshake, send, receive and every retry with its back-off.
 *
 * Possible values: 100 .. 600000. Default value: 15000.
 */
#ifndef CK_DEFAULT_TIMEOUT_MS
#define CK_DEFAULT_TIMEOUT_MS 15000u
#endif

/**
 * @brief Default largest number of attempts of one call (1 = never retry).
 * Only retries the retry policy allows are made (see docs/failure-model.md).
 *
 * Possible values: 1 .. 10. Default value: 3.
 */
#ifndef CK_DEFAULT_MAX_ATTEMPTS
#define CK_DEFAULT_MAX_ATTEMPTS 3u
#endif

/**
 * @brief First back-off step in milliseconds; step n is min(base * 2^n, cap),
 * and the wait is a random value in [0, step] (full jitter).
 *
 * Possible values: 1 .. 60000. Default value: 200.
 */
#ifndef CK_DEFAULT_BACKOFF_BASE_MS
#define CK_DEFAULT_BACKOFF_BASE_MS 200u
#endif

/**
 * @brief Largest back-off step, and the cap on a server's Retry-After.
 *
 * Possible values: 1 .. 600000. Default value: 5000.
 */
#ifndef CK_DEFAULT_BACKOFF_CAP_MS
#define CK_DEFAULT_BACKOFF_CAP_MS 5000u
#endif

/**
 * @brief A kept-alive connection idle for longer than this is closed and a
 * new one is opened, rather than risking a request on a connection the
 * server may be closing.
 *
 * Possible values: 0 (never reuse) .. 600000. Default value: 4000.
 */
#ifndef CK_KEEPALIVE_IDLE_MS
#define CK_KEEPALIVE_IDLE_MS 4000u
#endif

/**
 * @brief Youngest cardholder age, in years, that a contact update accepts
 * (checked only when the platform gives a calendar date). 0 disables it.
 *
 * Possible values: 0 .. 120. Default value: 18.
 */
#ifndef CK_MIN_CARDHOLDER_AGE
#define CK_MIN_CARDHOLDER_AGE 18u
#endif

#endif /* CK_CONFIG_DEFAULTS_H */
