/**
 * @file ck_client.h
 * @brief The cardkit client: one issuer base URL, one transport, the
 * caller's buffers, and the result every call reports.
 *
 * A ::ck_client is a plain struct the caller places where it likes (static,
 * stack, pool). It points at the caller's buffers and never allocates. One
 * client serves one call at a time; it is not thread-safe (give each task
 * its own client and buffers).
 *
 * Every call:
 *  - checks its request first; a bad field is CK_ERR_INVALID_ARG with
 *    ck_result::field naming it, and nothing is sent;
 *  - builds the whole request in the work buffer; if it does not fit it is
 *    CK_ERR_BUFFER_TOO_SMALL and nothing is sent;
 *  - runs within one overall deadline (ck_client_config::timeout_ms) that
 *    covers connect, TLS handshake, send, receive and every retry;
 *  - says whether the operation may have been applied (ck_result::applied:
 *    NO, YES or MAYBE, from the one failure-model table) and how far the
 *    request got (ck_result::progress);
 *  - wipes every byte of the work buffer and tokens it wrote before it
 *    returns (they held the API key, the token and cardholder data); bytes
 *    it never wrote are left as they were.
 * Calls block until the answer, the deadline, or an error.
 */
#ifndef CK_CLIENT_H
#define CK_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ck_config_defaults.h"
#include "ck_err.h"
#include "ck_json.h"
#include "ck_platform.h"
#include "ck_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief cardkit's version, sent as `User-Agent: cardkit/<version>`. */
#define CK_VERSION_STRING "0.1.0"

/** @brief Card-issuance API v2, production. */
#define CK_V2_BASE_URL_PRODUCTION "https://api.ahrvo.network/card/issuance"
/** @brief Card-issuance API v2, staging. */
#define CK_V2_BASE_URL_STAGING "https://gateway.ahrvo.network/card/issuance"

/**
 * @brief The default buffer set: everything one call needs, sized by
 * ck_config_defaults.h. `sizeof(ck_buffers)` is the whole RAM a call uses
 * besides the ::ck_client and the ::ck_result.
 */
typedef struct ck_buffers {
    uint8_t work[CK_WORK_BUF_SIZE];          /**< request, then response body */
    ck_json_tok tokens[CK_JSON_MAX_TOKENS];  /**< JSON tokens of the response */
} ck_buffers;

/** @brief How far a request got. This is what decides whether to retry. */
typedef enum ck_progress {
    CK_PROGRESS_NOT_SENT = 0, /**< Not a byte was sent: the operation was not applied. */
    CK_PROGRESS_SENT = 1,     /**< Sent, but no complete answer: it may have been applied. */
    CK_PROGRESS_ANSWERED = 2  /**< The server answered (any status). */
} ck_progress;

/**
 * @brief Whether the operation may have been applied: the one verdict a
 * kiosk acts on after any call (retry, reconcile, keep or erase a v1 key).
 * docs/failure-model.md gives the table it comes from.
 */
typedef enum ck_applied {
    CK_APPLIED_NO = 0,   /**< Certainly not applied: nothing left the device, or the server refused it in an answer that settles it. Safe to send again. */
    CK_APPLIED_YES = 1,  /**< Applied: a 2xx answer that settles it. */
    CK_APPLIED_MAYBE = 2 /**< May have been applied: bytes of an attempt may have left and no answer settled it. Always with CK_ERR_OUTCOME_UNKNOWN: reconcile before sending again. */
} ck_applied;

/** @brief What a call reports. Filled by every API call, success or not. */
typedef struct ck_result {
    ck_err err;           /**< The call's outcome (also its return value). */
    ck_err cause;         /**< The underlying error (e.g. CK_ERR_TIMEOUT under CK_ERR_OUTCOME_UNKNOWN); CK_OK on success. */
    ck_applied applied;   /**< Whether the operation may have been applied. MAYBE exactly when err is CK_ERR_OUTCOME_UNKNOWN. */
    ck_progress progress; /**< How far the request got: NOT_SENT when no byte of any attempt left the device, ANSWERED when the last attempt got a complete answer, else SENT. Says nothing on its own about `applied`. */
    uint16_t http_status; /**< HTTP status of the answer, 0 when none. */
    uint8_t attempts;     /**< Attempts made (1 when no retry). */
    const char *field;    /**< For CK_ERR_INVALID_ARG: the field at fault (a static string), else NULL. */
    uint32_t elapsed_ms;  /**< Time the call took, back-off included. */
    size_t request_bytes; /**< Bytes of the work buffer the request used. */
    size_t response_bytes;/**< Bytes of the work buffer the response body used. */
    uint16_t tokens_used; /**< JSON tokens the response used. */
    char api_code[CK_API_CODE_MAX];       /**< The API's `code` (v1: its number as text), or "". */
    char api_message[CK_API_MESSAGE_MAX]; /**< The API's `message`, or "" (also when too long: see api_message_truncated). */
    char request_id[CK_REQUEST_ID_MAX];   /**< The server's X-Request-Id header, or "". */
    bool api_code_truncated;    /**< api_code did not fit and was left empty. */
    bool api_message_truncated; /**< api_message did not fit and was left empty. */
    bool request_id_truncated;  /**< request_id did not fit and was left empty. */
    uint8_t kind;               /**< private: how the call may be repeated (read by ck_result_applied_after_lost()) */
} ck_result;

