/**
 * @file test_v2_check.c
 * @brief Unit tests of the v2 request checks (lib/v2_check.c):
 * ck_card_apply_check(), ck_3ds_check() and ck_contact_check(), each rule
 * passing and failing with the JSON field name reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cardkit/ck_v2.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/** @brief A value no check ever reports: shows whether out_field was written. */
static const char k_unset[] = "unset";

/** @brief Fail the test naming the case when @p cond is false. */
#define EXPECT(cond, what)                                                          \
    do {                                                                            \
        if (!(cond)) {                                                              \
            print_error("%s:%d: failed for case \"%s\"\n", __FILE__, __LINE__,      \
                        (what) != NULL ? (what) : "(NULL)");                        \
            fail();                                                                 \
        }                                                                           \
    } while (0)

/* ---- helpers --------------------------------------------------------- */

/** @brief The fully populated card request of the provider's example. */
static ck_card_apply_req card_full(void)
{
    ck_card_apply_req r;
    memset(&r, 0, sizeof r);
    r.card_product_code = "T1FBXO";
    r.apply_coupon = true;
    r.remark = "Sales Team - John Doe";
    r.transaction_amount_limit = "200.00";
    r.daily_limit = "1000.00";
    r.weekly_limit = "4000.00";
    r.monthly_limit = "15000.00";
    r.lifetime_limit = "100000.00";
    r.budget_id = "ci202008281528472924";
    r.cardholder_id = "273555991139442689";
    return r;
}

/** @brief Only the required field of a card request. */
static ck_card_apply_req card_min(void)
{
    ck_card_apply_req r;
    memset(&r, 0, sizeof r);
    r.card_product_code = "T1FBXO";
    return r;
}

/** @brief Check @p r and return the field reported (NULL on success), asserting the error matches. */
static const char *card_field(const ck_card_apply_req *r)
{
    const char *field = k_unset;
    ck_err err = ck_card_apply_check(r, &field);
    assert_ptr_not_equal(field, k_unset);
    assert_int_equal(err, field == NULL ? CK_OK : CK_ERR_INVALID_ARG);
    return field;
}

/** @brief The provider's sample contact update. */
static ck_contact_req contact_ok(void)
{
    ck_contact_req r;
    r.cardholder_id = "471041678120300545";
    r.call_prefix = "+1";
    r.mobile = "2125551234";
    r.email = "emma.johnson.updated@example.com";
    r.date_of_birth = "1996-10-31";
    r.address_line = "789 Oak Street";
    r.city = "Chicago";
    r.state = "Illinois";
    r.post_code = "60601";
    r.country_code = "US";
    r.security_index = "2";
    r.security_answer = "Smith";
    return r;
}

/**
 * @brief The year of "today" in these tests: 2026, or later when the
 * configured minimum age would make the sample cardholder (born 1996) too young.
 */
#define TODAY_YEAR (CK_MIN_CARDHOLDER_AGE > 29u ? 1997u + CK_MIN_CARDHOLDER_AGE : 2026u)

/** @brief "Today": TODAY_YEAR-06-15. */
static const ck_date k_today = {(uint16_t)TODAY_YEAR, 6u, 15u};

/** @brief As card_field() for a contact update. */
static const char *contact_field(const ck_contact_req *r, const ck_date *today)
{
    const char *field = k_unset;
    ck_err err = ck_contact_check(r, today, &field);
    assert_ptr_not_equal(field, k_unset);
    assert_int_equal(err, field == NULL ? CK_OK : CK_ERR_INVALID_ARG);
    return field;
}

/** @brief Assert that @p r fails on exactly @p want. */
#define ASSERT_CONTACT_FIELD(r, today, want)                                        \
    do {                                                                            \
        const char *got_ = contact_field(&(r), (today));                           \
        assert_non_null(got_);                                                      \
        assert_string_equal(got_, (want));                                          \
    } while (0)

