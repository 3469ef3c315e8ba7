/**
 * @file v2_card.c
 * @brief Create a card: POST /api/issuing/card/v2/apply.
 */
#include <stddef.h>

#include "ck_v2_fields.h"
#include "ck_v2_private.h"

#define CK_CARD_FIELD(name, rule) {#name, (uint8_t)offsetof(ck_card_apply_req, name), (uint8_t)(rule)}

static const ck_v2_field ck_card_fields[] = {
    CK_CARD_FIELD(card_product_code, CK_F_ID),
    CK_CARD_FIELD(remark, CK_F_FREE_OPT),
    CK_CARD_FIELD(transaction_amount_limit, CK_F_AMOUNT_OPT),
    CK_CARD_FIELD(daily_limit, CK_F_AMOUNT_OPT),
    CK_CARD_FIELD(weekly_limit, CK_F_AMOUNT_OPT),
    CK_CARD_FIELD(monthly_limit, CK_F_AMOUNT_OPT),
    CK_CARD_FIELD(lifetime_limit, CK_F_AMOUNT_OPT),
    CK_CARD_FIELD(budget_id, CK_F_ID_OPT),
    CK_CARD_FIELD(cardholder_id, CK_F_ID_OPT),
    CK_CARD_FIELD(apply_coupon, CK_F_BOOL),
};

/* Applied each time it arrives: never resent once sent. */
static const ck_v2_form ck_card_form = {ck_card_fields, (uint8_t)(sizeof ck_card_fields / sizeof ck_card_fields[0]),
                                        (uint8_t)CK_CALL_ONCE};

ck_err ck_card_apply_check(const ck_card_apply_req *req, const char **out_field)
{
    return ck_v2_form_check(&ck_card_form, req, NULL, out_field);
}

/** @brief `data.card_id` of the answer, non-empty. */
static ck_err ck_card_apply_reply(const ck_json_doc *doc, void *ctx)
{
    ck_card_apply_resp *resp = (ck_card_apply_resp *)ctx;
    size_t len = 0;
    int data = -1;

    CK_RETURN_IF_FAILED(ck_v2_data(doc, &data));
    CK_RETURN_IF_FAILED(ck_json_get_string(doc, data, "card_id", resp->card_id, sizeof resp->card_id, &len));
    return len > 0u ? CK_OK : CK_ERR_UNEXPECTED_RESPONSE;
}

ck_err ck_card_apply(ck_client *client, const ck_card_apply_req *req,
                     ck_card_apply_resp *out_resp, ck_result *out_result)
{
    if (client == NULL || out_result == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    if (out_resp == NULL) {
        return ck_result_invalid(out_result, "out_resp");
    }
    out_resp->card_id[0] = '\0';
    return ck_v2_form_post(client, CK_V2_PATH_CARD_APPLY, &ck_card_form, req, NULL, ck_card_apply_reply, out_resp,
                           out_result);
}
