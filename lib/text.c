/**
 * @file text.c
 * @brief Small text helpers of ck_text.h used by the JSON reader and
 * writer, the HTTP writer and request validation: the one UTF-8 decoder,
 * UTF-8 checking, the secure wipe, ASCII lower case, decimal formatting and
 * the non-empty check.
 *
 * The other ck_text.h functions (amounts, dates, e-mail, ...) live in
 * validate.c.
 */
#include "ck_text.h"

#include <string.h>

size_t ck_utf8_next(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t c = p[0];
    size_t len = 1;
    size_t k;

    if (c >= 0x80u) {
        len = (c >= 0xF0u) ? 4u : (c >= 0xE0u) ? 3u : 2u;
        /* C0, C1 (always overlong), F5..FF and continuation bytes cannot lead. */
        if (c - 0xC2u > 0xF4u - 0xC2u || n < len) {
            return 0;
        }
        c &= 0x7Fu >> len;
        for (k = 1; k < len; k++) {
            uint32_t d = p[k] ^ 0x80u;
            if (d > 0x3Fu) {
                return 0;
            }
            c = (c << 6) | d;
        }
        /* Overlong (below 0x800 or 0x10000; the C2 lead rules it out for
         * 2 bytes), past U+10FFFF, or a surrogate. */
        if (c < (1u << (5u * len - 4u)) || c > 0x10FFFFu || c - 0xD800u < 0x800u) {
            return 0;
        }
    }
    *cp = c;
    return len;
}

bool ck_utf8_valid(const char *s, size_t n)
{
    uint32_t cp;

    if (s == NULL) {
        return n == 0u;
    }
    while (n > 0u) {
        size_t k = ck_utf8_next(s, n, &cp);
        if (k == 0u) {
            return false;
        }
        s += k;
        n -= k;
    }
    return true;
}

void ck_wipe(void *p, size_t n)
{
    /* Every store is volatile, so none can be elided; whole words between
     * the unaligned ends. */
    volatile unsigned char *v = (volatile unsigned char *)p;
    volatile size_t *w;

    for (; n != 0u && ((uintptr_t)v & (sizeof *w - 1u)) != 0u; n--) {
        *v++ = 0u;
    }
    w = (volatile size_t *)(volatile void *)v;
    for (; n >= sizeof *w; n -= sizeof *w) {
        *w++ = 0u;
    }
    v = (volatile unsigned char *)w;
    while (n-- > 0u) {
        *v++ = 0u;
    }
}

/**
 * @brief SWAR ("Bit Twiddling Hacks", hasless/haszero): the top bit of some
 * byte of the result is set when a byte of the word @p x is below @p lo, is
 * '"', '\\' or 0x7F and above (a byte of 0x7F and above sets its own top
 * bit in x | (x + ones); what carries out of it only adds to that).
 */
#define CK_ZERO_BYTES(y) (((y) - ones) & ~(y))
#define CK_SPECIAL(x, lo)                                                                                     \
    ((((x) - ones * (lo)) | (x) | ((x) + ones) | CK_ZERO_BYTES((x) ^ (ones * '"')) |                        \
      CK_ZERO_BYTES((x) ^ (ones * '\\'))) & (ones * 0x80u))

size_t ck_span_plain(const char *s, size_t n, unsigned lo)
{
    const size_t ones = SIZE_MAX / 0xFFu;
    size_t i = 0;
    size_t x;

    /* A word at a time; a word with a special byte is looked at byte by byte. */
    for (; n - i >= sizeof x; i += sizeof x) {
        memcpy(&x, s + i, sizeof x);
        if (CK_SPECIAL(x, lo) != 0u) {
            break;
        }
    }
    for (; i < n; i++) {
        unsigned c = (unsigned char)s[i];
        if (c < lo || c >= 0x7Fu || c == '"' || c == '\\') {
            break;
        }
    }
    return i;
}

char ck_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

size_t ck_u64_to_dec(uint64_t v, char *out)
{
    /* The digits are filled in from the end of tmp: bit-serial division by
     * 10 while v needs more than 32 bits (no 64-bit division routine on a
     * 32-bit target), then 32-bit division by a constant. */
    char tmp[20];
    char *p = tmp + sizeof tmp;
    uint32_t x;

    while (v > UINT32_MAX) {
        unsigned r = 0;
        unsigned k;

        for (k = 0; k < 64u; k++) {
            r = (r << 1) | (unsigned)(v >> 63);
            v <<= 1;
            if (r >= 10u) {
                r -= 10u;
                v |= 1u;
            }
        }
        *--p = (char)('0' + r);
    }
    x = (uint32_t)v;
    do {
        *--p = (char)('0' + x % 10u);
        x /= 10u;
    } while (x != 0u);
    memcpy(out, p, (size_t)(tmp + sizeof tmp - p));
    return (size_t)(tmp + sizeof tmp - p);
}

bool ck_nonempty(const char *s)
{
    return s != NULL && s[0] != '\0';
}
