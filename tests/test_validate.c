/**
 * @file test_validate.c
 * @brief Unit tests of the field checks of ck_text.h implemented in
 * lib/validate.c: amounts, digit strings, e-mail addresses, dates, ages,
 * call prefixes, country codes and header values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ck_text.h"

/** @brief Fail the test naming the input when @p cond is false. */
#define EXPECT(cond, input)                                                         \
    do {                                                                            \
        if (!(cond)) {                                                              \
            print_error("%s:%d: failed for input \"%s\"\n", __FILE__, __LINE__,     \
                        (input) != NULL ? (input) : "(NULL)");                      \
            fail();                                                                 \
        }                                                                           \
    } while (0)

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- ck_amount_parse ------------------------------------------------- */

static void amount_integers_are_hundredths(void **state)
{
    static const struct {
        const char *in;
        uint64_t cents;
    } ok[] = {
        {"0", 0u}, {"1", 100u}, {"2000", 200000u}, {"007", 700u},
        {"999999999999", 99999999999900u}, /* 12 integer digits */
    };
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(ok); i++) {
        uint64_t cents = 12345u;
        EXPECT(ck_amount_parse(ok[i].in, &cents), ok[i].in);
        EXPECT(cents == ok[i].cents, ok[i].in);
    }
}

static void amount_one_or_two_decimals(void **state)
{
    static const struct {
        const char *in;
        uint64_t cents;
    } ok[] = {
        {"5.5", 550u}, {"5.50", 550u}, {"500.00", 50000u}, {"0.01", 1u}, {"0.1", 10u},
        {"1.05", 105u}, {"0.0", 0u}, {"999999999999.99", 99999999999999u},
    };
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(ok); i++) {
        uint64_t cents = 12345u;
        EXPECT(ck_amount_parse(ok[i].in, &cents), ok[i].in);
        EXPECT(cents == ok[i].cents, ok[i].in);
    }
}

static void amount_rejects_thirteen_integer_digits(void **state)
{
    (void)state;
    assert_false(ck_amount_parse("1000000000000", NULL));
    assert_false(ck_amount_parse("1000000000000.00", NULL));
    assert_false(ck_amount_parse("0000000000000", NULL));
    assert_true(ck_amount_parse("000000000000", NULL));
}

static void amount_rejects_three_decimals(void **state)
{
    (void)state;
    assert_false(ck_amount_parse("1.234", NULL));
    assert_false(ck_amount_parse("1.000", NULL));
    assert_false(ck_amount_parse("0.001", NULL));
    assert_true(ck_amount_parse("1.23", NULL));
}

static void amount_rejects_bare_or_repeated_dot(void **state)
{
    static const char *const bad[] = {"1.", ".5", ".", "..", "1..2", "1.2.3", "1.5."};
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_amount_parse(bad[i], NULL), bad[i]);
    }
}

static void amount_rejects_other_characters(void **state)
{
    static const char *const bad[] = {
        "", "-1", "+1", " 1", "1 ", "1,5", "1,000", "1e3", "0x10", "1_000", "5.5a", "a5",
        "\xd9\xa1", /* ARABIC-INDIC DIGIT ONE */
    };
    size_t i;
    (void)state;
    assert_false(ck_amount_parse(NULL, NULL));
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_amount_parse(bad[i], NULL), bad[i]);
    }
}

static void amount_leaves_output_alone_on_failure(void **state)
{
    uint64_t cents = 777u;
    (void)state;
    assert_false(ck_amount_parse("12.345", &cents));
    assert_int_equal(cents, 777u);
    assert_true(ck_amount_parse("12.3", NULL)); /* NULL output allowed */
}

/* ---- ck_digits ------------------------------------------------------- */

static void digits_length_bounds(void **state)
{
    (void)state;
    assert_false(ck_digits("123456", 7u, 15u));           /* 6 */
    assert_true(ck_digits("1234567", 7u, 15u));           /* 7 */
    assert_true(ck_digits("2125551234", 7u, 15u));        /* 10 */
    assert_true(ck_digits("123456789012345", 7u, 15u));   /* 15 */
    assert_false(ck_digits("1234567890123456", 7u, 15u)); /* 16 */
    assert_true(ck_digits("", 0u, 3u));
    assert_false(ck_digits("", 1u, 3u));
}

