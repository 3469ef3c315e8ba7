/**
 * @file ck_fixture.h
 * @brief Test fixture: a client over the loopback port, with canaries
 * around its buffers and a capture of everything it sends.
 */
#ifndef CK_FIXTURE_H
#define CK_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cardkit/cardkit.h"
#include "ck_loopback.h"

#define CK_FIX_CANARY 0xA5u
#define CK_FIX_CANARY_LEN 32u
#define CK_FIX_BASE_URL "https://issuer.test/card/issuance"
#define CK_FIX_API_KEY "k-3f9a2c7e51d0b8a4"
#define CK_FIX_TOKEN "t-eyJhbGciOiJFUzI1NiJ9.c2VjcmV0"

/** @brief A REPLY step from a string literal, delivered in one piece. */
#define CK_REPLY(s) {CK_LB_REPLY, (const uint8_t *)(s), sizeof(s) - 1u, 0u, 0u, CK_OK}
/** @brief A REPLY step delivered @p n bytes per recv. */
#define CK_REPLY_SPLIT(s, n) {CK_LB_REPLY, (const uint8_t *)(s), sizeof(s) - 1u, (n), 0u, CK_OK}
#define CK_STALL(ms) {CK_LB_STALL, NULL, 0u, 0u, (ms), CK_OK}
#define CK_EOF() {CK_LB_EOF, NULL, 0u, 0u, 0u, CK_OK}
#define CK_RECV_FAIL(e) {CK_LB_RECV_FAIL, NULL, 0u, 0u, 0u, (e)}
#define CK_CONNECT_FAIL(e) {CK_LB_CONNECT_FAIL, NULL, 0u, 0u, 0u, (e)}
#define CK_CONNECT_STALL(ms) {CK_LB_CONNECT_STALL, NULL, 0u, 0u, (ms), CK_OK}
#define CK_SEND_FAIL(after, e) {CK_LB_SEND_FAIL, NULL, (after), 0u, 0u, (e)}

/**
 * @brief Assert (cmocka) that @p res says "may have been applied" because
 * of @p why: CK_ERR_OUTCOME_UNKNOWN, CK_APPLIED_MAYBE, cause @p why.
 */
#define CK_ASSERT_MAYBE(res, why)                               \
    do {                                                        \
        assert_int_equal((res).err, CK_ERR_OUTCOME_UNKNOWN);    \
        assert_int_equal((res).applied, CK_APPLIED_MAYBE);      \
        assert_int_equal((res).cause, (why));                   \
    } while (0)

/** @brief Buffers with guard bytes on both sides. */
typedef struct ck_fix_guarded {
    uint8_t pre[CK_FIX_CANARY_LEN];
    ck_buffers b;
    uint8_t post[CK_FIX_CANARY_LEN];
} ck_fix_guarded;

/** @brief Everything a client test needs. */
typedef struct ck_fixture {
    ck_loopback lb;
    ck_transport transport;
    ck_platform platform;
    ck_client_config cfg;
    ck_client client;
    ck_fix_guarded g;
    uint8_t capture[16384];
    char log[4096];     /**< every log event, one line each (kind, method, path, status, err) */
    size_t log_len;
} ck_fixture;

/**
 * @brief Set up @p f with @p steps: loopback at virtual time @p start_ms,
 * default config (CK_FIX_BASE_URL, test credentials, ck_buffers), a log
 * hook that records events. Does not init the client: call ck_fix_client().
 */
void ck_fix_setup(ck_fixture *f, const ck_lb_step *steps, size_t n, uint32_t start_ms);

/** @brief ck_client_init() on the fixture's config; returns its error. */
ck_err ck_fix_client(ck_fixture *f);

/** @brief True when both canaries are intact. */
bool ck_fix_canaries_ok(const ck_fixture *f);

/** @brief True when the work buffer and tokens are all zero (wiped). */
bool ck_fix_buffers_wiped(const ck_fixture *f);

/**
 * @brief True when the @p n bytes at @p p are wiped bytes (0) then bytes
 * never written (@p fill, what the test put there before the call): a call
 * wipes every byte it wrote, and writes from the start of each buffer.
 */
bool ck_fix_wiped_prefix(const void *p, size_t n, uint8_t fill);

/** @brief The captured request bytes as a NUL-terminated string (capture is kept NUL-terminated). */
const char *ck_fix_sent(ck_fixture *f);

/** @brief True when @p needle occurs in the @p len bytes at @p hay. */
bool ck_fix_contains(const void *hay, size_t len, const char *needle);

#endif /* CK_FIXTURE_H */
