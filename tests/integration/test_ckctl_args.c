/**
 * @file test_ckctl_args.c
 * @brief Unit tests of ckctl's pure parts: the ck_err -> exit code table,
 * command-line parsing, the synopsis (against the contract's text), the
 * option behind each request field, and the escaping of server messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "ckctl.h"

/* ------------------------------------------------------------------------ */
/* Exit codes                                                               */
/* ------------------------------------------------------------------------ */

/** @brief Every ck_err with the exit code before and after sending (issue 3's contract). */
static const struct {
    ck_err err;
    int not_sent;
    int sent;
} expected_exits[] = {
    {CK_OK, 0, 0},
    {CK_ERR_INVALID_ARG, 2, 2},
    {CK_ERR_BUFFER_TOO_SMALL, 2, 11},
    {CK_ERR_INSECURE_TRANSPORT, 9, 9},
    {CK_ERR_RANDOM, 9, 9},
    {CK_ERR_WOULD_BLOCK, 9, 10},
    {CK_ERR_TIMEOUT, 9, 10},
    {CK_ERR_PEER_CLOSED, 9, 10},
    {CK_ERR_CONNECT, 9, 10},
    {CK_ERR_TRANSPORT, 9, 10},
    {CK_ERR_TLS, 9, 10},
    {CK_ERR_TLS_VERIFY, 9, 9},
    {CK_ERR_HTTP_MALFORMED, 11, 11},
    {CK_ERR_HTTP_BAD_LENGTH, 11, 11},
    {CK_ERR_HTTP_LENGTH_CONFLICT, 11, 11},
    {CK_ERR_HTTP_BAD_CHUNK, 11, 11},
    {CK_ERR_HTTP_OBS_FOLD, 11, 11},
    {CK_ERR_HTTP_HEAD_TOO_LARGE, 11, 11},
    {CK_ERR_HTTP_UNSUPPORTED, 11, 11},
    {CK_ERR_RESPONSE_TOO_LARGE, 11, 11},
    {CK_ERR_JSON_MALFORMED, 11, 11},
    {CK_ERR_JSON_TOO_MANY_TOKENS, 11, 11},
    {CK_ERR_UNEXPECTED_RESPONSE, 11, 11},
    {CK_ERR_API_FAILURE, 11, 11},
    {CK_ERR_BAD_REQUEST, 7, 7},
    {CK_ERR_UNAUTHORIZED, 3, 3},
    {CK_ERR_FORBIDDEN, 4, 4},
    {CK_ERR_NOT_FOUND, 5, 5},
    {CK_ERR_CONFLICT, 6, 6},
    {CK_ERR_RATE_LIMITED, 7, 7},
    {CK_ERR_HTTP_4XX, 7, 7},
    {CK_ERR_HTTP_5XX, 8, 8},
    {CK_ERR_HTTP_STATUS, 11, 11},
    {CK_ERR_OUTCOME_UNKNOWN, 10, 10},
};

static void test_exit_codes_cover_every_error(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof expected_exits / sizeof expected_exits[0]; i++) {
        ck_err e = expected_exits[i].err;
        assert_int_equal(ckctl_exit_code(e, CK_PROGRESS_NOT_SENT), expected_exits[i].not_sent);
        assert_int_equal(ckctl_exit_code(e, CK_PROGRESS_SENT), expected_exits[i].sent);
        assert_int_equal(ckctl_exit_code(e, CK_PROGRESS_ANSWERED), expected_exits[i].sent);
        assert_string_not_equal(ckctl_err_description(e), "unknown error");
    }
}

static void test_exit_code_of_unknown_error_is_internal(void **state)
{
    (void)state;
    assert_int_equal(ckctl_exit_code((ck_err)99, CK_PROGRESS_ANSWERED), CKCTL_EXIT_INTERNAL);
    assert_string_equal(ckctl_err_description((ck_err)99), "unknown error");
}

/* ------------------------------------------------------------------------ */
/* Parsing                                                                  */
/* ------------------------------------------------------------------------ */

/** @brief Parse a NULL-terminated word list (argv[0] added). */
static ckctl_parse_status parse_words(ckctl_args *a, char *msg, size_t cap, const char *const *words)
{
    char *argv[64];
    int argc = 0;

    argv[argc++] = (char *)"ckctl";
    while (*words != NULL && argc < 63) {
        argv[argc++] = (char *)*words++;
    }
    argv[argc] = NULL;
    return ckctl_parse(argc, argv, a, msg, cap);
}

