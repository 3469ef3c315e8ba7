/**
 * @file ckctl_batch.h
 * @brief Private to ckctl: `ckctl batch check|run` — the row readers (CSV,
 * JSON Lines), rows to commands (through ckctl's own option tables and
 * ckctl_parse()), the journal, the results and the run engine.
 *
 * One job per file:
 *  - ckctl_batch_csv.c     CSV reader (RFC 4180, libcsv, streaming)
 *  - ckctl_batch_jsonl.c   JSON Lines reader (cJSON, one object per line)
 *  - ckctl_batch_read.c    the reader front: format by name, one interface
 *  - ckctl_batch_row.c     a row to a command and its ::ckctl_args, checked
 *  - ckctl_batch_journal.c the append-only journal and its index
 *  - ckctl_batch_result.c  one results line (JSON), the summary
 *  - ckctl_batch_check.c   the validation pass (check, and run's first pass)
 *  - ckctl_batch_run.c     the run: order of rows and results, signals, summary
 *  - ckctl_batch_workers.c the jobs (connections) and which row each takes
 *  - ckctl_batch_send.c    one row: key, journal, rate, send, replay, verdict
 *  - ckctl_batch_progress.c the progress line
 *  - ckctl_batch.c         `ckctl batch`'s command line, check, exit codes
 */
#ifndef CKCTL_BATCH_H
#define CKCTL_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ckctl.h"

/** @brief Most columns (or JSON members) in a row. */
#define CKB_MAX_COLS 48u
/** @brief Longest line (CSV: record, line breaks in quotes included). */
#define CKB_LINE_MAX 65536u
/** @brief Longest cell: a request never fits the work buffer with a longer one. */
#define CKB_CELL_MAX CK_WORK_BUF_SIZE
/** @brief Room for one message ("row N: COLUMN: reason"). */
#define CKB_MSG_MAX 320u
/** @brief Exit codes of `batch run` besides ckctl's (ckctl.h). */
#define CKB_EXIT_FAILED 12       /**< no row unknown, at least one failed */
#define CKB_EXIT_INTERRUPTED 130 /**< SIGINT or SIGTERM: run again to resume */

/** @brief Most jobs (connections). */
#define CKB_MAX_JOBS 32u

/* Readers ----------------------------------------------------------------- */

/** @brief Input formats. */
typedef enum ckb_format {
    CKB_FMT_AUTO = 0, /**< by the file name's extension */
    CKB_FMT_CSV,      /**< RFC 4180 with a header row */
    CKB_FMT_JSONL     /**< one JSON object of strings per line */
} ckb_format;

/** @brief One data row: column names and values. Its strings live in ckb_row::buf. */
typedef struct ckb_row {
    unsigned long no;                /**< data row number (CSV: header excluded; JSONL: line) */
    size_t n;                        /**< cells */
    const char *name[CKB_MAX_COLS];  /**< column names */
    const char *value[CKB_MAX_COLS]; /**< values; "" = not given */
    size_t name_off[CKB_MAX_COLS];   /**< while reading: offsets of the names in buf */
    size_t value_off[CKB_MAX_COLS];  /**< while reading: offsets of the values in buf */
    char *buf;                       /**< heap storage of this row (owned) */
    size_t len;                      /**< bytes used */
    size_t cap;                      /**< bytes allocated */
} ckb_row;

/** @brief What ckb_reader_next() found. */
typedef enum ckb_read_status {
    CKB_READ_ROW = 0, /**< a row */
    CKB_READ_END,     /**< end of input */
    CKB_READ_BAD_ROW, /**< a bad row (message says why); reading can go on */
    CKB_READ_FATAL    /**< the input cannot be read further (message says why) */
} ckb_read_status;

/** @brief Sees every byte read (to hash the file). */
typedef void (*ckb_tap_fn)(void *ctx, const unsigned char *bytes, size_t len);

/** @brief A reader (either format). */
typedef struct ckb_reader ckb_reader;

/**
 * @brief Start reading @p in (not closed by the reader).
 * @return NULL when out of memory.
 */
ckb_reader *ckb_reader_open(FILE *in, ckb_format fmt, ckb_tap_fn tap, void *tap_ctx);

/**
 * @brief The next row into @p row (whose previous buffer is reused or freed).
 * @param msg Set on BAD_ROW and FATAL: "row N: COLUMN: reason" or "row N: reason".
 */
ckb_read_status ckb_reader_next(ckb_reader *r, ckb_row *row, char *msg, size_t cap);

/** @brief Free the reader (not @p in). */
void ckb_reader_close(ckb_reader *r);

