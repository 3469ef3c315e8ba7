/**
 * @file ckctl_batch_check.c
 * @brief The validation pass of `ckctl batch check` and `run`: every row
 * read, turned into its command and checked by the library, every bad row
 * reported on stderr; the file's SHA-256 (mbedTLS) for the journal.
 */
#include <mbedtls/md.h>
#include <stdio.h>
#include <string.h>

#include "ck_posix.h"
#include "ckctl_batch.h"

const ck_date *ckb_today(ck_date *d)
{
    ck_platform pf;

    ck_posix_platform(&pf);
    if (pf.today != NULL && pf.today(pf.ctx, d) == CK_OK) {
        return d;
    }
    return NULL;
}

/** @brief The reader's tap: hash every byte. */
static void ckb_hash_tap(void *ctx, const unsigned char *bytes, size_t len)
{
    (void)mbedtls_md_update((mbedtls_md_context_t *)ctx, bytes, len);
}

/** @brief Report one bad row. */
static void ckb_bad(ckb_scan *out, const char *msg)
{
    fprintf(stderr, "%s\n", msg);
    out->bad++;
}

/** @brief Read and check every row of @p in. */
static void ckb_scan_rows(FILE *in, ckb_format fmt, const ckb_globals *g, mbedtls_md_context_t *md,
                          ckb_scan *out)
{
    static ckctl_args args;
    ckb_row row;
    char msg[CKB_MSG_MAX];
    ck_date day;
    const ck_date *today = ckb_today(&day);
    ckb_reader *r = ckb_reader_open(in, fmt, md != NULL ? ckb_hash_tap : NULL, md);
    ckb_read_status st;

    memset(&row, 0, sizeof row);
    if (r == NULL) {
        fprintf(stderr, "ckctl: batch: out of memory\n");
        out->unreadable = true;
        return;
    }
    while ((st = ckb_reader_next(r, &row, msg, sizeof msg)) != CKB_READ_END) {
        if (row.no > out->rows) {
            out->rows = row.no;
        }
        if (st == CKB_READ_FATAL) {
            ckb_bad(out, msg);
            break;
        }
        if (st == CKB_READ_BAD_ROW) {
            ckb_bad(out, msg);
        } else if (!ckb_row_args(&row, g, today, &args, msg, sizeof msg)) {
            ckb_bad(out, msg);
        } else if (!CKCTL_IS_V1(args.command)) {
            out->has_v2 = true;
        }
    }
    ckb_row_free(&row);
    ckb_reader_close(r);
}

void ckb_validate(const char *path, ckb_format fmt, const ckb_globals *g, bool want_hash, ckb_scan *out)
{
    mbedtls_md_context_t md;
    unsigned char sum[32];
    FILE *in;
    size_t i;
    bool std_in = strcmp(path, "-") == 0;

    memset(out, 0, sizeof *out);
    fmt = ckb_format_of(path, fmt);
    if (fmt == CKB_FMT_AUTO && std_in) {
        fmt = CKB_FMT_CSV;
    }
    if (fmt == CKB_FMT_AUTO) {
        fprintf(stderr, "ckctl: batch: cannot tell the format of %s: name it .csv or .jsonl, or give "
                        "--format csv|jsonl\n", path);
        out->unreadable = true;
        return;
    }
    in = std_in ? stdin : fopen(path, "rb");
    if (in == NULL) {
        fprintf(stderr, "ckctl: batch: cannot open %s\n", path);
        out->unreadable = true;
        return;
    }
    mbedtls_md_init(&md);
    if (want_hash && (mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 0) != 0 ||
                      mbedtls_md_starts(&md) != 0)) {
        want_hash = false;
        out->unreadable = true;
    }
    ckb_scan_rows(in, fmt, g, want_hash ? &md : NULL, out);
    if (ferror(in)) {
        fprintf(stderr, "ckctl: batch: read error on %s\n", path);
        out->unreadable = true;
    }
    if (want_hash && mbedtls_md_finish(&md, sum) == 0) {
        for (i = 0; i < sizeof sum; i++) {
            (void)snprintf(out->hash + 2u * i, 3, "%02x", sum[i]);
        }
    }
    mbedtls_md_free(&md);
    if (!std_in) {
        (void)fclose(in);
    }
}
