/**
 * @file ckctl_batch_workers.c
 * @brief The jobs of `ckctl batch run`: each its own connection stack
 * (client and TLS session, one handshake, then keep-alive) on its own
 * thread, which never sees SIGINT/SIGTERM. A job takes the lowest ready row
 * that no earlier row on the same card holds back, so rows on one card run
 * in file order (enroll, then update) whatever --jobs is.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "ckctl_batch_engine.h"

/** @brief The card a row acts on (the cardholder for contact.update), or NULL. */
const char *ckb_entity(const ckctl_args *a)
{
    switch (a->command->id) {
    case CKCTL_CMD_3DS_ENROLL:
    case CKCTL_CMD_3DS_UPDATE:
        return a->threeds.card_id;
    case CKCTL_CMD_CONTACT_UPDATE:
        return a->contact.cardholder_id;
    case CKCTL_CMD_V1_ENROLL:
    case CKCTL_CMD_V1_UPDATE:
    case CKCTL_CMD_V1_UNENROLL:
        return a->v1.card_id;
    default:
        return NULL;
    }
}

/** @brief Is an earlier row on the same card still waiting or in flight? Called locked. */
static bool ckb_blocked(const ckb_engine *e, unsigned long s)
{
    const ckb_slot *slot = &e->slots[s % e->window];
    unsigned long k;

    if (slot->entity == NULL) {
        return false;
    }
    for (k = e->seq_out; k < s; k++) {
        const ckb_slot *o = &e->slots[k % e->window];
        if ((o->st == CKB_READY || o->st == CKB_RUNNING) && o->entity != NULL &&
            strcmp(o->entity, slot->entity) == 0) {
            return true;
        }
    }
    return false;
}

/**
 * @brief The lowest ready slot that no earlier row on the same card holds
 * back (rows on one card run in file order: enroll, then update), or NULL.
 * Called locked.
 */
static ckb_slot *ckb_next_ready(ckb_engine *e)
{
    unsigned long s;

    for (s = e->seq_out; s < e->seq_in; s++) {
        ckb_slot *slot = &e->slots[s % e->window];
        if (slot->st == CKB_READY && !ckb_blocked(e, s)) {
            return slot;
        }
    }
    return NULL;
}

static void *ckb_worker_main(void *arg)
{
    ckb_worker *w = (ckb_worker *)arg;
    ckb_engine *e = w->e;
    ckb_slot *slot = NULL;

    (void)pthread_mutex_lock(&e->mu);
    for (;;) {
        while (!e->quit && (e->stop || (slot = ckb_next_ready(e)) == NULL)) {
            (void)pthread_cond_wait(&e->cv_work, &e->mu);
        }
        if (e->quit) {
            break;
        }
        slot->st = CKB_RUNNING;
        (void)pthread_mutex_unlock(&e->mu);
        ckb_process(e, w, slot);
        (void)pthread_mutex_lock(&e->mu);
        slot->st = CKB_DONE;
        (void)pthread_cond_broadcast(&e->cv_done);
        (void)pthread_cond_broadcast(&e->cv_work); /* a row on the same card may go now */
    }
    (void)pthread_mutex_unlock(&e->mu);
    return NULL;
}

/** @brief Open every worker's connection stack (no connection yet) and start it. */
int ckb_start_workers(ckb_engine *e)
{
    unsigned i;
    sigset_t block;
    sigset_t old;
    int code = CKCTL_EXIT_OK;

    (void)sigemptyset(&block);
    (void)sigaddset(&block, SIGINT);
    (void)sigaddset(&block, SIGTERM);
    (void)pthread_sigmask(SIG_BLOCK, &block, &old); /* workers never see the signals */
    for (i = 0; i < e->o->jobs && code == CKCTL_EXIT_OK; i++) {
        ckb_worker *w = &e->workers[i];
        w->e = e;
        w->s = calloc(1, sizeof *w->s);
        if (w->s == NULL) {
            code = CKCTL_EXIT_INTERNAL;
            break;
        }
        ckctl_session_platform(w->s);
        w->s->on_event = ckb_on_event;
        w->s->on_event_ctx = e;
        code = ckctl_session_open(w->s, &e->o->global_args, e->o->api_key, e->o->access_token);
        if (code == CKCTL_EXIT_OK && pthread_create(&w->thread, NULL, ckb_worker_main, w) == 0) {
            w->started = true;
        } else if (code == CKCTL_EXIT_OK) {
            code = CKCTL_EXIT_INTERNAL;
        }
    }
    (void)pthread_sigmask(SIG_SETMASK, &old, NULL);
    return code;
}

/** @brief Stop and free the workers. */
void ckb_stop_workers(ckb_engine *e)
{
    unsigned i;

    (void)pthread_mutex_lock(&e->mu);
    e->quit = true;
    (void)pthread_cond_broadcast(&e->cv_work);
    (void)pthread_mutex_unlock(&e->mu);
    for (i = 0; i < CKB_MAX_JOBS; i++) {
        ckb_worker *w = &e->workers[i];
        if (w->started) {
            (void)pthread_join(w->thread, NULL);
        }
        if (w->s != NULL) {
            ckctl_session_close(w->s);
            free(w->s);
            w->s = NULL;
        }
    }
}
