/**
 * @file kiosk_v1.c
 * @brief A kiosk's 3DS program flow on the v1 API, written against cardkit's
 * public API and its POSIX and mbedTLS ports only, with the idempotency key
 * of every call kept in a journal (standing in for the kiosk's non-volatile
 * storage) so that a power cut between sending and the answer is recovered
 * by replaying the call with the same key:
 *
 *  1. enroll the card in the 3DS program, OTP by SMS   (ck_v1_3ds_enroll)
 *  2. read the enrollment details                       (ck_v1_3ds_get)
 *  3. switch the OTP delivery method to EMAIL           (ck_v1_3ds_update)
 *  4. unenroll the card                                 (ck_v1_3ds_unenroll)
 *
 * The journal protocol (see kiosk_v1_step()):
 *  - before a call, make its key (ck_v1_request_id_new()) and write the
 *    record {step, OTP method, key, ids} to the journal, durably (write a
 *    temporary file, fsync, rename, fsync the folder);
 *  - send; when the outcome is settled (ck_result::applied is
 *    CK_APPLIED_YES or CK_APPLIED_NO: an answer that speaks for the key, or
 *    nothing left the device), remove the record;
 *  - otherwise (CK_APPLIED_MAYBE, which is CK_ERR_OUTCOME_UNKNOWN: a lost
 *    answer, a 5xx, a 401 on a resend...) keep it;
 *  - at start-up, a record in the journal means "the answer was never
 *    seen": replay that step with the stored key and ids (the issuer
 *    applies it at most once), then go on with the steps after it; the
 *    replay's answer settles the record only when it speaks for the lost
 *    call too (ck_result_applied_after_lost(): a 401 or a 5xx does not).
 *
 * Usage: kiosk_v1 [--base-url URL] [--ca-file PEM] [--timeout-ms N]
 *                 [--journal PATH] [--product-id ID] [--cardholder-id ID]
 *                 [--wallet-id ID] [--card-id ID]
 * Environment: CK_BASE_URL and CK_CA_FILE (when the options are not given),
 * CK_API_KEY (required), CK_ACCESS_TOKEN (optional: no Authorization header
 * without it). Without --journal nothing survives the process.
 * Exit status: 0 when every step succeeded (or after --help), 1 when a step
 * failed, 2 on bad usage.
 *
 * Memory: the client, the TLS state and the buffers are static; one
 * ::ck_client and one ::ck_buffers serve every call. Nothing is allocated by
 * cardkit.
 *
 * The option parsing, credentials and connection stack are shared with
 * kiosk.c (kiosk_common.c); the calls, step lines and result printing with
 * the board's networked image (kiosk_flow.c); this file holds the journal.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kiosk_common.h"

/** @brief Step names, as stored in the journal. */
static const char *const kv1_step_names[KIOSK_V1_STEPS] = {"enroll", "get", "update", "unenroll"};

/** @brief Largest journal record. */
#define KV1_RECORD_MAX 512u
/** @brief What the kiosk was told to do. */
typedef struct kv1_opts {
    kiosk_conn_opts conn;
    const char *journal;
    const char *product;
    const char *cardholder;
    const char *wallet;
    const char *card;
} kv1_opts;

/** @brief A journal record: one step whose answer was not seen yet. */
typedef struct kv1_record {
    int step;                               /**< KIOSK_V1_ENROLL .. KIOSK_V1_UNENROLL */
    ck_otp_method otp;                      /**< enroll, update */
    char key[CK_V1_REQUEST_ID_SIZE];        /**< the idempotency key */
    char product[KIOSK_V1_ID_MAX + 1u];
    char cardholder[KIOSK_V1_ID_MAX + 1u];
    char wallet[KIOSK_V1_ID_MAX + 1u];
    char card[KIOSK_V1_ID_MAX + 1u];
} kv1_record;

/** @brief The connection stack and the one buffer set (static: mbedTLS contexts are large). */
static kiosk_stack kv1_stack;

/** @brief This program, for the shared parsing and messages. */
static const kiosk_program kv1_program = {
    "kiosk_v1",
    "usage: kiosk_v1 [--base-url URL] [--ca-file PEM] [--timeout-ms N] [--journal PATH]\n"
    "                [--product-id ID] [--cardholder-id ID] [--wallet-id ID] [--card-id ID]\n"
    "environment: CK_API_KEY (required); CK_ACCESS_TOKEN (optional); CK_BASE_URL, CK_CA_FILE\n",
    "no base URL (--base-url or CK_BASE_URL): the provider's {{baseUrl}}",
    false,
};

