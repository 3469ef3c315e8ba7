/**
 * @file ckctl_batch_run.c
 * @brief `ckctl batch run`: check every row first, open the journal, then
 * send the rows through --jobs workers (each its own client and TLS
 * session, kept alive), at most --rate requests a second, and write the
 * results in row order.
 *
 * The main thread reads the file a second time, decides each row from the
 * journal (carried over, resolved, unknown card.apply, replay, new), and
 * writes finished rows in order; a window of slots bounds memory. Workers
 * take the lowest ready slot. Per row: an S record (with the v1 key, made
 * before sending) is fsync'd before the request; then an A record with the
 * results line when answered, an N record when nothing was sent, and
 * nothing when the answer was lost (the row stays "sent" in the journal).
 * A lost answer is replayed within the run (twice at most) where a replay
 * cannot apply the operation twice: v1 (same key), 3ds.enroll (a 409 on
 * the replay is ok), 3ds.update and contact.update. Never card.apply.
 *
 * SIGINT/SIGTERM: no new row starts, rows in flight finish, results are
 * flushed, exit 130; a second one exits at once (the journal is whole:
 * every record is one write).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ckctl_batch.h"
#include "ckctl_session.h"

/** @brief Slots per job: rows read ahead while earlier ones are in flight. */
#define CKB_SLOTS_PER_JOB 4u
/** @brief Tries of a row whose answer was lost, where a replay is safe. */
#define CKB_MAX_TRIES 3u
/** @brief Pause for every job after a final 429 or 503. */
#define CKB_BACKOFF_US 1000000u

typedef enum ckb_slot_state { CKB_FREE = 0, CKB_READY, CKB_RUNNING, CKB_DONE } ckb_slot_state;

/** @brief One row on its way. */
typedef struct ckb_slot {
    ckb_slot_state st;
    ckb_row cells;                  /**< the row (owns the strings args points at) */
    ckctl_args args;                /**< its command */
    bool replay;                    /**< sent before and never answered */
    const char *entity;             /**< the card (or cardholder) it acts on, or NULL */
    ckb_rowres rr;                  /**< its result */
    char line[CKB_RESULT_MAX];      /**< its results line */
} ckb_slot;

/** @brief One worker: its connection stack. */
typedef struct ckb_worker {
    pthread_t thread;
    ckctl_session *s;
    ckctl_outcome oc;               /**< what the call produced */
    bool started;
} ckb_worker;

/** @brief The run. */
typedef struct ckb_engine {
    const ckb_run_opts *o;
    ckb_journal *j;
    FILE *out;
    pthread_mutex_t mu;
    pthread_cond_t cv_work;
    pthread_cond_t cv_done;
    ckb_slot *slots;
    unsigned long window;
    unsigned long seq_in;           /**< slots filled */
    unsigned long seq_out;          /**< slots written */
    bool stop;                      /**< start no new row */
    bool quit;                      /**< workers exit */
    bool io_error;                  /**< the journal or results could not be written */
    bool any_sent;                  /**< some request was (maybe) sent */
    unsigned long unsent_streak;    /**< rows not sent for a connection failure, in a row */
    unsigned long unsent;           /**< such rows in all */
    uint64_t next_send_us;          /**< --rate: earliest next request */
    uint64_t pause_until_us;        /**< 429/503: no request before this */
    unsigned long counts[CKB_OUTCOME_COUNT];
    unsigned long sent_rows;        /**< rows sent in this run */
    unsigned long *unknown;         /**< rows to reconcile */
    size_t unknown_n;
    size_t unknown_cap;
    ckb_worker workers[CKB_MAX_JOBS];
} ckb_engine;

static ckb_engine ckb_e;
static volatile sig_atomic_t ckb_signals;

static void ckb_on_signal(int sig)
{
    static const char msg[] = "\nckctl: batch: interrupted again: stopping now (the journal is whole; "
                              "run again to resume)\n";

    ckb_signals++;
    if (ckb_signals > 1 && sig == SIGINT) {
        (void)write(STDERR_FILENO, msg, sizeof msg - 1u);
        _exit(CKB_EXIT_INTERRUPTED);
    }
}

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
static void ckb_on_event(void *ctx, const ck_log_event *ev)
{
    if (ev->kind == CK_LOG_RETRY && (ev->err == CK_ERR_RATE_LIMITED || ev->err == CK_ERR_HTTP_5XX)) {
        ckb_pause_all((ckb_engine *)ctx, (uint64_t)ev->wait_ms * 1000u);
    }
}