/** @brief Free the row's buffer. */
void ckb_row_free(ckb_row *row);

/**
 * @brief Add a cell (name and value, each copied with a NUL) to the row.
 * @return false when out of memory or the row has CKB_MAX_COLS cells.
 */
bool ckb_row_cell(ckb_row *row, const char *name, size_t name_len, const char *value, size_t value_len);

/** @brief Point ckb_row::name and ckb_row::value at the cells (after the last ckb_row_cell()). */
void ckb_row_seal(ckb_row *row);

/** @brief Format @p fmt for file name @p path ("-": stdin) and the asked @p fmt. */
ckb_format ckb_format_of(const char *path, ckb_format fmt);

/* The two formats behind ckb_reader (ckctl_batch_csv.c, ckctl_batch_jsonl.c). */
typedef struct ckb_csv ckb_csv;
ckb_csv *ckb_csv_open(FILE *in, ckb_tap_fn tap, void *tap_ctx);
ckb_read_status ckb_csv_next(ckb_csv *c, ckb_row *row, char *msg, size_t cap);
void ckb_csv_close(ckb_csv *c);
typedef struct ckb_jsonl ckb_jsonl;
ckb_jsonl *ckb_jsonl_open(FILE *in, ckb_tap_fn tap, void *tap_ctx);
ckb_read_status ckb_jsonl_next(ckb_jsonl *j, ckb_row *row, char *msg, size_t cap);
void ckb_jsonl_close(ckb_jsonl *j);

/* ckctl_batch_row.c ------------------------------------------------------- */

/** @brief The global words (--env, --base-url, --ca-file, --timeout-ms, -v) for every row. */
typedef struct ckb_globals {
    int argc;           /**< words */
    char *argv[12];     /**< the words as given */
} ckb_globals;

/**
 * @brief Is @p name a column: "op", "coupon", or an option (without its
 * dashes) of one of the batch commands?
 */
bool ckb_known_column(const char *name);

/** @brief The batch command for operation @p op ("card.apply", ...), or NULL. */
const ckctl_command *ckb_command_of(const char *op);

/**
 * @brief Turn @p row into its command's arguments with ckctl's parser and
 * option tables, then run the library's request checks.
 * @param out Filled; its strings point into @p row and the option table.
 * @param today Today's date, or NULL.
 * @param msg Set to "row N: COLUMN: reason" on failure.
 * @return true when the row is valid.
 */
bool ckb_row_args(const ckb_row *row, const ckb_globals *g, const ck_date *today, ckctl_args *out,
                  char *msg, size_t cap);

/* ckctl_batch_journal.c --------------------------------------------------- */

/** @brief What the journal says of a row. */
typedef enum ckb_jstate {
    CKB_J_NONE = 0, /**< never sent (or only "not sent" records) */
    CKB_J_SENT,     /**< sent, no answer recorded */
    CKB_J_ANSWERED, /**< answered: its result is in the journal */
    CKB_J_RESOLVED  /**< unknown, then marked resolved by the user */
} ckb_jstate;

/** @brief An open journal. */
typedef struct ckb_journal ckb_journal;

/**
 * @brief Open (create) @p path for the input whose hash is @p hash_hex and
 * which has @p rows rows; loads the index; drops a torn last record.
 * @return NULL with @p msg set (another file's journal, unreadable, ...).
 */
ckb_journal *ckb_journal_open(const char *path, const char *hash_hex, unsigned long rows, char *msg,
                              size_t cap);
/** @brief The row's state. */
ckb_jstate ckb_journal_state(const ckb_journal *j, unsigned long row);
/** @brief The result line of an answered row into @p buf (no newline); false when unreadable. */
bool ckb_journal_result(ckb_journal *j, unsigned long row, char *buf, size_t cap);
/** @brief The key recorded when the row was sent ("" when none). */
bool ckb_journal_key(ckb_journal *j, unsigned long row, char *buf, size_t cap);
/** @brief Records, each written whole and fsync'd; false on an I/O error. */
bool ckb_journal_sent(ckb_journal *j, unsigned long row, const char *key);
bool ckb_journal_answered(ckb_journal *j, unsigned long row, const char *result_line);
bool ckb_journal_not_sent(ckb_journal *j, unsigned long row);
bool ckb_journal_resolved(ckb_journal *j, unsigned long row);
/** @brief Close. */
void ckb_journal_close(ckb_journal *j);

/* ckctl_batch_result.c ---------------------------------------------------- */

