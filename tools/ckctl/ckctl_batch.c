/**
 * @file ckctl_batch.c
 * @brief `ckctl [GLOBAL...] batch check FILE` and `ckctl [GLOBAL...] batch
 * run FILE --journal J [...]`: the command line, the global options (checked
 * by ckctl's own parser), the credentials, and the two verbs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckctl_batch.h"

/** @brief The batch options that take a value. */
static const char *const ckb_value_opts[] = {"--journal", "--out", "--jobs", "--rate", "--progress",
                                             "--resolved", "--format"};

static void ckb_help(FILE *out)
{
    fputs("Usage: ckctl [GLOBAL OPTIONS] batch check FILE [--format csv|jsonl]\n"
          "       ckctl [GLOBAL OPTIONS] batch run FILE --journal J [--out RESULTS] [--jobs N]\n"
          "             [--rate R] [--progress auto|always|never] [--resolved ROWS]\n"
          "             [--format csv|jsonl]\n"
          "\n"
          "Runs many operations from one file: CSV with a header row (RFC 4180) or JSON Lines\n"
          "(one object of strings per line), by extension (.csv, .jsonl) or --format. Column\n"
          "'op' names the operation: card.apply, 3ds.enroll, 3ds.update, contact.update,\n"
          "v1.3ds.enroll, v1.3ds.update, v1.3ds.unenroll. Every other column is a long option\n"
          "of that command without its dashes (product, card, cardholder, mobile, product-id,\n"
          "otp, ...), plus coupon=true|false for card.apply; an empty cell is an option not\n"
          "given. FILE may be - (stdin) for check.\n"
          "\n"
          "check   checks every row as the single commands do; prints 'row N: COLUMN: reason'\n"
          "        on stderr for each bad row; exit 2 if any. Sends nothing.\n"
          "run     checks first (nothing is sent if a row is bad), then sends every row and\n"
          "        writes one JSON line per row, in row order, to --out (default stdout).\n"
          "  --journal J    required: append-only record of what was sent and answered; run\n"
          "                 again with the same FILE and J to resume (see docs/batch.md)\n"
          "  --jobs N       connections, 1 to 32 (default 4)\n"
          "  --rate R       at most R requests per second across all jobs\n"
          "  --progress     auto (when stderr is a terminal), always, never\n"
          "  --resolved ROWS  rows (17,42) that were unknown and that you have reconciled\n"
          "\n"
          "Credentials come only from the environment: CK_API_KEY, CK_ACCESS_TOKEN.\n"
          "Exit codes: 0 every row ok; 2 invalid input or usage (nothing sent); 9 nothing\n"
          "could be sent; 10 some row unknown (may have been applied); 12 some row failed;\n"
          "130 interrupted (run again to resume).\n",
          out);
}

bool ckctl_is_batch(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        size_t g;
        bool takes = false;
        if (argv[i][0] != '-') {
            return strcmp(argv[i], "batch") == 0;
        }
        for (g = 0; g < ckctl_global_value_count; g++) {
            if (strcmp(argv[i], ckctl_global_value_names[g]) == 0) {
                takes = true;
            }
        }
        if (takes) {
            i++;
        }
    }
    return false;
}

/** @brief The command line of `batch`. */
typedef struct ckb_cli {
    const char *verb;
    const char *file;
    const char *value[sizeof ckb_value_opts / sizeof ckb_value_opts[0]];
    bool help;
    ckb_globals g;
} ckb_cli;

/** @brief Usage error: print and return 2. */
static int ckb_usage(const char *what, const char *name)
{
    fprintf(stderr, "ckctl: batch: %s%s%s (see 'ckctl batch --help')\n", what, name != NULL ? " " : "",
            name != NULL ? name : "");
    return CKCTL_EXIT_USAGE;
}

/**
 * @brief If @p word is option @p name (or name=value), take its value.
 * @return 1 taken, 0 not this option, -1 no value.
 */
static int ckb_take(int argc, char **argv, int *i, const char *name, const char **out)
{
    const char *word = argv[*i];
    size_t n = strlen(name);

    if (strncmp(word, name, n) != 0 || (word[n] != '\0' && word[n] != '=')) {
        return 0;
    }
    if (word[n] == '=') {
        *out = word + n + 1;
        return 1;
    }
    if (*i + 1 >= argc) {
        return -1;
    }
    *out = argv[++*i];
    return 1;
}

