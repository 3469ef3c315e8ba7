/**
 * @file ckctl_batch_send.c
 * @brief One row of `ckctl batch run` on one worker: its v1 key (the row's,
 * the journal's on a replay, or a new one — made before anything is sent),
 * the S record on disk, the request within --rate and the shared 429/503
 * pause, replays of a lost answer where safe (never card.apply), the
 * verdict, and the A or N record.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ckctl_batch_engine.h"

/** @brief Tries of a row whose answer was lost, where a replay is safe. */
#define CKB_MAX_TRIES 3u
/** @brief Pause for every job after a final 429 or 503. */
#define CKB_BACKOFF_US 1000000u

/** @brief Sleep until monotonic time @p t_us. */
static void ckb_sleep_until(uint64_t t_us)
{
    uint64_t now = ckb_now_us();

    if (t_us > now) {
        struct timespec ts;
        uint64_t d = t_us - now;
        ts.tv_sec = (time_t)(d / 1000000u);
        ts.tv_nsec = (long)(d % 1000000u) * 1000L;
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
}

/** @brief --rate and 429/503 back-off: wait for this request's turn. */
static void ckb_pace(ckb_engine *e)
{
    uint64_t now = ckb_now_us();
    uint64_t t = now;

    (void)pthread_mutex_lock(&e->mu);
    if (e->pause_until_us > t) {
        t = e->pause_until_us;
    }
    if (e->o->rate > 0.0) {
        if (e->next_send_us > t) {
            t = e->next_send_us;
        }
        e->next_send_us = t + (uint64_t)(1e6 / e->o->rate);
    }
    (void)pthread_mutex_unlock(&e->mu);
    ckb_sleep_until(t);
}

/** @brief Every job waits @p us from now. */
static void ckb_pause_all(ckb_engine *e, uint64_t us)
{
    uint64_t t = ckb_now_us() + us;

    (void)pthread_mutex_lock(&e->mu);
    if (t > e->pause_until_us) {
        e->pause_until_us = t;
    }
    (void)pthread_mutex_unlock(&e->mu);
}

/** @brief Log hook: the library waits out a 429/503 (Retry-After): so do the other jobs. */
void ckb_on_event(void *ctx, const ck_log_event *ev)
{
    if (ev->kind == CK_LOG_RETRY && (ev->err == CK_ERR_RATE_LIMITED || ev->err == CK_ERR_HTTP_5XX)) {
        ckb_pause_all((ckb_engine *)ctx, (uint64_t)ev->wait_ms * 1000u);
    }
}

/** @brief May a row of @p cmd whose answer was lost be sent again? */
bool ckb_replay_safe(const ckctl_command *cmd)
{
    return cmd->id != CKCTL_CMD_CARD_APPLY;
}

/** @brief A failure before sending that says the connection cannot be made. */
static bool ckb_connect_failure(const ck_result *res)
{
    return res->progress == CK_PROGRESS_NOT_SENT &&
           (res->err == CK_ERR_CONNECT || res->err == CK_ERR_TLS || res->err == CK_ERR_TLS_VERIFY ||
            res->err == CK_ERR_TRANSPORT || res->err == CK_ERR_TIMEOUT || res->err == CK_ERR_PEER_CLOSED);
}

/**
 * @brief Does @p res, the answer to a replay of a row whose earlier try may
 * have been applied, settle the row? What the library's failure model says
 * after a lost attempt, across the library calls of one row; and, by the
 * batch's own rule, a 3DS enroll's 409 (its own earlier enroll).
 */
static bool ckb_replay_settles(const ckctl_command *cmd, const ck_result *res)
{
    return ck_result_applied_after_lost(res) != CK_APPLIED_MAYBE ||
           (cmd->id == CKCTL_CMD_3DS_ENROLL && res->err == CK_ERR_CONFLICT);
}

/** @brief Send the row (and replay it where safe); fills slot->rr. Returns whether anything may have been sent. */
static bool ckb_send(ckb_engine *e, ckb_worker *w, ckb_slot *slot)
{
    ckctl_outcome *oc = &w->oc;
    ckb_rowres *rr = &slot->rr;
    const ckctl_command *cmd = slot->args.command;
    bool maybe_sent = false;
    bool lost = slot->replay; /* a try of this row (this run's, or a killed run's) may have been applied */
    unsigned tries = ckb_replay_safe(cmd) ? CKB_MAX_TRIES : 1u;
    unsigned t;
    uint64_t t0 = ckb_now_us();

    for (t = 0; t < tries; t++) {
        if (t > 0u) {
            slot->replay = true;
        }
        ckb_pace(e);
        (void)ckctl_run(&slot->args, &w->s->client, oc, &rr->res);
        rr->attempts += rr->res.attempts;
        if (rr->res.progress != CK_PROGRESS_NOT_SENT) {
            maybe_sent = true;
        }
        if (rr->res.applied != CK_APPLIED_MAYBE || ckb_signals > 0) {
            break;
        }
        lost = true;
    }
    if (lost && rr->res.applied != CK_APPLIED_MAYBE && !ckb_replay_settles(cmd, &rr->res)) {
        /* The replay's answer does not speak for the earlier try. */
        rr->res.cause = rr->res.err;
        rr->res.err = CK_ERR_OUTCOME_UNKNOWN;
        rr->res.applied = CK_APPLIED_MAYBE;
        if (rr->res.progress == CK_PROGRESS_NOT_SENT) {
            rr->res.progress = CK_PROGRESS_SENT;
        }
    }
    if (cmd->id == CKCTL_CMD_CARD_APPLY && rr->res.err == CK_OK) {
        (void)snprintf(rr->card_id, sizeof rr->card_id, "%s", oc->card.card_id);
    }
    rr->ms = (unsigned long)((ckb_now_us() - t0) / 1000u);
    return maybe_sent;
}

/** @brief The row's verdict from its last result. */
static ckb_outcome ckb_verdict(const ckb_slot *slot)
{
    const ck_result *res = &slot->rr.res;

    if (res->err == CK_OK) {
        return CKB_OK;
    }
    if (res->err == CK_ERR_CONFLICT && slot->replay && slot->args.command->id == CKCTL_CMD_3DS_ENROLL) {
        return CKB_OK; /* our own earlier, unanswered enroll */
    }
    return res->err == CK_ERR_OUTCOME_UNKNOWN ? CKB_UNKNOWN : CKB_FAILED;
}

/** @brief The v1 key: the row's request-id, the journal's (replay), or a new one. */
static bool ckb_key(ckb_worker *w, ckb_slot *slot)
{
    char *key = slot->rr.key;

    if (slot->args.v1.request_id != NULL) {
        (void)snprintf(key, sizeof slot->rr.key, "%s", slot->args.v1.request_id);
    } else if (key[0] == '\0' && ck_v1_request_id_new(&w->s->client, key) != CK_OK) {
        return false;
    }
    slot->args.v1.request_id = key;
    return true;
}

/** @brief Run one row: journal, send, journal, results line. */
void ckb_process(ckb_engine *e, ckb_worker *w, ckb_slot *slot)
{
    ckb_rowres *rr = &slot->rr;
    bool v1 = CKCTL_IS_V1(slot->args.command);
    bool maybe_sent;
    bool journaled;

    if (v1 && !ckb_key(w, slot)) {
        rr->res.err = CK_ERR_RANDOM;
        rr->outcome = CKB_FAILED;
        (void)ckb_result_json(rr, slot->line, sizeof slot->line);
        return;
    }
    if (!ckb_journal_sent(e->j, rr->row, v1 ? rr->key : NULL)) {
        (void)pthread_mutex_lock(&e->mu);
        e->io_error = true;
        (void)pthread_mutex_unlock(&e->mu);
        rr->outcome = CKB_SKIPPED;
        (void)ckb_result_json(rr, slot->line, sizeof slot->line);
        return;
    }
    maybe_sent = ckb_send(e, w, slot);
    rr->outcome = ckb_verdict(slot);
    if (rr->res.http_status == 429u || rr->res.http_status == 503u) {
        ckb_pause_all(e, CKB_BACKOFF_US);
    }
    if (!ckb_result_json(rr, slot->line, sizeof slot->line)) {
        (void)snprintf(slot->line, sizeof slot->line, "{\"row\":%lu,\"op\":\"%s\",\"outcome\":\"%s\"}",
                       rr->row, rr->op, ckb_outcome_name(rr->outcome));
    }
    if (rr->outcome == CKB_UNKNOWN) {
        journaled = true; /* stays "sent": the next run decides */
    } else if (!maybe_sent) {
        journaled = ckb_journal_not_sent(e->j, rr->row);
    } else {
        journaled = ckb_journal_answered(e->j, rr->row, slot->line);
    }
    (void)pthread_mutex_lock(&e->mu);
    if (!journaled) {
        e->io_error = true;
    }
    if (maybe_sent) {
        e->any_sent = true;
        e->unsent_streak = 0;
        e->sent_rows++;
    } else if (ckb_connect_failure(&rr->res)) {
        e->unsent++;
        e->unsent_streak++;
    }
    (void)pthread_mutex_unlock(&e->mu);
}
