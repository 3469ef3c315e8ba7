/**
 * @file text.c
 * @brief Small text helpers of ck_text.h used by the JSON writer, the HTTP
 * writer and request validation: UTF-8 checking, the secure wipe, ASCII
 * lower case, decimal formatting and the non-empty check.
 *
 * The other ck_text.h functions (amounts, dates, e-mail, ...) live in
 * validate.c.
 */
#include "ck_text.h"

bool ck_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    if (p == NULL) {
        return n == 0u;
    }
    while (i < n) {
        unsigned c = p[i++];
        unsigned more;
        uint32_t cp;
        uint32_t min;

        if (c < 0x80u) {
            continue;
        }
        if (c < 0xC2u) {
            /* A continuation byte first, or C0/C1 (always overlong). */
            return false;
        }
        if (c < 0xE0u) {
            more = 1u;
            cp = c & 0x1Fu;
            min = 0x80u;
        } else if (c < 0xF0u) {
            more = 2u;
            cp = c & 0x0Fu;
            min = 0x800u;
        } else if (c < 0xF5u) {
            more = 3u;
            cp = c & 0x07u;
            min = 0x10000u;
        } else {
            return false;
        }
        if (n - i < more) {
            return false;
        }
        while (more-- > 0u) {
            unsigned d = p[i++];
            if ((d & 0xC0u) != 0x80u) {
                return false;
            }
            cp = (cp << 6) | (d & 0x3Fu);
        }
        /* Overlong, past U+10FFFF, or a surrogate (U+D800..U+DFFF). */
        if (cp < min || cp > 0x10FFFFu || cp - 0xD800u < 0x800u) {
            return false;
        }
    }
    return true;
}

void ck_wipe(void *p, size_t n)
{
    volatile unsigned char *v = (volatile unsigned char *)p;

    while (n-- > 0u) {
        *v++ = 0u;
    }
}

char ck_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

size_t ck_u64_to_dec(uint64_t v, char *out)
{
    /* Long division by 10 on 16-bit pieces, so that a 32-bit target needs
     * no 64-bit division routine. */
    uint32_t part[4];
    char tmp[20];
    size_t n = 0;
    size_t i;
    uint32_t more;

    for (i = 0; i < 4u; i++) {
        part[i] = (uint32_t)(v >> (48u - 16u * i)) & 0xFFFFu;
    }
    do {
        uint32_t r = 0;

        more = 0;
        for (i = 0; i < 4u; i++) {
            uint32_t d = (r << 16) | part[i];
            part[i] = d / 10u;
            r = d % 10u;
            more |= part[i];
        }
        tmp[n++] = (char)('0' + r);
    } while (more != 0u);
    for (i = 0; i < n; i++) {
        out[i] = tmp[n - 1u - i];
    }
    return n;
}

bool ck_nonempty(const char *s)
{
    return s != NULL && s[0] != '\0';
}
