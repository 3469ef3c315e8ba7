/**
 * @file ckctl_batch_engine.h
 * @brief Private to `ckctl batch run`: the run's state shared by its three
 * files — ckctl_batch_run.c (the order: read, decide, write results),
 * ckctl_batch_workers.c (the jobs and which row each takes next) and
 * ckctl_batch_send.c (one row: key, journal, send, replay, verdict).
 */
#ifndef CKCTL_BATCH_ENGINE_H
#define CKCTL_BATCH_ENGINE_H

#include <pthread.h>
#include <signal.h>

#include "ckctl_batch.h"
#include "ckctl_session.h"

/** @brief Where a slot is: free, ready to send, being sent, done (to be written). */
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
    struct ckb_engine *e;           /**< the run it works for */
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

/** @brief SIGINT and SIGTERM seen (ckctl_batch_run.c). */
extern volatile sig_atomic_t ckb_signals;

/* ckctl_batch_send.c ------------------------------------------------------ */

/** @brief May a row of @p cmd whose answer was lost be sent again? (Never card.apply.) */
bool ckb_replay_safe(const ckctl_command *cmd);

/** @brief The clients' log hook (@p ctx the engine): a 429/503 back-off pauses every job. */
void ckb_on_event(void *ctx, const ck_log_event *ev);

/** @brief Run one row on worker @p w: key, journal, send (and replay), journal, results line. */
void ckb_process(ckb_engine *e, ckb_worker *w, ckb_slot *slot);

/* ckctl_batch_workers.c --------------------------------------------------- */

/** @brief The card a row acts on (the cardholder for contact.update), or NULL. */
const char *ckb_entity(const ckctl_args *a);

/** @brief Open every worker's connection stack (no connection yet) and start it; the exit code. */
int ckb_start_workers(ckb_engine *e);

/** @brief Stop and free the workers. */
void ckb_stop_workers(ckb_engine *e);

#endif /* CKCTL_BATCH_ENGINE_H */
