/**
 * @file ck_v2_fields.h
 * @brief Private: v2 request bodies described as tables. One table per
 * operation drives both the checks (in table order, the first field at
 * fault is named) and the JSON body (given fields, in table order), so
 * each field name is stored once.
 */
#ifndef CK_V2_FIELDS_H
#define CK_V2_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "cardkit/ck_json.h"
#include "cardkit/ck_platform.h"

/** @brief What a field must hold. Every given string is non-empty UTF-8. */
typedef enum ck_field_rule {
    CK_F_ID = 0,     /**< required text: no control characters, not blank */
    CK_F_ID_OPT,     /**< as CK_F_ID, or NULL (left out of the body) */
    CK_F_FREE_OPT,   /**< free text (escaped), or NULL */
    CK_F_AMOUNT_OPT, /**< amount, at least every earlier amount given, or NULL */
    CK_F_PREFIX,     /**< a supported call prefix */
    CK_F_MOBILE,     /**< 7 to 15 digits */
    CK_F_EMAIL,      /**< local@domain.tld */
    CK_F_DOB,        /**< a real date; in the past and old enough when today is known */
    CK_F_COUNTRY,    /**< an assigned ISO 3166-1 alpha-2 code */
    CK_F_INDEX,      /**< "1" .. "5" */
    CK_F_BOOL        /**< a `bool`, not checked, always written (true or false) */
} ck_field_rule;

/** @brief One field of a request struct: a string, or a `bool` (CK_F_BOOL). */
typedef struct ck_v2_field {
    const char *name; /**< JSON member name, also the name reported when at fault */
    uint8_t offset;   /**< offsetof() the `const char *` (or `bool`) in the request struct */
    uint8_t rule;     /**< a ::ck_field_rule */
} ck_v2_field;

/** @brief A table, its length, and how the call it describes may be repeated. */
typedef struct ck_v2_form {
    const ck_v2_field *fields;
    uint8_t count;
    uint8_t kind; /**< a ::ck_call_kind (ck_outcome.h) */
} ck_v2_form;

/**
 * @brief Check @p req against @p form; set *out_field (when not NULL) to
 * the first field at fault (or "request" when @p req is NULL), else NULL.
 * @return CK_OK or CK_ERR_INVALID_ARG.
 */
ck_err ck_v2_form_check(const ck_v2_form *form, const void *req, const ck_date *today, const char **out_field);

/** @brief Write every given field of @p req as a member (no braces): strings, and the bools. */
ck_err ck_v2_form_write(ck_json_writer *w, const ck_v2_form *form, const void *req);

#endif /* CK_V2_FIELDS_H */
