/**
 * @file v2_contact.c
 * @brief Update a cardholder's 3DS contact details:
 * POST /api/issuing/cardholders/v2/update (a complete replacement).
 */
#include "ck_v2_private.h"

/** @brief All twelve fields, every time. */
static ck_err ck_contact_body(ck_json_writer *w, const void *ctx)
{
    const ck_contact_req *r = (const ck_contact_req *)ctx;

    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "cardholder_id", r->cardholder_id));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "call_prefix", r->call_prefix));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "mobile", r->mobile));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "email", r->email));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "date_of_birth", r->date_of_birth));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "address_line", r->address_line));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "city", r->city));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "state", r->state));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "post_code", r->post_code));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "country_code", r->country_code));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "security_index", r->security_index));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "security_answer", r->security_answer));
    return ck_json_object_end(w);
}

ck_err ck_contact_update(ck_client *client, const ck_contact_req *req, ck_result *out_result)
{
    const ck_platform *pf;
    const char *field = NULL;
    ck_date today;
    const ck_date *today_ptr = NULL;

    if (client == NULL || out_result == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    pf = client->cfg.platform;
    if (pf->today != NULL && pf->today(pf->ctx, &today) == CK_OK) {
        today_ptr = &today;
    }
    if (ck_contact_check(req, today_ptr, &field) != CK_OK) {
        return ck_result_invalid(out_result, field);
    }
    return ck_v2_post(client, CK_V2_PATH_CONTACT_UPDATE, ck_contact_body, req, true, NULL, NULL, out_result);
}
