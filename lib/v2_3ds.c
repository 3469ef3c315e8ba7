/**
 * @file v2_3ds.c
 * @brief 3DS enrollment: enroll a card (POST /api/issuing/3ds/v2/enroll) and
 * re-associate it with another cardholder (POST /api/issuing/3ds/v2/update).
 */
#include <stddef.h>

#include "ck_v2_private.h"

static const ck_v2_field ck_3ds_fields[] = {
    {"card_id", (uint8_t)offsetof(ck_3ds_req, card_id), (uint8_t)CK_F_ID},
    {"cardholder_id", (uint8_t)offsetof(ck_3ds_req, cardholder_id), (uint8_t)CK_F_ID},
};

static const ck_v2_form ck_3ds_form = {ck_3ds_fields, 2u, (uint8_t)CK_CALL_BY_NATURE};

ck_err ck_3ds_check(const ck_3ds_req *req, const char **out_field)
{
    return ck_v2_form_check(&ck_3ds_form, req, NULL, out_field);
}

/** @brief `data.isSuccess` must be true: false with code SUCCESS is a failure. */
static ck_err ck_3ds_enroll_reply(const ck_json_doc *doc, void *ctx)
{
    int data = -1;
    bool ok = false;

    (void)ctx;
    CK_RETURN_IF_FAILED(ck_v2_data(doc, &data));
    CK_RETURN_IF_FAILED(ck_json_get_bool(doc, data, "isSuccess", &ok));
    return ok ? CK_OK : CK_ERR_API_FAILURE;
}

ck_err ck_3ds_enroll(ck_client *client, const ck_3ds_req *req, ck_result *out_result)
{
    if (client == NULL || out_result == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    return ck_v2_form_post(client, CK_V2_PATH_3DS_ENROLL, &ck_3ds_form, req, NULL, ck_3ds_enroll_reply, NULL,
                           out_result);
}

ck_err ck_3ds_update(ck_client *client, const ck_3ds_req *req, ck_result *out_result)
{
    if (client == NULL || out_result == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    return ck_v2_form_post(client, CK_V2_PATH_3DS_UPDATE, &ck_3ds_form, req, NULL, NULL, NULL, out_result);
}