/** @brief Parse @p words and expect a usage error whose message contains @p needle. */
static void expect_usage(const char *const *words, const char *needle)
{
    ckctl_args a;
    char msg[160];

    assert_int_equal(parse_words(&a, msg, sizeof msg, words), CKCTL_PARSE_USAGE);
    if (strstr(msg, needle) == NULL) {
        fail_msg("usage message \"%s\" lacks \"%s\"", msg, needle);
    }
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_parse_no_command_is_usage(void **state)
{
    (void)state;
    expect_usage(WORDS("-v"), "missing COMMAND");
    expect_usage(WORDS("card"), "needs a second command word");
    expect_usage(WORDS("card", "issue"), "unknown command");
    expect_usage(WORDS("wallet"), "unknown command");
    expect_usage(WORDS("--frobnicate", "card", "apply"), "unknown option --frobnicate");
}

static void test_parse_help(void **state)
{
    ckctl_args a;
    char msg[160];

    (void)state;
    assert_int_equal(parse_words(&a, msg, sizeof msg, WORDS("--help")), CKCTL_PARSE_HELP);
    assert_null(a.command);
    assert_int_equal(parse_words(&a, msg, sizeof msg, WORDS("-h")), CKCTL_PARSE_HELP);
    assert_int_equal(parse_words(&a, msg, sizeof msg, WORDS("help")), CKCTL_PARSE_HELP);
    assert_int_equal(parse_words(&a, msg, sizeof msg, WORDS("card", "--help")), CKCTL_PARSE_HELP);
    assert_null(a.command);
    assert_int_equal(parse_words(&a, msg, sizeof msg, WORDS("contact", "update", "--help")), CKCTL_PARSE_HELP);
    assert_non_null(a.command);
    assert_int_equal(a.command->id, CKCTL_CMD_CONTACT_UPDATE);
    assert_int_equal(parse_words(&a, msg, sizeof msg, WORDS("help", "3ds", "enroll")), CKCTL_PARSE_HELP);
    assert_int_equal(a.command->id, CKCTL_CMD_3DS_ENROLL);
    /* Help wins over missing required options. */
    assert_int_equal(parse_words(&a, msg, sizeof msg, WORDS("card", "apply", "--help")), CKCTL_PARSE_HELP);
}

static void test_parse_card_apply_full(void **state)
{
    ckctl_args a;
    char msg[160];

    (void)state;
    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("card", "apply", "--product", "T1FBXO", "--coupon", "--remark",
                                       "a \"remark\"", "--txn-limit", "5", "--daily-limit=10",
                                       "--weekly-limit", "20", "--monthly-limit", "30",
                                       "--lifetime-limit", "40", "--budget", "B1", "--cardholder", "H1")),
                     CKCTL_PARSE_OK);
    assert_int_equal(a.command->id, CKCTL_CMD_CARD_APPLY);
    assert_string_equal(a.card.card_product_code, "T1FBXO");
    assert_true(a.card.apply_coupon);
    assert_string_equal(a.card.remark, "a \"remark\"");
    assert_string_equal(a.card.transaction_amount_limit, "5");
    assert_string_equal(a.card.daily_limit, "10");
    assert_string_equal(a.card.weekly_limit, "20");
    assert_string_equal(a.card.monthly_limit, "30");
    assert_string_equal(a.card.lifetime_limit, "40");
    assert_string_equal(a.card.budget_id, "B1");
    assert_string_equal(a.card.cardholder_id, "H1");
    assert_string_equal(a.base_url, CK_V2_BASE_URL_STAGING);
    assert_int_equal(a.timeout_ms, CK_DEFAULT_TIMEOUT_MS);
    assert_null(a.ca_file);
    assert_false(a.verbose);
}

static void test_parse_card_apply_minimal_leaves_optionals_null(void **state)
{
    ckctl_args a;
    char msg[160];

    (void)state;
    assert_int_equal(parse_words(&a, msg, sizeof msg, WORDS("card", "apply", "--no-coupon", "--product", "P")),
                     CKCTL_PARSE_OK);
    assert_false(a.card.apply_coupon);
    assert_null(a.card.remark);
    assert_null(a.card.budget_id);
    assert_null(a.card.cardholder_id);
    assert_null(a.card.daily_limit);
}

