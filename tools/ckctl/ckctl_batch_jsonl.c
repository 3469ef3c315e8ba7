/**
 * @file ckctl_batch_jsonl.c
 * @brief The JSON Lines reader: one JSON object per line whose values are
 * all strings, parsed with Debian's cJSON. Row N is line N; blank lines are
 * skipped. A bad line (over CKB_LINE_MAX bytes, a NUL byte, invalid UTF-8,
 * not an object, a value that is not a string, a key given twice, a value
 * over CKB_CELL_MAX bytes) is a bad row and reading goes on at the next line.
 */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ckctl_batch.h"

struct ckb_jsonl {
    FILE *in;
    ckb_tap_fn tap;
    void *tap_ctx;
    unsigned long line_no;
    char *line; /**< CKB_LINE_MAX + 2 bytes */
};

ckb_jsonl *ckb_jsonl_open(FILE *in, ckb_tap_fn tap, void *tap_ctx)
{
    ckb_jsonl *j = calloc(1, sizeof *j);

    if (j == NULL) {
        return NULL;
    }
    j->line = malloc(CKB_LINE_MAX + 2u);
    if (j->line == NULL) {
        free(j);
        return NULL;
    }
    j->in = in;
    j->tap = tap;
    j->tap_ctx = tap_ctx;
    return j;
}

void ckb_jsonl_close(ckb_jsonl *j)
{
    if (j != NULL) {
        free(j->line);
        free(j);
    }
}

/**
 * @brief Read one line (without its LF) into j->line.
 * @return Its length; -1 at the end; -2 when it is longer than CKB_LINE_MAX
 *         (the rest of it is skipped).
 */
static long ckb_jsonl_line(ckb_jsonl *j)
{
    size_t n = 0;
    bool too_long = false;
    int ch;

    while ((ch = getc(j->in)) != EOF) {
        unsigned char b = (unsigned char)ch;
        if (j->tap != NULL) {
            j->tap(j->tap_ctx, &b, 1);
        }
        if (ch == '\n') {
            break;
        }
        if (n < CKB_LINE_MAX) {
            j->line[n++] = (char)ch;
        } else {
            too_long = true;
        }
    }
    if (ch == EOF && n == 0u && !too_long) {
        return -1;
    }
    j->line_no++;
    if (too_long) {
        return -2;
    }
    if (n > 0u && j->line[n - 1u] == '\r') {
        n--;
    }
    j->line[n] = '\0';
    return (long)n;
}

/** @brief Only spaces and tabs? */
static bool ckb_blank(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] != ' ' && s[i] != '\t') {
            return false;
        }
    }
    return true;
}

/** @brief Write a message and return BAD_ROW. */
static ckb_read_status ckb_jsonl_bad(char *msg, size_t cap, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
    return CKB_READ_BAD_ROW;
}

/** @brief A name for messages, cut to 40 bytes. */
#define CKB_NAME(s) 40, (s)

/** @brief Copy the members of object @p obj into @p row. */
static ckb_read_status ckb_jsonl_members(const cJSON *obj, unsigned long no, ckb_row *row, char *msg,
                                         size_t cap)
{
    const cJSON *m;
    size_t i;

    for (m = obj->child; m != NULL; m = m->next) {
        size_t len;
        if (!cJSON_IsString(m) || m->valuestring == NULL) {
            return ckb_jsonl_bad(msg, cap, "row %lu: %.*s: the value must be a string", no,
                                 CKB_NAME(m->string));
        }
        len = strlen(m->valuestring);
        if (len > CKB_CELL_MAX) {
            return ckb_jsonl_bad(msg, cap, "row %lu: %.*s: longer than %u bytes", no, CKB_NAME(m->string),
                                 (unsigned)CKB_CELL_MAX);
        }
        for (i = 0; i < row->n; i++) {
            if (strcmp(row->buf + row->name_off[i], m->string) == 0) {
                return ckb_jsonl_bad(msg, cap, "row %lu: %.*s: given twice", no, CKB_NAME(m->string));
            }
        }
        if (row->n >= CKB_MAX_COLS) {
            return ckb_jsonl_bad(msg, cap, "row %lu: more than %u members", no, (unsigned)CKB_MAX_COLS);
        }
        if (!ckb_row_cell(row, m->string, strlen(m->string), m->valuestring, len)) {
            return ckb_jsonl_bad(msg, cap, "row %lu: out of memory", no);
        }
    }
    return CKB_READ_ROW;
}

ckb_read_status ckb_jsonl_next(ckb_jsonl *j, ckb_row *row, char *msg, size_t cap)
{
    for (;;) {
        long n = ckb_jsonl_line(j);
        cJSON *obj;
        ckb_read_status st;

        if (n == -1) {
            return CKB_READ_END;
        }
        row->no = j->line_no;
        if (n == -2) {
            return ckb_jsonl_bad(msg, cap, "row %lu: line longer than %u bytes", j->line_no,
                                 (unsigned)CKB_LINE_MAX);
        }
        if (ckb_blank(j->line, (size_t)n)) {
            continue;
        }
        if (memchr(j->line, '\0', (size_t)n) != NULL || strstr(j->line, "\\u0000") != NULL) {
            return ckb_jsonl_bad(msg, cap, "row %lu: NUL byte", j->line_no);
        }
        if (!ck_utf8_valid(j->line, (size_t)n)) {
            return ckb_jsonl_bad(msg, cap, "row %lu: not valid UTF-8", j->line_no);
        }
        obj = cJSON_ParseWithLengthOpts(j->line, (size_t)n + 1u, NULL, 1); /* nothing after it */
        if (obj == NULL || !cJSON_IsObject(obj)) {
            cJSON_Delete(obj);
            return ckb_jsonl_bad(msg, cap, "row %lu: not a JSON object", j->line_no);
        }
        st = ckb_jsonl_members(obj, j->line_no, row, msg, cap);
        cJSON_Delete(obj);
        if (st == CKB_READ_ROW) {
            ckb_row_seal(row);
        }
        return st;
    }
}