/** @brief May a row of @p cmd whose answer was lost be sent again? */
static bool ckb_replay_safe(const ckctl_command *cmd)
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

/** @brief Send the row (and replay it where safe); fills slot->rr. Returns whether anything may have been sent. */
static bool ckb_send(ckb_engine *e, ckb_worker *w, ckb_slot *slot)
{
    ckctl_outcome *oc = &w->oc;
    ckb_rowres *rr = &slot->rr;
    const ckctl_command *cmd = slot->args.command;
    bool maybe_sent = false;
    unsigned tries = ckb_replay_safe(cmd) ? CKB_MAX_TRIES : 1u;
    unsigned t;
    uint64_t t0 = ckb_now_us();

    for (t = 0; t < tries; t++) {
        if (t > 0u) {
            slot->replay = true;
        }
        ckb_pace(e);
        w->s->log.requested = false;
        w->s->log.answered = false;
        w->s->log.maybe_sent = false;
        (void)ckctl_run(&slot->args, &w->s->client, oc, &rr->res);
        if (CKCTL_IS_V1(cmd)) {
            ckctl_log_adjust(&w->s->log, &rr->res);
        }
        rr->attempts += rr->res.attempts;
        if (rr->res.progress != CK_PROGRESS_NOT_SENT || rr->res.err == CK_ERR_OUTCOME_UNKNOWN) {
            maybe_sent = true;
        }
        if (rr->res.err != CK_ERR_OUTCOME_UNKNOWN || ckb_signals > 0) {
            break;
        }
    }
    if (rr->res.err != CK_OK && rr->res.err != CK_ERR_OUTCOME_UNKNOWN &&
        rr->res.progress == CK_PROGRESS_NOT_SENT && maybe_sent) {
        /* A replay that could not connect does not undo an earlier send. */
        rr->res.cause = rr->res.err;
        rr->res.err = CK_ERR_OUTCOME_UNKNOWN;
        rr->res.progress = CK_PROGRESS_SENT;
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
static void ckb_process(ckb_engine *e, ckb_worker *w, ckb_slot *slot)
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

/** @brief The card a row acts on (the cardholder for contact.update), or NULL. */
static const char *ckb_entity(const ckctl_args *a)
{
    switch (a->command->id) {
    case CKCTL_CMD_3DS_ENROLL:
    case CKCTL_CMD_3DS_UPDATE:
        return a->threeds.card_id;
    case CKCTL_CMD_CONTACT_UPDATE:
        return a->contact.cardholder_id;
    case CKCTL_CMD_V1_ENROLL:
    case CKCTL_CMD_V1_UPDATE:
    case CKCTL_CMD_V1_UNENROLL:
        return a->v1.card_id;
    default:
        return NULL;
    }
}

/** @brief Is an earlier row on the same card still waiting or in flight? Called locked. */
static bool ckb_blocked(const ckb_engine *e, unsigned long s)
{
    const ckb_slot *slot = &e->slots[s % e->window];
    unsigned long k;

    if (slot->entity == NULL) {
        return false;
    }
    for (k = e->seq_out; k < s; k++) {
        const ckb_slot *o = &e->slots[k % e->window];
        if ((o->st == CKB_READY || o->st == CKB_RUNNING) && o->entity != NULL &&
            strcmp(o->entity, slot->entity) == 0) {
            return true;
        }
    }
    return false;
}

/**
 * @brief The lowest ready slot that no earlier row on the same card holds
 * back (rows on one card run in file order: enroll, then update), or NULL.
 * Called locked.
 */
static ckb_slot *ckb_next_ready(ckb_engine *e)
{
    unsigned long s;

    for (s = e->seq_out; s < e->seq_in; s++) {
        ckb_slot *slot = &e->slots[s % e->window];
        if (slot->st == CKB_READY && !ckb_blocked(e, s)) {
            return slot;
        }
    }
    return NULL;
}

static void *ckb_worker_main(void *arg)
{
    ckb_worker *w = (ckb_worker *)arg;
    ckb_engine *e = &ckb_e;
    ckb_slot *slot = NULL;

    (void)pthread_mutex_lock(&e->mu);
    for (;;) {
        while (!e->quit && (e->stop || (slot = ckb_next_ready(e)) == NULL)) {
            (void)pthread_cond_wait(&e->cv_work, &e->mu);
        }
        if (e->quit) {
            break;
        }
        slot->st = CKB_RUNNING;
        (void)pthread_mutex_unlock(&e->mu);
        ckb_process(e, w, slot);
        (void)pthread_mutex_lock(&e->mu);
        slot->st = CKB_DONE;
        (void)pthread_cond_broadcast(&e->cv_done);
        (void)pthread_cond_broadcast(&e->cv_work); /* a row on the same card may go now */
    }
    (void)pthread_mutex_unlock(&e->mu);
    return NULL;
}

/** @brief Note a row to reconcile. */
static void ckb_note_unknown(ckb_engine *e, unsigned long row)
{
    if (e->unknown_n == e->unknown_cap) {
        size_t cap = e->unknown_cap == 0u ? 64u : e->unknown_cap * 2u;
        unsigned long *p = realloc(e->unknown, cap * sizeof *p);
        if (p == NULL) {
            return;
        }
        e->unknown = p;
        e->unknown_cap = cap;
    }
    e->unknown[e->unknown_n++] = row;
}

/** @brief Write finished slots in row order. Called locked. */
static void ckb_flush(ckb_engine *e)
{
    while (e->seq_out < e->seq_in) {
        ckb_slot *slot = &e->slots[e->seq_out % e->window];
        if (slot->st != CKB_DONE) {
            break;
        }
        if (fputs(slot->line, e->out) == EOF || fputc('\n', e->out) == EOF) {
            e->io_error = true;
        }
        e->counts[slot->rr.outcome]++;
        if (slot->rr.outcome == CKB_UNKNOWN) {
            ckb_note_unknown(e, slot->rr.row);
        }
        ckb_row_free(&slot->cells);
        slot->st = CKB_FREE;
        e->seq_out++;
    }
}

/** @brief A result decided without sending (carried over, resolved, unknown card.apply). */
static void ckb_decided(ckb_slot *slot, ckb_outcome o, ck_err err)
{
    slot->rr.outcome = o;
    slot->rr.res.err = err;
    (void)ckb_result_json(&slot->rr, slot->line, sizeof slot->line);
    slot->st = CKB_DONE;
}

/** @brief Fill a slot for the row in @p row (whose buffer it takes). Called locked. */
static void ckb_fill(ckb_engine *e, ckb_row *row, const ck_date *today)
{
    ckb_slot *slot = &e->slots[e->seq_in % e->window];
    char msg[CKB_MSG_MAX];
    ckb_jstate js = ckb_journal_state(e->j, row->no);

    memset(slot, 0, sizeof *slot);
    slot->cells = *row;
    memset(row, 0, sizeof *row);
    slot->rr.row = slot->cells.no;
    e->seq_in++;
    if (!ckb_row_args(&slot->cells, &e->o->globals, today, &slot->args, msg, sizeof msg)) {
        slot->rr.op = "?";
        ckb_decided(slot, CKB_FAILED, CK_ERR_INVALID_ARG); /* the file changed since the check */
        return;
    }
    slot->rr.op = slot->args.command->operation;
    switch (js) {
    case CKB_J_ANSWERED:
        if (ckb_journal_result(e->j, slot->rr.row, slot->line, sizeof slot->line)) {
            slot->rr.outcome = ckb_result_outcome(slot->line);
            slot->st = CKB_DONE;
            return;
        }
        ckb_decided(slot, CKB_UNKNOWN, CK_ERR_OUTCOME_UNKNOWN);
        return;
    case CKB_J_RESOLVED:
        ckb_decided(slot, CKB_SKIPPED, CK_OK);
        return;
    case CKB_J_SENT:
        if (!ckb_replay_safe(slot->args.command)) {
            ckb_decided(slot, CKB_UNKNOWN, CK_ERR_OUTCOME_UNKNOWN);
            return;
        }
        slot->replay = true;
        (void)ckb_journal_key(e->j, slot->rr.row, slot->rr.key, sizeof slot->rr.key);
        break;
    case CKB_J_NONE:
    default:
        break;
    }
    slot->entity = ckb_entity(&slot->args);
    slot->st = CKB_READY;
    (void)pthread_cond_signal(&e->cv_work);
}

/** @brief Should the run stop starting rows (signal, or no connection at all)? Called locked. */
static bool ckb_should_stop(ckb_engine *e)
{
    if (ckb_signals > 0 || e->io_error) {
        return true;
    }
    return !e->any_sent && e->unsent_streak >= 2u * e->o->jobs;
}

/** @brief Wait a little for a finished row; write what is done; draw progress. Called locked. */
static void ckb_wait_some(ckb_engine *e, ckb_progress *p)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 100000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    (void)pthread_cond_timedwait(&e->cv_done, &e->mu, &ts);
    ckb_flush(e);
    ckb_progress_tick(p, e->seq_out, e->counts, false);
}

/** @brief Stop: ready rows become skipped; wait for the rows in flight. Called locked. */
static void ckb_drain(ckb_engine *e, ckb_progress *p)
{
    unsigned long s;

    if (ckb_should_stop(e)) {
        e->stop = true;
        for (s = e->seq_out; s < e->seq_in; s++) {
            ckb_slot *slot = &e->slots[s % e->window];
            if (slot->st == CKB_READY) {
                ckb_decided(slot, CKB_SKIPPED, CK_OK);
            }
        }
    }
    while (e->seq_out < e->seq_in) {
        ckb_wait_some(e, p);
    }
}

/** @brief The second pass: every row to a slot, in order. */
static bool ckb_feed(ckb_engine *e, ckb_progress *p)
{
    FILE *in = fopen(e->o->file, "rb");
    ckb_reader *r = in != NULL ? ckb_reader_open(in, ckb_format_of(e->o->file, e->o->format), NULL, NULL) : NULL;
    ckb_row row;
    char msg[CKB_MSG_MAX];
    ck_date day;
    const ck_date *today = ckb_today(&day);
    ckb_read_status st = CKB_READ_END;

    memset(&row, 0, sizeof row);
    if (r == NULL) {
        fprintf(stderr, "ckctl: batch: cannot read %s again\n", e->o->file);
        if (in != NULL) {
            (void)fclose(in);
        }
        return false;
    }
    (void)pthread_mutex_lock(&e->mu);
    while (!ckb_should_stop(e)) {
        (void)pthread_mutex_unlock(&e->mu);
        st = ckb_reader_next(r, &row, msg, sizeof msg);
        (void)pthread_mutex_lock(&e->mu);
        if (st != CKB_READ_ROW) {
            break;
        }
        while (e->seq_in - e->seq_out >= e->window && !ckb_should_stop(e)) {
            ckb_wait_some(e, p);
        }
        if (ckb_should_stop(e)) {
            break;
        }
        ckb_fill(e, &row, today);
        ckb_flush(e);
        ckb_progress_tick(p, e->seq_out, e->counts, false);
    }
    ckb_drain(e, p);
    (void)pthread_mutex_unlock(&e->mu);
    ckb_row_free(&row);
    ckb_reader_close(r);
    (void)fclose(in);
    if (st == CKB_READ_BAD_ROW || st == CKB_READ_FATAL) {
        fprintf(stderr, "ckctl: batch: %s (the file changed since the check?)\n", msg);
        return false;
    }
    return true;
}

/** @brief Open every worker's connection stack (no connection yet) and start it. */
static int ckb_start_workers(ckb_engine *e)
{
    unsigned i;
    sigset_t block;
    sigset_t old;
    int code = CKCTL_EXIT_OK;

    (void)sigemptyset(&block);
    (void)sigaddset(&block, SIGINT);
    (void)sigaddset(&block, SIGTERM);
    (void)pthread_sigmask(SIG_BLOCK, &block, &old); /* workers never see the signals */
    for (i = 0; i < e->o->jobs && code == CKCTL_EXIT_OK; i++) {
        ckb_worker *w = &e->workers[i];
        w->s = calloc(1, sizeof *w->s);
        if (w->s == NULL) {
            code = CKCTL_EXIT_INTERNAL;
            break;
        }
        ckctl_session_platform(w->s);
        w->s->on_event = ckb_on_event;
        w->s->on_event_ctx = e;
        code = ckctl_session_open(w->s, &e->o->global_args, e->o->api_key, e->o->access_token);
        if (code == CKCTL_EXIT_OK && pthread_create(&w->thread, NULL, ckb_worker_main, w) == 0) {
            w->started = true;
        } else if (code == CKCTL_EXIT_OK) {
            code = CKCTL_EXIT_INTERNAL;
        }
    }
    (void)pthread_sigmask(SIG_SETMASK, &old, NULL);
    return code;
}

/** @brief Stop and free the workers. */
static void ckb_stop_workers(ckb_engine *e)
{
    unsigned i;

    (void)pthread_mutex_lock(&e->mu);
    e->quit = true;
    (void)pthread_cond_broadcast(&e->cv_work);
    (void)pthread_mutex_unlock(&e->mu);
    for (i = 0; i < CKB_MAX_JOBS; i++) {
        ckb_worker *w = &e->workers[i];
        if (w->started) {
            (void)pthread_join(w->thread, NULL);
        }
        if (w->s != NULL) {
            ckctl_session_close(w->s);
            free(w->s);
            w->s = NULL;
        }
    }
}

/** @brief --resolved ROWS: mark unknown rows resolved. Returns -1 to go on, else the exit code. */
static int ckb_resolve(ckb_engine *e, unsigned long rows)
{
    const char *p = e->o->resolved;

    while (p != NULL && *p != '\0') {
        char *end = NULL;
        unsigned long row = strtoul(p, &end, 10);
        ckb_jstate js;
        if (end == p || row == 0u || row > rows || (*end != ',' && *end != '\0')) {
            fprintf(stderr, "ckctl: batch: invalid --resolved: row numbers separated by commas (e.g. 17,42)\n");
            return CKCTL_EXIT_USAGE;
        }
        js = ckb_journal_state(e->j, row);
        if (js == CKB_J_SENT) {
            if (!ckb_journal_resolved(e->j, row)) {
                fprintf(stderr, "ckctl: batch: cannot write the journal\n");
                return CKCTL_EXIT_INTERNAL;
            }
        } else if (js != CKB_J_RESOLVED) {
            fprintf(stderr, "ckctl: batch: --resolved: row %lu is not waiting for reconciliation\n", row);
            return CKCTL_EXIT_USAGE;
        }
        p = *end == ',' ? end + 1 : end;
    }
    return -1;
}

/** @brief The summary on stderr. */
static void ckb_summary(const ckb_engine *e, uint64_t t0)
{
    double secs = (double)(ckb_now_us() - t0) / 1e6;
    unsigned long all = e->seq_out;
    size_t i;

    fprintf(stderr, "ckctl: batch: %lu row%s: %lu ok, %lu failed, %lu unknown, %lu skipped; %lu sent in "
                    "%.1f s (%.0f rows/s)\n",
            all, all == 1u ? "" : "s", e->counts[CKB_OK], e->counts[CKB_FAILED], e->counts[CKB_UNKNOWN],
            e->counts[CKB_SKIPPED], e->sent_rows, secs, secs > 0.0 ? (double)e->sent_rows / secs : 0.0);
    if (e->unknown_n > 0u) {
        fputs("ckctl: batch: rows to reconcile (may have been applied: check them, then run again with "
              "--resolved ROWS):",
              stderr);
        for (i = 0; i < e->unknown_n; i++) {
            fprintf(stderr, "%s%lu", i == 0u ? " " : ",", e->unknown[i]);
        }
        fputc('\n', stderr);
    }
    if (ckb_signals > 0) {
        fputs("ckctl: batch: interrupted: rows not started were left out; run again to resume\n", stderr);
    } else if (!e->any_sent && e->unsent > 0u) {
        fputs("ckctl: batch: nothing could be sent (no connection could be made)\n", stderr);
    }
}

/** @brief The exit code of the run. */
static int ckb_exit(const ckb_engine *e)
{
    if (e->io_error) {
        return CKCTL_EXIT_INTERNAL;
    }
    if (ckb_signals > 0) {
        return CKB_EXIT_INTERRUPTED;
    }
    if (!e->any_sent && e->unsent > 0u) {
        return CKCTL_EXIT_NOT_SENT;
    }
    if (e->counts[CKB_UNKNOWN] > 0u) {
        return CKCTL_EXIT_OUTCOME_UNKNOWN;
    }
    return e->counts[CKB_FAILED] > 0u ? CKB_EXIT_FAILED : CKCTL_EXIT_OK;
}

/** @brief Catch SIGINT and SIGTERM (system calls restart). */
static void ckb_signals_on(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ckb_on_signal;
    sa.sa_flags = SA_RESTART;
    (void)sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGINT, &sa, NULL);
    (void)sigaction(SIGTERM, &sa, NULL);
}

