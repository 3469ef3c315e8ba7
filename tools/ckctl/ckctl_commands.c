/**
 * @file ckctl_commands.c
 * @brief Check and run a parsed command with the public cardkit API.
 */
#include <string.h>

#include "ckctl.h"

ck_err ckctl_check(const ckctl_args *args, const ck_date *today, const char **out_field)
{
    *out_field = NULL;
    switch (args->command->id) {
    case CKCTL_CMD_CARD_APPLY:
        return ck_card_apply_check(&args->card, out_field);
    case CKCTL_CMD_3DS_ENROLL:
    case CKCTL_CMD_3DS_UPDATE:
        return ck_3ds_check(&args->threeds, out_field);
    case CKCTL_CMD_CONTACT_UPDATE:
        return ck_contact_check(&args->contact, today, out_field);
    case CKCTL_CMD_NONE:
    default:
        return CK_ERR_INVALID_ARG;
    }
}

ck_err ckctl_run(const ckctl_args *args, ck_client *client, ck_card_apply_resp *out_resp,
                 ck_result *out_result)
{
    memset(out_resp, 0, sizeof *out_resp);
    switch (args->command->id) {
    case CKCTL_CMD_CARD_APPLY:
        return ck_card_apply(client, &args->card, out_resp, out_result);
    case CKCTL_CMD_3DS_ENROLL:
        return ck_3ds_enroll(client, &args->threeds, out_result);
    case CKCTL_CMD_3DS_UPDATE:
        return ck_3ds_update(client, &args->threeds, out_result);
    case CKCTL_CMD_CONTACT_UPDATE:
        return ck_contact_update(client, &args->contact, out_result);
    case CKCTL_CMD_NONE:
    default:
        memset(out_result, 0, sizeof *out_result);
        out_result->err = CK_ERR_INVALID_ARG;
        return CK_ERR_INVALID_ARG;
    }
}
