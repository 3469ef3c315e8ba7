/**
 * @file ckctl_exit.c
 * @brief The one table from ::ck_err to ckctl's exit code and description.
 *
 * Each row gives two exit codes: one for when not a byte of the request was
 * sent (ck_result::progress CK_PROGRESS_NOT_SENT), one for when it was. Most
 * errors can only happen on one side, so both columns agree; transport
 * failures are 9 before sending and 10 after (the operation may have been
 * applied), and a buffer too small is an invalid input before sending and an
 * oversized response after.
 */
#include <stddef.h>

#include "ckctl.h"

/** @brief One row: an error, its exit codes, its description. */
typedef struct ckctl_err_row {
    ck_err err;
    unsigned char exit_not_sent; /**< exit code when nothing was sent */
    unsigned char exit_sent;     /**< exit code when the request was (maybe partly) sent */
    const char *description;     /**< short, readable */
} ckctl_err_row;

/** @brief Short names for the exit codes in the table. */
enum {
    X_OK = CKCTL_EXIT_OK,
    X_USAGE = CKCTL_EXIT_USAGE,
    X_401 = CKCTL_EXIT_UNAUTHORIZED,
    X_403 = CKCTL_EXIT_FORBIDDEN,
    X_404 = CKCTL_EXIT_NOT_FOUND,
    X_409 = CKCTL_EXIT_CONFLICT,
    X_4XX = CKCTL_EXIT_CLIENT_ERROR,
    X_5XX = CKCTL_EXIT_SERVER_ERROR,
    X_NET = CKCTL_EXIT_NOT_SENT,
    X_LOST = CKCTL_EXIT_OUTCOME_UNKNOWN,
    X_BAD = CKCTL_EXIT_BAD_RESPONSE
};

static const ckctl_err_row ckctl_err_rows[] = {
    {CK_OK, X_OK, X_OK, "success"},
    {CK_ERR_INVALID_ARG, X_USAGE, X_USAGE, "invalid argument"},
    {CK_ERR_BUFFER_TOO_SMALL, X_USAGE, X_BAD, "does not fit the buffer"},
    {CK_ERR_INSECURE_TRANSPORT, X_NET, X_NET, "the transport is not secure"},
    {CK_ERR_RANDOM, X_NET, X_NET, "the random source failed"},
    {CK_ERR_WOULD_BLOCK, X_NET, X_LOST, "the transport would block"},
    {CK_ERR_TIMEOUT, X_NET, X_LOST, "the deadline passed"},
    {CK_ERR_PEER_CLOSED, X_NET, X_LOST, "the server closed the connection"},
    {CK_ERR_CONNECT, X_NET, X_LOST, "no connection could be made"},
    {CK_ERR_TRANSPORT, X_NET, X_LOST, "the connection failed"},
    {CK_ERR_TLS, X_NET, X_LOST, "TLS failed"},
    {CK_ERR_TLS_VERIFY, X_NET, X_NET, "the server's certificate or name did not verify"},
    {CK_ERR_HTTP_MALFORMED, X_BAD, X_BAD, "the response is not valid HTTP/1.1"},
    {CK_ERR_HTTP_BAD_LENGTH, X_BAD, X_BAD, "the response's Content-Length is invalid"},
    {CK_ERR_HTTP_LENGTH_CONFLICT, X_BAD, X_BAD, "the response's length headers conflict"},
    {CK_ERR_HTTP_BAD_CHUNK, X_BAD, X_BAD, "the response's chunked framing is invalid"},
    {CK_ERR_HTTP_OBS_FOLD, X_BAD, X_BAD, "the response folds a header line"},
    {CK_ERR_HTTP_HEAD_TOO_LARGE, X_BAD, X_BAD, "the response head is too large"},
    {CK_ERR_HTTP_UNSUPPORTED, X_BAD, X_BAD, "the response uses an unsupported HTTP feature"},
    {CK_ERR_RESPONSE_TOO_LARGE, X_BAD, X_BAD, "the response body is larger than the work buffer"},
    {CK_ERR_JSON_MALFORMED, X_BAD, X_BAD, "the response body is not a JSON object"},
    {CK_ERR_JSON_TOO_MANY_TOKENS, X_BAD, X_BAD, "the response body has too many JSON tokens"},
    {CK_ERR_UNEXPECTED_RESPONSE, X_BAD, X_BAD, "the response does not have the documented shape"},
    {CK_ERR_API_FAILURE, X_BAD, X_BAD, "the server answered that the operation failed"},
    {CK_ERR_BAD_REQUEST, X_4XX, X_4XX, "the server refused the request's content"},
    {CK_ERR_UNAUTHORIZED, X_401, X_401, "missing or invalid credentials"},
    {CK_ERR_FORBIDDEN, X_403, X_403, "the feature is not enabled for this account"},
    {CK_ERR_NOT_FOUND, X_404, X_404, "card, cardholder, budget or product not found"},
    {CK_ERR_CONFLICT, X_409, X_409, "already done"},
    {CK_ERR_RATE_LIMITED, X_4XX, X_4XX, "too many requests"},
    {CK_ERR_HTTP_4XX, X_4XX, X_4XX, "the server refused the request"},
    {CK_ERR_HTTP_5XX, X_5XX, X_5XX, "the server failed"},
    {CK_ERR_HTTP_STATUS, X_BAD, X_BAD, "the server answered with an unexpected status"},
    {CK_ERR_OUTCOME_UNKNOWN, X_LOST, X_LOST,
     "the request may have been applied and no answer settled it"},
};

/** @brief The row of @p err, or NULL. */
static const ckctl_err_row *ckctl_err_find(ck_err err)
{
    size_t i;

    for (i = 0; i < sizeof ckctl_err_rows / sizeof ckctl_err_rows[0]; i++) {
        if (ckctl_err_rows[i].err == err) {
            return &ckctl_err_rows[i];
        }
    }
    return NULL;
}

int ckctl_exit_code(ck_err err, ck_progress progress)
{
    const ckctl_err_row *row = ckctl_err_find(err);

    if (row == NULL) {
        return CKCTL_EXIT_INTERNAL;
    }
    return progress == CK_PROGRESS_NOT_SENT ? row->exit_not_sent : row->exit_sent;
}

const char *ckctl_err_description(ck_err err)
{
    const ckctl_err_row *row = ckctl_err_find(err);

    return row != NULL ? row->description : "unknown error";
}
