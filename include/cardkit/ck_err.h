/**
 * @file ck_err.h
 * @brief The one error type of cardkit.
 *
 * Every cardkit function returns a ::ck_err. CK_OK is zero; every error is
 * non-zero and has a readable name from ck_strerror(). docs/failure-model.md
 * says for each answer whether the request may have been applied
 * (ck_result::applied) and what a kiosk should do.
 */
#ifndef CK_ERR_H
#define CK_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Result codes. Values are stable across releases. */
typedef enum ck_err {
    CK_OK = 0,

    /* Caller side: nothing was sent. */
    CK_ERR_INVALID_ARG = 1,        /**< An argument or request field is invalid (ck_result::field names it). */
    CK_ERR_BUFFER_TOO_SMALL = 2,   /**< A caller buffer is too small; nothing was written past it. */
    CK_ERR_INSECURE_TRANSPORT = 3, /**< The transport is not secure and the client was not told to allow it. */
    CK_ERR_RANDOM = 4,             /**< The platform's random source failed. */

    /* Transport. */
    CK_ERR_WOULD_BLOCK = 10,       /**< Transport only: nothing moved yet, try again. Never returned by an API call. */
    CK_ERR_TIMEOUT = 11,           /**< The call's deadline passed. */
    CK_ERR_PEER_CLOSED = 12,       /**< The peer closed the connection (EOF). */
    CK_ERR_CONNECT = 13,           /**< No connection could be made (name resolution, refused, unreachable). */
    CK_ERR_TRANSPORT = 14,         /**< Any other transport failure (reset, I/O error). */
    CK_ERR_TLS = 15,               /**< TLS failed (handshake, alert, record error). */
    CK_ERR_TLS_VERIFY = 16,        /**< The server's certificate or name did not verify. Nothing was sent. */

    /* HTTP framing (hostile or broken responses). */
    CK_ERR_HTTP_MALFORMED = 20,    /**< Status line or header syntax is not HTTP/1.1. */
    CK_ERR_HTTP_BAD_LENGTH = 21,   /**< Content-Length malformed, negative or too large. */
    CK_ERR_HTTP_LENGTH_CONFLICT = 22, /**< Content-Length with Transfer-Encoding, or two different Content-Lengths. */
    CK_ERR_HTTP_BAD_CHUNK = 23,    /**< Chunk size, extension or chunk terminator malformed or overflowing. */
    CK_ERR_HTTP_OBS_FOLD = 24,     /**< A header line folded onto the next (obs-fold). */
    CK_ERR_HTTP_HEAD_TOO_LARGE = 25, /**< Head or trailers longer than CK_HTTP_MAX_HEAD_BYTES or too many fields. */
    CK_ERR_HTTP_UNSUPPORTED = 26,  /**< A transfer coding or protocol feature cardkit does not speak. */
    CK_ERR_RESPONSE_TOO_LARGE = 27,/**< The response body is larger than the work buffer. */

    /* Response content. */
    CK_ERR_JSON_MALFORMED = 30,    /**< The body is not valid JSON (RFC 8259) or not an object. */
    CK_ERR_JSON_TOO_MANY_TOKENS = 31, /**< The body has more JSON tokens than CK_JSON_MAX_TOKENS. */
    CK_ERR_UNEXPECTED_RESPONSE = 32, /**< Valid JSON, but not the documented shape (missing or mistyped field). */
    CK_ERR_API_FAILURE = 33,       /**< A 2xx answer whose content says the operation failed (code not SUCCESS, isSuccess false). */

    /* HTTP status classes. The request reached the server and was answered. */
    CK_ERR_BAD_REQUEST = 40,       /**< 400: the server refused the request's content. */
    CK_ERR_UNAUTHORIZED = 41,      /**< 401: missing or invalid credentials. */
    CK_ERR_FORBIDDEN = 43,         /**< 403: the feature is not enabled for this account. */
    CK_ERR_NOT_FOUND = 44,         /**< 404: card, cardholder, budget or product not found. */
    CK_ERR_CONFLICT = 49,          /**< 409: already done (e.g. already enrolled). */
    CK_ERR_RATE_LIMITED = 42,      /**< 429: too many requests. */
    CK_ERR_HTTP_4XX = 45,          /**< Any other 4xx. */
    CK_ERR_HTTP_5XX = 50,          /**< 5xx: the server failed. */
    CK_ERR_HTTP_STATUS = 51,       /**< A status cardkit does not expect (1xx after the head, 3xx, other 2xx). */

    /* The one that matters for money. */
    CK_ERR_OUTCOME_UNKNOWN = 60    /**< Bytes of the request may have left and no answer settled the outcome: it may have been applied (ck_result::applied is CK_APPLIED_MAYBE; ck_result::cause says what the last attempt met). */
} ck_err;

/**
 * @brief The readable name of an error, e.g. "CK_ERR_TIMEOUT".
 * @param err Any value; unknown values give "CK_ERR_UNKNOWN".
 * @return A static string. Never NULL. Does not block.
 */
const char *ck_strerror(ck_err err);

/** @brief Return from the enclosing function when @p expr fails. */
#define CK_RETURN_IF_FAILED(expr)       \
    do {                                \
        ck_err ck_rif_err_ = (expr);    \
        if (ck_rif_err_ != CK_OK) {     \
            return ck_rif_err_;         \
        }                               \
    } while (0)

#ifdef __cplusplus
}
#endif

#endif /* CK_ERR_H */
