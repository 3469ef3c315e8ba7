/**
 * @file v2_check.c
 * @brief Checks of the v2 request structs against the API contract
 * (shared/API.md section 1), run before anything is built or sent and
 * available alone for forms that check as the user types.
 *
 * Fields are checked in struct order and the first failing one is named by
 * its JSON field name. Text rules, for every string field:
 *  - required: not NULL; optional: NULL means "not given";
 *  - a given string is never empty and is well-formed UTF-8;
 *  - free text (remark) may hold anything else: the JSON writer escapes it;
 *  - every other string holds no control character (U+0000..U+001F, U+007F)
 *    and is not made of spaces only.
 * Formatted fields (amounts, call prefix, mobile, e-mail, dates, country,
 * security index) are ASCII by their own rules, checked in ck_text.h.
 */
#include "cardkit/ck_v2.h"
#include "ck_text.h"

/** @brief A given string: non-empty UTF-8; unless @p free_text, no control characters and not spaces only. */
static bool text_ok(const char *s, bool free_text)
{
    size_t n = 0;
    bool blank = true;

    if (!ck_nonempty(s)) {
        return false;
    }
    for (; s[n] != '\0'; n++) {
        unsigned char c = (unsigned char)s[n];
        if (c != ' ') {
            blank = false;
        }
        if (!free_text && (c < 0x20u || c == 0x7Fu)) {
            return false;
        }
    }
    return ck_utf8_valid(s, n) && (free_text || !blank);
}

/** @brief An optional identifier: NULL, or text_ok(). */
static bool opt_id_ok(const char *s)
{
    return s == NULL || text_ok(s, false);
}

/** @brief Report @p bad (NULL when every field passed) through @p out_field. */
static ck_err report(const char *bad, const char **out_field)
{
    if (out_field != NULL) {
        *out_field = bad;
    }
    return bad == NULL ? CK_OK : CK_ERR_INVALID_ARG;
}

/** @brief The first field of @p req at fault, or NULL. */
static const char *card_apply_fault(const ck_card_apply_req *req)
{
    static const char *const names[5] = {
        "transaction_amount_limit", "daily_limit", "weekly_limit", "monthly_limit", "lifetime_limit"
    };
    const char *limits[5];
    uint64_t floor = 0; /* the largest limit given so far */
    unsigned i;

    if (req == NULL) {
        return "request";
    }
    if (!text_ok(req->card_product_code, false)) {
        return "card_product_code";
    }
    if (req->remark != NULL && !text_ok(req->remark, true)) {
        return "remark";
    }
    limits[0] = req->transaction_amount_limit;
    limits[1] = req->daily_limit;
    limits[2] = req->weekly_limit;
    limits[3] = req->monthly_limit;
    limits[4] = req->lifetime_limit;
    for (i = 0; i < 5u; i++) {
        uint64_t cents;
        if (limits[i] == NULL) {
            continue;
        }
        /* Each given limit is at least every earlier given one: the later
         * field of a pair out of order is the one at fault. */
        if (!ck_amount_parse(limits[i], &cents) || cents < floor) {
            return names[i];
        }
        floor = cents;
    }
    if (!opt_id_ok(req->budget_id)) {
        return "budget_id";
    }
    if (!opt_id_ok(req->cardholder_id)) {
        return "cardholder_id";
    }
    return NULL;
}

ck_err ck_card_apply_check(const ck_card_apply_req *req, const char **out_field)
{
    return report(card_apply_fault(req), out_field);
}

ck_err ck_3ds_check(const ck_3ds_req *req, const char **out_field)
{
    const char *bad = NULL;

    if (req == NULL) {
        bad = "request";
    } else if (!text_ok(req->card_id, false)) {
        bad = "card_id";
    } else if (!text_ok(req->cardholder_id, false)) {
        bad = "cardholder_id";
    }
    return report(bad, out_field);
}

/** @brief A date of birth: a real date and, when @p today is known, in the past and old enough. */
static bool dob_ok(const char *s, const ck_date *today)
{
    ck_date dob;
    unsigned min_age = CK_MIN_CARDHOLDER_AGE;

    if (!ck_date_parse(s, &dob)) {
        return false;
    }
    if (today == NULL) {
        return true;
    }
    return ck_date_cmp(&dob, today) < 0 && (min_age == 0u || ck_age_years(&dob, today) >= min_age);
}

/** @brief The first field of @p req at fault, or NULL. */
static const char *contact_fault(const ck_contact_req *req, const ck_date *today)
{
    if (req == NULL) {
        return "request";
    }
    if (!text_ok(req->cardholder_id, false)) {
        return "cardholder_id";
    }
    if (!ck_call_prefix_valid(req->call_prefix)) {
        return "call_prefix";
    }
    if (!ck_digits(req->mobile, 7u, 15u)) {
        return "mobile";
    }
    if (!ck_email_valid(req->email)) {
        return "email";
    }
    if (!dob_ok(req->date_of_birth, today)) {
        return "date_of_birth";
    }
    if (!text_ok(req->address_line, false)) {
        return "address_line";
    }
    if (!text_ok(req->city, false)) {
        return "city";
    }
    if (!text_ok(req->state, false)) {
        return "state";
    }
    if (!text_ok(req->post_code, false)) {
        return "post_code";
    }
    if (!ck_country_valid(req->country_code)) {
        return "country_code";
    }
    if (req->security_index == NULL || req->security_index[0] < '1' || req->security_index[0] > '5' ||
        req->security_index[1] != '\0') {
        return "security_index";
    }
    if (!text_ok(req->security_answer, false)) {
        return "security_answer";
    }
    return NULL;
}

ck_err ck_contact_check(const ck_contact_req *req, const ck_date *today, const char **out_field)
{
    return report(contact_fault(req, today), out_field);
}