static void test_parse_coupon_rules(void **state)
{
    (void)state;
    expect_usage(WORDS("card", "apply", "--product", "P"), "missing --coupon or --no-coupon");
    expect_usage(WORDS("card", "apply", "--coupon"), "missing --product");
    expect_usage(WORDS("card", "apply", "--product", "P", "--coupon", "--no-coupon"),
                 "give --coupon or --no-coupon, not both");
    expect_usage(WORDS("card", "apply", "--product", "P", "--coupon", "--coupon"), "--coupon given twice");
    expect_usage(WORDS("card", "apply", "--product", "P", "--coupon=yes"), "--coupon takes no value");
}

static void test_parse_globals(void **state)
{
    ckctl_args a;
    char msg[160];

    (void)state;
    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("--env", "production", "--ca-file", "ca.pem", "--timeout-ms",
                                       "2500", "-v", "3ds", "enroll", "--card", "C", "--cardholder", "H")),
                     CKCTL_PARSE_OK);
    assert_string_equal(a.base_url, CK_V2_BASE_URL_PRODUCTION);
    assert_string_equal(a.ca_file, "ca.pem");
    assert_int_equal(a.timeout_ms, 2500);
    assert_true(a.verbose);
    assert_string_equal(a.threeds.card_id, "C");
    assert_string_equal(a.threeds.cardholder_id, "H");

    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("--env=staging", "3ds", "update", "--card", "C", "--cardholder", "H")),
                     CKCTL_PARSE_OK);
    assert_string_equal(a.base_url, CK_V2_BASE_URL_STAGING);
    assert_int_equal(a.command->id, CKCTL_CMD_3DS_UPDATE);

    /* Global options are accepted after the command too. */
    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("3ds", "enroll", "--card", "C", "--cardholder", "H", "-v",
                                       "--base-url", "https://localhost:8443/")),
                     CKCTL_PARSE_OK);
    assert_true(a.verbose);
    assert_string_equal(a.base_url, "https://localhost:8443/");
}

static void test_parse_global_errors(void **state)
{
    (void)state;
    expect_usage(WORDS("--env", "dev", "3ds", "enroll", "--card", "C", "--cardholder", "H"), "invalid --env");
    expect_usage(WORDS("--base-url", "http://localhost:8080", "3ds", "enroll", "--card", "C", "--cardholder", "H"),
                 "only https://");
    expect_usage(WORDS("--base-url", "HTTP://localhost", "3ds", "enroll", "--card", "C", "--cardholder", "H"),
                 "only https://");
    expect_usage(WORDS("--base-url", "ftp://x", "3ds", "enroll", "--card", "C", "--cardholder", "H"),
                 "invalid --base-url");
    expect_usage(WORDS("--base-url", "https://", "3ds", "enroll", "--card", "C", "--cardholder", "H"),
                 "invalid --base-url");
    expect_usage(WORDS("--base-url", "https://h/card/issuance/api/issuing/card/v2/apply", "3ds", "enroll",
                       "--card", "C", "--cardholder", "H"),
                 "before /api/issuing");
    expect_usage(WORDS("--env", "staging", "--base-url", "https://h", "3ds", "enroll", "--card", "C",
                       "--cardholder", "H"),
                 "not both");
    expect_usage(WORDS("--timeout-ms", "99", "3ds", "enroll", "--card", "C", "--cardholder", "H"),
                 "invalid --timeout-ms");
    expect_usage(WORDS("--timeout-ms", "600001", "3ds", "enroll", "--card", "C", "--cardholder", "H"),
                 "invalid --timeout-ms");
    expect_usage(WORDS("--timeout-ms", "1e3", "3ds", "enroll", "--card", "C", "--cardholder", "H"),
                 "invalid --timeout-ms");
    expect_usage(WORDS("--timeout-ms", "", "3ds", "enroll", "--card", "C", "--cardholder", "H"),
                 "invalid --timeout-ms");
    expect_usage(WORDS("--ca-file", "", "3ds", "enroll", "--card", "C", "--cardholder", "H"), "invalid --ca-file");
    expect_usage(WORDS("--ca-file"), "--ca-file needs a value");
    expect_usage(WORDS("-v", "-v", "--env", "staging", "--env", "production"), "--env given twice");
}