/** @brief Check, open the journal and the results. Returns -1 to go on, else the exit code. */
static int ckb_prepare(ckb_engine *e, ckb_scan *scan)
{
    char msg[CKB_MSG_MAX];

    ckb_validate(e->o->file, e->o->format, &e->o->globals, true, scan);
    if (scan->unreadable) {
        return CKCTL_EXIT_USAGE;
    }
    if (scan->bad > 0u) {
        fprintf(stderr, "ckctl: batch: %lu bad row%s: nothing was sent\n", scan->bad, scan->bad == 1u ? "" : "s");
        return CKCTL_EXIT_USAGE;
    }
    if (scan->has_v2 && e->o->access_token == NULL) {
        fputs("ckctl: batch: CK_ACCESS_TOKEN is not set: credentials come only from the environment\n", stderr);
        return CKCTL_EXIT_USAGE;
    }
    e->j = ckb_journal_open(e->o->journal, scan->hash, scan->rows, msg, sizeof msg);
    if (e->j == NULL) {
        fprintf(stderr, "ckctl: batch: %s: %s\n", e->o->journal, msg);
        return CKCTL_EXIT_USAGE;
    }
    e->out = e->o->out != NULL ? fopen(e->o->out, "w") : stdout;
    if (e->out == NULL) {
        fprintf(stderr, "ckctl: batch: cannot write %s\n", e->o->out);
        return CKCTL_EXIT_USAGE;
    }
    return ckb_resolve(e, scan->rows);
}

