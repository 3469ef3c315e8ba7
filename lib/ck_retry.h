/**
 * @file ck_retry.h
 * @brief Private: the one retry policy of cardkit.
 *
 * - Not a byte sent (connect, TLS handshake, refused): may retry.
 *   A certificate that does not verify is never retried.
 * - Sent, answer lost (timeout, EOF, reset, broken framing): resend only a
 *   call with an idempotency key (CK_CALL_KEYED) or one that changes
 *   nothing (CK_CALL_READ).
 * - Answered 429 (the rate limiter refused it before processing): may
 *   retry, whatever the kind. Answered 503: may retry, except a
 *   CK_CALL_ONCE (card apply): some proxies answer 503 after the upstream
 *   processed the request. Waits follow Retry-After when given as
 *   delta-seconds (capped at the back-off cap).
 *   Retry-After as an HTTP-date is ignored and the back-off applies: the
 *   platform has a monotonic clock and at most today's date, no trusted
 *   time of day to subtract the date from (the parser keeps delta-seconds
 *   only).
 * - Anything else: final.
 * Waits are exponential with full jitter, and every wait must end before
 * the call's deadline or there is no further attempt.
 * What a call reports at the end (applied, err, cause, progress) is the
 * failure model's (ck_outcome.h), not the retry policy's.
 */
#ifndef CK_RETRY_H
#define CK_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "cardkit/ck_client.h"
#include "ck_outcome.h"

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