static void digits_only_ascii_digits(void **state)
{
    static const char *const bad[] = {
        "12345a7", "123 4567", "+1234567", "1234567 ", " 1234567", "123-4567", "123.4567",
        "\357\274\221234567", /* FULLWIDTH DIGIT ONE, then digits */
    };
    size_t i;
    (void)state;
    assert_false(ck_digits(NULL, 0u, 15u));
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_digits(bad[i], 7u, 15u), bad[i]);
    }
}

/* ---- ck_email_valid -------------------------------------------------- */

static void email_accepts_usual_addresses(void **state)
{
    static const char *const ok[] = {
        "emma.johnson.updated@example.com", "a@b.co", "user+tag@mail.example.org",
        "first_last@sub-domain.example.travel", "x@1mail.io", "o'brien@example.ie",
        "UPPER@EXAMPLE.COM", "a!#$%&*/=?^`{|}~-@x.io",
    };
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(ok); i++) {
        EXPECT(ck_email_valid(ok[i]), ok[i]);
    }
}

static void email_needs_exactly_one_at_and_a_local_part(void **state)
{
    static const char *const bad[] = {
        "", "plainaddress", "@example.com", "a@@example.com", "a@b@example.com", "example.com@",
    };
    size_t i;
    (void)state;
    assert_false(ck_email_valid(NULL));
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_email_valid(bad[i]), bad[i]);
    }
}

static void email_local_part_rules(void **state)
{
    static const char *const bad[] = {
        ".a@example.com", "a.@example.com", "a..b@example.com", "\"a\"@example.com",
        "a(b)@example.com", "a,b@example.com", "a:b@example.com", "a;b@example.com",
        "a<b>@example.com", "a[b]@example.com", "a\\b@example.com",
    };
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_email_valid(bad[i]), bad[i]);
    }
    assert_true(ck_email_valid("a.b.c@example.com"));
}

static void email_domain_rules(void **state)
{
    static const char *const bad[] = {
        "a@localhost", "a@example", "a@.example.com", "a@example..com", "a@example.com.",
        "a@example.c", "a@example.c0m", "a@example.123", "a@exa_mple.com", "a@example.co-",
        "a@[1.2.3.4]",
    };
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_email_valid(bad[i]), bad[i]);
    }
    assert_true(ck_email_valid("a@my-host.example.com"));
    assert_true(ck_email_valid("a@example.museum"));
}

static void email_rejects_spaces_controls_and_non_ascii(void **state)
{
    static const char *const bad[] = {
        " a@example.com", "a@example.com ", "a b@example.com", "a@exa mple.com",
        "a\t@example.com", "a@example.com\n", "a\x7f@example.com",
        "caf\xc3\xa9@example.com", "a@caf\xc3\xa9.com",
    };
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_email_valid(bad[i]), bad[i]);
    }
}

/* ---- ck_date_parse, ck_date_cmp, ck_age_years ------------------------ */

static void date_parses_fields(void **state)
{
    ck_date d = {0u, 0u, 0u};
    (void)state;
    assert_true(ck_date_parse("1996-10-31", &d));
    assert_int_equal(d.year, 1996);
    assert_int_equal(d.month, 10);
    assert_int_equal(d.day, 31);
    assert_true(ck_date_parse("1900-01-01", &d));
    assert_int_equal(d.year, 1900);
    assert_true(ck_date_parse("9999-12-31", &d));
    assert_int_equal(d.year, 9999);
    assert_int_equal(d.month, 12);
    assert_int_equal(d.day, 31);
    assert_true(ck_date_parse("2001-02-03", NULL)); /* NULL output allowed */
}

static void date_month_lengths(void **state)
{
    static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    char buf[16];
    unsigned m;
    (void)state;
    for (m = 1; m <= 12u; m++) {
        (void)snprintf(buf, sizeof buf, "2023-%02u-%02u", m, days[m - 1u]);
        EXPECT(ck_date_parse(buf, NULL), buf);
        (void)snprintf(buf, sizeof buf, "2023-%02u-%02u", m, days[m - 1u] + 1u);
        EXPECT(!ck_date_parse(buf, NULL), buf);
    }
}