/** @brief A global option: its words go to every row's command line. */
static int ckb_global(int argc, char **argv, int *i, ckb_cli *c)
{
    const char *v = NULL;
    size_t g;
    int r;

    if (strcmp(argv[*i], "-v") == 0 || strcmp(argv[*i], "--verbose") == 0) {
        if (c->g.argc + 1 > (int)(sizeof c->g.argv / sizeof c->g.argv[0])) {
            return -1;
        }
        c->g.argv[c->g.argc++] = argv[*i];
        return 1;
    }
    for (g = 0; g < ckctl_global_value_count; g++) {
        int at = *i;
        r = ckb_take(argc, argv, i, ckctl_global_value_names[g], &v);
        if (r != 0) {
            if (r < 0 || c->g.argc + 2 > (int)(sizeof c->g.argv / sizeof c->g.argv[0])) {
                return -1;
            }
            c->g.argv[c->g.argc++] = argv[at];
            if (*i != at) {
                c->g.argv[c->g.argc++] = argv[*i];
            }
            return 1;
        }
    }
    return 0;
}

/** @brief Parse the words; returns -1 to go on, else the exit code. */
static int ckb_parse(int argc, char **argv, ckb_cli *c)
{
    int i;
    bool seen_batch = false;

    for (i = 1; i < argc; i++) {
        const char *w = argv[i];
        size_t k;
        int r;

        if (strcmp(w, "-h") == 0 || strcmp(w, "--help") == 0) {
            c->help = true;
            continue;
        }
        if (w[0] != '-' || strcmp(w, "-") == 0) {
            if (!seen_batch) {
                seen_batch = true;
            } else if (c->verb == NULL) {
                c->verb = w;
            } else if (c->file == NULL) {
                c->file = w;
            } else {
                return ckb_usage("unexpected argument", w);
            }
            continue;
        }
        r = ckb_global(argc, argv, &i, c);
        if (r < 0) {
            return ckb_usage("a value is missing after", w);
        }
        if (r > 0) {
            continue;
        }
        for (k = 0; k < sizeof ckb_value_opts / sizeof ckb_value_opts[0]; k++) {
            const char *v = NULL;
            r = ckb_take(argc, argv, &i, ckb_value_opts[k], &v);
            if (r < 0) {
                return ckb_usage("a value is missing after", w);
            }
            if (r > 0) {
                if (c->value[k] != NULL) {
                    return ckb_usage("option given twice:", ckb_value_opts[k]);
                }
                c->value[k] = v;
                break;
            }
        }
        if (k == sizeof ckb_value_opts / sizeof ckb_value_opts[0]) {
            return ckb_usage("unknown option", w);
        }
    }
    if (c->help) {
        ckb_help(stdout);
        return CKCTL_EXIT_OK;
    }
    if (c->verb == NULL || (strcmp(c->verb, "check") != 0 && strcmp(c->verb, "run") != 0)) {
        return ckb_usage("needs 'check FILE' or 'run FILE --journal J'", NULL);
    }
    if (c->file == NULL) {
        return ckb_usage("missing FILE after", c->verb);
    }
    return -1;
}

/** @brief Index of batch option @p name in ckb_value_opts. */
static const char *ckb_opt(const ckb_cli *c, const char *name)
{
    size_t k;

    for (k = 0; k < sizeof ckb_value_opts / sizeof ckb_value_opts[0]; k++) {
        if (strcmp(ckb_value_opts[k], name) == 0) {
            return c->value[k];
        }
    }
    return NULL;
}

/** @brief Check the global options once with ckctl's parser (on a stand-in command). */
static int ckb_check_globals(const ckb_cli *c, ckctl_args *out)
{
    char *w[24];
    char msg[200];
    int argc = 0;
    int i;
    static char *const probe[] = {"3ds", "enroll", "--card", "c", "--cardholder", "h"};

    w[argc++] = "ckctl";
    for (i = 0; i < c->g.argc; i++) {
        w[argc++] = c->g.argv[i];
    }
    for (i = 0; i < 6; i++) {
        w[argc++] = probe[i];
    }
    if (ckctl_parse(argc, w, out, msg, sizeof msg) != CKCTL_PARSE_OK) {
        return ckb_usage(msg, NULL);
    }
    return -1;
}