#define ASSERT_CARD_FIELD(r, want)                                                  \
    do {                                                                            \
        const char *got_ = card_field(&(r));                                        \
        assert_non_null(got_);                                                      \
        assert_string_equal(got_, (want));                                          \
    } while (0)

/* ---- NULL request and out_field -------------------------------------- */

static void null_request_is_named_request(void **state)
{
    const char *field = k_unset;
    (void)state;
    assert_int_equal(ck_card_apply_check(NULL, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "request");
    field = k_unset;
    assert_int_equal(ck_3ds_check(NULL, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "request");
    field = k_unset;
    assert_int_equal(ck_contact_check(NULL, &k_today, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "request");
}

static void null_out_field_is_allowed(void **state)
{
    ck_card_apply_req card = card_full();
    ck_3ds_req tds = {"card201907021723076245", "471041678120300545"};
    ck_contact_req contact = contact_ok();
    (void)state;
    assert_int_equal(ck_card_apply_check(&card, NULL), CK_OK);
    assert_int_equal(ck_3ds_check(&tds, NULL), CK_OK);
    assert_int_equal(ck_contact_check(&contact, &k_today, NULL), CK_OK);
    card.card_product_code = "";
    tds.card_id = NULL;
    contact.mobile = "12";
    assert_int_equal(ck_card_apply_check(&card, NULL), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_3ds_check(&tds, NULL), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_contact_check(&contact, &k_today, NULL), CK_ERR_INVALID_ARG);
    assert_int_equal(ck_card_apply_check(NULL, NULL), CK_ERR_INVALID_ARG);
}

static void success_clears_out_field(void **state)
{
    ck_card_apply_req card = card_full();
    ck_3ds_req tds = {"card201907021723076245", "471041678120300545"};
    ck_contact_req contact = contact_ok();
    const char *field = k_unset;
    (void)state;
    assert_int_equal(ck_card_apply_check(&card, &field), CK_OK);
    assert_null(field);
    field = k_unset;
    assert_int_equal(ck_3ds_check(&tds, &field), CK_OK);
    assert_null(field);
    field = k_unset;
    assert_int_equal(ck_contact_check(&contact, &k_today, &field), CK_OK);
    assert_null(field);
}

/* ---- card apply ------------------------------------------------------ */

static void card_full_and_minimal_requests_pass(void **state)
{
    ck_card_apply_req full = card_full();
    ck_card_apply_req min = card_min();
    (void)state;
    assert_null(card_field(&full));
    assert_null(card_field(&min));
    full.apply_coupon = false;
    assert_null(card_field(&full));
}

static void card_product_code_required_text(void **state)
{
    static const char *const bad[] = {
        NULL, "", " ", "   ", "\t", "T1\nFBXO", "T1FBXO\r", "\x1f", "\x7f", "\xff", "\xc3", "\x01T1",
    };
    ck_card_apply_req r = card_full();
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(bad); i++) {
        const char *got;
        r.card_product_code = bad[i];
        got = card_field(&r);
        EXPECT(got != NULL && strcmp(got, "card_product_code") == 0, bad[i]);
    }
    r.card_product_code = "Caf\xc3\xa9 1"; /* UTF-8 and an inner space are fine */
    assert_null(card_field(&r));
}

static void card_remark_is_optional_free_text(void **state)
{
    static const char *const ok[] = {
        "Sales Team - John Doe", "line1\nline2\ttab \"quoted\" back\\slash", " ", "\x01\x1f\x7f",
        "Caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x92\xb3",
    };
    static const char *const bad[] = {"", "\xff", "caf\xc3", "\xc0\xaf", "\xed\xa0\x80"};
    ck_card_apply_req r = card_full();
    size_t i;
    (void)state;
    r.remark = NULL;
    assert_null(card_field(&r));
    for (i = 0; i < COUNT(ok); i++) {
        r.remark = ok[i];
        EXPECT(card_field(&r) == NULL, ok[i]);
    }
    for (i = 0; i < COUNT(bad); i++) {
        const char *got;
        r.remark = bad[i];
        got = card_field(&r);
        EXPECT(got != NULL && strcmp(got, "remark") == 0, bad[i]);
    }
}

static void card_each_limit_must_be_an_amount(void **state)
{
    static const char *const names[5] = {
        "transaction_amount_limit", "daily_limit", "weekly_limit", "monthly_limit", "lifetime_limit",
    };
    static const char *const bad[] = {"", "1.234", "1.", ".5", "-1", "1e3", " 100", "1000000000000"};
    size_t f;
    size_t i;
    (void)state;
    for (f = 0; f < 5u; f++) {
        for (i = 0; i < COUNT(bad); i++) {
            ck_card_apply_req r = card_min();
            const char **slot[5];
            const char *got;
            slot[0] = &r.transaction_amount_limit;
            slot[1] = &r.daily_limit;
            slot[2] = &r.weekly_limit;
            slot[3] = &r.monthly_limit;
            slot[4] = &r.lifetime_limit;
            *slot[f] = bad[i];
            got = card_field(&r);
            EXPECT(got != NULL && strcmp(got, names[f]) == 0, bad[i]);
            *slot[f] = "2000";
            EXPECT(card_field(&r) == NULL, names[f]);
        }
    }
}

static void card_limit_hierarchy_names_the_later_field(void **state)
{
    ck_card_apply_req r = card_min();
    (void)state;
    r.transaction_amount_limit = "500";
    r.daily_limit = "100";
    ASSERT_CARD_FIELD(r, "daily_limit");

    r = card_full();
    r.weekly_limit = "999.99"; /* below daily 1000.00 */
    ASSERT_CARD_FIELD(r, "weekly_limit");

    r = card_full();
    r.monthly_limit = "3999"; /* below weekly 4000.00 */
    ASSERT_CARD_FIELD(r, "monthly_limit");

    r = card_full();
    r.lifetime_limit = "14999.99"; /* below monthly 15000.00 */
    ASSERT_CARD_FIELD(r, "lifetime_limit");

    r = card_full();
    r.transaction_amount_limit = "1000.01"; /* above daily: daily is at fault */
    ASSERT_CARD_FIELD(r, "daily_limit");
}

static void card_limit_hierarchy_skips_absent_limits(void **state)
{
    ck_card_apply_req r = card_min();
    (void)state;
    r.transaction_amount_limit = "500";
    r.monthly_limit = "100"; /* daily and weekly absent */
    ASSERT_CARD_FIELD(r, "monthly_limit");

    r = card_min();
    r.daily_limit = "800";
    r.lifetime_limit = "700";
    ASSERT_CARD_FIELD(r, "lifetime_limit");

    r = card_min();
    r.transaction_amount_limit = "500";
    r.lifetime_limit = "500000";
    assert_null(card_field(&r));

    r = card_min();
    r.weekly_limit = "1"; /* one limit alone is always in order */
    assert_null(card_field(&r));
}

static void card_limit_hierarchy_compares_amounts_not_text(void **state)
{
    ck_card_apply_req r = card_min();
    (void)state;
    r.transaction_amount_limit = "100.5";
    r.daily_limit = "100.50"; /* equal: allowed */
    r.weekly_limit = "100.50";
    r.monthly_limit = "0100.5";
    r.lifetime_limit = "100.5";
    assert_null(card_field(&r));

    r.daily_limit = "100.49";
    ASSERT_CARD_FIELD(r, "daily_limit");

    r = card_min();
    r.transaction_amount_limit = "9";
    r.daily_limit = "10"; /* "10" < "9" as text, larger as an amount */
    assert_null(card_field(&r));
}

static void card_optional_ids(void **state)
{
    static const char *const bad[] = {"", " ", "  ", "ci2020\n", "\tci2020", "\xff"};
    ck_card_apply_req r = card_full();
    size_t i;
    (void)state;
    r.budget_id = NULL; /* Dedicated Funds card */
    r.cardholder_id = NULL;
    assert_null(card_field(&r));
    for (i = 0; i < COUNT(bad); i++) {
        const char *got;
        r = card_full();
        r.budget_id = bad[i];
        got = card_field(&r);
        EXPECT(got != NULL && strcmp(got, "budget_id") == 0, bad[i]);
        r = card_full();
        r.cardholder_id = bad[i];
        got = card_field(&r);
        EXPECT(got != NULL && strcmp(got, "cardholder_id") == 0, bad[i]);
    }
}

static void card_reports_first_field_in_struct_order(void **state)
{
    ck_card_apply_req r = card_full();
    (void)state;
    r.card_product_code = "";
    r.remark = "";
    r.daily_limit = "x";
    r.budget_id = "";
    ASSERT_CARD_FIELD(r, "card_product_code");
    r.card_product_code = "T1FBXO";
    ASSERT_CARD_FIELD(r, "remark");
    r.remark = NULL;
    ASSERT_CARD_FIELD(r, "daily_limit");
    r.daily_limit = NULL;
    ASSERT_CARD_FIELD(r, "budget_id");
    r.budget_id = NULL;
    r.cardholder_id = "";
    ASSERT_CARD_FIELD(r, "cardholder_id");
}

/* ---- 3DS enroll / update --------------------------------------------- */

static void tds_valid_request_passes(void **state)
{
    ck_3ds_req r = {"card201907021723076245", "471041678120300545"};
    const char *field = k_unset;
    (void)state;
    assert_int_equal(ck_3ds_check(&r, &field), CK_OK);
    assert_null(field);
}

static void tds_fields_required_text(void **state)
{
    static const char *const bad[] = {NULL, "", " ", "card\n1", "\x01", "\xe2\x82"};
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(bad); i++) {
        ck_3ds_req r = {"card201907021723076245", "471041678120300545"};
        const char *field = k_unset;
        r.card_id = bad[i];
        EXPECT(ck_3ds_check(&r, &field) == CK_ERR_INVALID_ARG, bad[i]);
        EXPECT(field != NULL && field != k_unset && strcmp(field, "card_id") == 0, bad[i]);
        r.card_id = "card201907021723076245";
        r.cardholder_id = bad[i];
        field = k_unset;
        EXPECT(ck_3ds_check(&r, &field) == CK_ERR_INVALID_ARG, bad[i]);
        EXPECT(field != NULL && field != k_unset && strcmp(field, "cardholder_id") == 0, bad[i]);
    }
}

static void tds_reports_card_id_first(void **state)
{
    ck_3ds_req r = {NULL, NULL};
    const char *field = k_unset;
    (void)state;
    assert_int_equal(ck_3ds_check(&r, &field), CK_ERR_INVALID_ARG);
    assert_string_equal(field, "card_id");
}

/* ---- contact update -------------------------------------------------- */

static void contact_sample_passes_with_and_without_today(void **state)
{
    ck_contact_req r = contact_ok();
    (void)state;
    assert_null(contact_field(&r, &k_today));
    assert_null(contact_field(&r, NULL));
}

static void contact_every_field_required(void **state)
{
    static const char *const names[12] = {
        "cardholder_id", "call_prefix", "mobile", "email", "date_of_birth", "address_line",
        "city", "state", "post_code", "country_code", "security_index", "security_answer",
    };
    size_t f;
    (void)state;
    for (f = 0; f < 12u; f++) {
        ck_contact_req r = contact_ok();
        const char **slot[12];
        const char *got;
        slot[0] = &r.cardholder_id;
        slot[1] = &r.call_prefix;
        slot[2] = &r.mobile;
        slot[3] = &r.email;
        slot[4] = &r.date_of_birth;
        slot[5] = &r.address_line;
        slot[6] = &r.city;
        slot[7] = &r.state;
        slot[8] = &r.post_code;
        slot[9] = &r.country_code;
        slot[10] = &r.security_index;
        slot[11] = &r.security_answer;
        *slot[f] = NULL;
        got = contact_field(&r, &k_today);
        EXPECT(got != NULL && strcmp(got, names[f]) == 0, names[f]);
        *slot[f] = "";
        got = contact_field(&r, &k_today);
        EXPECT(got != NULL && strcmp(got, names[f]) == 0, names[f]);
    }
}

static void contact_cardholder_id_text(void **state)
{
    static const char *const bad[] = {" ", "4710\n", "\x7f", "\xff"};
    ck_contact_req r = contact_ok();
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(bad); i++) {
        const char *got;
        r.cardholder_id = bad[i];
        got = contact_field(&r, &k_today);
        EXPECT(got != NULL && strcmp(got, "cardholder_id") == 0, bad[i]);
    }
}

