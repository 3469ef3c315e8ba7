/**
 * @file ck_text.h
 * @brief Private: small text checks shared by the JSON writer, the HTTP
 * writer and request validation, and the secure wipe.
 */
#ifndef CK_TEXT_H
#define CK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cardkit/ck_json.h"
#include "cardkit/ck_platform.h"

/**
 * @brief Decode the UTF-8 sequence at @p s, of which @p n (>= 1) bytes may
 * be read, into @p cp (RFC 3629: no overlongs, surrogates or > U+10FFFF).
 * @return Its length in bytes (1 to 4), or 0 when it is not well-formed
 *         (then @p cp is unchanged).
 */
size_t ck_utf8_next(const char *s, size_t n, uint32_t *cp);

/* ck_utf8_valid() is public: cardkit/ck_json.h. */

/** @brief Wipe @p n bytes at @p p in a way the compiler cannot remove. */
void ck_wipe(void *p, size_t n);

/**
 * @brief How many bytes of @p s (at most @p n) are printable ASCII at or
 * above @p lo (0x20 or 0x21) but '"' and '\\': the run that needs neither
 * a check nor a JSON escape. Reads a word at a time.
 */
size_t ck_span_plain(const char *s, size_t n, unsigned lo);

/** @brief ASCII lower case of @p c. */
char ck_lower(char c);

/** @brief Decimal text of @p v into @p out (no NUL); returns the digits written (<= 20). @p out must hold 20. */
size_t ck_u64_to_dec(uint64_t v, char *out);

/** @brief True for a non-NULL, non-empty string. */
bool ck_nonempty(const char *s);

/**
 * @brief Amount: `DIGITS[.D[D]]`, 1 to 12 integer digits.
 * @param out_cents When not NULL, set to the amount in hundredths.
 */
bool ck_amount_parse(const char *s, uint64_t *out_cents);

/** @brief Only ASCII digits, between @p min and @p max of them. */
bool ck_digits(const char *s, size_t min, size_t max);

/**
 * @brief `local@domain.tld`: one '@', non-empty local part, a domain of
 * dot-separated non-empty labels (letters, digits, '-') with at least two
 * labels and a last label of two or more letters; no spaces or control
 * characters anywhere. Local part: printable ASCII except space, '@', '"',
 * '(', ')', ',', ':', ';', '<', '>', '[', '\\', ']'; no leading, trailing or
 * double dot.
 */
bool ck_email_valid(const char *s);

/** @brief `YYYY-MM-DD`, a real Gregorian date, year 1900..9999. */
bool ck_date_parse(const char *s, ck_date *out);

/** @brief <0, 0, >0 as @p a is before, equal to, after @p b. */
int ck_date_cmp(const ck_date *a, const ck_date *b);

/** @brief Whole years from @p dob to @p today (dob <= today). */
unsigned ck_age_years(const ck_date *dob, const ck_date *today);

/** @brief One of +1 +33 +44 +61 +65 +81 +82 +86 +90 +852. */
bool ck_call_prefix_valid(const char *s);

/** @brief An assigned ISO 3166-1 alpha-2 code, upper case (e.g. "US"). */
bool ck_country_valid(const char *s);

/** @brief A header value: no control characters but HTAB, no leading/trailing space. */
bool ck_header_value_ok(const char *s);

#endif /* CK_TEXT_H */