static void date_leap_years(void **state)
{
    (void)state;
    assert_true(ck_date_parse("2000-02-29", NULL));  /* divisible by 400 */
    assert_false(ck_date_parse("1900-02-29", NULL)); /* century, not by 400 */
    assert_false(ck_date_parse("2100-02-29", NULL));
    assert_true(ck_date_parse("2400-02-29", NULL));
    assert_true(ck_date_parse("2024-02-29", NULL));
    assert_false(ck_date_parse("2023-02-29", NULL));
    assert_false(ck_date_parse("2024-02-30", NULL));
}

static void date_ranges(void **state)
{
    static const char *const bad[] = {
        "1996-00-10", "1996-13-10", "1996-99-10", "1996-10-00", "1996-10-32", "1996-04-31",
        "1899-12-31", "0000-01-01", "0999-01-01",
    };
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_date_parse(bad[i], NULL), bad[i]);
    }
}

static void date_format_is_exactly_ten_characters(void **state)
{
    static const char *const bad[] = {
        "", "1996-1-31", "1996-10-1", "96-10-31", "1996/10/31", "19961031", "1996-10-311",
        " 1996-10-31", "1996-10-31 ", "1996-10-31T00:00", "+996-10-31", "1996-10-3a",
        "1996_10_31", "1996--10-31", "1996-10",
    };
    size_t i;
    (void)state;
    assert_false(ck_date_parse(NULL, NULL));
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_date_parse(bad[i], NULL), bad[i]);
    }
}

static void date_leaves_output_alone_on_failure(void **state)
{
    ck_date d = {1234u, 5u, 6u};
    (void)state;
    assert_false(ck_date_parse("2023-02-29", &d));
    assert_int_equal(d.year, 1234);
    assert_int_equal(d.month, 5);
    assert_int_equal(d.day, 6);
}

static void date_cmp_orders_dates(void **state)
{
    const ck_date a = {2024u, 5u, 10u};
    const ck_date same = {2024u, 5u, 10u};
    const ck_date next_day = {2024u, 5u, 11u};
    const ck_date next_month = {2024u, 6u, 1u};
    const ck_date next_year = {2025u, 1u, 1u};
    const ck_date last_year = {2023u, 12u, 31u};
    (void)state;
    assert_int_equal(ck_date_cmp(&a, &same), 0);
    assert_true(ck_date_cmp(&a, &next_day) < 0);
    assert_true(ck_date_cmp(&next_day, &a) > 0);
    assert_true(ck_date_cmp(&a, &next_month) < 0);
    assert_true(ck_date_cmp(&next_year, &a) > 0);
    assert_true(ck_date_cmp(&last_year, &a) < 0);
    assert_true(ck_date_cmp(&next_month, &next_day) > 0);
}

static void age_counts_whole_years(void **state)
{
    const ck_date dob = {2008u, 6u, 15u};
    const ck_date birthday18 = {2026u, 6u, 15u};
    const ck_date day_before = {2026u, 6u, 14u};
    const ck_date month_before = {2026u, 5u, 31u};
    const ck_date later = {2026u, 12u, 31u};
    (void)state;
    assert_int_equal(ck_age_years(&dob, &birthday18), 18);
    assert_int_equal(ck_age_years(&dob, &day_before), 17);
    assert_int_equal(ck_age_years(&dob, &month_before), 17);
    assert_int_equal(ck_age_years(&dob, &later), 18);
    assert_int_equal(ck_age_years(&dob, &dob), 0);
}

static void age_of_a_leap_day_birthday(void **state)
{
    const ck_date dob = {2008u, 2u, 29u};
    const ck_date feb28 = {2026u, 2u, 28u};
    const ck_date mar01 = {2026u, 3u, 1u};
    const ck_date leap_day = {2028u, 2u, 29u};
    (void)state;
    assert_int_equal(ck_age_years(&dob, &feb28), 17);
    assert_int_equal(ck_age_years(&dob, &mar01), 18);
    assert_int_equal(ck_age_years(&dob, &leap_day), 20);
}

