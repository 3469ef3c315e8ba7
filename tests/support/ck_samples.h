/**
 * @file ck_samples.h
 * @brief Valid sample requests (the provider's documented examples), shared
 * by the suites that need a request that passes every check.
 */
#ifndef CK_SAMPLES_H
#define CK_SAMPLES_H

#include "cardkit/ck_v1.h"
#include "cardkit/ck_v2.h"

/** @brief The documented card request: every optional field given, limits in order. */
ck_card_apply_req ck_sample_card(void);

/** @brief The documented contact update: all twelve fields valid. */
ck_contact_req ck_sample_contact(void);

/** @brief A v1 request with every id and SMS, its key @p key (NULL or "": made by the call). */
ck_v1_req ck_sample_v1(const char *key);

#endif /* CK_SAMPLES_H */
