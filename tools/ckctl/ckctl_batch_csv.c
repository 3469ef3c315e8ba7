/**
 * @file ckctl_batch_csv.c
 * @brief The CSV reader: RFC 4180 through Debian's libcsv (strict mode),
 * fed one line at a time so that rows come out as they are read.
 *
 * The first record is the header. Every problem names its data row
 * (1-based, header excluded): a cell with a NUL byte, invalid UTF-8 or over
 * CKB_CELL_MAX bytes, or a record with another number of cells than the
 * header is a bad row (reading goes on); malformed quoting, an unterminated
 * quote or a record over CKB_LINE_MAX bytes stops the reading.
 * A UTF-8 byte order mark before the header is skipped.
 */
#include <csv.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ckctl_batch.h"

/** @brief Bytes read from the file at a time. */
#define CKB_CSV_CHUNK 16384u

struct ckb_csv {
    FILE *in;
    ckb_tap_fn tap;
    void *tap_ctx;
    struct csv_parser p;
    unsigned char chunk[CKB_CSV_CHUNK];
    size_t pos;
    size_t len;
    bool eof;
    bool started;               /**< first bytes read (BOM checked) */
    bool finished;              /**< csv_fini() called */
    bool have_header;
    size_t ncols;
    char *hdr[CKB_MAX_COLS];
    size_t hdr_len[CKB_MAX_COLS];
    ckb_row *row;               /**< the row being filled */
    size_t field;               /**< cells of the current record so far */
    unsigned long rec_no;       /**< data records completed */
    size_t rec_bytes;           /**< bytes of the current record */
    bool done;                  /**< a record completed during the last feed */
    bool bad;                   /**< the current record has a problem (bad_msg) */
    bool fatal;                 /**< reading cannot go on (bad_msg) */
    char bad_msg[CKB_MSG_MAX];
};

/** @brief Note the first problem of the current record (or a fatal one). */
static void ckb_csv_problem(ckb_csv *c, bool fatal, const char *fmt, ...)
{
    va_list ap;

    if (fatal) {
        c->fatal = true;
    } else if (c->bad) {
        return;
    }
    c->bad = true;
    va_start(ap, fmt);
    (void)vsnprintf(c->bad_msg, sizeof c->bad_msg, fmt, ap);
    va_end(ap);
}

/** @brief Check one cell's bytes; returns the reason, or NULL when fine. */
static const char *ckb_csv_cell_problem(const char *s, size_t len)
{
    if (len > 0u && memchr(s, '\0', len) != NULL) {
        return "NUL byte";
    }
    if (len > CKB_CELL_MAX) {
        return "cell too long";
    }
    if (!ck_utf8_valid(s, len)) {
        return "not valid UTF-8";
    }
    return NULL;
}

/** @brief libcsv: one field. */
static void ckb_csv_field(void *s, size_t len, void *data)
{
    ckb_csv *c = (ckb_csv *)data;
    const char *cell = s != NULL ? (const char *)s : "";
    const char *why = ckb_csv_cell_problem(cell, s != NULL ? len : 0u);
    size_t f = c->field++;

    if (s == NULL) {
        len = 0;
    }
    if (!c->have_header) {
        if (f >= CKB_MAX_COLS) {
            ckb_csv_problem(c, true, "header: more than %u columns", (unsigned)CKB_MAX_COLS);
        } else if (why != NULL) {
            ckb_csv_problem(c, true, "header: column %u: %s", (unsigned)f + 1u, why);
        } else if (len == 0u) {
            ckb_csv_problem(c, true, "header: column %u has no name", (unsigned)f + 1u);
        } else if ((c->hdr[f] = malloc(len + 1u)) == NULL) {
            ckb_csv_problem(c, true, "header: out of memory");
        } else {
            memcpy(c->hdr[f], cell, len);
            c->hdr[f][len] = '\0';
            c->hdr_len[f] = len;
            c->ncols = f + 1u;
        }
        return;
    }
    if (f >= c->ncols) {
        ckb_csv_problem(c, false, "row %lu: more cells than the header's %u", c->rec_no + 1u,
                        (unsigned)c->ncols);
        return;
    }
    if (why != NULL && len > CKB_CELL_MAX && memchr(cell, '\0', len) == NULL) {
        ckb_csv_problem(c, false, "row %lu: %s: longer than %u bytes", c->rec_no + 1u, c->hdr[f],
                        (unsigned)CKB_CELL_MAX);
        return;
    }
    if (why != NULL) {
        ckb_csv_problem(c, false, "row %lu: %s: %s", c->rec_no + 1u, c->hdr[f], why);
        return;
    }
    if (!c->bad && !ckb_row_cell(c->row, c->hdr[f], c->hdr_len[f], cell, len)) {
        ckb_csv_problem(c, true, "row %lu: out of memory", c->rec_no + 1u);
    }
}

