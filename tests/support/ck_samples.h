/**
 * @file ck_samples.h
 * @brief Valid sample requests (the provider's documented examples), shared
 * by the suites that need a request that passes every check.
 */
#ifndef CK_SAMPLES_H
#define CK_SAMPLES_H

#include "cardkit/ck_v2.h"

/** @brief The documented card request: every optional field given, limits in order. */
ck_card_apply_req ck_sample_card(void);

/** @brief The documented contact update: all twelve fields valid. */
ck_contact_req ck_sample_contact(void);

#endif /* CK_SAMPLES_H */