static void test_parse_command_option_errors(void **state)
{
    (void)state;
    expect_usage(WORDS("3ds", "enroll", "--card", "C"), "missing --cardholder");
    expect_usage(WORDS("3ds", "enroll", "--cardholder", "H"), "missing --card");
    expect_usage(WORDS("3ds", "enroll", "--card", "C", "--card", "D", "--cardholder", "H"), "--card given twice");
    expect_usage(WORDS("3ds", "enroll", "--card", "C", "--cardholder"), "--cardholder needs a value");
    expect_usage(WORDS("3ds", "enroll", "--card", "C", "--cardholder", "H", "--product", "P"),
                 "unknown option --product for '3ds enroll'");
}

static void test_parse_messages_never_repeat_values(void **state)
{
    ckctl_args a;
    char msg[160];

    (void)state;
    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("3ds", "enroll", "--card", "C", "--cardholder", "H", "my-secret-answer")),
                     CKCTL_PARSE_USAGE);
    assert_null(strstr(msg, "my-secret-answer"));
    assert_non_null(strstr(msg, "unexpected argument"));
    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("3ds", "enroll", "--card", "C", "--cardholder", "H", "--mobile=4155550100")),
                     CKCTL_PARSE_USAGE);
    assert_null(strstr(msg, "4155550100"));
    assert_non_null(strstr(msg, "unknown option --mobile for '3ds enroll'"));
    assert_int_equal(parse_words(&a, msg, sizeof msg, WORDS("--answer=blue", "3ds", "enroll")), CKCTL_PARSE_USAGE);
    assert_null(strstr(msg, "blue"));
}

static void test_parse_contact_update_fills_all_twelve(void **state)
{
    ckctl_args a;
    char msg[160];

    (void)state;
    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("contact", "update", "--cardholder", "H", "--call-prefix", "+1",
                                       "--mobile", "4155550100", "--email", "a@b.co", "--dob", "1990-01-02",
                                       "--address", "1 Main St", "--city", "Town", "--state", "CA",
                                       "--post-code", "94105", "--country", "US", "--security-index", "3",
                                       "--security-answer", "blue")),
                     CKCTL_PARSE_OK);
    assert_string_equal(a.contact.cardholder_id, "H");
    assert_string_equal(a.contact.call_prefix, "+1");
    assert_string_equal(a.contact.mobile, "4155550100");
    assert_string_equal(a.contact.email, "a@b.co");
    assert_string_equal(a.contact.date_of_birth, "1990-01-02");
    assert_string_equal(a.contact.address_line, "1 Main St");
    assert_string_equal(a.contact.city, "Town");
    assert_string_equal(a.contact.state, "CA");
    assert_string_equal(a.contact.post_code, "94105");
    assert_string_equal(a.contact.country_code, "US");
    assert_string_equal(a.contact.security_index, "3");
    assert_string_equal(a.contact.security_answer, "blue");
    expect_usage(WORDS("contact", "update", "--cardholder", "H"), "missing --call-prefix");
}

/* ------------------------------------------------------------------------ */
/* Tables, help, escaping                                                   */
/* ------------------------------------------------------------------------ */

static void test_synopsis_matches_contract(void **state)
{
    static const char *const contract[] = {
        "card apply --product CODE (--coupon|--no-coupon) [--remark TEXT] [--txn-limit AMT] "
        "[--daily-limit AMT] [--weekly-limit AMT] [--monthly-limit AMT] [--lifetime-limit AMT] "
        "[--budget ID] [--cardholder ID]",
        "3ds enroll --card ID --cardholder ID",
        "3ds update --card ID --cardholder ID",
        "contact update --cardholder ID --call-prefix P --mobile DIGITS --email E --dob YYYY-MM-DD "
        "--address TEXT --city C --state S --post-code PC --country CC --security-index N "
        "--security-answer TEXT",
        "v1 3ds enroll --product-id ID --cardholder-id ID --wallet-id ID --card-id ID [--client-id ID] "
        "[--request-id KEY] --otp EMAIL|SMS",
        "v1 3ds get --product-id ID --cardholder-id ID --wallet-id ID --card-id ID [--client-id ID] "
        "[--request-id KEY]",
        "v1 3ds update --product-id ID --cardholder-id ID --wallet-id ID --card-id ID [--client-id ID] "
        "[--request-id KEY] --otp EMAIL|SMS",
        "v1 3ds unenroll --product-id ID --cardholder-id ID --wallet-id ID --card-id ID [--client-id ID] "
        "[--request-id KEY]",
    };
    char buf[512];
    size_t i;

    (void)state;
    assert_int_equal(ckctl_command_count, 8);
    for (i = 0; i < ckctl_command_count; i++) {
        ckctl_synopsis(&ckctl_commands[i], buf, sizeof buf);
        assert_string_equal(buf, contract[i]);
    }
}