/** @brief Is there a column named like column @p f before it? */
static bool ckb_csv_dup_header(const ckb_csv *c, size_t f)
{
    size_t i;

    for (i = 0; i < f; i++) {
        if (strcmp(c->hdr[i], c->hdr[f]) == 0) {
            return true;
        }
    }
    return false;
}

/** @brief libcsv: end of a record. */
static void ckb_csv_record(int term, void *data)
{
    ckb_csv *c = (ckb_csv *)data;
    size_t f;

    (void)term;
    if (!c->have_header) {
        c->have_header = true;
        for (f = 0; f < c->ncols && !c->fatal; f++) {
            if (ckb_csv_dup_header(c, f)) {
                ckb_csv_problem(c, true, "header: column %s given twice", c->hdr[f]);
            }
        }
    } else {
        c->rec_no++;
        if (c->field < c->ncols) {
            ckb_csv_problem(c, false, "row %lu: %u cells, the header has %u", c->rec_no,
                            (unsigned)c->field, (unsigned)c->ncols);
        }
        c->done = true;
    }
    c->field = 0;
    c->rec_bytes = 0;
}

/** @brief Always false: spaces around cells are part of them (RFC 4180). */
static int ckb_csv_no_space(unsigned char ch)
{
    (void)ch;
    return 0;
}

ckb_csv *ckb_csv_open(FILE *in, ckb_tap_fn tap, void *tap_ctx)
{
    ckb_csv *c = calloc(1, sizeof *c);

    if (c == NULL) {
        return NULL;
    }
    if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        free(c);
        return NULL;
    }
    csv_set_space_func(&c->p, ckb_csv_no_space);
    c->in = in;
    c->tap = tap;
    c->tap_ctx = tap_ctx;
    return c;
}

/** @brief Read the next chunk; skips a byte order mark at the start. */
static void ckb_csv_refill(ckb_csv *c)
{
    c->len = fread(c->chunk, 1, sizeof c->chunk, c->in);
    c->pos = 0;
    if (c->len == 0u) {
        c->eof = true;
        return;
    }
    if (c->tap != NULL) {
        c->tap(c->tap_ctx, c->chunk, c->len);
    }
    if (!c->started) {
        c->started = true;
        if (c->len >= 3u && memcmp(c->chunk, "\xEF\xBB\xBF", 3) == 0) {
            c->pos = 3;
        }
    }
}

/** @brief End of input: let libcsv finish the last record. */
static void ckb_csv_finish(ckb_csv *c)
{
    c->finished = true;
    if (csv_fini(&c->p, ckb_csv_field, ckb_csv_record, c) != 0) {
        ckb_csv_problem(c, true, "row %lu: unterminated quoted cell (a \" is never closed)",
                        c->rec_no + 1u);
    }
}

/** @brief Feed one line (up to and including the next CR or LF) to libcsv. */
static void ckb_csv_feed(ckb_csv *c)
{
    const unsigned char *seg = c->chunk + c->pos;
    size_t avail = c->len - c->pos;
    size_t n = 0;

    while (n < avail && seg[n] != '\n' && seg[n] != '\r') {
        n++;
    }
    if (n < avail) {
        n++;
    }
    c->rec_bytes += n;
    if (c->rec_bytes > CKB_LINE_MAX) {
        ckb_csv_problem(c, true, "row %lu: line longer than %u bytes", c->rec_no + 1u,
                        (unsigned)CKB_LINE_MAX);
        return;
    }
    if (csv_parse(&c->p, seg, n, ckb_csv_field, ckb_csv_record, c) != n) {
        ckb_csv_problem(c, true, "row %lu: malformed quoting (a \" inside an unquoted cell, or "
                                 "text after a closing \")",
                        c->rec_no + (c->done ? 0u : 1u));
    }
    c->pos += n;
}

ckb_read_status ckb_csv_next(ckb_csv *c, ckb_row *row, char *msg, size_t cap)
{
    c->row = row;
    c->done = false;
    c->bad = false;
    while (!c->done && !c->fatal) {
        if (c->pos < c->len) {
            ckb_csv_feed(c);
        } else if (!c->eof) {
            ckb_csv_refill(c);
        } else if (!c->finished) {
            ckb_csv_finish(c);
        } else {
            return CKB_READ_END;
        }
    }
    row->no = c->rec_no;
    if (c->bad || c->fatal) {
        (void)snprintf(msg, cap, "%s", c->bad_msg);
        return c->fatal ? CKB_READ_FATAL : CKB_READ_BAD_ROW;
    }
    ckb_row_seal(row);
    return CKB_READ_ROW;
}

void ckb_csv_close(ckb_csv *c)
{
    size_t i;

    if (c == NULL) {
        return;
    }
    csv_free(&c->p);
    for (i = 0; i < CKB_MAX_COLS; i++) {
        free(c->hdr[i]);
    }
    free(c);
}
