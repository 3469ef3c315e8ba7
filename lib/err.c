/**
 * @file err.c
 * @brief Names of ::ck_err values, packed: one byte per code and one string
 * of NUL-separated names (descriptions stay out of the library to keep it
 * small; docs/failure-model.md has them).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cardkit/ck_err.h"

#define CK_ERR_LIST(X)                                                                       \
    X(CK_OK) X(CK_ERR_INVALID_ARG) X(CK_ERR_BUFFER_TOO_SMALL) X(CK_ERR_INSECURE_TRANSPORT)   \
    X(CK_ERR_RANDOM) X(CK_ERR_WOULD_BLOCK) X(CK_ERR_TIMEOUT) X(CK_ERR_PEER_CLOSED)           \
    X(CK_ERR_CONNECT) X(CK_ERR_TRANSPORT) X(CK_ERR_TLS) X(CK_ERR_TLS_VERIFY)                 \
    X(CK_ERR_HTTP_MALFORMED) X(CK_ERR_HTTP_BAD_LENGTH) X(CK_ERR_HTTP_LENGTH_CONFLICT)        \
    X(CK_ERR_HTTP_BAD_CHUNK) X(CK_ERR_HTTP_OBS_FOLD) X(CK_ERR_HTTP_HEAD_TOO_LARGE)           \
    X(CK_ERR_HTTP_UNSUPPORTED) X(CK_ERR_RESPONSE_TOO_LARGE) X(CK_ERR_JSON_MALFORMED)         \
    X(CK_ERR_JSON_TOO_MANY_TOKENS) X(CK_ERR_UNEXPECTED_RESPONSE) X(CK_ERR_API_FAILURE)       \
    X(CK_ERR_BAD_REQUEST) X(CK_ERR_UNAUTHORIZED) X(CK_ERR_FORBIDDEN) X(CK_ERR_NOT_FOUND)     \
    X(CK_ERR_CONFLICT) X(CK_ERR_RATE_LIMITED) X(CK_ERR_HTTP_4XX) X(CK_ERR_HTTP_5XX)          \
    X(CK_ERR_HTTP_STATUS) X(CK_ERR_OUTCOME_UNKNOWN)

#define CK_ERR_CODE(e) (uint8_t)(e),
#define CK_ERR_NAME(e) #e "\0"

static const uint8_t ck_err_codes[] = {CK_ERR_LIST(CK_ERR_CODE)};
static const char ck_err_names[] = CK_ERR_LIST(CK_ERR_NAME);

const char *ck_strerror(ck_err err)
{
    const char *name = ck_err_names;
    size_t i;

    for (i = 0; i < sizeof ck_err_codes; i++) {
        if ((int)ck_err_codes[i] == (int)err) {
            return name;
        }
        name += strlen(name) + 1u;
    }
    return "CK_ERR_UNKNOWN";
}
