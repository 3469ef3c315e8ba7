/**
 * @file ck_retry.h
 * @brief Private: the one retry policy of cardkit.
 *
 * - Not a byte sent (connect, TLS handshake, refused): may retry.
 *   A certificate that does not verify is never retried.
 * - Sent, answer lost (timeout, EOF, reset): retry only a resend-safe call
 *   (one that carries an idempotency key); otherwise CK_ERR_OUTCOME_UNKNOWN.
 * - Answered 429 or 503 (the server did not process it): may retry, after
 *   Retry-After when given as delta-seconds (capped at the back-off cap).
 *   Retry-After as an HTTP-date is ignored and the back-off applies: the
 *   platform has a monotonic clock and at most today's date, no trusted
 *   time of day to subtract the date from (the parser keeps delta-seconds
 *   only).
 * - Anything else: final.
 * Waits are exponential with full jitter, and every wait must end before
 * the call's deadline or there is no further attempt.
 * Reporting (call.c): once an attempt was sent and its answer lost, a call
 * that ends without an answer telling the outcome (a resend not sent, or
 * answered 429/503) is CK_ERR_OUTCOME_UNKNOWN with progress SENT.
 */
#ifndef CK_RETRY_H
#define CK_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "cardkit/ck_client.h"

/** @brief What one attempt came to, as the policy sees it. */
typedef struct ck_attempt {
    ck_err err;            /**< the attempt's error (CK_OK: final) */
    ck_progress progress;  /**< how far it got */
    uint16_t http_status;  /**< when answered */
    bool resend_safe;      /**< the call carries an idempotency key */
    bool has_retry_after;  /**< the answer had Retry-After */
    uint32_t retry_after_ms;
} ck_attempt;

/** @brief True when the policy allows another attempt after @p a (ignoring time and count). */
bool ck_retry_allowed(const ck_attempt *a);

/**
 * @brief The wait before attempt number @p next_attempt (2, 3, ...):
 * Retry-After when given (capped), else a uniform random value in
 * [0, min(cap, base * 2^(next_attempt - 2))].
 * @return CK_OK or CK_ERR_RANDOM.
 */
ck_err ck_retry_wait_ms(const ck_client_config *cfg, const ck_attempt *a,
                        uint8_t next_attempt, uint32_t *out_wait_ms);

#endif /* CK_RETRY_H */