static void age_of_a_future_date_is_zero(void **state)
{
    const ck_date today = {2026u, 1u, 1u};
    const ck_date future = {2030u, 1u, 1u};
    (void)state;
    assert_int_equal(ck_age_years(&future, &today), 0);
}

/* ---- ck_call_prefix_valid -------------------------------------------- */

static void call_prefix_each_supported(void **state)
{
    static const char *const ok[] = {"+1", "+33", "+44", "+61", "+65", "+81", "+82", "+86", "+90", "+852"};
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(ok); i++) {
        EXPECT(ck_call_prefix_valid(ok[i]), ok[i]);
    }
}

static void call_prefix_rejects_others(void **state)
{
    static const char *const bad[] = {
        "", "+", "1", "44", "852", "+0", "+01", "+044", "+7", "+49", "+62", "+85", "+8520",
        "+852 ", " +44", "+44 ", "++1", "+1\n", "+11", "+3", "+33+", "0044", "+\xef\xbc\x91",
    };
    size_t i;
    (void)state;
    assert_false(ck_call_prefix_valid(NULL));
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_call_prefix_valid(bad[i]), bad[i]);
    }
}

/* ---- ck_country_valid ------------------------------------------------ */

static void country_accepts_assigned_codes(void **state)
{
    static const char *const ok[] = {
        "US", "GB", "DE", "FR", "CN", "HK", "SG", "JP", "KR", "AU", "TR", "ID", "SS", "CA",
        "AD", "AX", "BQ", "BL", "CW", "MF", "SX", "PS", "TW", "MO", "AQ", "BV", "UM", "ZW",
    };
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(ok); i++) {
        EXPECT(ck_country_valid(ok[i]), ok[i]);
    }
}

static void country_rejects_unassigned_and_reserved(void **state)
{
    static const char *const bad[] = {
        "XK", "UK", "EU", "AA", "ZZ", "QZ", "UN", "EZ", "AN", "YU", "CS", "TP", "SU", "XA",
        "AC", "TA", "EA", "IC", "DG", "FX", "OA",
    };
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_country_valid(bad[i]), bad[i]);
    }
}

static void country_upper_case_two_letters_only(void **state)
{
    static const char *const bad[] = {
        "us", "Us", "uS", "gb", "USA", "U", "", "U1", "1U", " US", "US ", "U S", "@A", "A[",
        "\xc3\x9cS",
    };
    size_t i;
    (void)state;
    assert_false(ck_country_valid(NULL));
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_country_valid(bad[i]), bad[i]);
    }
}

static void country_table_holds_249_codes(void **state)
{
    char code[3] = {0, 0, 0};
    unsigned n = 0;
    char a;
    char b;
    (void)state;
    for (a = 'A'; a <= 'Z'; a++) {
        for (b = 'A'; b <= 'Z'; b++) {
            code[0] = a;
            code[1] = b;
            n += ck_country_valid(code) ? 1u : 0u;
        }
    }
    assert_int_equal(n, 249);
}

/* ---- ck_header_value_ok ---------------------------------------------- */

static void header_value_accepts_printable_and_tab(void **state)
{
    static const char *const ok[] = {
        "Bearer abc.def-ghi", "k3y_ABC", "a\tb", "a b", "x", "", "caf\xc3\xa9",
    };
    size_t i;
    (void)state;
    for (i = 0; i < COUNT(ok); i++) {
        EXPECT(ck_header_value_ok(ok[i]), ok[i]);
    }
}

static void header_value_rejects_controls_and_edge_space(void **state)
{
    static const char *const bad[] = {
        "abc\r\nX-Evil: 1", "a\nb", "a\rb", "a\x01", "a\x7f", "\x1b[0m", " abc", "abc ",
        "\tabc", "abc\t", " ", "\t",
    };
    size_t i;
    (void)state;
    assert_false(ck_header_value_ok(NULL));
    for (i = 0; i < COUNT(bad); i++) {
        EXPECT(!ck_header_value_ok(bad[i]), bad[i]);
    }
}

/* ck_span_plain: a word at a time must agree with the rule byte by byte,
 * for every length, alignment and position of a special byte. */
