/**
 * @file ckctl_batch_read.c
 * @brief The reader front: the format from the file name or --format, one
 * interface over the CSV and JSON Lines readers, and the row's buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "ckctl_batch.h"

struct ckb_reader {
    ckb_format fmt;
    ckb_csv *csv;
    ckb_jsonl *jsonl;
};

/** @brief Does @p s end with @p suffix? */
static bool ckb_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s);
    size_t m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

ckb_format ckb_format_of(const char *path, ckb_format fmt)
{
    if (fmt != CKB_FMT_AUTO) {
        return fmt;
    }
    if (ckb_ends_with(path, ".jsonl") || ckb_ends_with(path, ".ndjson")) {
        return CKB_FMT_JSONL;
    }
    if (ckb_ends_with(path, ".csv")) {
        return CKB_FMT_CSV;
    }
    return CKB_FMT_AUTO;
}

ckb_reader *ckb_reader_open(FILE *in, ckb_format fmt, ckb_tap_fn tap, void *tap_ctx)
{
    ckb_reader *r = calloc(1, sizeof *r);

    if (r == NULL) {
        return NULL;
    }
    r->fmt = fmt;
    if (fmt == CKB_FMT_JSONL) {
        r->jsonl = ckb_jsonl_open(in, tap, tap_ctx);
    } else {
        r->csv = ckb_csv_open(in, tap, tap_ctx);
    }
    if (r->jsonl == NULL && r->csv == NULL) {
        free(r);
        return NULL;
    }
    return r;
}

ckb_read_status ckb_reader_next(ckb_reader *r, ckb_row *row, char *msg, size_t cap)
{
    row->n = 0;
    row->len = 0;
    row->no = 0;
    if (r->jsonl != NULL) {
        return ckb_jsonl_next(r->jsonl, row, msg, cap);
    }
    return ckb_csv_next(r->csv, row, msg, cap);
}

void ckb_reader_close(ckb_reader *r)
{
    if (r == NULL) {
        return;
    }
    if (r->jsonl != NULL) {
        ckb_jsonl_close(r->jsonl);
    }
    if (r->csv != NULL) {
        ckb_csv_close(r->csv);
    }
    free(r);
}

void ckb_row_free(ckb_row *row)
{
    free(row->buf);
    row->buf = NULL;
    row->cap = 0;
    row->len = 0;
    row->n = 0;
}

/** @brief Append @p len bytes and a NUL; its offset, or (size_t)-1 when out of memory. */
static size_t ckb_row_add(ckb_row *row, const char *s, size_t len)
{
    size_t off = row->len;

    if (row->len + len + 1u > row->cap) {
        size_t cap = row->cap == 0u ? 256u : row->cap;
        char *nb;
        while (cap < row->len + len + 1u) {
            cap *= 2u;
        }
        nb = realloc(row->buf, cap);
        if (nb == NULL) {
            return (size_t)-1;
        }
        row->buf = nb;
        row->cap = cap;
    }
    if (len > 0u) {
        memcpy(row->buf + off, s, len);
    }
    row->buf[off + len] = '\0';
    row->len += len + 1u;
    return off;
}

bool ckb_row_cell(ckb_row *row, const char *name, size_t name_len, const char *value, size_t value_len)
{
    size_t a;
    size_t b;

    if (row->n >= CKB_MAX_COLS) {
        return false;
    }
    a = ckb_row_add(row, name, name_len);
    b = a == (size_t)-1 ? a : ckb_row_add(row, value, value_len);
    if (b == (size_t)-1) {
        return false;
    }
    row->name_off[row->n] = a;
    row->value_off[row->n] = b;
    row->n++;
    return true;
}

void ckb_row_seal(ckb_row *row)
{
    size_t i;

    for (i = 0; i < row->n; i++) {
        row->name[i] = row->buf + row->name_off[i];
        row->value[i] = row->buf + row->value_off[i];
    }
}
