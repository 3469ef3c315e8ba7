/**
 * @file err.c
 * @brief Names of ::ck_err values, packed: one string of NUL-separated
 * names in code order, an empty name for each unused code (descriptions
 * stay out of the library to keep it small; docs/failure-model.md has
 * them).
 */
#include <string.h>

#include "cardkit/ck_err.h"

/* Every code from CK_OK to CK_ERR_OUTCOME_UNKNOWN in order; G() an unused one. */
#define CK_ERR_LIST(X, G)                                                                                \
    X(CK_OK) X(CK_ERR_INVALID_ARG) X(CK_ERR_BUFFER_TOO_SMALL) X(CK_ERR_INSECURE_TRANSPORT)               \
    X(CK_ERR_RANDOM) G(5) G(6) G(7) G(8) G(9)                                                            \
    X(CK_ERR_WOULD_BLOCK) X(CK_ERR_TIMEOUT) X(CK_ERR_PEER_CLOSED) X(CK_ERR_CONNECT) X(CK_ERR_TRANSPORT)  \
    X(CK_ERR_TLS) X(CK_ERR_TLS_VERIFY) G(17) G(18) G(19)                                                 \
    X(CK_ERR_HTTP_MALFORMED) X(CK_ERR_HTTP_BAD_LENGTH) X(CK_ERR_HTTP_LENGTH_CONFLICT)                    \
    X(CK_ERR_HTTP_BAD_CHUNK) X(CK_ERR_HTTP_OBS_FOLD) X(CK_ERR_HTTP_HEAD_TOO_LARGE)                       \
    X(CK_ERR_HTTP_UNSUPPORTED) X(CK_ERR_RESPONSE_TOO_LARGE) G(28) G(29)                                  \
    X(CK_ERR_JSON_MALFORMED) X(CK_ERR_JSON_TOO_MANY_TOKENS) X(CK_ERR_UNEXPECTED_RESPONSE)                \
    X(CK_ERR_API_FAILURE) G(34) G(35) G(36) G(37) G(38) G(39)                                            \
    X(CK_ERR_BAD_REQUEST) X(CK_ERR_UNAUTHORIZED) X(CK_ERR_RATE_LIMITED) X(CK_ERR_FORBIDDEN)              \
    X(CK_ERR_NOT_FOUND) X(CK_ERR_HTTP_4XX) G(46) G(47) G(48) X(CK_ERR_CONFLICT)                          \
    X(CK_ERR_HTTP_5XX) X(CK_ERR_HTTP_STATUS) G(52) G(53) G(54) G(55) G(56) G(57) G(58) G(59)             \
    X(CK_ERR_OUTCOME_UNKNOWN)

#define CK_ERR_NAME(e) #e "\0"
#define CK_ERR_GAP(n) "\0"

static const char ck_err_names[] = CK_ERR_LIST(CK_ERR_NAME, CK_ERR_GAP);

/* Each name's place in the list is its code (checked for every name). */
#define CK_ERR_SLOT(e) ck_err_slot_##e,
#define CK_ERR_GAP_SLOT(n) ck_err_gap_##n,
enum { CK_ERR_LIST(CK_ERR_SLOT, CK_ERR_GAP_SLOT) ck_err_slots };
#define CK_ERR_AT(e) typedef char ck_err_at_##e[(ck_err_slot_##e == (int)(e)) ? 1 : -1];
#define CK_ERR_NO_CHECK(n)
CK_ERR_LIST(CK_ERR_AT, CK_ERR_NO_CHECK)

const char *ck_strerror(ck_err err)
{
    const char *name = ck_err_names;
    unsigned i = (unsigned)err;

    if (i <= (unsigned)CK_ERR_OUTCOME_UNKNOWN) {
        for (; i != 0u; i--) {
            name += strlen(name) + 1u;
        }
        if (*name != '\0') {
            return name;
        }
    }
    return "CK_ERR_UNKNOWN";
}
