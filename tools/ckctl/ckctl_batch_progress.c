/**
 * @file ckctl_batch_progress.c
 * @brief The progress line of `ckctl batch run`, on stderr only: rows done /
 * total, ok / failed / unknown, rows/s and ETA. On a terminal one line
 * redrawn at most 10 times a second; with --progress always and no
 * terminal, a plain line every 5 seconds.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "ckctl_batch.h"

/** @brief Least time between two draws. */
#define CKB_TTY_EVERY_US 100000u
#define CKB_PLAIN_EVERY_US 5000000u

uint64_t ckb_now_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void ckb_progress_init(ckb_progress *p, int mode, unsigned long total)
{
    p->tty = isatty(STDERR_FILENO) == 1;
    p->on = mode == 1 || (mode == 0 && p->tty);
    p->total = total;
    p->start_us = ckb_now_us();
    p->last_us = 0;
    p->drawn = false;
}

void ckb_progress_tick(ckb_progress *p, unsigned long done, const unsigned long *counts, bool force)
{
    uint64_t now = ckb_now_us();
    double secs;
    double rate;
    char eta[32] = "?";

    if (!p->on || (!force && now - p->last_us < (p->tty ? CKB_TTY_EVERY_US : CKB_PLAIN_EVERY_US))) {
        return;
    }
    p->last_us = now;
    secs = (double)(now - p->start_us) / 1e6;
    rate = secs > 0.0 ? (double)done / secs : 0.0;
    if (p->total > 0u && rate > 0.0 && done <= p->total) {
        unsigned long left = (unsigned long)((double)(p->total - done) / rate);
        (void)snprintf(eta, sizeof eta, "%lu:%02lu", left / 60u, left % 60u);
    }
    fprintf(stderr, "%sbatch: %lu/%lu rows, ok %lu, failed %lu, unknown %lu, %.0f rows/s, ETA %s%s",
            p->tty ? "\r" : "", done, p->total, counts[CKB_OK], counts[CKB_FAILED], counts[CKB_UNKNOWN],
            rate, eta, p->tty ? "\033[K" : "\n");
    (void)fflush(stderr);
    p->drawn = p->tty;
}

void ckb_progress_end(ckb_progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        p->drawn = false;
    }
}