/**
 * @brief What @p res settles about an earlier call of the same operation
 * (for v1, one with the same key) that may have been applied: the failure
 * model's "after a lost one" column (docs/failure-model.md) for the call
 * that filled @p res. For a journal that replays a call whose outcome was
 * unknown, e.g. after a restart. @p res is not changed.
 * @return CK_APPLIED_YES or CK_APPLIED_NO when @p res speaks for the
 *         earlier call too, CK_APPLIED_MAYBE when it says nothing about it.
 *         Does not block.
 */
ck_applied ck_result_applied_after_lost(const ck_result *res);

/** @brief Kinds of log events. */
typedef enum ck_log_kind {
    CK_LOG_REQUEST = 0,  /**< A request is about to be sent (method, path, attempt). */
    CK_LOG_RESPONSE = 1, /**< A status line was received (http_status, elapsed). */
    CK_LOG_RETRY = 2,    /**< The call will retry after wait_ms (err says why). */
    CK_LOG_DONE = 3,     /**< The call ended (err, elapsed, attempts). */
    CK_LOG_INSECURE = 4  /**< A call runs over a transport that is not secure. */
} ck_log_kind;

/**
 * @brief One log event. It never carries a header value, a body, a key, a
 * token or cardholder data: only what is printed below.
 */
typedef struct ck_log_event {
    ck_log_kind kind;
    const char *method;   /**< "POST", "GET", ... */
    const char *host;     /**< The issuer's host name. */
    const char *path;     /**< The request path (no query, no secrets). */
    uint16_t http_status; /**< CK_LOG_RESPONSE, CK_LOG_DONE. */
    uint8_t attempt;      /**< 1-based attempt number. */
    uint32_t elapsed_ms;  /**< Since the call started. */
    uint32_t wait_ms;     /**< CK_LOG_RETRY: back-off before the next attempt. */
    ck_err err;           /**< CK_LOG_RETRY, CK_LOG_DONE. */
} ck_log_event;

/** @brief Log hook. Called from within a call; must not call cardkit. */
typedef void (*ck_log_fn)(void *ctx, const ck_log_event *event);

/** @brief Client configuration. Start from ck_client_config_init(). */
typedef struct ck_client_config {
    /** `https://host[:port][/prefix]`, e.g. CK_V2_BASE_URL_STAGING. Kept by pointer. */
    const char *base_url;
    /** API key (x-api-key). Kept by pointer, never logged. Required. */
    const char *api_key;
    /** Bearer access token. Kept by pointer, never logged. Required for v2; NULL or "" sends none in v1. */
    const char *access_token;
    /** The transport (usually TLS over TCP). Kept by pointer. Required. */
    const ck_transport *transport;
    /** Clock, sleep, random. Kept by pointer. Required. */
    const ck_platform *platform;
    /** Work buffer: the request, then the response body. Required. */
    uint8_t *work_buf;
    size_t work_buf_size;
    /** JSON tokens for the response. Required. */
    ck_json_tok *tokens;
    size_t token_count;
    /** Overall deadline of one call in ms (CK_DEFAULT_TIMEOUT_MS). */
    uint32_t timeout_ms;
    /** Largest number of attempts per call (CK_DEFAULT_MAX_ATTEMPTS). */
    uint8_t max_attempts;
    /** Back-off base and cap (CK_DEFAULT_BACKOFF_BASE_MS, CK_DEFAULT_BACKOFF_CAP_MS). */
    uint32_t backoff_base_ms;
    uint32_t backoff_cap_ms;
    /** Close the connection after every call instead of keeping it alive. */
    bool no_keep_alive;
    /**
     * Allow a transport whose `secure` flag is false (plain TCP). Off by
     * default; when on, every call logs CK_LOG_INSECURE.
     */
    bool allow_insecure_transport;
    /** Log hook, or NULL. */
    ck_log_fn log;
    void *log_ctx;
} ck_client_config;