static size_t span_ref(const char *s, size_t n, unsigned lo)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned c = (unsigned char)s[i];
        if (c < lo || c >= 0x7Fu || c == '"' || c == '\\') {
            break;
        }
    }
    return i;
}

static void span_plain_agrees_with_the_rule(void **state)
{
    static const unsigned char odd[] = {0x00, 0x01, 0x09, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C,
                                        0x5D, 0x7E, 0x7F, 0x80, 0xA5, 0xC3, 0xFF};
    char buf[64];
    size_t off, n, pos, k, lo;
    (void)state;

    for (lo = 0x20; lo <= 0x21; lo++) {
        for (off = 0; off < 8; off++) {
            for (n = 0; n + off <= 40; n++) {
                memset(buf, 'a', sizeof buf);
                assert_int_equal(ck_span_plain(buf + off, n, (unsigned)lo), n);
                for (pos = 0; pos < n; pos++) {
                    for (k = 0; k < sizeof odd; k++) {
                        memset(buf, '~', sizeof buf);
                        buf[off + pos] = (char)odd[k];
                        if (pos + 1u < n) {
                            buf[off + pos + 1u] = (char)odd[(k + 5u) % sizeof odd]; /* a second one after it */
                        }
                        assert_int_equal(ck_span_plain(buf + off, n, (unsigned)lo), span_ref(buf + off, n, (unsigned)lo));
                    }
                }
            }
        }
    }
}

/* ck_wipe by words: exactly [p, p + n) becomes 0, at every alignment. */
static void wipe_clears_exactly_its_bytes(void **state)
{
    unsigned char buf[80];
    size_t off, n, i;
    (void)state;

    for (off = 0; off < 16; off++) {
        for (n = 0; off + n <= 60; n++) {
            memset(buf, 0xAA, sizeof buf);
            ck_wipe(buf + off, n);
            for (i = 0; i < sizeof buf; i++) {
                assert_int_equal(buf[i], (i >= off && i < off + n) ? 0 : 0xAA);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(span_plain_agrees_with_the_rule),
        cmocka_unit_test(wipe_clears_exactly_its_bytes),
        cmocka_unit_test(amount_integers_are_hundredths),
        cmocka_unit_test(amount_one_or_two_decimals),
        cmocka_unit_test(amount_rejects_thirteen_integer_digits),
        cmocka_unit_test(amount_rejects_three_decimals),
        cmocka_unit_test(amount_rejects_bare_or_repeated_dot),
        cmocka_unit_test(amount_rejects_other_characters),
        cmocka_unit_test(amount_leaves_output_alone_on_failure),
        cmocka_unit_test(digits_length_bounds),
        cmocka_unit_test(digits_only_ascii_digits),
        cmocka_unit_test(email_accepts_usual_addresses),
        cmocka_unit_test(email_needs_exactly_one_at_and_a_local_part),
        cmocka_unit_test(email_local_part_rules),
        cmocka_unit_test(email_domain_rules),
        cmocka_unit_test(email_rejects_spaces_controls_and_non_ascii),
        cmocka_unit_test(date_parses_fields),
        cmocka_unit_test(date_month_lengths),
        cmocka_unit_test(date_leap_years),
        cmocka_unit_test(date_ranges),
        cmocka_unit_test(date_format_is_exactly_ten_characters),
        cmocka_unit_test(date_leaves_output_alone_on_failure),
        cmocka_unit_test(date_cmp_orders_dates),
        cmocka_unit_test(age_counts_whole_years),
        cmocka_unit_test(age_of_a_leap_day_birthday),
        cmocka_unit_test(age_of_a_future_date_is_zero),
        cmocka_unit_test(call_prefix_each_supported),
        cmocka_unit_test(call_prefix_rejects_others),
        cmocka_unit_test(country_accepts_assigned_codes),
        cmocka_unit_test(country_rejects_unassigned_and_reserved),
        cmocka_unit_test(country_upper_case_two_letters_only),
        cmocka_unit_test(country_table_holds_249_codes),
        cmocka_unit_test(header_value_accepts_printable_and_tab),
        cmocka_unit_test(header_value_rejects_controls_and_edge_space),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
