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
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ckctl_batch_engine.h"

/** @brief Slots per job: rows read ahead while earlier ones are in flight. */
#define CKB_SLOTS_PER_JOB 4u

static ckb_engine ckb_e;
volatile sig_atomic_t ckb_signals;

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
    return !e->any_sent && e->unsent_streak >= (unsigned long)e->o->jobs * 2u;
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