static void test_every_request_field_has_an_option(void **state)
{
    static const char *const card_fields[] = {
        "card_product_code", "apply_coupon", "remark", "transaction_amount_limit", "daily_limit",
        "weekly_limit", "monthly_limit", "lifetime_limit", "budget_id", "cardholder_id"};
    static const char *const contact_fields[] = {
        "cardholder_id", "call_prefix", "mobile", "email", "date_of_birth", "address_line", "city",
        "state", "post_code", "country_code", "security_index", "security_answer"};
    const ckctl_command *card = ckctl_find_command(NULL, "card", "apply");
    const ckctl_command *contact = ckctl_find_command(NULL, "contact", "update");
    const ckctl_command *enroll = ckctl_find_command(NULL, "3ds", "enroll");
    size_t i;

    (void)state;
    for (i = 0; i < sizeof card_fields / sizeof card_fields[0]; i++) {
        assert_non_null(ckctl_find_field(card, card_fields[i]));
    }
    for (i = 0; i < sizeof contact_fields / sizeof contact_fields[0]; i++) {
        assert_non_null(ckctl_find_field(contact, contact_fields[i]));
    }
    assert_string_equal(ckctl_find_field(contact, "mobile")->name, "--mobile");
    assert_string_equal(ckctl_find_field(contact, "date_of_birth")->name, "--dob");
    assert_string_equal(ckctl_find_field(card, "transaction_amount_limit")->name, "--txn-limit");
    assert_string_equal(ckctl_find_field(enroll, "card_id")->name, "--card");
    assert_null(ckctl_find_field(enroll, "mobile"));
}

/* ------------------------------------------------------------------------ */
/* v1                                                                       */
/* ------------------------------------------------------------------------ */

#define V1_IDS "--product-id", "P", "--cardholder-id", "H", "--wallet-id", "W", "--card-id", "C"

static void test_parse_v1_commands(void **state)
{
    ckctl_args a;
    char msg[160];
    ck_v1_req req;
    const char *field = NULL;

    (void)state;
    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("--base-url", "https://h:8443/pfx", "v1", "3ds", "enroll", V1_IDS,
                                       "--otp", "SMS", "--client-id", "CL", "--request-id", "key-1")),
                     CKCTL_PARSE_OK);
    assert_int_equal(a.command->id, CKCTL_CMD_V1_ENROLL);
    assert_string_equal(a.command->operation, "v1.3ds.enroll");
    assert_string_equal(a.base_url, "https://h:8443/pfx");
    assert_string_equal(a.v1.product_id, "P");
    assert_string_equal(a.v1.cardholder_id, "H");
    assert_string_equal(a.v1.wallet_id, "W");
    assert_string_equal(a.v1.card_id, "C");
    assert_string_equal(a.v1.client_id, "CL");
    assert_string_equal(a.v1.request_id, "key-1");
    assert_string_equal(a.v1.otp, "SMS");
    assert_int_equal(ckctl_v1_request(&a, &req, &field), CK_OK);
    assert_int_equal(req.otp, CK_OTP_SMS);
    assert_string_equal(req.request_id, "key-1");
    assert_string_equal(req.card_id, "C");
    assert_string_equal(req.client_id, "CL");

    /* Without --request-id the key is left "" for the library to make. */
    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("v1", "3ds", "get", V1_IDS, "--base-url", "https://h")),
                     CKCTL_PARSE_OK);
    assert_int_equal(a.command->id, CKCTL_CMD_V1_GET);
    assert_null(a.v1.otp);
    assert_null(a.v1.client_id);
    assert_int_equal(ckctl_v1_request(&a, &req, &field), CK_OK);
    assert_string_equal(req.request_id, "");
    assert_int_equal(req.otp, CK_OTP_NONE);
    assert_null(req.client_id);

    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("--base-url", "https://h", "v1", "3ds", "update", V1_IDS, "--otp=EMAIL")),
                     CKCTL_PARSE_OK);
    assert_int_equal(a.command->id, CKCTL_CMD_V1_UPDATE);
    assert_int_equal(ckctl_v1_request(&a, &req, &field), CK_OK);
    assert_int_equal(req.otp, CK_OTP_EMAIL);
    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("--base-url", "https://h", "v1", "3ds", "unenroll", V1_IDS)),
                     CKCTL_PARSE_OK);
    assert_int_equal(a.command->id, CKCTL_CMD_V1_UNENROLL);
    assert_int_equal(parse_words(&a, msg, sizeof msg, WORDS("v1", "3ds", "get", "--help")), CKCTL_PARSE_HELP);
    assert_int_equal(a.command->id, CKCTL_CMD_V1_GET);
    assert_int_equal(parse_words(&a, msg, sizeof msg, WORDS("v1", "--help")), CKCTL_PARSE_HELP);
    assert_int_equal(parse_words(&a, msg, sizeof msg, WORDS("help", "v1", "3ds", "enroll")), CKCTL_PARSE_HELP);
    assert_int_equal(a.command->id, CKCTL_CMD_V1_ENROLL);
    /* The v2 words still find the v2 commands. */
    assert_int_equal(ckctl_find_command(NULL, "3ds", "update")->id, CKCTL_CMD_3DS_UPDATE);
    assert_int_equal(ckctl_find_command("v1", "3ds", "update")->id, CKCTL_CMD_V1_UPDATE);
    assert_null(ckctl_find_command(NULL, "3ds", "get"));
    assert_null(ckctl_find_command("v1", "card", "apply"));
}

