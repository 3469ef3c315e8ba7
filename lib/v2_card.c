/**
 * @file v2_card.c
 * @brief Create a card: POST /api/issuing/card/v2/apply.
 */
#include "ck_v2_private.h"

/** @brief Writes a member only when the optional field was given. */
static ck_err ck_opt_member(ck_json_writer *w, const char *key, const char *value)
{
    return value != NULL ? ck_json_member_string(w, key, value) : CK_OK;
}

/** @brief The request body, in the order of the provider's example. */
static ck_err ck_card_apply_body(ck_json_writer *w, const void *ctx)
{
    const ck_card_apply_req *r = (const ck_card_apply_req *)ctx;

    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "card_product_code", r->card_product_code));
    CK_RETURN_IF_FAILED(ck_opt_member(w, "remark", r->remark));
    CK_RETURN_IF_FAILED(ck_opt_member(w, "transaction_amount_limit", r->transaction_amount_limit));
    CK_RETURN_IF_FAILED(ck_opt_member(w, "daily_limit", r->daily_limit));
    CK_RETURN_IF_FAILED(ck_opt_member(w, "weekly_limit", r->weekly_limit));
    CK_RETURN_IF_FAILED(ck_opt_member(w, "monthly_limit", r->monthly_limit));
    CK_RETURN_IF_FAILED(ck_opt_member(w, "lifetime_limit", r->lifetime_limit));
    CK_RETURN_IF_FAILED(ck_json_member_bool(w, "apply_coupon", r->apply_coupon));
    CK_RETURN_IF_FAILED(ck_opt_member(w, "budget_id", r->budget_id));
    CK_RETURN_IF_FAILED(ck_opt_member(w, "cardholder_id", r->cardholder_id));
    return ck_json_object_end(w);
}

/** @brief `data.card_id` of the answer. */
static ck_err ck_card_apply_reply(const ck_json_doc *doc, void *ctx)
{
    ck_card_apply_resp *resp = (ck_card_apply_resp *)ctx;
    int data = -1;
    ck_err err;

    CK_RETURN_IF_FAILED(ck_json_find(doc, 0, "data", &data));
    if (data < 0 || doc->toks[data].type != JSMN_OBJECT) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    err = ck_json_get_string(doc, data, "card_id", resp->card_id, sizeof resp->card_id, NULL);
    if (err == CK_OK && resp->card_id[0] == '\0') {
        err = CK_ERR_UNEXPECTED_RESPONSE;
    }
    return err;
}

ck_err ck_card_apply(ck_client *client, const ck_card_apply_req *req,
                     ck_card_apply_resp *out_resp, ck_result *out_result)
{
    const char *field = NULL;

    if (client == NULL || out_result == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    if (out_resp == NULL) {
        return ck_result_invalid(out_result, "out_resp");
    }
    out_resp->card_id[0] = '\0';
    if (ck_card_apply_check(req, &field) != CK_OK) {
        return ck_result_invalid(out_result, field);
    }
    return ck_v2_post(client, CK_V2_PATH_CARD_APPLY, ck_card_apply_body, req, true,
                      ck_card_apply_reply, out_resp, out_result);
}
