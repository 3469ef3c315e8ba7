/**
 * @file ck_platform.h
 * @brief What cardkit needs from the platform besides a transport: a
 * monotonic clock, a way to wait, random bytes, and (optionally) the date.
 *
 * A port fills a ::ck_platform with its functions. Tests inject a virtual
 * clock (see port/loopback) so that deadlines and back-off are exact.
 */
#ifndef CK_PLATFORM_H
#define CK_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "ck_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief A calendar date (proleptic Gregorian). */
typedef struct ck_date {
    uint16_t year;  /**< e.g. 2026 */
    uint8_t month;  /**< 1..12 */
    uint8_t day;    /**< 1..31 */
} ck_date;

/** @brief Platform hooks. Functions marked required must be set. */
typedef struct ck_platform {
    /** Context passed to every hook. */
    void *ctx;

    /**
     * Required. Milliseconds from a monotonic clock; wraps at 2^32.
     * cardkit only ever compares differences, so the wrap is harmless for
     * deadlines shorter than 24 days. Must not block.
     */
    uint32_t (*now_ms)(void *ctx);

    /**
     * Required. Wait about @p ms milliseconds (back-off between attempts).
     * Blocks. A port may return early; cardkit re-reads now_ms().
     */
    void (*sleep_ms)(void *ctx, uint32_t ms);

    /**
     * Required. Fill @p buf with @p len unpredictable bytes (back-off jitter,
     * idempotency keys). Returns CK_OK or CK_ERR_RANDOM. May block briefly.
     */
    ck_err (*random)(void *ctx, uint8_t *buf, size_t len);

    /**
     * Optional (may be NULL). Today's date from a trusted real-time clock.
     * Used to check that a date of birth is in the past and the cardholder's
     * minimum age; without it those two checks are left to the server.
     * Returns CK_OK, or an error when the clock is not set. Must not block.
     */
    ck_err (*today)(void *ctx, ck_date *out_date);
} ck_platform;

#ifdef __cplusplus
}
#endif

#endif /* CK_PLATFORM_H */
