/**
 * @file v2_3ds.c
 * @brief 3DS enrollment: enroll a card (POST /api/issuing/3ds/v2/enroll) and
 * re-associate it with another cardholder (POST /api/issuing/3ds/v2/update).
 */
#include "ck_v2_private.h"

/** @brief `{"card_id": "...", "cardholder_id": "..."}`. */
static ck_err ck_3ds_body(ck_json_writer *w, const void *ctx)
{
    const ck_3ds_req *r = (const ck_3ds_req *)ctx;

    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "card_id", r->card_id));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "cardholder_id", r->cardholder_id));
    return ck_json_object_end(w);
}

/** @brief `data.isSuccess` must be true: false with code SUCCESS is a failure. */
static ck_err ck_3ds_enroll_reply(const ck_json_doc *doc, void *ctx)
{
    int data = -1;
    bool ok = false;

    (void)ctx;
    CK_RETURN_IF_FAILED(ck_json_find(doc, 0, "data", &data));
    if (data < 0 || doc->toks[data].type != JSMN_OBJECT) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    CK_RETURN_IF_FAILED(ck_json_get_bool(doc, data, "isSuccess", &ok));
    return ok ? CK_OK : CK_ERR_API_FAILURE;
}

/** @brief Check, then POST the card/cardholder pair to @p path. */
static ck_err ck_3ds_post(ck_client *client, const char *path, const ck_3ds_req *req,
                          ck_reply_fn reply, ck_result *out_result)
{
    const char *field = NULL;

    if (client == NULL || out_result == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    if (ck_3ds_check(req, &field) != CK_OK) {
        return ck_result_invalid(out_result, field);
    }
    return ck_v2_post(client, path, ck_3ds_body, req, true, reply, NULL, out_result);
}

ck_err ck_3ds_enroll(ck_client *client, const ck_3ds_req *req, ck_result *out_result)
{
    return ck_3ds_post(client, CK_V2_PATH_3DS_ENROLL, req, ck_3ds_enroll_reply, out_result);
}

ck_err ck_3ds_update(ck_client *client, const ck_3ds_req *req, ck_result *out_result)
{
    return ck_3ds_post(client, CK_V2_PATH_3DS_UPDATE, req, NULL, out_result);
}
