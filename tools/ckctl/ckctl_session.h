/**
 * @file ckctl_session.h
 * @brief Private to ckctl: the connection stack of one run — POSIX TCP,
 * mbedTLS over it, and a cardkit client over that with its buffers.
 */
#ifndef CKCTL_SESSION_H
#define CKCTL_SESSION_H

#include <stdbool.h>

#include "cardkit/cardkit.h"
#include "ck_posix.h"
#include "ck_tls.h"
#include "ckctl.h"

/** @brief Everything one run needs. Large (mbedTLS contexts): place it statically. */
typedef struct ckctl_session {
    ck_platform platform;      /**< POSIX clock, sleep, random, date */
    ck_posix_tcp tcp;          /**< the socket */
    ck_transport tcp_transport;/**< TCP as a transport */
    ck_tls tls;                /**< TLS over TCP */
    ck_transport tls_transport;/**< TLS as a transport */
    bool tls_ready;            /**< ck_tls_init() was called (ck_tls_free() is due) */
    ck_buffers buffers;        /**< the work buffer and JSON tokens */
    ck_client client;          /**< the client */
    bool client_ready;         /**< ck_client_init() succeeded */
    ckctl_log_state log;       /**< what the log hook saw (and -v's output) */
    ck_log_fn on_event;        /**< also told of every log event (batch: back-off), or NULL */
    void *on_event_ctx;        /**< its context */
} ckctl_session;

/** @brief Set up the platform only (enough to check a request against today's date). */
void ckctl_session_platform(ckctl_session *s);

/**
 * @brief Build the stack for @p args with the given credentials (kept by
 * pointer, never copied). Does not connect. On failure prints the one
 * failure line and returns the exit code; returns CKCTL_EXIT_OK on success.
 */
int ckctl_session_open(ckctl_session *s, const ckctl_args *args, const char *api_key,
                       const char *access_token);

/** @brief Close the connection, wipe the buffers and free the TLS contexts. */
void ckctl_session_close(ckctl_session *s);

#endif /* CKCTL_SESSION_H */
