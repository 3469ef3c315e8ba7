/**
 * @file ckctl_commands.c
 * @brief Check and run a parsed command with the public cardkit API.
 */
#include <string.h>

#include "ckctl.h"

/** @brief A --request-id: 1 to CK_V1_REQUEST_ID_MAX visible ASCII characters. */
static bool ckctl_key_ok(const char *key)
{
    size_t n = strlen(key);
    size_t i;

    if (n == 0u || n > CK_V1_REQUEST_ID_MAX) {
        return false;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c <= 0x20u || c >= 0x7Fu) {
            return false;
        }
    }
    return true;
}

ck_err ckctl_v1_request(const ckctl_args *args, ck_v1_req *out, const char **out_field)
{
    const ckctl_v1_args *a = &args->v1;

    memset(out, 0, sizeof *out);
    *out_field = NULL;
    /* The ids go to the library as given: it refuses an empty one or one
     * holding a control character before anything is sent. */
    out->product_id = a->product_id;
    out->cardholder_id = a->cardholder_id;
    out->wallet_id = a->wallet_id;
    out->card_id = a->card_id;
    out->client_id = a->client_id;
    out->otp = CK_OTP_NONE;
    if (a->otp != NULL) {
        if (strcmp(a->otp, "EMAIL") == 0) {
            out->otp = CK_OTP_EMAIL;
        } else if (strcmp(a->otp, "SMS") == 0) {
            out->otp = CK_OTP_SMS;
        } else {
            *out_field = "otp_delivery_method";
            return CK_ERR_INVALID_ARG;
        }
    }
    if (a->request_id != NULL) {
        if (!ckctl_key_ok(a->request_id)) {
            *out_field = "x-request-id";
            return CK_ERR_INVALID_ARG;
        }
        memcpy(out->request_id, a->request_id, strlen(a->request_id) + 1u);
    }
    return CK_OK;
}

ck_err ckctl_check(const ckctl_args *args, const ck_date *today, const char **out_field)
{
    ck_v1_req v1;

    *out_field = NULL;
    switch (args->command->id) {
    case CKCTL_CMD_CARD_APPLY:
        return ck_card_apply_check(&args->card, out_field);
    case CKCTL_CMD_3DS_ENROLL:
    case CKCTL_CMD_3DS_UPDATE:
        return ck_3ds_check(&args->threeds, out_field);
    case CKCTL_CMD_CONTACT_UPDATE:
        return ck_contact_check(&args->contact, today, out_field);
    case CKCTL_CMD_V1_ENROLL:
    case CKCTL_CMD_V1_GET:
    case CKCTL_CMD_V1_UPDATE:
    case CKCTL_CMD_V1_UNENROLL:
        return ckctl_v1_request(args, &v1, out_field);
    case CKCTL_CMD_NONE:
    default:
        return CK_ERR_INVALID_ARG;
    }
}

ck_err ckctl_run(const ckctl_args *args, ck_client *client, ckctl_outcome *out,
                 ck_result *out_result)
{
    const char *field = NULL;

    memset(out, 0, sizeof *out);
    if (CKCTL_IS_V1(args->command) && ckctl_v1_request(args, &out->v1, &field) != CK_OK) {
        memset(out_result, 0, sizeof *out_result);
        out_result->err = CK_ERR_INVALID_ARG;
        out_result->cause = CK_ERR_INVALID_ARG;
        out_result->field = field;
        return CK_ERR_INVALID_ARG;
    }
    switch (args->command->id) {
    case CKCTL_CMD_CARD_APPLY:
        return ck_card_apply(client, &args->card, &out->card, out_result);
    case CKCTL_CMD_3DS_ENROLL:
        return ck_3ds_enroll(client, &args->threeds, out_result);
    case CKCTL_CMD_3DS_UPDATE:
        return ck_3ds_update(client, &args->threeds, out_result);
    case CKCTL_CMD_CONTACT_UPDATE:
        return ck_contact_update(client, &args->contact, out_result);
    case CKCTL_CMD_V1_ENROLL:
        return ck_v1_3ds_enroll(client, &out->v1, out_result);
    case CKCTL_CMD_V1_GET:
        return ck_v1_3ds_get(client, &out->v1, out->entries, CKCTL_V1_MAX_ENTRIES, &out->entry_count,
                             out_result);
    case CKCTL_CMD_V1_UPDATE:
        return ck_v1_3ds_update(client, &out->v1, out_result);
    case CKCTL_CMD_V1_UNENROLL:
        return ck_v1_3ds_unenroll(client, &out->v1, out_result);
    case CKCTL_CMD_NONE:
    default:
        memset(out_result, 0, sizeof *out_result);
        out_result->err = CK_ERR_INVALID_ARG;
        return CK_ERR_INVALID_ARG;
    }
}
