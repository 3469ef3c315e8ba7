/**
 * @file ckctl_batch_journal.c
 * @brief The journal of `ckctl batch run`: an append-only text file, one
 * record per line, each written whole with one write() and on disk
 * (fdatasync, shared by the jobs that wrote meanwhile) before its job goes on.
 *
 *     CKJ1 <sha256 of the input> <rows>     first line: the input it belongs to
 *     S <row> <key|->                       about to send the row (v1: its key)
 *     A <row> <results line>                the row was answered: its results line
 *     N <row>                               the row's request was not sent after all
 *     R <row>                               the user resolved an unknown row (--resolved)
 *
 * A last line without its newline, or one that does not parse, is a record
 * cut by a crash: it is dropped (the file is truncated before it). The
 * index keeps, per row, its state and the offset of its last S or A record
 * (8 bytes a row, allocated only when the journal has records).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "ckctl_batch.h"

/** @brief Index entries: the state in the top 2 bits, the record's offset below. */
#define CKB_J_SHIFT 62u
#define CKB_J_OFF_MASK ((UINT64_C(1) << CKB_J_SHIFT) - 1u)

struct ckb_journal {
    int fd;
    unsigned long rows;
    uint64_t *index;       /**< rows + 1 entries, or NULL when no record was read */
    pthread_mutex_t lock;
    pthread_cond_t synced_cv;
    uint64_t written;      /**< records written */
    uint64_t synced;       /**< records known on disk */
    bool syncing;          /**< a thread is in fdatasync() for the others too */
    bool sync_failed;      /**< an fdatasync() failed: nothing more is trusted */
};

/** @brief Set row @p row's state and record offset. */
static bool ckb_index_set(ckb_journal *j, unsigned long row, ckb_jstate st, uint64_t off)
{
    if (j->index == NULL) {
        j->index = calloc(j->rows + 1u, sizeof *j->index);
        if (j->index == NULL) {
            return false;
        }
    }
    j->index[row] = ((uint64_t)st << CKB_J_SHIFT) | (off & CKB_J_OFF_MASK);
    return true;
}

ckb_jstate ckb_journal_state(const ckb_journal *j, unsigned long row)
{
    if (j->index == NULL || row > j->rows) {
        return CKB_J_NONE;
    }
    return (ckb_jstate)(j->index[row] >> CKB_J_SHIFT);
}

/** @brief Parse "<row>" at @p s (1..rows); the end in *end. */
static bool ckb_row_number(const char *s, unsigned long rows, unsigned long *out, const char **end)
{
    unsigned long v = 0;
    const char *p = s;

    while (*p >= '0' && *p <= '9' && p - s < 12) {
        v = v * 10u + (unsigned long)(*p - '0');
        p++;
    }
    if (p == s || v == 0u || v > rows) {
        return false;
    }
    *out = v;
    *end = p;
    return true;
}

/** @brief Apply one record line (without its newline) at offset @p off. */
static bool ckb_journal_apply(ckb_journal *j, const char *line, uint64_t off)
{
    unsigned long row;
    const char *end;
    char kind = line[0];

    if (line[0] == '\0' || line[1] != ' ' || !ckb_row_number(line + 2, j->rows, &row, &end)) {
        return false;
    }
    switch (kind) {
    case 'S':
        return *end == ' ' && ckb_index_set(j, row, CKB_J_SENT, off);
    case 'A':
        return *end == ' ' && end[1] == '{' && ckb_index_set(j, row, CKB_J_ANSWERED, off);
    case 'N':
        return *end == '\0' && ckb_index_set(j, row, CKB_J_NONE, 0);
    case 'R':
        return *end == '\0' && ckb_index_set(j, row, CKB_J_RESOLVED, 0);
    default:
        return false;
    }
}

/** @brief Write all of @p s (no sync); false on an I/O error. */
static bool ckb_write_only(int fd, const char *s, size_t n)
{
    while (n > 0u) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        s += w;
        n -= (size_t)w;
    }
    return true;
}

/** @brief Write all of @p s and fdatasync; false on an I/O error. */
static bool ckb_write_all(int fd, const char *s, size_t n)
{
    return ckb_write_only(fd, s, n) && fdatasync(fd) == 0;
}