static void contact_call_prefix_list(void **state)
{
    static const char *const ok[] = {"+1", "+33", "+44", "+61", "+65", "+81", "+82", "+86", "+90", "+852"};
    static const char *const bad[] = {"1", "+49", "+0", "+01", "+8520", "+1 ", "44"};
    ck_contact_req r = contact_ok();
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(ok); i++) {
        r.call_prefix = ok[i];
        EXPECT(contact_field(&r, &k_today) == NULL, ok[i]);
    }
    for (i = 0; i < COUNT(bad); i++) {
        const char *got;
        r.call_prefix = bad[i];
        got = contact_field(&r, &k_today);
        EXPECT(got != NULL && strcmp(got, "call_prefix") == 0, bad[i]);
    }
}

static void contact_mobile_seven_to_fifteen_digits(void **state)
{
    static const char *const ok[] = {"1234567", "123456789012345", "2125551234"};
    static const char *const bad[] = {"123456", "1234567890123456", "212-555-1234", "+12125551234", "212 5551234", "21255512a4"};
    ck_contact_req r = contact_ok();
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(ok); i++) {
        r.mobile = ok[i];
        EXPECT(contact_field(&r, &k_today) == NULL, ok[i]);
    }
    for (i = 0; i < COUNT(bad); i++) {
        const char *got;
        r.mobile = bad[i];
        got = contact_field(&r, &k_today);
        EXPECT(got != NULL && strcmp(got, "mobile") == 0, bad[i]);
    }
}

