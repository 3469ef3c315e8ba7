/**
 * @file ckctl_batch_utf8.c
 * @brief Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
 * above U+10FFFF. Shared by the CSV and JSON Lines readers.
 */
#include "ckctl_batch.h"

bool ckb_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned c = p[i];
        size_t n;
        unsigned lo = 0x80u;
        unsigned hi = 0xBFu;
        size_t k;

        if (c < 0x80u) {
            i++;
            continue;
        }
        if (c >= 0xC2u && c <= 0xDFu) {
            n = 1;
        } else if (c >= 0xE0u && c <= 0xEFu) {
            n = 2;
            lo = c == 0xE0u ? 0xA0u : 0x80u; /* no overlong */
            hi = c == 0xEDu ? 0x9Fu : 0xBFu; /* no surrogates */
        } else if (c >= 0xF0u && c <= 0xF4u) {
            n = 3;
            lo = c == 0xF0u ? 0x90u : 0x80u;
            hi = c == 0xF4u ? 0x8Fu : 0xBFu; /* <= U+10FFFF */
        } else {
            return false;
        }
        if (len - i <= n) {
            return false;
        }
        if (p[i + 1u] < lo || p[i + 1u] > hi) {
            return false;
        }
        for (k = 2; k <= n; k++) {
            if (p[i + k] < 0x80u || p[i + k] > 0xBFu) {
                return false;
            }
        }
        i += n + 1u;
    }
    return true;
}