/**
 * @brief Read the records; truncate a torn tail.
 * @return false with @p msg set when the journal is another input's or damaged.
 */
static bool ckb_journal_load(ckb_journal *j, FILE *f, const char *hash_hex, char *msg, size_t cap)
{
    char *line = NULL;
    size_t lcap = 0;
    ssize_t n;
    uint64_t off = 0;
    uint64_t good = 0;
    unsigned long no = 0;
    bool torn = false;
    char head[128];

    while ((n = getline(&line, &lcap, f)) > 0) {
        bool whole = line[n - 1] == '\n';
        bool ok;
        no++;
        if (whole) {
            line[n - 1] = '\0';
        }
        if (no == 1u) {
            (void)snprintf(head, sizeof head, "CKJ1 %s %lu", hash_hex, j->rows);
            ok = whole && strcmp(line, head) == 0;
            if (!ok && whole && strncmp(line, "CKJ1 ", 5) == 0) {
                (void)snprintf(msg, cap, "the journal belongs to another input file (its hash differs): "
                                         "give the file it was made for, or a new journal");
                free(line);
                return false;
            }
        } else {
            ok = whole && ckb_journal_apply(j, line, off);
        }
        if (!ok) {
            torn = true;
            break;
        }
        off += (uint64_t)n;
        good = off;
    }
    if (torn && getline(&line, &lcap, f) > 0) {
        (void)snprintf(msg, cap, "the journal is damaged at line %lu (not a cut-off last record)", no);
        free(line);
        return false;
    }
    free(line);
    if (torn && ftruncate(j->fd, (off_t)good) != 0) {
        (void)snprintf(msg, cap, "cannot cut the journal's torn last record: %s", strerror(errno));
        return false;
    }
    if (good == 0u) {
        (void)snprintf(head, sizeof head, "CKJ1 %s %lu\n", hash_hex, j->rows);
        if (ftruncate(j->fd, 0) != 0 || !ckb_write_all(j->fd, head, strlen(head))) {
            (void)snprintf(msg, cap, "cannot write the journal: %s", strerror(errno));
            return false;
        }
    }
    return true;
}

/** @brief Take the journal for this run (a POSIX write lock, released when the process ends). */
static bool ckb_journal_lock(int fd)
{
    struct flock fl;

    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    return fcntl(fd, F_SETLK, &fl) == 0;
}

ckb_journal *ckb_journal_open(const char *path, const char *hash_hex, unsigned long rows, char *msg,
                              size_t cap)
{
    ckb_journal *j = calloc(1, sizeof *j);
    FILE *f;
    int rfd;

    if (j == NULL) {
        (void)snprintf(msg, cap, "out of memory");
        return NULL;
    }
    j->rows = rows;
    j->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    rfd = j->fd < 0 ? -1 : open(path, O_RDONLY | O_CLOEXEC);
    f = rfd < 0 ? NULL : fdopen(rfd, "r");
    if (f == NULL) {
        (void)snprintf(msg, cap, "cannot open the journal %s: %s", path, strerror(errno));
        if (rfd >= 0) {
            (void)close(rfd);
        }
        if (j->fd >= 0) {
            (void)close(j->fd);
        }
        free(j);
        return NULL;
    }
    if (!ckb_journal_lock(j->fd)) {
        (void)snprintf(msg, cap, "another run is using this journal");
        (void)fclose(f);
        (void)close(j->fd);
        free(j);
        return NULL;
    }
    if (!ckb_journal_load(j, f, hash_hex, msg, cap)) {
        (void)fclose(f);
        (void)close(j->fd);
        free(j->index);
        free(j);
        return NULL;
    }
    (void)fclose(f);
    (void)pthread_mutex_init(&j->lock, NULL);
    (void)pthread_cond_init(&j->synced_cv, NULL);
    return j;
}