static void contact_email_format(void **state)
{
    static const char *const bad[] = {"emma", "emma@example", "emma@@example.com", "emma johnson@example.com", "emma@example.c"};
    ck_contact_req r = contact_ok();
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(bad); i++) {
        const char *got;
        r.email = bad[i];
        got = contact_field(&r, &k_today);
        EXPECT(got != NULL && strcmp(got, "email") == 0, bad[i]);
    }
    r.email = "a@b.co";
    assert_null(contact_field(&r, &k_today));
}

static void contact_date_of_birth_real_date(void **state)
{
    static const char *const bad[] = {"1996-02-30", "1900-02-29", "1996-13-01", "1996-10-00", "31-10-1996", "1996-10-31 "};
    ck_contact_req r = contact_ok();
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(bad); i++) {
        const char *got;
        r.date_of_birth = bad[i];
        got = contact_field(&r, NULL); /* format is checked even without a clock */
        EXPECT(got != NULL && strcmp(got, "date_of_birth") == 0, bad[i]);
    }
    r.date_of_birth = "2000-02-29";
    assert_null(contact_field(&r, NULL));
}

static void contact_date_of_birth_in_the_past(void **state)
{
    char today[16];
    char tomorrow[16];
    ck_contact_req r = contact_ok();
    (void)state;
    (void)snprintf(today, sizeof today, "%04u-06-15", TODAY_YEAR);
    (void)snprintf(tomorrow, sizeof tomorrow, "%04u-06-16", TODAY_YEAR);
    r.date_of_birth = "9999-12-31";
    ASSERT_CONTACT_FIELD(r, &k_today, "date_of_birth");
    assert_null(contact_field(&r, NULL)); /* no clock: left to the server */
    r.date_of_birth = today;
    ASSERT_CONTACT_FIELD(r, &k_today, "date_of_birth");
    r.date_of_birth = tomorrow;
    ASSERT_CONTACT_FIELD(r, &k_today, "date_of_birth");
}

