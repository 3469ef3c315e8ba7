/**
 * @file v2_contact.c
 * @brief Update a cardholder's 3DS contact details:
 * POST /api/issuing/cardholders/v2/update (a complete replacement: all
 * twelve fields, every time).
 */
#include <stddef.h>

#include "ck_v2_private.h"

#define CK_CONTACT_FIELD(name, rule) {#name, (uint8_t)offsetof(ck_contact_req, name), (uint8_t)(rule)}

static const ck_v2_field ck_contact_fields[] = {
    CK_CONTACT_FIELD(cardholder_id, CK_F_ID),
    CK_CONTACT_FIELD(call_prefix, CK_F_PREFIX),
    CK_CONTACT_FIELD(mobile, CK_F_MOBILE),
    CK_CONTACT_FIELD(email, CK_F_EMAIL),
    CK_CONTACT_FIELD(date_of_birth, CK_F_DOB),
    CK_CONTACT_FIELD(address_line, CK_F_ID),
    CK_CONTACT_FIELD(city, CK_F_ID),
    CK_CONTACT_FIELD(state, CK_F_ID),
    CK_CONTACT_FIELD(post_code, CK_F_ID),
    CK_CONTACT_FIELD(country_code, CK_F_COUNTRY),
    CK_CONTACT_FIELD(security_index, CK_F_INDEX),
    CK_CONTACT_FIELD(security_answer, CK_F_ID),
};

static const ck_v2_form ck_contact_form = {ck_contact_fields, 12u, (uint8_t)CK_CALL_BY_NATURE};

ck_err ck_contact_check(const ck_contact_req *req, const ck_date *today, const char **out_field)
{
    return ck_v2_form_check(&ck_contact_form, req, today, out_field);
}

ck_err ck_contact_update(ck_client *client, const ck_contact_req *req, ck_result *out_result)
{
    const ck_platform *pf;
    ck_date today;
    const ck_date *today_ptr = NULL;

    if (client == NULL || out_result == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    pf = client->cfg.platform;
    if (pf->today != NULL && pf->today(pf->ctx, &today) == CK_OK) {
        today_ptr = &today;
    }
    return ck_v2_form_post(client, CK_V2_PATH_CONTACT_UPDATE, &ck_contact_form, req, today_ptr, NULL, NULL,
                           out_result);
}