static void test_parse_v1_errors(void **state)
{
    ckctl_args a;
    char msg[160];
    ck_v1_req req;
    const char *field = NULL;

    (void)state;
    expect_usage(WORDS("v1", "3ds", "get", V1_IDS), "need --base-url");
    expect_usage(WORDS("--env", "production", "v1", "3ds", "get", V1_IDS), "v1 commands need --base-url");
    expect_usage(WORDS("--base-url", "http://h", "v1", "3ds", "get", V1_IDS), "only https://");
    expect_usage(WORDS("--base-url", "https://h/issuing/api/v1/card/3DS", "v1", "3ds", "get", V1_IDS),
                 "before /issuing/api/v1");
    expect_usage(WORDS("--base-url", "https://h", "v1", "3ds", "enroll", V1_IDS), "missing --otp");
    expect_usage(WORDS("--base-url", "https://h", "v1", "3ds", "get", V1_IDS, "--otp", "SMS"),
                 "unknown option --otp for 'v1 3ds get'");
    expect_usage(WORDS("--base-url", "https://h", "v1", "3ds", "unenroll", V1_IDS, "--otp", "SMS"),
                 "unknown option --otp for 'v1 3ds unenroll'");
    expect_usage(WORDS("--base-url", "https://h", "v1", "3ds", "get", "--product-id", "P", "--cardholder-id",
                       "H", "--card-id", "C"),
                 "missing --wallet-id");
    expect_usage(WORDS("--base-url", "https://h", "v1", "3ds", "get", V1_IDS, "--card-id", "D"),
                 "--card-id given twice");
    expect_usage(WORDS("v1"), "'v1' needs two more command words");
    expect_usage(WORDS("v1", "3ds"), "'v1 3ds' needs a third command word");
    expect_usage(WORDS("v1", "3ds", "delete"), "unknown command 'v1 3ds delete'");
    expect_usage(WORDS("v1", "card"), "unknown command 'v1 card'");
    expect_usage(WORDS("3ds", "get"), "unknown command '3ds get'");

    /* What ckctl checks itself: the OTP method's spelling and the key's form. */
    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("--base-url", "https://h", "v1", "3ds", "enroll", V1_IDS, "--otp", "sms")),
                     CKCTL_PARSE_OK);
    assert_int_equal(ckctl_v1_request(&a, &req, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "otp_delivery_method");
    assert_string_equal(ckctl_find_field(a.command, field)->name, "--otp");
    assert_int_equal(ckctl_check(&a, NULL, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "otp_delivery_method");
    {
        static const char *const bad_keys[] = {"", "a b", "tab\there", "0123456789012345678901234567890123456",
                                               "caf\xc3\xa9"};
        size_t i;
        for (i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
            assert_int_equal(parse_words(&a, msg, sizeof msg,
                                         WORDS("--base-url", "https://h", "v1", "3ds", "get", V1_IDS,
                                               "--request-id", bad_keys[i])),
                             CKCTL_PARSE_OK);
            assert_int_equal(ckctl_v1_request(&a, &req, &field), CK_ERR_INVALID_ARG);
            assert_string_equal(field, "x-request-id");
            assert_string_equal(ckctl_find_field(a.command, field)->name, "--request-id");
        }
    }
    /* 36 characters (a UUID) fit. */
    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("--base-url", "https://h", "v1", "3ds", "get", V1_IDS, "--request-id",
                                       "01234567-89ab-4cde-8f01-23456789abcd")),
                     CKCTL_PARSE_OK);
    assert_int_equal(ckctl_v1_request(&a, &req, &field), CK_OK);
    assert_string_equal(req.request_id, "01234567-89ab-4cde-8f01-23456789abcd");
    /* Ids are the library's to check (so that ckctl and the library agree): passed as given. */
    assert_int_equal(parse_words(&a, msg, sizeof msg,
                                 WORDS("--base-url", "https://h", "v1", "3ds", "get", "--product-id", "P",
                                       "--cardholder-id", "H", "--wallet-id", "W", "--card-id", "C\nx")),
                     CKCTL_PARSE_OK);
    assert_int_equal(ckctl_check(&a, NULL, &field), CK_OK);
}