static void contact_minimum_age(void **state)
{
    ck_contact_req r = contact_ok();
    (void)state;
#if CK_MIN_CARDHOLDER_AGE > 0
    {
        char exact[16];
        char short_by_a_day[16];
        /* k_today is TODAY_YEAR-06-15. */
        (void)snprintf(exact, sizeof exact, "%04u-06-15", TODAY_YEAR - CK_MIN_CARDHOLDER_AGE);
        (void)snprintf(short_by_a_day, sizeof short_by_a_day, "%04u-06-16",
                       TODAY_YEAR - CK_MIN_CARDHOLDER_AGE);
        r.date_of_birth = exact;
        assert_null(contact_field(&r, &k_today));
        r.date_of_birth = short_by_a_day;
        ASSERT_CONTACT_FIELD(r, &k_today, "date_of_birth");
        assert_null(contact_field(&r, NULL)); /* no clock: left to the server */
    }
#else
    r.date_of_birth = "2026-06-14"; /* the check is off: a day old is fine */
    assert_null(contact_field(&r, &k_today));
#endif
}

static void contact_minimum_age_leap_day_birthday(void **state)
{
    /* Born on 29 February: in a common year, of age on 1 March. */
    const ck_date feb28 = {(uint16_t)(2000u + CK_MIN_CARDHOLDER_AGE), 2u, 28u};
    const ck_date mar01 = {(uint16_t)(2000u + CK_MIN_CARDHOLDER_AGE), 3u, 1u};
    ck_contact_req r = contact_ok();
    (void)state;
    r.date_of_birth = "2000-02-29";
    assert_null(contact_field(&r, &mar01));
    /* One day short (with the age check off: the day before the birth). */
    ASSERT_CONTACT_FIELD(r, &feb28, "date_of_birth");
}

