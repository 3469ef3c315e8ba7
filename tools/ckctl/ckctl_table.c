/**
 * @file ckctl_table.c
 * @brief The commands of ckctl and their options: one table that drives
 * parsing, help, and naming the option behind a field the library rejects.
 */
#include <stddef.h>
#include <string.h>

#include "ckctl.h"

/** @brief A value option stored in a `const char *` member of request type @p T. */
#define CKCTL_VAL(name, meta, req, T, member, help) \
    {name, meta, CKCTL_OPT_VALUE, req, #member, offsetof(T, member), help}

/** @brief The rule of an amount, shared by the five card limits. */
#define CKCTL_AMOUNT "an amount with at most 2 decimals (\"500\", \"500.00\")"

static const ckctl_opt ckctl_card_apply_opts[] = {
    CKCTL_VAL("--product", "CODE", true, ck_card_apply_req, card_product_code,
              "card product code, non-empty"),
    {"--coupon", NULL, CKCTL_OPT_SET_TRUE, true, "apply_coupon",
     offsetof(ck_card_apply_req, apply_coupon), "pay the card fee from the bonus balance"},
    {"--no-coupon", NULL, CKCTL_OPT_SET_FALSE, true, "apply_coupon",
     offsetof(ck_card_apply_req, apply_coupon), "pay the card fee from the balance"},
    CKCTL_VAL("--remark", "TEXT", false, ck_card_apply_req, remark,
              "free text stored with the card (valid UTF-8)"),
    CKCTL_VAL("--txn-limit", "AMT", false, ck_card_apply_req, transaction_amount_limit,
              "limit per transaction: " CKCTL_AMOUNT),
    CKCTL_VAL("--daily-limit", "AMT", false, ck_card_apply_req, daily_limit,
              "daily limit: " CKCTL_AMOUNT ", not below the limits before it"),
    CKCTL_VAL("--weekly-limit", "AMT", false, ck_card_apply_req, weekly_limit,
              "weekly limit: " CKCTL_AMOUNT ", not below the limits before it"),
    CKCTL_VAL("--monthly-limit", "AMT", false, ck_card_apply_req, monthly_limit,
              "monthly limit: " CKCTL_AMOUNT ", not below the limits before it"),
    CKCTL_VAL("--lifetime-limit", "AMT", false, ck_card_apply_req, lifetime_limit,
              "lifetime limit: " CKCTL_AMOUNT ", not below the limits before it"),
    CKCTL_VAL("--budget", "ID", false, ck_card_apply_req, budget_id,
              "budget of a Shared Funds card (leave out for Dedicated Funds)"),
    CKCTL_VAL("--cardholder", "ID", false, ck_card_apply_req, cardholder_id,
              "cardholder of a card that will be 3DS-enrolled"),
};

static const ckctl_opt ckctl_3ds_opts[] = {
    CKCTL_VAL("--card", "ID", true, ck_3ds_req, card_id, "the card id, non-empty"),
    CKCTL_VAL("--cardholder", "ID", true, ck_3ds_req, cardholder_id,
              "the cardholder id, non-empty"),
};

static const ckctl_opt ckctl_contact_opts[] = {
    CKCTL_VAL("--cardholder", "ID", true, ck_contact_req, cardholder_id,
              "the cardholder id, non-empty"),
    CKCTL_VAL("--call-prefix", "P", true, ck_contact_req, call_prefix,
              "one of +1 +33 +44 +61 +65 +81 +82 +86 +90 +852"),
    CKCTL_VAL("--mobile", "DIGITS", true, ck_contact_req, mobile,
              "7 to 15 digits, without the country code"),
    CKCTL_VAL("--email", "E", true, ck_contact_req, email, "local@domain.tld, no spaces"),
    CKCTL_VAL("--dob", "YYYY-MM-DD", true, ck_contact_req, date_of_birth,
              "date of birth: a real date in the past, at least 18 years ago"),
    CKCTL_VAL("--address", "TEXT", true, ck_contact_req, address_line, "address line, non-empty"),
    CKCTL_VAL("--city", "C", true, ck_contact_req, city, "city, non-empty"),
    CKCTL_VAL("--state", "S", true, ck_contact_req, state, "state, non-empty"),
    CKCTL_VAL("--post-code", "PC", true, ck_contact_req, post_code, "post code, non-empty"),
    CKCTL_VAL("--country", "CC", true, ck_contact_req, country_code,
              "ISO 3166-1 alpha-2 country code, upper case (e.g. US)"),
    CKCTL_VAL("--security-index", "N", true, ck_contact_req, security_index,
              "security question number, 1 to 5"),
    CKCTL_VAL("--security-answer", "TEXT", true, ck_contact_req, security_answer,
              "answer to the security question, non-empty"),
};

/** @brief A v1 option: a `const char *` of ::ckctl_v1_args; @p field is what the library names. */
#define CKCTL_V1(name, meta, req, member, field, help) \
    {name, meta, CKCTL_OPT_VALUE, req, field, offsetof(ckctl_v1_args, member), help}

/** @brief The rule of a v1 id (a header value). */
#define CKCTL_V1_ID "non-empty, no control characters (sent as the header "

/** @brief The options every v1 command has. */
#define CKCTL_V1_COMMON                                                                         \
    CKCTL_V1("--product-id", "ID", true, product_id, "x-product-id",                           \
             "the card product: " CKCTL_V1_ID "x-product-id)"),                                \
    CKCTL_V1("--cardholder-id", "ID", true, cardholder_id, "x-cardholder-id",                  \
             "the cardholder: " CKCTL_V1_ID "x-cardholder-id)"),                               \
    CKCTL_V1("--wallet-id", "ID", true, wallet_id, "x-wallet-id",                              \
             "the wallet: " CKCTL_V1_ID "x-wallet-id)"),                                       \
    CKCTL_V1("--card-id", "ID", true, card_id, "x-card-id",                                    \
             "the card: " CKCTL_V1_ID "x-card-id)"),                                           \
    CKCTL_V1("--client-id", "ID", false, client_id, "x-client-id",                             \
             "your client id: " CKCTL_V1_ID "x-client-id; left out when not given)"),           \
    CKCTL_V1("--request-id", "KEY", false, request_id, "x-request-id",                         \
             "idempotency key, sent as x-request-id: 1 to 36 visible ASCII characters "         \
             "(default: a new UUIDv4); the same call with the same key is applied at most once")

static const ckctl_opt ckctl_v1_otp_opts[] = {
    CKCTL_V1_COMMON,
    CKCTL_V1("--otp", "EMAIL|SMS", true, otp, "otp_delivery_method",
             "how the cardholder gets one-time passwords: EMAIL or SMS"),
};

static const ckctl_opt ckctl_v1_opts[] = {
    CKCTL_V1_COMMON,
};

/** @brief Elements of a static array. */
#define CKCTL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

const ckctl_command ckctl_commands[] = {
    {CKCTL_CMD_CARD_APPLY, NULL, "card", "apply", "card apply", "card.apply", "create a card",
     offsetof(ckctl_args, card), ckctl_card_apply_opts, CKCTL_COUNT(ckctl_card_apply_opts)},
    {CKCTL_CMD_3DS_ENROLL, NULL, "3ds", "enroll", "3ds enroll", "3ds.enroll", "enroll a card for 3-D Secure",
     offsetof(ckctl_args, threeds), ckctl_3ds_opts, CKCTL_COUNT(ckctl_3ds_opts)},
    {CKCTL_CMD_3DS_UPDATE, NULL, "3ds", "update", "3ds update", "3ds.update",
     "re-associate a card's 3DS enrollment with another cardholder",
     offsetof(ckctl_args, threeds), ckctl_3ds_opts, CKCTL_COUNT(ckctl_3ds_opts)},
    {CKCTL_CMD_CONTACT_UPDATE, NULL, "contact", "update", "contact update", "contact.update",
     "replace a cardholder's 3DS contact details (every field, every time)",
     offsetof(ckctl_args, contact), ckctl_contact_opts, CKCTL_COUNT(ckctl_contact_opts)},
    {CKCTL_CMD_V1_ENROLL, "v1", "3ds", "enroll", "v1 3ds enroll", "v1.3ds.enroll",
     "enroll a card in the 3DS program (v1, POST)",
     offsetof(ckctl_args, v1), ckctl_v1_otp_opts, CKCTL_COUNT(ckctl_v1_otp_opts)},
    {CKCTL_CMD_V1_GET, "v1", "3ds", "get", "v1 3ds get", "v1.3ds.get",
     "print a card's 3DS enrollment details (v1, GET)",
     offsetof(ckctl_args, v1), ckctl_v1_opts, CKCTL_COUNT(ckctl_v1_opts)},
    {CKCTL_CMD_V1_UPDATE, "v1", "3ds", "update", "v1 3ds update", "v1.3ds.update",
     "change the OTP delivery method of an enrollment (v1, PATCH)",
     offsetof(ckctl_args, v1), ckctl_v1_otp_opts, CKCTL_COUNT(ckctl_v1_otp_opts)},
    {CKCTL_CMD_V1_UNENROLL, "v1", "3ds", "unenroll", "v1 3ds unenroll", "v1.3ds.unenroll",
     "unenroll a card from the 3DS program (v1, DELETE)",
     offsetof(ckctl_args, v1), ckctl_v1_opts, CKCTL_COUNT(ckctl_v1_opts)},
};

const size_t ckctl_command_count = CKCTL_COUNT(ckctl_commands);

const ckctl_command *ckctl_find_command(const char *api, const char *group, const char *verb)
{
    size_t i;

    for (i = 0; i < ckctl_command_count; i++) {
        const ckctl_command *c = &ckctl_commands[i];
        bool same_api = (api == NULL) ? c->api == NULL : (c->api != NULL && strcmp(c->api, api) == 0);
        if (same_api && strcmp(c->group, group) == 0 && strcmp(c->verb, verb) == 0) {
            return c;
        }
    }
    return NULL;
}

const ckctl_opt *ckctl_find_field(const ckctl_command *cmd, const char *field)
{
    size_t i;

    if (cmd == NULL || field == NULL) {
        return NULL;
    }
    for (i = 0; i < cmd->opt_count; i++) {
        if (strcmp(cmd->opts[i].field, field) == 0) {
            return &cmd->opts[i];
        }
    }
    return NULL;
}

const ckctl_opt *ckctl_alternative(const ckctl_command *cmd, size_t k)
{
    if (k + 1u < cmd->opt_count && strcmp(cmd->opts[k + 1u].field, cmd->opts[k].field) == 0) {
        return &cmd->opts[k + 1u];
    }
    if (k > 0u && strcmp(cmd->opts[k - 1u].field, cmd->opts[k].field) == 0) {
        return &cmd->opts[k - 1u];
    }
    return NULL;
}