/** @brief Read the record of @p row (an S or A line) into @p buf; its payload after "X row ". */
static const char *ckb_journal_record(ckb_journal *j, unsigned long row, char *buf, size_t cap)
{
    uint64_t off;
    ssize_t n;
    char *nl;
    char *sp;

    if (j->index == NULL || row > j->rows || cap < 2u) {
        return NULL;
    }
    off = j->index[row] & CKB_J_OFF_MASK;
    n = pread(j->fd, buf, cap - 1u, (off_t)off);
    if (n <= 0) {
        return NULL;
    }
    buf[n] = '\0';
    nl = strchr(buf, '\n');
    if (nl == NULL) {
        return NULL;
    }
    *nl = '\0';
    sp = strchr(buf + 2, ' ');
    return sp != NULL ? sp + 1 : NULL;
}

bool ckb_journal_result(ckb_journal *j, unsigned long row, char *buf, size_t cap)
{
    char rec[CKB_RESULT_MAX + 32u];
    const char *p = ckb_journal_record(j, row, rec, sizeof rec);

    if (p == NULL || rec[0] != 'A' || strlen(p) >= cap) {
        return false;
    }
    memcpy(buf, p, strlen(p) + 1u);
    return true;
}

bool ckb_journal_key(ckb_journal *j, unsigned long row, char *buf, size_t cap)
{
    char rec[CK_V1_REQUEST_ID_SIZE + 64u];
    const char *p = ckb_journal_record(j, row, rec, sizeof rec);

    if (p == NULL || rec[0] != 'S' || strlen(p) >= cap) {
        return false;
    }
    memcpy(buf, strcmp(p, "-") == 0 ? "" : p, strcmp(p, "-") == 0 ? 1u : strlen(p) + 1u);
    return true;
}

/** @brief Append one record "K row[ payload]\n". */
static bool ckb_journal_append(ckb_journal *j, char kind, unsigned long row, const char *payload)
{
    char rec[CKB_RESULT_MAX + 64u];
    int n;
    bool ok;
    bool synced_ok;
    uint64_t mine;
    uint64_t target;

    n = payload != NULL ? snprintf(rec, sizeof rec, "%c %lu %s\n", kind, row, payload)
                        : snprintf(rec, sizeof rec, "%c %lu\n", kind, row);
    if (n < 0 || (size_t)n >= sizeof rec) {
        return false;
    }
    /* Group commit: each record is one write(); whoever syncs next syncs
     * every record written so far, and each writer waits until its own
     * record is on disk before it goes on. */
    (void)pthread_mutex_lock(&j->lock);
    ok = ckb_write_only(j->fd, rec, (size_t)n);
    mine = ++j->written;
    while (ok && j->synced < mine && !j->sync_failed) {
        if (j->syncing) {
            (void)pthread_cond_wait(&j->synced_cv, &j->lock);
            continue;
        }
        j->syncing = true;
        target = j->written;
        (void)pthread_mutex_unlock(&j->lock);
        synced_ok = fdatasync(j->fd) == 0;
        (void)pthread_mutex_lock(&j->lock);
        j->syncing = false;
        if (synced_ok) {
            j->synced = target;
        } else {
            j->sync_failed = true;
        }
        (void)pthread_cond_broadcast(&j->synced_cv);
    }
    ok = ok && !j->sync_failed;
    (void)pthread_mutex_unlock(&j->lock);
    return ok;
}

bool ckb_journal_sent(ckb_journal *j, unsigned long row, const char *key)
{
    return ckb_journal_append(j, 'S', row, key != NULL && key[0] != '\0' ? key : "-");
}

bool ckb_journal_answered(ckb_journal *j, unsigned long row, const char *result_line)
{
    return ckb_journal_append(j, 'A', row, result_line);
}

bool ckb_journal_not_sent(ckb_journal *j, unsigned long row)
{
    return ckb_journal_append(j, 'N', row, NULL);
}

bool ckb_journal_resolved(ckb_journal *j, unsigned long row)
{
    return ckb_journal_append(j, 'R', row, NULL) && ckb_index_set(j, row, CKB_J_RESOLVED, 0);
}

void ckb_journal_close(ckb_journal *j)
{
    if (j == NULL) {
        return;
    }
    (void)close(j->fd);
    (void)pthread_mutex_destroy(&j->lock);
    (void)pthread_cond_destroy(&j->synced_cv);
    free(j->index);
    free(j);
}