/** @brief --format. */
static bool ckb_format_opt(const char *v, ckb_format *out)
{
    if (v == NULL) {
        *out = CKB_FMT_AUTO;
    } else if (strcmp(v, "csv") == 0) {
        *out = CKB_FMT_CSV;
    } else if (strcmp(v, "jsonl") == 0) {
        *out = CKB_FMT_JSONL;
    } else {
        return false;
    }
    return true;
}

/** @brief `batch check FILE`. */
static int ckb_check(const ckb_cli *c, ckb_format fmt)
{
    ckb_scan scan;

    ckb_validate(c->file, fmt, &c->g, false, &scan);
    if (scan.unreadable) {
        return CKCTL_EXIT_USAGE;
    }
    fprintf(stderr, "ckctl: batch check: %lu row%s, %lu bad\n", scan.rows, scan.rows == 1u ? "" : "s",
            scan.bad);
    return scan.bad > 0u ? CKCTL_EXIT_USAGE : CKCTL_EXIT_OK;
}

/** @brief A whole number in [lo, hi]. */
static bool ckb_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end = NULL;
    unsigned long v;

    if (s == NULL || *s < '0' || *s > '9') {
        return false;
    }
    v = strtoul(s, &end, 10);
    if (*end != '\0' || v < lo || v > hi) {
        return false;
    }
    *out = v;
    return true;
}

/** @brief The run's options from the command line. */
static int ckb_run_opts_of(const ckb_cli *c, ckb_run_opts *o)
{
    const char *jobs = ckb_opt(c, "--jobs");
    const char *rate = ckb_opt(c, "--rate");
    const char *progress = ckb_opt(c, "--progress");
    unsigned long n = 4;
    char *end = NULL;

    o->journal = ckb_opt(c, "--journal");
    o->out = ckb_opt(c, "--out");
    o->resolved = ckb_opt(c, "--resolved");
    if (o->journal == NULL || o->journal[0] == '\0') {
        return ckb_usage("run needs --journal J (the record that makes a re-run safe)", NULL);
    }
    if (strcmp(c->file, "-") == 0) {
        return ckb_usage("run reads FILE twice (check, then send): give a file, not -", NULL);
    }
    if (jobs != NULL && !ckb_uint(jobs, 1, CKB_MAX_JOBS, &n)) {
        return ckb_usage("invalid --jobs: 1 to 32", NULL);
    }
    o->jobs = (unsigned)n;
    o->rate = 0.0;
    if (rate != NULL) {
        o->rate = strtod(rate, &end);
        if (end == rate || *end != '\0' || !(o->rate > 0.0) || o->rate > 1e6) {
            return ckb_usage("invalid --rate: requests per second, more than 0", NULL);
        }
    }
    o->progress = 0;
    if (progress != NULL) {
        if (strcmp(progress, "always") == 0) {
            o->progress = 1;
        } else if (strcmp(progress, "never") == 0) {
            o->progress = 2;
        } else if (strcmp(progress, "auto") != 0) {
            return ckb_usage("invalid --progress: auto, always or never", NULL);
        }
    }
    return -1;
}

/** @brief A credential from the environment, or NULL when unset or empty. */
static const char *ckb_credential(const char *name)
{
    const char *v = getenv(name);

    return v != NULL && v[0] != '\0' ? v : NULL;
}

int ckctl_batch_main(int argc, char **argv)
{
    static ckb_cli cli;
    static ckb_run_opts o;
    ckb_format fmt;
    int code;

    code = ckb_parse(argc, argv, &cli);
    if (code >= 0) {
        return code;
    }
    if (!ckb_format_opt(ckb_opt(&cli, "--format"), &fmt)) {
        return ckb_usage("invalid --format: csv or jsonl", NULL);
    }
    code = ckb_check_globals(&cli, &o.global_args);
    if (code >= 0) {
        return code;
    }
    if (strcmp(cli.verb, "check") == 0) {
        return ckb_check(&cli, fmt);
    }
    code = ckb_run_opts_of(&cli, &o);
    if (code >= 0) {
        return code;
    }
    o.file = cli.file;
    o.format = fmt;
    o.globals = cli.g;
    o.api_key = ckb_credential("CK_API_KEY");
    o.access_token = ckb_credential("CK_ACCESS_TOKEN");
    if (o.api_key == NULL) {
        return ckb_usage("CK_API_KEY is not set: credentials come only from the environment", NULL);
    }
    return ckb_run(&o);
}
