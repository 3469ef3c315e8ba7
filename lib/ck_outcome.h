/**
 * @file ck_outcome.h
 * @brief Private: the failure model — whether a call's operation may have
 * been applied, from what its attempts came to. The one place that decides
 * ck_result::applied, and with it CK_ERR_OUTCOME_UNKNOWN.
 *
 * Each attempt falls into one ::ck_answer class. The verdict of a class
 * depends on the kind of call and on whether an earlier attempt of the
 * same call may have been applied (a "lost predecessor"): after one, only
 * an answer that speaks for the earlier attempt settles the outcome.
 * docs/failure-model.md prints the table; tests/test_outcome.c checks the
 * document against ck_outcome_verdict() and walks every combination
 * through a real client.
 */
#ifndef CK_OUTCOME_H
#define CK_OUTCOME_H

#include <stdbool.h>
#include <stdint.h>

#include "cardkit/ck_client.h"

/** @brief How a call may be repeated: decides resends and verdicts. */
typedef enum ck_call_kind {
    CK_CALL_ONCE = 0,      /**< applied each time it arrives (v2 card apply, generic v2 calls) */
    CK_CALL_BY_NATURE = 1, /**< idempotent by nature (v2 3DS enroll, re-associate, contact update) */
    CK_CALL_KEYED = 2,     /**< carries an idempotency key (v1 enroll, update, unenroll) */
    CK_CALL_READ = 3       /**< changes nothing (v1 get) */
} ck_call_kind;

#define CK_CALL_KIND_COUNT 4u

/** @brief What one attempt came to, as the failure model sees it. */
typedef enum ck_answer {
    CK_ANSWER_NOT_SENT = 0,  /**< not a byte left the device */
    CK_ANSWER_LOST,          /**< sent (or held by a buffering port), no complete answer */
    CK_ANSWER_OK,            /**< 2xx, decoded as success */
    CK_ANSWER_API_FAILURE,   /**< 2xx whose content says it failed (CK_ERR_API_FAILURE) */
    CK_ANSWER_UNREADABLE,    /**< 2xx whose body could not be read (malformed, unexpected, too large) */
    CK_ANSWER_REFUSED,       /**< 400, 404, 409: the API refused the content */
    CK_ANSWER_AUTH,          /**< 401, 403 */
    CK_ANSWER_RATE_LIMITED,  /**< 429 */
    CK_ANSWER_BUSY,          /**< 503 with Retry-After: not processed */
    CK_ANSWER_OTHER_4XX,     /**< a 4xx the API does not document */
    CK_ANSWER_SERVER,        /**< 500, 502, 504, a 503 without Retry-After, any other 5xx */
    CK_ANSWER_OTHER_STATUS   /**< 1xx after the head, 3xx */
} ck_answer;

#define CK_ANSWER_COUNT 12u

/** @brief What one attempt came to, as the retry policy and the failure model see it. */
typedef struct ck_attempt {
    ck_err err;            /**< the attempt's error (CK_OK: final) */
    ck_progress progress;  /**< how far it got */
    uint16_t http_status;  /**< when a head was read */
    ck_call_kind kind;     /**< the call's kind */
    bool has_retry_after;  /**< the answer had Retry-After */
    uint32_t retry_after_ms;
} ck_attempt;

/** @brief The class of @p a. Does not block. */
ck_answer ck_outcome_answer(const ck_attempt *a);

/**
 * @brief The verdict of an answer of class @p answer to a call of kind
 * @p kind, with or without a lost predecessor. Reads the one table.
 */
ck_applied ck_outcome_verdict(ck_call_kind kind, ck_answer answer, bool lost_before);

/**
 * @brief Fill @p res's applied, err, cause and progress at the end of a
 * call. @p last is its last attempt; @p lost_before says whether an
 * earlier attempt may have been applied; @p any_sent whether any attempt
 * got past CK_PROGRESS_NOT_SENT. MAYBE makes err CK_ERR_OUTCOME_UNKNOWN,
 * with the last attempt's own error in cause.
 */
void ck_outcome_settle(const ck_attempt *last, bool lost_before, bool any_sent, ck_result *res);

#endif /* CK_OUTCOME_H */
