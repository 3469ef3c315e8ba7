/**
 * @file v2_fields.c
 * @brief Checks and body writing for the v2 request tables.
 *
 * Text rules, for every string field: required fields are not NULL;
 * optional ones are NULL when not given; a given string is never empty and
 * is well-formed UTF-8; free text (remark) may hold anything else, as the
 * JSON writer escapes it; every other string holds no control character
 * (U+0000..U+001F, U+007F) and is not made of spaces only. Amounts given
 * must keep transaction <= daily <= weekly <= monthly <= lifetime: each is
 * at least every earlier one, and the later field of a pair out of order
 * is the one named. A `bool` field (CK_F_BOOL) is not checked and is always
 * written.
 */
#include <string.h>

#include "cardkit/ck_config_defaults.h"
#include "ck_text.h"
#include "ck_v2_fields.h"

/** @brief The string field @p f of @p req. */
static const char *ck_field_value(const void *req, const ck_v2_field *f)
{
    const char *const *slot = (const char *const *)(const void *)((const char *)req + f->offset);
    return *slot;
}

/** @brief A given string: non-empty UTF-8; unless @p free_text, no control characters and not spaces only. */
static bool ck_text_ok(const char *s, bool free_text)
{
    size_t n = strlen(s);
    bool blank = true;

    if (n != 0u && ck_span_plain(s, n, 0x21u) == n) {
        return true; /* printable ASCII without space ('"' and '\\' go the long way) */
    }
    for (n = 0; s[n] != '\0'; n++) {
        unsigned char c = (unsigned char)s[n];
        if (c != ' ') {
            blank = false;
        }
        if (!free_text && (c < 0x20u || c == 0x7Fu)) {
            return false;
        }
    }
    return n > 0u && ck_utf8_valid(s, n) && (free_text || !blank);
}

/** @brief A date of birth: a real date and, when @p today is known, in the past and old enough. */
static bool ck_dob_ok(const char *s, const ck_date *today)
{
    ck_date dob;
    unsigned min_age = CK_MIN_CARDHOLDER_AGE;

    if (!ck_date_parse(s, &dob)) {
        return false;
    }
    return today == NULL || (ck_date_cmp(&dob, today) < 0 && ck_age_years(&dob, today) >= min_age);
}

ck_err ck_v2_form_check(const ck_v2_form *form, const void *req, const ck_date *today, const char **out_field)
{
    const char *bad = NULL;
    uint64_t floor = 0; /* the largest amount given so far */
    size_t i;

    if (req == NULL) {
        bad = "request";
    }
    for (i = 0; bad == NULL && i < form->count; i++) {
        const ck_v2_field *f = &form->fields[i];
        unsigned rule = f->rule;
        const char *s;
        uint64_t cents = 0;
        bool ok;

        if (rule == CK_F_BOOL) {
            continue; /* any value is one */
        }
        s = ck_field_value(req, f);
        if (s == NULL) {
            ok = rule - CK_F_ID_OPT <= CK_F_AMOUNT_OPT - CK_F_ID_OPT; /* the optional ones */
        } else if (!ck_text_ok(s, rule == CK_F_FREE_OPT)) {
            ok = false;
        } else {
            switch (rule) {
            case CK_F_AMOUNT_OPT:
                ok = ck_amount_parse(s, &cents) && cents >= floor;
                floor = cents;
                break;
            case CK_F_PREFIX: ok = ck_call_prefix_valid(s); break;
            case CK_F_MOBILE: ok = ck_digits(s, 7u, 15u); break;
            case CK_F_EMAIL: ok = ck_email_valid(s); break;
            case CK_F_DOB: ok = ck_dob_ok(s, today); break;
            case CK_F_COUNTRY: ok = ck_country_valid(s); break;
            case CK_F_INDEX: ok = s[0] >= '1' && s[0] <= '5' && s[1] == '\0'; break;
            default: ok = true; break;
            }
        }
        if (!ok) {
            bad = f->name;
        }
    }
    if (out_field != NULL) {
        *out_field = bad;
    }
    return bad == NULL ? CK_OK : CK_ERR_INVALID_ARG;
}

ck_err ck_v2_form_write(ck_json_writer *w, const ck_v2_form *form, const void *req)
{
    size_t i;

    for (i = 0; i < form->count; i++) {
        const ck_v2_field *f = &form->fields[i];
        const char *s;

        if (f->rule == CK_F_BOOL) {
            const bool *b = (const bool *)(const void *)((const char *)req + f->offset);
            CK_RETURN_IF_FAILED(ck_json_member_bool(w, f->name, *b));
            continue;
        }
        s = ck_field_value(req, f);
        if (s != NULL) {
            CK_RETURN_IF_FAILED(ck_json_member_string(w, f->name, s));
        }
    }
    return CK_OK;
}