static void test_v1_fields_name_their_options(void **state)
{
    static const struct {
        const char *field;
        const char *option;
    } map[] = {{"x-product-id", "--product-id"}, {"x-cardholder-id", "--cardholder-id"},
               {"x-wallet-id", "--wallet-id"},   {"x-card-id", "--card-id"},
               {"x-client-id", "--client-id"},   {"x-request-id", "--request-id"},
               {"otp_delivery_method", "--otp"}};
    const ckctl_command *enroll = ckctl_find_command("v1", "3ds", "enroll");
    const ckctl_command *get = ckctl_find_command("v1", "3ds", "get");
    size_t i;

    (void)state;
    for (i = 0; i < sizeof map / sizeof map[0]; i++) {
        assert_non_null(ckctl_find_field(enroll, map[i].field));
        assert_string_equal(ckctl_find_field(enroll, map[i].field)->name, map[i].option);
    }
    assert_null(ckctl_find_field(get, "otp_delivery_method"));
    assert_non_null(ckctl_find_field(get, "x-card-id"));
}

static void test_escape(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(ckctl_escape("plain text", out, sizeof out), 10);
    assert_string_equal(out, "plain text");
    (void)ckctl_escape("a\"b\\c\nd\re\tf", out, sizeof out);
    assert_string_equal(out, "a\\\"b\\\\c\\nd\\re\\tf");
    (void)ckctl_escape("\x1b[31mred\x7f", out, sizeof out);
    assert_string_equal(out, "\\x1b[31mred\\x7f");
    (void)ckctl_escape("\xc2\x9b" "2J caf\xc3\xa9", out, sizeof out);
    assert_string_equal(out, "\\u009b2J caf\xc3\xa9");
    /* Cut to fit, never in the middle of an escape. */
    assert_int_equal(ckctl_escape("ab\ncd", out, 4), 2);
    assert_string_equal(out, "ab");
    assert_int_equal(ckctl_escape("abc", out, 1), 0);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_codes_cover_every_error),
        cmocka_unit_test(test_exit_code_of_unknown_error_is_internal),
        cmocka_unit_test(test_parse_no_command_is_usage),
        cmocka_unit_test(test_parse_help),
        cmocka_unit_test(test_parse_card_apply_full),
        cmocka_unit_test(test_parse_card_apply_minimal_leaves_optionals_null),
        cmocka_unit_test(test_parse_coupon_rules),
        cmocka_unit_test(test_parse_globals),
        cmocka_unit_test(test_parse_global_errors),
        cmocka_unit_test(test_parse_command_option_errors),
        cmocka_unit_test(test_parse_messages_never_repeat_values),
        cmocka_unit_test(test_parse_contact_update_fills_all_twelve),
        cmocka_unit_test(test_synopsis_matches_contract),
        cmocka_unit_test(test_every_request_field_has_an_option),
        cmocka_unit_test(test_parse_v1_commands),
        cmocka_unit_test(test_parse_v1_errors),
        cmocka_unit_test(test_v1_fields_name_their_options),
        cmocka_unit_test(test_escape),
    };

    return cmocka_run_group_tests_name("ckctl", tests, NULL, NULL);
}
