/**
 * @file ck_v2.h
 * @brief Card-issuance API v2: create a card, enroll it for 3-D Secure,
 * re-associate its enrollment with another cardholder, and update a
 * cardholder's 3DS contact details.
 *
 * Every call takes a request struct of NUL-terminated UTF-8 strings that
 * the caller owns; NULL means "not given" for optional fields. Each rule of
 * the API contract is checked before anything is sent: a failure is
 * CK_ERR_INVALID_ARG with ck_result::field set to the JSON field name.
 * Every call blocks until the answer or the client's deadline, and fills
 * @p out_result in full (see ck_client.h). A v2 request is never resent
 * once any byte of it was sent: a lost answer is CK_ERR_OUTCOME_UNKNOWN.
 */
#ifndef CK_V2_H
#define CK_V2_H

#include <stdbool.h>

#include "ck_client.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Paths of the v2 operations, after the base URL. */
#define CK_V2_PATH_CARD_APPLY "/api/issuing/card/v2/apply"
#define CK_V2_PATH_3DS_ENROLL "/api/issuing/3ds/v2/enroll"
#define CK_V2_PATH_3DS_UPDATE "/api/issuing/3ds/v2/update"
#define CK_V2_PATH_CONTACT_UPDATE "/api/issuing/cardholders/v2/update"

/**
 * @brief Create a card. Amounts are decimal strings with at most two
 * decimals ("500", "500.00"); the limits that are given must keep
 * transaction <= daily <= weekly <= monthly <= lifetime.
 */
typedef struct ck_card_apply_req {
    const char *card_product_code;        /**< required, non-empty */
    bool apply_coupon;                    /**< required (pay the fee from the bonus balance) */
    const char *remark;                   /**< optional free text (escaped for JSON) */
    const char *transaction_amount_limit; /**< optional amount */
    const char *daily_limit;              /**< optional amount */
    const char *weekly_limit;             /**< optional amount */
    const char *monthly_limit;            /**< optional amount */
    const char *lifetime_limit;           /**< optional amount */
    const char *budget_id;                /**< Shared Funds card: required; Dedicated Funds: NULL */
    const char *cardholder_id;            /**< required for a card that will be 3DS-enrolled */
} ck_card_apply_req;

/** @brief The new card. */
typedef struct ck_card_apply_resp {
    char card_id[CK_ID_MAX]; /**< e.g. "card201907021723076245" */
} ck_card_apply_resp;

/**
 * @brief POST /api/issuing/card/v2/apply.
 * @param out_resp Set on success; card_id longer than CK_ID_MAX - 1 is
 *        CK_ERR_BUFFER_TOO_SMALL (the card exists: see the Failure model).
 * @return out_result->err: CK_OK; CK_ERR_INVALID_ARG (field named);
 *         CK_ERR_BUFFER_TOO_SMALL; a transport, HTTP, JSON or status error;
 *         CK_ERR_API_FAILURE; CK_ERR_OUTCOME_UNKNOWN.
 */
ck_err ck_card_apply(ck_client *client, const ck_card_apply_req *req,
                     ck_card_apply_resp *out_resp, ck_result *out_result);

/** @brief A card and a cardholder (3DS enroll and re-associate). */
typedef struct ck_3ds_req {
    const char *card_id;       /**< required, non-empty */
    const char *cardholder_id; /**< required, non-empty */
} ck_3ds_req;

/**
 * @brief POST /api/issuing/3ds/v2/enroll. `isSuccess: false` in a 2xx
 * answer is CK_ERR_API_FAILURE; 409 (already enrolled) is CK_ERR_CONFLICT.
 */
ck_err ck_3ds_enroll(ck_client *client, const ck_3ds_req *req, ck_result *out_result);

/**
 * @brief POST /api/issuing/3ds/v2/update: re-associate the card's 3DS
 * enrollment with another cardholder. 404 covers "card not enrolled".
 */
ck_err ck_3ds_update(ck_client *client, const ck_3ds_req *req, ck_result *out_result);

/**
 * @brief A cardholder's 3DS contact details. All twelve fields are
 * required and sent every time (a complete replacement).
 */
typedef struct ck_contact_req {
    const char *cardholder_id;   /**< non-empty */
    const char *call_prefix;     /**< one of +1 +33 +44 +61 +65 +81 +82 +86 +90 +852 */
    const char *mobile;          /**< 7 to 15 digits, no country code */
    const char *email;           /**< local@domain.tld, no spaces */
    const char *date_of_birth;   /**< YYYY-MM-DD, a real date, in the past; age >= CK_MIN_CARDHOLDER_AGE */
    const char *address_line;    /**< non-empty */
    const char *city;            /**< non-empty */
    const char *state;           /**< non-empty */
    const char *post_code;       /**< non-empty */
    const char *country_code;    /**< ISO 3166-1 alpha-2, assigned code, upper case */
    const char *security_index;  /**< "1" .. "5" */
    const char *security_answer; /**< non-empty */
} ck_contact_req;

/** @brief POST /api/issuing/cardholders/v2/update. */
ck_err ck_contact_update(ck_client *client, const ck_contact_req *req, ck_result *out_result);

/* Validation alone, for forms that check as the user types. */

/**
 * @brief Check a card request without sending it.
 * @param out_field Set to the field at fault, or NULL. May be NULL.
 * @return CK_OK or CK_ERR_INVALID_ARG. Does not block.
 */
ck_err ck_card_apply_check(const ck_card_apply_req *req, const char **out_field);

/** @brief Check a 3DS enroll/update request. As ck_card_apply_check(). */
ck_err ck_3ds_check(const ck_3ds_req *req, const char **out_field);

/**
 * @brief Check a contact update. @p today may be NULL (then the
 * date-in-the-past and minimum-age checks are skipped). As ck_card_apply_check().
 */
ck_err ck_contact_check(const ck_contact_req *req, const ck_date *today, const char **out_field);

#ifdef __cplusplus
}
#endif

#endif /* CK_V2_H */
