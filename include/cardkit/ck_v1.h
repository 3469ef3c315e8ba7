/**
 * @file ck_v1.h
 * @brief 3DS program API v1: one resource, `{base URL}/issuing/api/v1/card/3DS`,
 * with enroll (POST), get (GET), update (PATCH) and unenroll (DELETE).
 *
 * Use a client whose base URL is the provider's `{{baseUrl}}` (the part
 * before `/issuing/api/v1/...`). `CK_API_KEY`-style credentials: the API key
 * is required; the access token is optional (no Authorization header when
 * NULL or empty).
 *
 * Idempotency: every v1 call carries an `x-request-id`. Put your own key in
 * ck_v1_req::request_id, or leave it "" and the call makes a UUIDv4 there
 * from the platform's random source before anything is sent (once per
 * call, outside the retry loop). When the answer to a call is lost, the
 * call is resent with the same key (bounded attempts, back-off with full
 * jitter, inside the deadline), so the issuer applies it once.
 *
 * Surviving a power cut: make the key with ck_v1_request_id_new() and write
 * it (with the operation) to non-volatile storage BEFORE calling; clear it
 * when the call returns an answer (CK_OK or an HTTP error). After a reboot,
 * a stored key means "the answer was never seen": call again with the same
 * key and the issuer applies the operation once.
 */
#ifndef CK_V1_H
#define CK_V1_H

#include <stddef.h>

#include "ck_client.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief The v1 resource path, after the base URL. */
#define CK_V1_PATH_3DS "/issuing/api/v1/card/3DS"

/** @brief Size of an idempotency key buffer: a UUID (36) and its NUL. */
#define CK_V1_REQUEST_ID_SIZE 37u

/** @brief Largest key accepted (without NUL). */
#define CK_V1_REQUEST_ID_MAX (CK_V1_REQUEST_ID_SIZE - 1u)

/** @brief How the one-time password is delivered. */
typedef enum ck_otp_method {
    CK_OTP_NONE = 0,  /**< not given (GET, DELETE) */
    CK_OTP_EMAIL = 1, /**< "EMAIL" */
    CK_OTP_SMS = 2    /**< "SMS" */
} ck_otp_method;

/**
 * @brief One v1 request. All ids are NUL-terminated strings sent as headers;
 * a CR, LF, NUL or other control character in one is CK_ERR_INVALID_ARG
 * naming the header, and nothing is sent.
 */
typedef struct ck_v1_req {
    const char *product_id;    /**< x-product-id, required */
    const char *cardholder_id; /**< x-cardholder-id, required */
    const char *wallet_id;     /**< x-wallet-id, required */
    const char *card_id;       /**< x-card-id, required */
    const char *client_id;     /**< x-client-id, optional (NULL: not sent) */
    ck_otp_method otp;         /**< enroll and update: EMAIL or SMS */
    /** x-request-id: in/out. "" → the call makes a UUIDv4 here first. */
    char request_id[CK_V1_REQUEST_ID_SIZE];
} ck_v1_req;

/** @brief Field sizes of a GET entry (with NUL). */
#define CK_V1_OTP_SIZE 8u
#define CK_V1_DEST_SIZE 48u
#define CK_V1_STATUS_SIZE 16u

/** @brief One enrollment detail of a GET answer. */
typedef struct ck_v1_3ds_entry {
    char otp_delivery_method[CK_V1_OTP_SIZE]; /**< "SMS" or "EMAIL" */
    char destination[CK_V1_DEST_SIZE];        /**< phone number or e-mail */
    char status[CK_V1_STATUS_SIZE];           /**< e.g. "ACTIVE" */
} ck_v1_3ds_entry;

/**
 * @brief Make a fresh UUIDv4 key (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`,
 * lower case) from the client's platform random source.
 * @param out CK_V1_REQUEST_ID_SIZE bytes.
 * @return CK_OK, CK_ERR_INVALID_ARG, CK_ERR_RANDOM. Does not block.
 */
ck_err ck_v1_request_id_new(const ck_client *client, char out[CK_V1_REQUEST_ID_SIZE]);

/**
 * @brief POST: enroll the card for 3DS with `{"otp_delivery_method": ...}`.
 * A 2xx answer must say `"status":"Success"`; anything else is
 * CK_ERR_API_FAILURE. Errors as in ck_client.h; resent with the same key
 * when the answer is lost. Blocks until done or the deadline.
 */
ck_err ck_v1_3ds_enroll(ck_client *client, ck_v1_req *req, ck_result *out_result);

/**
 * @brief GET: the card's enrollment details into @p entries.
 * @param entries   Caller array (may be NULL when @p cap is 0).
 * @param cap       Its length.
 * @param out_count Entries in the answer. More than @p cap is
 *        CK_ERR_BUFFER_TOO_SMALL (the first @p cap are filled), never a
 *        silent drop. A field longer than its entry buffer is
 *        CK_ERR_BUFFER_TOO_SMALL too.
 */
ck_err ck_v1_3ds_get(ck_client *client, ck_v1_req *req, ck_v1_3ds_entry *entries, size_t cap,
                     size_t *out_count, ck_result *out_result);

/** @brief PATCH: change the OTP delivery method. As ck_v1_3ds_enroll(). */
ck_err ck_v1_3ds_update(ck_client *client, ck_v1_req *req, ck_result *out_result);

/** @brief DELETE: unenroll the card (no body). As ck_v1_3ds_enroll(). */
ck_err ck_v1_3ds_unenroll(ck_client *client, ck_v1_req *req, ck_result *out_result);

#ifdef __cplusplus
}
#endif

#endif /* CK_V1_H */
