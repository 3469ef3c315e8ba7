/**
 * @file err.c
 * @brief Names of ::ck_err values (descriptions stay out of the library to
 * keep it small: README.md "Failure model" has them).
 */
#include <stddef.h>
#include <stdint.h>

#include "cardkit/ck_err.h"

/** @brief One row of the error table. */
typedef struct ck_err_row {
    uint8_t err;
    const char *name;
} ck_err_row;

static const ck_err_row ck_err_rows[] = {
    {CK_OK, "CK_OK"},
    {CK_ERR_INVALID_ARG, "CK_ERR_INVALID_ARG"},
    {CK_ERR_BUFFER_TOO_SMALL, "CK_ERR_BUFFER_TOO_SMALL"},
    {CK_ERR_INSECURE_TRANSPORT, "CK_ERR_INSECURE_TRANSPORT"},
    {CK_ERR_RANDOM, "CK_ERR_RANDOM"},
    {CK_ERR_WOULD_BLOCK, "CK_ERR_WOULD_BLOCK"},
    {CK_ERR_TIMEOUT, "CK_ERR_TIMEOUT"},
    {CK_ERR_PEER_CLOSED, "CK_ERR_PEER_CLOSED"},
    {CK_ERR_CONNECT, "CK_ERR_CONNECT"},
    {CK_ERR_TRANSPORT, "CK_ERR_TRANSPORT"},
    {CK_ERR_TLS, "CK_ERR_TLS"},
    {CK_ERR_TLS_VERIFY, "CK_ERR_TLS_VERIFY"},
    {CK_ERR_HTTP_MALFORMED, "CK_ERR_HTTP_MALFORMED"},
    {CK_ERR_HTTP_BAD_LENGTH, "CK_ERR_HTTP_BAD_LENGTH"},
    {CK_ERR_HTTP_LENGTH_CONFLICT, "CK_ERR_HTTP_LENGTH_CONFLICT"},
    {CK_ERR_HTTP_BAD_CHUNK, "CK_ERR_HTTP_BAD_CHUNK"},
    {CK_ERR_HTTP_OBS_FOLD, "CK_ERR_HTTP_OBS_FOLD"},
    {CK_ERR_HTTP_HEAD_TOO_LARGE, "CK_ERR_HTTP_HEAD_TOO_LARGE"},
    {CK_ERR_HTTP_UNSUPPORTED, "CK_ERR_HTTP_UNSUPPORTED"},
    {CK_ERR_RESPONSE_TOO_LARGE, "CK_ERR_RESPONSE_TOO_LARGE"},
    {CK_ERR_JSON_MALFORMED, "CK_ERR_JSON_MALFORMED"},
    {CK_ERR_JSON_TOO_MANY_TOKENS, "CK_ERR_JSON_TOO_MANY_TOKENS"},
    {CK_ERR_UNEXPECTED_RESPONSE, "CK_ERR_UNEXPECTED_RESPONSE"},
    {CK_ERR_API_FAILURE, "CK_ERR_API_FAILURE"},
    {CK_ERR_BAD_REQUEST, "CK_ERR_BAD_REQUEST"},
    {CK_ERR_UNAUTHORIZED, "CK_ERR_UNAUTHORIZED"},
    {CK_ERR_FORBIDDEN, "CK_ERR_FORBIDDEN"},
    {CK_ERR_NOT_FOUND, "CK_ERR_NOT_FOUND"},
    {CK_ERR_CONFLICT, "CK_ERR_CONFLICT"},
    {CK_ERR_RATE_LIMITED, "CK_ERR_RATE_LIMITED"},
    {CK_ERR_HTTP_4XX, "CK_ERR_HTTP_4XX"},
    {CK_ERR_HTTP_5XX, "CK_ERR_HTTP_5XX"},
    {CK_ERR_HTTP_STATUS, "CK_ERR_HTTP_STATUS"},
    {CK_ERR_OUTCOME_UNKNOWN, "CK_ERR_OUTCOME_UNKNOWN"},
};

static const ck_err_row *ck_err_find(ck_err err)
{
    size_t i;
    for (i = 0; i < sizeof ck_err_rows / sizeof ck_err_rows[0]; i++) {
        if ((int)ck_err_rows[i].err == (int)err) {
            return &ck_err_rows[i];
        }
    }
    return NULL;
}

const char *ck_strerror(ck_err err)
{
    const ck_err_row *row = ck_err_find(err);
    return row != NULL ? row->name : "CK_ERR_UNKNOWN";
}