/** @brief Outcomes of a row. */
typedef enum ckb_outcome {
    CKB_OK = 0,
    CKB_FAILED,
    CKB_UNKNOWN,
    CKB_SKIPPED,
    CKB_OUTCOME_COUNT
} ckb_outcome;

/** @brief Name of an outcome ("ok", ...). */
const char *ckb_outcome_name(ckb_outcome o);

/** @brief What one row produced. */
typedef struct ckb_rowres {
    unsigned long row;             /**< data row */
    const char *op;                /**< operation name */
    ckb_outcome outcome;           /**< verdict */
    ck_result res;                 /**< the (last) call's result; err CK_OK when none */
    char key[CK_V1_REQUEST_ID_SIZE]; /**< v1 idempotency key, or "" */
    char card_id[CK_ID_MAX];       /**< card.apply: the new card, or "" */
    unsigned attempts;             /**< requests sent for the row (all tries) */
    unsigned long ms;              /**< time spent on the row */
} ckb_rowres;

/** @brief The results line of @p r (JSON, no newline) into @p buf; false when it does not fit. */
bool ckb_result_json(const ckb_rowres *r, char *buf, size_t cap);

/** @brief Room for one results line. */
#define CKB_RESULT_MAX 2048u

/** @brief Read "outcome" back from a results line (journal carry-over). */
ckb_outcome ckb_result_outcome(const char *line);

/* ckctl_batch_run.c ------------------------------------------------------- */

/** @brief `ckctl batch run` settings. */
typedef struct ckb_run_opts {
    const char *file;        /**< the input */
    ckb_format format;       /**< its format */
    const char *journal;     /**< --journal */
    const char *out;         /**< --out, or NULL for stdout */
    unsigned jobs;           /**< --jobs */
    double rate;             /**< --rate (0: no cap) */
    int progress;            /**< 0 auto, 1 always, 2 never */
    const char *resolved;    /**< --resolved ROWS, or NULL */
    ckb_globals globals;     /**< the global words */
    ckctl_args global_args;  /**< the globals, parsed */
    const char *api_key;     /**< CK_API_KEY */
    const char *access_token;/**< CK_ACCESS_TOKEN */
} ckb_run_opts;

/** @brief Validate, then run with the journal; returns the exit code. */
int ckb_run(const ckb_run_opts *o);

/** @brief What the validation pass found. */
typedef struct ckb_scan {
    unsigned long rows;   /**< rows read (the highest row number) */
    unsigned long bad;    /**< bad rows (each reported on stderr) */
    bool has_v2;          /**< some row is a v2 operation (needs CK_ACCESS_TOKEN) */
    bool unreadable;      /**< the file could not be opened or its format told */
    char hash[65];        /**< SHA-256 of the file, hex (when asked) */
} ckb_scan;

/**
 * @brief The validation pass: read every row of @p path ("-": stdin) and
 * report every bad one on stderr as "row N: COLUMN: reason".
 * @param want_hash Compute ckb_scan::hash.
 */
void ckb_validate(const char *path, ckb_format fmt, const ckb_globals *g, bool want_hash, ckb_scan *out);

/** @brief Today's date from the POSIX clock into @p d; returns @p d, or NULL when unknown. */
const ck_date *ckb_today(ck_date *d);

/* ckctl_batch_progress.c -------------------------------------------------- */

/** @brief The progress line's state. */
typedef struct ckb_progress {
    bool on;                  /**< draw at all */
    bool tty;                 /**< redraw one line (else: a plain line now and then) */
    unsigned long total;      /**< rows in the file (0: unknown) */
    uint64_t start_us;        /**< when the run began */
    uint64_t last_us;         /**< last drawn */
    bool drawn;               /**< a TTY line is on screen */
} ckb_progress;

/** @brief Monotonic microseconds. */
uint64_t ckb_now_us(void);

/** @brief Set up: @p mode 0 auto, 1 always, 2 never. */
void ckb_progress_init(ckb_progress *p, int mode, unsigned long total);

/** @brief Draw when due (at most 10 a second on a TTY, every 5 s otherwise). */
void ckb_progress_tick(ckb_progress *p, unsigned long done, const unsigned long *counts, bool force);

/** @brief Clear the TTY line (before the summary). */
void ckb_progress_end(ckb_progress *p);

/* ckctl_batch.c ----------------------------------------------------------- */

/** @brief `ckctl [GLOBAL...] batch ...`: the exit code. */
int ckctl_batch_main(int argc, char **argv);

/** @brief Is `batch` the command word of @p argv? */
bool ckctl_is_batch(int argc, char **argv);

#endif /* CKCTL_BATCH_H */