static void contact_address_fields_text(void **state)
{
    static const char *const names[4] = {"address_line", "city", "state", "post_code"};
    static const char *const bad[] = {" ", "   ", "789 Oak\nStreet", "a\tb", "\x1b", "\xff", "caf\xc3"};
    size_t f;
    size_t i;
    (void)state;
    for (f = 0; f < 4u; f++) {
        for (i = 0; i < COUNT(bad); i++) {
            ck_contact_req r = contact_ok();
            const char **slot[4];
            const char *got;
            slot[0] = &r.address_line;
            slot[1] = &r.city;
            slot[2] = &r.state;
            slot[3] = &r.post_code;
            *slot[f] = bad[i];
            got = contact_field(&r, &k_today);
            EXPECT(got != NULL && strcmp(got, names[f]) == 0, bad[i]);
            *slot[f] = "Stra\303\237e 5, M\303\274nchen"; /* UTF-8 text is fine */
            EXPECT(contact_field(&r, &k_today) == NULL, names[f]);
        }
    }
}

static void contact_country_code_assigned_upper_case(void **state)
{
    static const char *const ok[] = {"US", "GB", "HK", "SG", "SS"};
    static const char *const bad[] = {"us", "USA", "UK", "XK", "EU", "AA", "U"};
    ck_contact_req r = contact_ok();
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(ok); i++) {
        r.country_code = ok[i];
        EXPECT(contact_field(&r, &k_today) == NULL, ok[i]);
    }
    for (i = 0; i < COUNT(bad); i++) {
        const char *got;
        r.country_code = bad[i];
        got = contact_field(&r, &k_today);
        EXPECT(got != NULL && strcmp(got, "country_code") == 0, bad[i]);
    }
}