/**
 * @brief The client. Place it anywhere; every field is private.
 * `sizeof(ck_client)` is published by `make size`.
 */
typedef struct ck_client {
    ck_client_config cfg;        /**< private */
    const char *path_prefix;     /**< private: into cfg.base_url */
    size_t path_prefix_len;      /**< private */
    char host[CK_HOST_MAX + 1u]; /**< private */
    uint16_t port;               /**< private */
    bool connected;              /**< private: a kept-alive connection is open */
    uint32_t idle_since_ms;      /**< private */
    size_t work_used;            /**< private: bytes of work_buf written since the last wipe */
    uint16_t tokens_used;        /**< private: tokens written since the last wipe */
} ck_client;

/**
 * @brief Fill @p cfg with the defaults: staging URL, default timeout,
 * attempts and back-off, keep-alive on, insecure transports refused.
 * Buffers, credentials, transport and platform are left NULL.
 * Does not block.
 */
void ck_client_config_init(ck_client_config *cfg);

/** @brief Point @p cfg at a ::ck_buffers. Does not block. */
void ck_client_config_set_buffers(ck_client_config *cfg, ck_buffers *buffers);

/**
 * @brief Check @p cfg and set up @p client. Does not connect, does not block.
 * @param out_field When not NULL, set to the name of the bad setting on
 *        CK_ERR_INVALID_ARG (e.g. "base_url"), else to NULL.
 * @return CK_OK; CK_ERR_INVALID_ARG (missing transport, platform, key or
 *         buffers; base URL not `https://`, host too long, bad port, or a
 *         key or token holding CR, LF or other control characters);
 *         CK_ERR_BUFFER_TOO_SMALL (work buffer under 256 bytes or fewer than
 *         8 tokens); CK_ERR_INSECURE_TRANSPORT.
 */
ck_err ck_client_init(ck_client *client, const ck_client_config *cfg, const char **out_field);

/**
 * @brief Close any kept-alive connection and wipe the work buffer and tokens.
 * Safe on a client that was never connected. Does not block long.
 */
void ck_client_close(ck_client *client);

/* ------------------------------------------------------------------------ */
/* Generic v2 call: endpoints the provider names but does not document.     */
/* ------------------------------------------------------------------------ */

/**
 * @brief Writes a request body. Called twice per attempt, once to measure
 * and once to write, so it must write the same thing each time and have no
 * side effects. Return the writer's error (ck_json_writer_finish() is
 * called by cardkit).
 */
typedef ck_err (*ck_body_fn)(ck_json_writer *w, const void *ctx);

/**
 * @brief Reads a successful answer (2xx, `code` "SUCCESS" or absent). Called
 * once, before the buffers are wiped: copy out what you need. @p doc's
 * token 0 is the top-level object. Return CK_OK, or the error to report
 * (usually CK_ERR_UNEXPECTED_RESPONSE or CK_ERR_BUFFER_TOO_SMALL).
 */
typedef ck_err (*ck_reply_fn)(const ck_json_doc *doc, void *ctx);

/**
 * @brief POST a JSON body to `{base URL}{path}` with the v2 headers, and
 * decode the answer with the v2 rules (status mapping, `code`/`message`).
 *
 * This is how an integrator reaches the v2 endpoints cardkit does not wrap
 * (create cardholder, query card, top-up, ...) with the same buffers,
 * transport, deadline, retries and errors. The request is never resent once
 * sent (cardkit cannot know the endpoint is idempotent).
 *
 * @param path     Path after the base URL, starting with '/', e.g.
 *                 "/api/issuing/card/v2/query". Only RFC 3986 path
 *                 characters; anything else is CK_ERR_INVALID_ARG ("path").
 * @param body     Body writer; NULL sends `{}`.
 * @param body_ctx Passed to @p body.
 * @param reply    Called with the parsed 2xx answer; may be NULL. With a
 *                 reader, an empty 2xx body is CK_ERR_JSON_MALFORMED.
 * @param reply_ctx Passed to @p reply.
 * @param out_result Filled in full. Must not be NULL.
 * @return out_result->err. Blocks until done or the deadline.
 */
ck_err ck_v2_call(ck_client *client, const char *path,
                  ck_body_fn body, const void *body_ctx,
                  ck_reply_fn reply, void *reply_ctx,
                  ck_result *out_result);

#ifdef __cplusplus
}
#endif

#endif /* CK_CLIENT_H */
