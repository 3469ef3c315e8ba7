/**
 * @file ck_transport.h
 * @brief The transport port: the only way cardkit reaches the network.
 *
 * The library never sees a socket. A port (port/posix, port/mbedtls,
 * port/lwip, port/loopback) fills a ::ck_transport. A TLS port wraps another
 * transport and is itself a transport.
 *
 * Every operation gets the time it may take, in milliseconds, from the
 * caller's one overall deadline; an operation must return by then.
 * Each result keeps apart the four things that can happen:
 *
 * | result                | meaning                                          |
 * |-----------------------|--------------------------------------------------|
 * | CK_OK, *out_n > 0     | bytes moved                                      |
 * | CK_ERR_WOULD_BLOCK    | nothing moved before the timeout; not an error   |
 * | CK_ERR_PEER_CLOSED    | the peer closed (EOF); recv only                 |
 * | any other ck_err      | the connection failed (TRANSPORT, TLS, ...)      |
 *
 * A port never returns CK_OK with *out_n == 0.
 */
#ifndef CK_TRANSPORT_H
#define CK_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ck_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief A transport: function pointers plus the port's own context. */
typedef struct ck_transport {
    /** The port's context (a socket, a TLS session, a script...). */
    void *ctx;

    /**
     * True when bytes sent through this transport cannot be read by others:
     * a TLS port that verifies the server, or an in-memory loopback. A
     * client refuses an insecure transport unless told to allow it.
     */
    bool secure;

    /**
     * Open a connection to @p host (a NUL-terminated name or address) and
     * @p port, within @p timeout_ms. A TLS port also does the handshake and
     * verifies the server here (CK_ERR_TLS_VERIFY when it does not verify).
     * Returns CK_OK, CK_ERR_TIMEOUT, CK_ERR_CONNECT, CK_ERR_TRANSPORT,
     * CK_ERR_TLS or CK_ERR_TLS_VERIFY. Blocks up to @p timeout_ms.
     */
    ck_err (*connect)(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms);

    /**
     * Send up to @p len bytes of @p buf; *out_sent says how many went.
     * Returns as in the table above (never CK_ERR_PEER_CLOSED: a peer that
     * is gone is CK_ERR_TRANSPORT). Blocks up to @p timeout_ms.
     */
    ck_err (*send)(void *ctx, const uint8_t *buf, size_t len, size_t *out_sent, uint32_t timeout_ms);

    /**
     * Receive up to @p cap bytes into @p buf; *out_received says how many.
     * Returns as in the table above. With @p timeout_ms 0 it must not block
     * (cardkit uses that to see whether a kept-alive connection is still open).
     */
    ck_err (*recv)(void *ctx, uint8_t *buf, size_t cap, size_t *out_received, uint32_t timeout_ms);

    /** Close the connection, if any. Safe to call twice. Does not block long. */
    void (*close)(void *ctx);
} ck_transport;

#ifdef __cplusplus
}
#endif

#endif /* CK_TRANSPORT_H */