int ckb_run(const ckb_run_opts *o)
{
    ckb_engine *e = &ckb_e;
    ckb_scan scan;
    ckb_progress prog;
    int code;
    uint64_t t0;

    memset(e, 0, sizeof *e);
    e->o = o;
    (void)pthread_mutex_init(&e->mu, NULL);
    (void)pthread_cond_init(&e->cv_work, NULL);
    (void)pthread_cond_init(&e->cv_done, NULL);
    ckb_signals_on();
    code = ckb_prepare(e, &scan);
    if (code < 0) {
        e->window = (unsigned long)o->jobs * CKB_SLOTS_PER_JOB;
        e->slots = calloc(e->window, sizeof *e->slots);
        code = e->slots == NULL ? CKCTL_EXIT_INTERNAL : ckb_start_workers(e);
    }
    if (code == CKCTL_EXIT_OK) {
        t0 = ckb_now_us();
        ckb_progress_init(&prog, o->progress, scan.rows);
        if (!ckb_feed(e, &prog)) {
            e->io_error = true;
        }
        ckb_progress_tick(&prog, e->seq_out, e->counts, true);
        ckb_progress_end(&prog);
        ckb_stop_workers(e);
        if (fflush(e->out) != 0) {
            e->io_error = true;
        }
        ckb_summary(e, t0);
        code = ckb_exit(e);
    } else {
        ckb_stop_workers(e);
    }
    if (e->out != NULL && e->out != stdout) {
        (void)fclose(e->out);
    }
    ckb_journal_close(e->j);
    free(e->slots);
    free(e->unknown);
    return code;
}
