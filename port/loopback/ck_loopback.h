/**
 * @file ck_loopback.h
 * @brief An in-memory transport and platform for tests: it plays a scripted
 * server, captures every byte the client sends, and runs a virtual clock.
 *
 * The script is one queue of steps. Each transport operation takes the
 * steps meant for it from the front: connect takes CK_LB_CONNECT_*, send
 * takes CK_LB_SEND_FAIL, recv takes CK_LB_REPLY, CK_LB_STALL, CK_LB_EOF
 * and CK_LB_RECV_FAIL. A reply is only delivered once the client has sent
 * something since the previous reply ended (as a real server answers a
 * request). Time only moves when a step stalls or the client sleeps, so
 * deadlines are exact and tests never wait.
 */
#ifndef CK_LOOPBACK_H
#define CK_LOOPBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cardkit/ck_platform.h"
#include "cardkit/ck_transport.h"

/** @brief Step kinds. */
typedef enum ck_lb_kind {
    CK_LB_REPLY = 0,      /**< recv gets @c data/@c len, at most @c split bytes per recv */
    CK_LB_STALL,          /**< recv waits @c ms of virtual time (WOULD_BLOCK, then goes on) */
    CK_LB_EOF,            /**< recv gets CK_ERR_PEER_CLOSED (and keeps getting it) */
    CK_LB_RECV_FAIL,      /**< recv gets @c err */
    CK_LB_CONNECT_FAIL,   /**< the next connect returns @c err */
    CK_LB_CONNECT_STALL,  /**< the next connect takes @c ms (TIMEOUT if over its budget) */
    CK_LB_SEND_FAIL       /**< the next send accepts @c len bytes then returns @c err */
} ck_lb_kind;

/** @brief One step of the script. */
typedef struct ck_lb_step {
    ck_lb_kind kind;
    const uint8_t *data;
    size_t len;
    size_t split;   /**< REPLY: largest piece per recv (0: all at once) */
    uint32_t ms;
    ck_err err;
} ck_lb_step;

/** @brief Loopback state; a test owns one. Fields are readable by tests. */
typedef struct ck_loopback {
    /* script */
    const ck_lb_step *steps;
    size_t step_count;
    size_t step_pos;
    size_t step_off;        /**< bytes of the current REPLY delivered, or ms stalled */
    size_t max_send;        /**< largest piece one send accepts (0: all) */
    /**
     * Random splits: when not 0, each recv of a REPLY gets 1 to `split`
     * bytes (1 to 64 when the step's split is 0), drawn from this xorshift32
     * state (apart from the platform's random source, so back-off draws do
     * not change). Set by the test; 0 keeps the step's fixed split.
     */
    uint32_t split_rng;
    /* capture */
    uint8_t *capture;
    size_t capture_cap;
    size_t capture_len;
    bool capture_overflow;
    size_t sent_since_reply;
    /* connection */
    bool connected;
    bool eof;
    unsigned connects;      /**< successful connects */
    unsigned closes;
    char last_host[72];
    uint16_t last_port;
    bool script_error;      /**< an operation met a step meant for another */
    /* platform */
    uint32_t now_ms;
    uint32_t slept_ms;      /**< total virtual sleep */
    uint64_t rng;
    ck_date today;
    bool has_today;
} ck_loopback;

/**
 * @brief Set up @p lb with a script and a capture buffer (may be NULL).
 * The virtual clock starts at @p start_ms (choose one near 2^32 to test the
 * wrap). Does not block.
 */
void ck_loopback_init(ck_loopback *lb, const ck_lb_step *steps, size_t step_count,
                      uint8_t *capture, size_t capture_cap, uint32_t start_ms);

/** @brief A transport over @p lb (secure: nothing leaves the process). */
void ck_loopback_transport(ck_loopback *lb, ck_transport *out);

/** @brief A platform over @p lb: virtual clock, sleep that advances it, seeded random, settable date. */
void ck_loopback_platform(ck_loopback *lb, ck_platform *out);

/** @brief True when every step of the script was used. */
bool ck_loopback_done(const ck_loopback *lb);

#endif /* CK_LOOPBACK_H */
