/**
 * @file validate.c
 * @brief The field checks of ck_text.h used by request validation: amounts,
 * digit strings, e-mail addresses, calendar dates and ages, call prefixes,
 * ISO 3166-1 country codes and HTTP header values.
 *
 * Every string check treats NULL as invalid, reads
 * no byte past the first failing one, and writes its outputs only on
 * success. Nothing here allocates or blocks.
 */
#include <string.h>

#include "ck_text.h"

bool ck_amount_parse(const char *s, uint64_t *out_cents)
{
    uint64_t v = 0;
    size_t n = 0;        /* digits in the current part */
    size_t max = 12u;    /* most digits the current part may have */

    if (s == NULL) {
        return false;
    }
    for (;; s++) {
        char c = *s;
        if (c >= '0' && c <= '9') {
            v = v * 10u + (uint64_t)(c - '0');
            n++;
        } else if (n == 0u || n > max || (c != '\0' && (c != '.' || max == 2u))) {
            return false;
        } else if (c == '.') {
            max = 2u;
            n = 0;
        } else {
            break;
        }
    }
    /* v holds every digit: scale to hundredths. */
    if (max == 12u) {
        v *= 100u;
    } else if (n == 1u) {
        v *= 10u;
    }
    if (out_cents != NULL) {
        *out_cents = v;
    }
    return true;
}

bool ck_digits(const char *s, size_t min, size_t max)
{
    size_t n = 0;

    if (s == NULL) {
        return false;
    }
    while (s[n] >= '0' && s[n] <= '9') {
        n++;
    }
    return s[n] == '\0' && n >= min && n <= max;
}

bool ck_email_valid(const char *s)
{
    unsigned char c;
    unsigned char prev = '.'; /* a leading dot counts as a double dot */
    size_t len = 0;
    unsigned labels = 0;
    bool alpha = true;

    if (s == NULL) {
        return false;
    }
    /* Local part, up to the first '@'. */
    for (; *s != '@'; s++) {
        c = (unsigned char)*s;
        if (c <= ' ' || c >= 0x7Fu || strchr("\"(),:;<>[\\]", c) != NULL ||
            (c == '.' && prev == '.')) {
            return false; /* also the NUL: no '@' at all */
        }
        prev = c;
    }
    if (prev == '.') {
        return false; /* a trailing dot, or no local part at all */
    }
    /* Domain: dot-separated labels of letters, digits and '-'. */
    for (;;) {
        c = (unsigned char)*++s;
        if (c == '.' || c == '\0') {
            if (len == 0u) {
                return false;
            }
            labels++;
            if (c == '\0') {
                break;
            }
            len = 0;
            alpha = true;
        } else {
            unsigned char u = (unsigned char)(c & 0xDFu); /* ASCII upper case */
            if (u < 'A' || u > 'Z') {
                if ((c < '0' || c > '9') && c != '-') {
                    return false;
                }
                alpha = false;
            }
            len++;
        }
    }
    return labels >= 2u && alpha && len >= 2u;
}

bool ck_date_parse(const char *s, ck_date *out)
{
    unsigned f[3] = {0u, 0u, 0u}; /* year, month, day */
    unsigned k = 0;
    unsigned i;
    unsigned dim;

    if (s == NULL) {
        return false;
    }
    for (i = 0; i < 10u; i++) {
        char c = s[i];
        if (i == 4u || i == 7u) {
            if (c != '-') {
                return false;
            }
            k++;
        } else if (c >= '0' && c <= '9') {
            f[k] = f[k] * 10u + (unsigned)(c - '0');
        } else {
            return false; /* also the NUL: nothing past it is read */
        }
    }
    if (s[10] != '\0' || f[0] < 1900u || f[1] - 1u > 11u || f[2] == 0u) {
        return false;
    }
    if (f[1] == 2u) {
        /* Leap: divisible by 4, and by 400 for a century. */
        dim = (f[0] % (f[0] % 100u == 0u ? 400u : 4u) == 0u) ? 29u : 28u;
    } else {
        /* 31 for Jan, Mar, May, Jul, Aug, Oct, Dec; 30 otherwise. */
        dim = 30u + ((f[1] + (f[1] >> 3)) & 1u);
    }
    if (f[2] > dim) {
        return false;
    }
    if (out != NULL) {
        out->year = (uint16_t)f[0];
        out->month = (uint8_t)f[1];
        out->day = (uint8_t)f[2];
    }
    return true;
}

