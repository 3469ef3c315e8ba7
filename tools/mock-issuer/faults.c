/**
 * @file faults.c
 * @brief Seeded random faults and the ledger of what the mock applied.
 *
 * --fault-rate PCT fails that share of API requests, chosen by a hash of
 * (--fault-seed, request number): the same seed fails the same request
 * numbers. A fault is one of --fault-kinds: 429 or 503 with Retry-After and
 * 500 (not applied), or drop (applied, then the connection is closed
 * without an answer: the client cannot know it was applied).
 *
 * --ledger FILE gets one line per operation the mock applied ("card.apply
 * CARD REMARK", "3ds.enroll CARD HOLDER", ...), flushed at once, so a test
 * can count how many times each row of a batch was applied.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mock.h"

static FILE *mock_ledger_file;

bool mock_fault_kinds(const char *list, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned bit;
    } kinds[] = {{"429", MOCK_FAULT_429}, {"503", MOCK_FAULT_503}, {"500", MOCK_FAULT_500},
                 {"drop", MOCK_FAULT_DROP}};
    unsigned bits = 0;
    const char *p = list;

    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        size_t k;
        for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            if (strlen(kinds[k].name) == n && strncmp(p, kinds[k].name, n) == 0) {
                bits |= kinds[k].bit;
                break;
            }
        }
        if (k == sizeof kinds / sizeof kinds[0]) {
            return false;
        }
        p += n;
        if (*p == ',') {
            p++;
        }
    }
    if (bits == 0u) {
        return false;
    }
    *out = bits;
    return true;
}

/** @brief splitmix64: a well-mixed 64-bit hash. */
static uint64_t mock_mix(uint64_t x)
{
    x += UINT64_C(0x9E3779B97F4A7C15);
    x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
    return x ^ (x >> 31);
}

unsigned mock_fault_of(const mock_config *cfg, unsigned long n)
{
    uint64_t h;
    unsigned bits[4];
    unsigned count = 0;
    unsigned b;

    if (cfg->fault_pct == 0u) {
        return 0;
    }
    h = mock_mix(mock_mix((uint64_t)cfg->fault_seed) ^ (uint64_t)n);
    if (h % 100u >= cfg->fault_pct) {
        return 0;
    }
    for (b = 1u; b <= MOCK_FAULT_DROP; b <<= 1u) {
        if ((cfg->fault_kinds & b) != 0u) {
            bits[count++] = b;
        }
    }
    return count == 0u ? 0u : bits[(h >> 32) % count];
}

bool mock_ledger_open(const char *path)
{
    mock_ledger_file = fopen(path, "a");
    return mock_ledger_file != NULL;
}

void mock_ledger(const char *fmt, ...)
{
    va_list ap;

    if (mock_ledger_file == NULL) {
        return;
    }
    va_start(ap, fmt);
    (void)vfprintf(mock_ledger_file, fmt, ap);
    va_end(ap);
    fputc('\n', mock_ledger_file);
    (void)fflush(mock_ledger_file);
}