/** @brief Parse the command line over the defaults: 0 to run, -1 after --help, 2 on bad usage. */
static int kv1_parse(int argc, char **argv, kv1_opts *o)
{
    const kiosk_option own[] = {
        {"--journal", &o->journal},
        {"--product-id", &o->product},
        {"--cardholder-id", &o->cardholder},
        {"--wallet-id", &o->wallet},
        {"--card-id", &o->card},
    };
    int rc;

    memset(o, 0, sizeof *o);
    o->product = KIOSK_V1_DEFAULT_PRODUCT;
    o->cardholder = KIOSK_V1_DEFAULT_CARDHOLDER;
    o->wallet = KIOSK_V1_DEFAULT_WALLET;
    o->card = KIOSK_V1_DEFAULT_CARD;
    rc = kiosk_parse(&kv1_program, argc, argv, &o->conn, own, sizeof own / sizeof own[0]);
    if (rc != 0) {
        return rc;
    }
    if (strlen(o->product) > KIOSK_V1_ID_MAX || strlen(o->cardholder) > KIOSK_V1_ID_MAX ||
        strlen(o->wallet) > KIOSK_V1_ID_MAX || strlen(o->card) > KIOSK_V1_ID_MAX) {
        return kiosk_usage(&kv1_program, "ids are at most 64 characters");
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The journal: one record, written durably before a call, removed after.   */
/* ------------------------------------------------------------------------ */

/** @brief fsync the folder holding @p path, so that a rename or unlink is durable. */
static int kv1_sync_dir(const char *path)
{
    char dir[1024];
    const char *slash = strrchr(path, '/');
    size_t n = slash == NULL ? 1u : (slash == path ? 1u : (size_t)(slash - path));
    int fd;
    int rc;

    if (n >= sizeof dir) {
        return -1;
    }
    if (slash == NULL) {
        dir[0] = '.';
    } else {
        memcpy(dir, path, n);
    }
    dir[n] = '\0';
    fd = open(dir, O_RDONLY);
    if (fd < 0) {
        return -1;
    }
    rc = fsync(fd);
    (void)close(fd);
    return rc;
}

/** @brief Write @p r to the journal: temporary file, fsync, rename, fsync the folder. */
static int kv1_journal_write(const char *path, const kv1_record *r)
{
    char tmp[1024];
    char buf[KV1_RECORD_MAX];
    int len;
    int fd;
    ssize_t w;

    len = snprintf(buf, sizeof buf, "cardkit-v1-journal 1\nstep=%s\notp=%s\nkey=%s\nproduct=%s\n"
                                    "cardholder=%s\nwallet=%s\ncard=%s\nend\n",
                   kv1_step_names[r->step], r->otp == CK_OTP_SMS ? "SMS" : (r->otp == CK_OTP_EMAIL ? "EMAIL" : "-"),
                   r->key, r->product, r->cardholder, r->wallet, r->card);
    if (len < 0 || (size_t)len >= sizeof buf || (size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        return -1;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        return -1;
    }
    w = write(fd, buf, (size_t)len);
    if (w != (ssize_t)len || fsync(fd) != 0) {
        (void)close(fd);
        (void)unlink(tmp);
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        (void)unlink(tmp);
        return -1;
    }
    return kv1_sync_dir(path);
}

/** @brief Remove the record (the answer was seen). */
static int kv1_journal_clear(const char *path)
{
    if (unlink(path) != 0 && errno != ENOENT) {
        return -1;
    }
    return kv1_sync_dir(path);
}

/** @brief Copy the value of "name=value" line @p line into @p out when it is @p name. */
static int kv1_take(const char *line, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    size_t v;

    if (strncmp(line, name, n) != 0 || line[n] != '=') {
        return 0;
    }
    v = strlen(line + n + 1u);
    if (v == 0u || v >= cap) {
        return -1;
    }
    memcpy(out, line + n + 1u, v + 1u);
    return 1;
}

/**
 * @brief Read the pending record, if any.
 * @return 1 when there is one, 0 when there is none (or it is incomplete:
 *         it was being written when the power went, so its request was
 *         never sent), -1 when the journal cannot be read.
 */
static int kv1_journal_read(const char *path, kv1_record *r)
{
    char line[KIOSK_V1_ID_MAX + 32u];
    char step[16] = "";
    char otp[8] = "";
    int have_end = 0;
    FILE *f = fopen(path, "r");
    int i;

    memset(r, 0, sizeof *r);
    if (f == NULL) {
        return errno == ENOENT ? 0 : -1;
    }
    if (fgets(line, sizeof line, f) == NULL || strcmp(line, "cardkit-v1-journal 1\n") != 0) {
        (void)fclose(f);
        return 0;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        size_t n = strlen(line);
        if (n == 0u || line[n - 1u] != '\n') {
            break; /* cut short */
        }
        line[n - 1u] = '\0';
        if (strcmp(line, "end") == 0) {
            have_end = 1;
            break;
        }
        if (kv1_take(line, "step", step, sizeof step) < 0 || kv1_take(line, "otp", otp, sizeof otp) < 0 ||
            kv1_take(line, "key", r->key, sizeof r->key) < 0 ||
            kv1_take(line, "product", r->product, sizeof r->product) < 0 ||
            kv1_take(line, "cardholder", r->cardholder, sizeof r->cardholder) < 0 ||
            kv1_take(line, "wallet", r->wallet, sizeof r->wallet) < 0 ||
            kv1_take(line, "card", r->card, sizeof r->card) < 0) {
            break;
        }
    }
    (void)fclose(f);
    r->step = -1;
    for (i = 0; i < KIOSK_V1_STEPS; i++) {
        if (strcmp(step, kv1_step_names[i]) == 0) {
            r->step = i;
        }
    }
    r->otp = strcmp(otp, "SMS") == 0 ? CK_OTP_SMS : (strcmp(otp, "EMAIL") == 0 ? CK_OTP_EMAIL : CK_OTP_NONE);
    if (!have_end || r->step < 0 || r->key[0] == '\0' || r->product[0] == '\0' || r->cardholder[0] == '\0' ||
        r->wallet[0] == '\0' || r->card[0] == '\0') {
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* The calls                                                                 */
/* ------------------------------------------------------------------------ */

/** @brief The ids of a journal record, as the shared flow takes them. */
static void kv1_ids(const kv1_record *rec, kiosk_v1_ids *ids)
{
    ids->product = rec->product;
    ids->cardholder = rec->cardholder;
    ids->wallet = rec->wallet;
    ids->card = rec->card;
}

/**
 * @brief Run one step of @p rec (its key already set), print it
 * (kiosk_flow.c), settle the journal; 0 on success. @p replay: the record
 * is a lost call's from before the last stop, so only an answer that speaks
 * for that call too settles it (ck_result_applied_after_lost()).
 */
static int kv1_call(const kv1_opts *o, const kv1_record *rec, bool replay)
{
    kiosk_v1_ids ids;
    ck_result r;
    ck_applied applied;
    int failed;

    kv1_ids(rec, &ids);
    failed = kiosk_v1_call(&kv1_stack.client, rec->step, rec->otp, &ids, rec->key, &r);
    applied = replay ? ck_result_applied_after_lost(&r) : r.applied;
    if (o->journal != NULL) {
        /* Settled, one way or the other: the record is done. */
        if (applied != CK_APPLIED_MAYBE) {
            if (kv1_journal_clear(o->journal) != 0) {
                printf("          journal  cannot remove the record: %s\n", strerror(errno));
                return 1;
            }
            printf("          journal  record removed (outcome settled)\n");
        } else {
            printf("          journal  record KEPT: the request may have been applied; the next start\n"
                   "                   replays it with key %s\n", rec->key);
        }
    } else if (applied == CK_APPLIED_MAYBE) {
        printf("          the request may have been applied: repeat it with key %s\n", rec->key);
    }
    return failed;
}

/** @brief The step line of @p rec (kiosk_flow.c). */
static void kv1_print_step(int s, const kv1_record *rec)
{
    kiosk_v1_ids ids;

    kv1_ids(rec, &ids);
    kiosk_v1_print_step(s, rec->otp, &ids);
}

/**
 * @brief One step: make its key, journal it, call, settle the journal.
 * The key is made once per step, before anything is sent.
 */
static int kv1_step(const kv1_opts *o, int s)
{
    kv1_record rec;
    ck_err e;

    memset(&rec, 0, sizeof rec);
    rec.step = s;
    rec.otp = kiosk_v1_otp(s);
    (void)snprintf(rec.product, sizeof rec.product, "%s", o->product);
    (void)snprintf(rec.cardholder, sizeof rec.cardholder, "%s", o->cardholder);
    (void)snprintf(rec.wallet, sizeof rec.wallet, "%s", o->wallet);
    (void)snprintf(rec.card, sizeof rec.card, "%s", o->card);
    kv1_print_step(s, &rec);
    e = ck_v1_request_id_new(&kv1_stack.client, rec.key);
    if (e != CK_OK) {
        printf("          result   %s (no idempotency key could be made; nothing was sent)\n", ck_strerror(e));
        return 1;
    }
    printf("          key      %s", rec.key);
    if (o->journal != NULL) {
        if (kv1_journal_write(o->journal, &rec) != 0) {
            printf("\n          journal  cannot write the record (%s): nothing was sent\n", strerror(errno));
            return 1;
        }
        printf(" (written to the journal before sending)");
    }
    printf("\n");
    fflush(stdout); /* the log is as far as the kiosk got, should the power go now */
    return kv1_call(o, &rec, false);
}

/** @brief Replay the journal's pending step, if any; sets *next to the step after it. */
static int kv1_recover(const kv1_opts *o, int *next)
{
    kv1_record rec;
    int found;

    *next = KIOSK_V1_ENROLL;
    if (o->journal == NULL) {
        return 0;
    }
    found = kv1_journal_read(o->journal, &rec);
    if (found < 0) {
        printf("recovery: cannot read the journal %s: %s\n", o->journal, strerror(errno));
        return 1;
    }
    if (found == 0) {
        printf("recovery: the journal holds no pending call\n\n");
        return 0;
    }
    printf("recovery: the journal holds step %d/%d (%s) with key %s, sent before the last stop\n"
           "          without an answer: replaying it with the same key and ids\n",
           rec.step + 1, KIOSK_V1_STEPS, kv1_step_names[rec.step], rec.key);
    kv1_print_step(rec.step, &rec);
    printf("          key      %s (from the journal)\n", rec.key);
    if (kv1_call(o, &rec, true) != 0) {
        return 1;
    }
    printf("\n");
    *next = rec.step + 1;
    return 0;
}

int main(int argc, char **argv)
{
    kv1_opts o;
    kiosk_creds creds;
    int rc = kv1_parse(argc, argv, &o);
    int s = 0;

    if (rc != 0) {
        return rc < 0 ? 0 : rc; /* -1: help was printed */
    }
    rc = kiosk_credentials(&kv1_program, &creds);
    if (rc != 0) {
        return rc;
    }
    printf("cardkit %s kiosk example, 3DS program API v1\n", CK_VERSION_STRING);
    printf("  issuer   %s (resource " CK_V1_PATH_3DS ")\n", o.conn.base_url);
    printf("  CA       %s\n", kiosk_ca_file(&o.conn));
    printf("  auth     x-api-key%s\n", creds.token != NULL && creds.token[0] != '\0' ? " and Bearer token" : " only");
    printf("  journal  %s\n", o.journal != NULL ? o.journal : "(none: nothing survives a power cut)");
    printf("  ids      product %s, cardholder %s, wallet %s, card %s\n\n", o.product, o.cardholder, o.wallet, o.card);
    fflush(stdout);
    if (kiosk_stack_open(&kv1_stack, &kv1_program, &o.conn, &creds) != 0) {
        return 1;
    }
    rc = kv1_recover(&o, &s);
    for (; rc == 0 && s < KIOSK_V1_STEPS; s++) {
        rc = kv1_step(&o, s);
    }
    kiosk_stack_close(&kv1_stack);
    if (rc == 0) {
        printf("\nkiosk_v1: all %d v1 steps succeeded\n", KIOSK_V1_STEPS);
    } else {
        printf("\nkiosk_v1: stopped at the failed step\n");
    }
    return rc;
}