static void contact_security_index_one_to_five(void **state)
{
    static const char *const ok[] = {"1", "2", "3", "4", "5"};
    static const char *const bad[] = {"0", "6", "9", "12", "01", "1 ", " 1", "a", "-1", "\xef\xbc\x91"};
    ck_contact_req r = contact_ok();
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(ok); i++) {
        r.security_index = ok[i];
        EXPECT(contact_field(&r, &k_today) == NULL, ok[i]);
    }
    for (i = 0; i < COUNT(bad); i++) {
        const char *got;
        r.security_index = bad[i];
        got = contact_field(&r, &k_today);
        EXPECT(got != NULL && strcmp(got, "security_index") == 0, bad[i]);
    }
}

static void contact_security_answer_text(void **state)
{
    static const char *const bad[] = {" ", "Smi\nth", "\xff"};
    ck_contact_req r = contact_ok();
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(bad); i++) {
        const char *got;
        r.security_answer = bad[i];
        got = contact_field(&r, &k_today);
        EXPECT(got != NULL && strcmp(got, "security_answer") == 0, bad[i]);
    }
    r.security_answer = "M\xc3\xbcller";
    assert_null(contact_field(&r, &k_today));
}

static void contact_reports_first_field_in_struct_order(void **state)
{
    ck_contact_req r = contact_ok();
    (void)state;
    r.mobile = "12";
    r.email = "x";
    r.city = "";
    r.security_answer = NULL;
    ASSERT_CONTACT_FIELD(r, &k_today, "mobile");
    r.mobile = "2125551234";
    ASSERT_CONTACT_FIELD(r, &k_today, "email");
    r.email = "a@b.co";
    ASSERT_CONTACT_FIELD(r, &k_today, "city");
    r.city = "Chicago";
    ASSERT_CONTACT_FIELD(r, &k_today, "security_answer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_request_is_named_request),
        cmocka_unit_test(null_out_field_is_allowed),
        cmocka_unit_test(success_clears_out_field),
        cmocka_unit_test(card_full_and_minimal_requests_pass),
        cmocka_unit_test(card_product_code_required_text),
        cmocka_unit_test(card_remark_is_optional_free_text),
        cmocka_unit_test(card_each_limit_must_be_an_amount),
        cmocka_unit_test(card_limit_hierarchy_names_the_later_field),
        cmocka_unit_test(card_limit_hierarchy_skips_absent_limits),
        cmocka_unit_test(card_limit_hierarchy_compares_amounts_not_text),
        cmocka_unit_test(card_optional_ids),
        cmocka_unit_test(card_reports_first_field_in_struct_order),
        cmocka_unit_test(tds_valid_request_passes),
        cmocka_unit_test(tds_fields_required_text),
        cmocka_unit_test(tds_reports_card_id_first),
        cmocka_unit_test(contact_sample_passes_with_and_without_today),
        cmocka_unit_test(contact_every_field_required),
        cmocka_unit_test(contact_cardholder_id_text),
        cmocka_unit_test(contact_call_prefix_list),
        cmocka_unit_test(contact_mobile_seven_to_fifteen_digits),
        cmocka_unit_test(contact_email_format),
        cmocka_unit_test(contact_date_of_birth_real_date),
        cmocka_unit_test(contact_date_of_birth_in_the_past),
        cmocka_unit_test(contact_minimum_age),
        cmocka_unit_test(contact_minimum_age_leap_day_birthday),
        cmocka_unit_test(contact_address_fields_text),
        cmocka_unit_test(contact_country_code_assigned_upper_case),
        cmocka_unit_test(contact_security_index_one_to_five),
        cmocka_unit_test(contact_security_answer_text),
        cmocka_unit_test(contact_reports_first_field_in_struct_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
