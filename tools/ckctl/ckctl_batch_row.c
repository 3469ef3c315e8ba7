/**
 * @file ckctl_batch_row.c
 * @brief A row to its command: the cells become the command's own options
 * (column `card` is `--card`, `coupon` true|false is `--coupon` or
 * `--no-coupon`), ckctl_parse() reads them as it reads a command line, and
 * ckctl_check() runs the library's request checks. One set of rules: the
 * option tables and the library's.
 */
#include <stdio.h>
#include <string.h>

#include "ckctl_batch.h"

/** @brief Most words of one row's command line. */
#define CKB_MAX_WORDS (4u + 12u + 2u * CKB_MAX_COLS)

const ckctl_command *ckb_command_of(const char *op)
{
    size_t k;

    for (k = 0; k < ckctl_command_count; k++) {
        const ckctl_command *c = &ckctl_commands[k];
        if (c->id != CKCTL_CMD_V1_GET && strcmp(c->operation, op) == 0) {
            return c;
        }
    }
    return NULL;
}

/** @brief The value option of @p cmd named --@p column, or NULL. */
static const ckctl_opt *ckb_option(const ckctl_command *cmd, const char *column)
{
    size_t k;

    for (k = 0; k < cmd->opt_count; k++) {
        const ckctl_opt *o = &cmd->opts[k];
        if (o->kind == CKCTL_OPT_VALUE && strcmp(o->name + 2, column) == 0) {
            return o;
        }
    }
    return NULL;
}

/** @brief The flag option of @p cmd named @p name ("--coupon"), or NULL. */
static const ckctl_opt *ckb_flag(const ckctl_command *cmd, const char *name)
{
    size_t k;

    for (k = 0; k < cmd->opt_count; k++) {
        if (cmd->opts[k].kind != CKCTL_OPT_VALUE && strcmp(cmd->opts[k].name, name) == 0) {
            return &cmd->opts[k];
        }
    }
    return NULL;
}

bool ckb_known_column(const char *name)
{
    size_t k;

    if (strcmp(name, "op") == 0 || strcmp(name, "coupon") == 0) {
        return true;
    }
    for (k = 0; k < ckctl_command_count; k++) {
        if (ckctl_commands[k].id != CKCTL_CMD_V1_GET && ckb_option(&ckctl_commands[k], name) != NULL) {
            return true;
        }
    }
    return false;
}

/** @brief The column behind option name @p name ("--no-coupon" -> "coupon"). */
static const char *ckb_column_of(const ckctl_opt *opt)
{
    return opt->kind == CKCTL_OPT_VALUE ? opt->name + 2 : "coupon";
}

/**
 * @brief The column a usage message of ckctl_parse() is about: the first
 * "--name" in it that is an option of @p cmd, else "op".
 */
static const char *ckb_column_in(const ckctl_command *cmd, const char *msg)
{
    const char *p = msg;

    while ((p = strstr(p, "--")) != NULL) {
        char name[48];
        size_t n = 0;
        const ckctl_opt *o;
        while (n + 1u < sizeof name && (p[n] == '-' || (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9'))) {
            name[n] = p[n];
            n++;
        }
        name[n] = '\0';
        o = ckb_option(cmd, name + 2);
        if (o == NULL) {
            o = ckb_flag(cmd, name);
        }
        if (o != NULL) {
            return ckb_column_of(o);
        }
        p += n > 2u ? n : 2u;
    }
    return "op";
}

/** @brief The value of column @p name in @p row, or "". */
static const char *ckb_cell(const ckb_row *row, const char *name)
{
    size_t i;

    for (i = 0; i < row->n; i++) {
        if (strcmp(row->name[i], name) == 0) {
            return row->value[i];
        }
    }
    return "";
}

/** @brief Words of @p cmd's command line for @p row; false with @p msg set on a bad column. */
static bool ckb_words(const ckb_row *row, const ckctl_command *cmd, char **w, int *argc, char *msg,
                      size_t cap)
{
    size_t i;

    for (i = 0; i < row->n; i++) {
        const char *name = row->name[i];
        const char *v = row->value[i];
        const ckctl_opt *o;

        if (strcmp(name, "op") == 0) {
            continue;
        }
        if (v[0] == '\0') {
            continue;
        }
        if (!ckb_known_column(name)) {
            (void)snprintf(msg, cap, "row %lu: %.40s: unknown column (no operation takes it)", row->no, name);
            return false;
        }
        if (strcmp(name, "coupon") == 0) {
            if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
                (void)snprintf(msg, cap, "row %lu: coupon: true or false", row->no);
                return false;
            }
            o = ckb_flag(cmd, strcmp(v, "true") == 0 ? "--coupon" : "--no-coupon");
        } else {
            o = ckb_option(cmd, name);
        }
        if (o == NULL) {
            (void)snprintf(msg, cap, "row %lu: %s: %s does not take this column", row->no, name,
                           cmd->operation);
            return false;
        }
        w[(*argc)++] = (char *)(uintptr_t)o->name; /* ckctl_parse() does not write to argv */
        if (o->kind == CKCTL_OPT_VALUE) {
            w[(*argc)++] = (char *)(uintptr_t)v;
        }
    }
    return true;
}

bool ckb_row_args(const ckb_row *row, const ckb_globals *g, const ck_date *today, ckctl_args *out,
                  char *msg, size_t cap)
{
    char *w[CKB_MAX_WORDS];
    char umsg[200];
    int argc = 0;
    int i;
    const char *op = ckb_cell(row, "op");
    const ckctl_command *cmd;
    const char *field = NULL;
    const ckctl_opt *opt;

    cmd = ckb_command_of(op);
    if (op[0] == '\0') {
        (void)snprintf(msg, cap, "row %lu: op: missing", row->no);
        return false;
    }
    if (cmd == NULL) {
        (void)snprintf(msg, cap, "row %lu: op: unknown operation (card.apply, 3ds.enroll, 3ds.update, "
                                 "contact.update, v1.3ds.enroll, v1.3ds.update, v1.3ds.unenroll)",
                       row->no);
        return false;
    }
    w[argc++] = (char *)(uintptr_t)"ckctl";
    for (i = 0; i < g->argc; i++) {
        w[argc++] = g->argv[i];
    }
    if (cmd->api != NULL) {
        w[argc++] = (char *)(uintptr_t)cmd->api;
    }
    w[argc++] = (char *)(uintptr_t)cmd->group;
    w[argc++] = (char *)(uintptr_t)cmd->verb;
    if (!ckb_words(row, cmd, w, &argc, msg, cap)) {
        return false;
    }
    if (ckctl_parse(argc, w, out, umsg, sizeof umsg) != CKCTL_PARSE_OK) {
        (void)snprintf(msg, cap, "row %lu: %s: %s", row->no, ckb_column_in(cmd, umsg), umsg);
        return false;
    }
    if (ckctl_check(out, today, &field) != CK_OK) {
        opt = ckctl_find_field(cmd, field);
        if (opt != NULL) {
            (void)snprintf(msg, cap, "row %lu: %s: %s", row->no, ckb_column_of(opt), opt->help);
        } else {
            (void)snprintf(msg, cap, "row %lu: %s: invalid", row->no, field != NULL ? field : "op");
        }
        return false;
    }
    return true;
}