/** @brief A date as one number that orders like the date. */
static uint32_t date_key(const ck_date *d)
{
    return ((uint32_t)d->year << 16) | ((uint32_t)d->month << 8) | d->day;
}

int ck_date_cmp(const ck_date *a, const ck_date *b)
{
    uint32_t ka = date_key(a);
    uint32_t kb = date_key(b);

    return (ka > kb) - (ka < kb);
}

unsigned ck_age_years(const ck_date *dob, const ck_date *today)
{
    uint32_t kd = date_key(dob);
    uint32_t kt = date_key(today);

    if (kd > kt) {
        return 0u;
    }
    /* Less one when this year's birthday is still to come (29 February
     * counts as 1 March in other years). */
    return (unsigned)((kt >> 16) - (kd >> 16)) - ((kt & 0xFFFFu) < (kd & 0xFFFFu) ? 1u : 0u);
}

bool ck_call_prefix_valid(const char *s)
{
    static const char prefixes[] = "1\0" "33\0" "44\0" "61\0" "65\0" "81\0" "82\0" "86\0" "90\0" "852";
    const char *p = prefixes;

    if (s == NULL || *s++ != '+') {
        return false;
    }
    while (strcmp(p, s) != 0) {
        p += strlen(p) + 1u;
        if (p >= prefixes + sizeof prefixes) {
            return false;
        }
    }
    return true;
}

/**
 * @brief The 249 officially assigned ISO 3166-1 alpha-2 codes (ISO 3166
 * Maintenance Agency, as of 2024), one bit per code: code "XY" is bit
 * (X - 'A') * 26 + (Y - 'A'), least significant bit first. Reserved codes
 * (UK, EU, XK, ...) are not set.
 */
static const uint8_t k_assigned[85] = {
    0x78u, 0x59u, 0xDFu, 0xEEu, 0xEFu, 0xBDu, 0xDDu, 0xDEu, 0x27u, 0x3Fu, 0x84u,
    0x15u, 0x80u, 0xD4u, 0x00u, 0x0Eu, 0x00u, 0x5Cu, 0x09u, 0xB0u, 0x9Fu, 0xFBu,
    0x15u, 0x00u, 0x8Du, 0x06u, 0x18u, 0x78u, 0x0Fu, 0x40u, 0x40u, 0x03u, 0x00u,
    0x1Du, 0x2Bu, 0xF4u, 0x41u, 0x81u, 0x4Fu, 0xFDu, 0xFCu, 0xFFu, 0xD7u, 0x25u,
    0x4Bu, 0x08u, 0x00u, 0x01u, 0x40u, 0x3Cu, 0x8Fu, 0x53u, 0x01u, 0x00u, 0x00u,
    0x40u, 0x00u, 0x51u, 0xF1u, 0xFDu, 0xE7u, 0x3Au, 0xBBu, 0x9Fu, 0x9Au, 0x41u,
    0x10u, 0x04u, 0x57u, 0x85u, 0x40u, 0x00u, 0x02u, 0x40u, 0x00u, 0x00u, 0x00u,
    0x00u, 0x10u, 0x00u, 0x08u, 0x04u, 0x40u, 0x00u, 0x01u
};

bool ck_country_valid(const char *s)
{
    unsigned a;
    unsigned b;
    unsigned bit;

    if (s == NULL) {
        return false;
    }
    a = (unsigned)(unsigned char)s[0] - 'A';
    if (a >= 26u) {
        return false;
    }
    b = (unsigned)(unsigned char)s[1] - 'A';
    if (b >= 26u || s[2] != '\0') {
        return false;
    }
    bit = a * 26u + b;
    return ((unsigned)(k_assigned[bit >> 3] >> (bit & 7u)) & 1u) != 0u;
}

bool ck_header_value_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (s == NULL) {
        return false;
    }
    for (; *p != 0u; p++) {
        if ((*p < 0x20u && *p != '\t') || *p == 0x7Fu) {
            return false;
        }
    }
    /* Only SP and HTAB are left at or below ' '. */
    return p == (const unsigned char *)s || ((unsigned char)s[0] > ' ' && p[-1] > ' ');
}
