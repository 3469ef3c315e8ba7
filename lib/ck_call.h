/**
 * @file ck_call.h
 * @brief Private: one API call through the client — build, connect, send,
 * receive, parse, retry, decode, wipe. The API layers (v2, v1) describe a
 * call with a ::ck_call and hand it to ck_client_run().
 */
#ifndef CK_CALL_H
#define CK_CALL_H

#include <stdbool.h>
#include <stddef.h>

#include "cardkit/ck_client.h"
#include "ck_http.h"
#include "ck_outcome.h"

/**
 * @brief Decodes a 2xx answer. @p doc is NULL when the body was empty.
 * @p code_tok is the token of the answer's top-level `code` value, already
 * copied to res->api_code when a string: -1 when absent (or no @p doc), -2
 * when the key is there more than once.
 * Returns CK_OK or the error to report (CK_ERR_API_FAILURE,
 * CK_ERR_UNEXPECTED_RESPONSE, CK_ERR_BUFFER_TOO_SMALL...).
 */
typedef ck_err (*ck_decode_fn)(const ck_json_doc *doc, int code_tok, void *ctx, ck_result *res);

/** @brief One request, described. */
typedef struct ck_call {
    const char *method;            /**< "POST", ... */
    const char *path;              /**< after the base URL's prefix */
    const ck_http_header *headers; /**< API headers (credentials included) */
    size_t header_count;
    ck_body_fn body;               /**< NULL: no body, no Content-Length */
    const void *body_ctx;
    ck_call_kind kind;             /**< how it may be repeated: resends and the verdict (ck_outcome.h) */
    ck_decode_fn decode;           /**< 2xx decoder; NULL accepts any 2xx */
    void *decode_ctx;
} ck_call;

/**
 * @brief Run @p call to its end and fill @p res in full (reset first).
 *
 * Non-2xx answers map to their status error; `code` (a string, or an
 * integer rendered as text) and `message` are copied from a JSON error
 * body when present; a body that is not JSON does not hide the status.
 * A 2xx body must be a JSON object (or empty) and goes to call->decode.
 * Retries follow the one policy in retry.c; applied, err, cause and
 * progress come from the failure model (outcome.c). The work buffer and
 * tokens are wiped before return.
 * @return res->err.
 */
ck_err ck_client_run(ck_client *client, const ck_call *call, ck_result *res);

/** @brief Reset @p res to "nothing happened yet". */
void ck_result_reset(ck_result *res);

/** @brief Fail @p res with CK_ERR_INVALID_ARG naming @p field; returns the error. */
ck_err ck_result_invalid(ck_result *res, const char *field);

#endif /* CK_CALL_H */
