/**
 * @file ck_lwip_raw.h
 * @brief lwIP port for bare-metal boards: a TCP transport on lwIP's raw API
 * (tcp_new, tcp_connect, tcp_write, tcp_recv, ...), for lwIP built with
 * NO_SYS = 1 and run from a superloop (no RTOS, no sockets).
 *
 * The transport is not secure (ck_transport::secure is false): wrap it in
 * the TLS port (port/mbedtls/ck_tls.h) to talk to an issuer.
 *
 * Waiting: lwIP only moves when the board runs it, so every operation that
 * waits calls the board's poll hook (::ck_lwip_raw_poll_fn: the network
 * driver's input and sys_check_timeouts()) in a loop until it can go on or
 * its timeout has passed. Time comes from lwIP's sys_now(). Never call
 * the transport from an lwIP callback or an interrupt: it runs lwIP.
 *
 * connect: the host is a numeric address (ipaddr_aton) or, with LWIP_DNS,
 * a name (dns_gethostbyname, DNS_LOCAL_HOSTLIST included), all bounded by
 * the timeout. Nagle is turned off on the connection.
 * send: queues what fits in tcp_sndbuf() and the segment queue
 * (TCP_SND_QUEUELEN), copied (TCP_WRITE_FLAG_COPY), then tcp_output();
 * *out_sent is what lwIP accepted, which may be less than asked (those
 * bytes count as sent: lwIP will transmit them).
 * recv: copies out of the queue of received pbufs and opens the receive
 * window (tcp_recved) by what was copied. A recv with timeout 0 only
 * looks: it polls at most once and does not wait.
 * close: a connection with bytes lwIP has not yet had acknowledged (queued
 * or unacked) is aborted (RST), so a half-sent request never goes out later;
 * otherwise it is closed (FIN). Either way the pcb's callbacks and argument
 * are cleared first, so lwIP never reaches @ref ck_lwip_raw_tcp again.
 *
 * | what happened                          | result                    |
 * |----------------------------------------|---------------------------|
 * | name not resolved, refused, no route   | CK_ERR_CONNECT (connect)  |
 * | connect (DNS included) out of time     | CK_ERR_TIMEOUT (connect)  |
 * | send/recv out of time, nothing moved   | CK_ERR_WOULD_BLOCK        |
 * | peer's FIN, queued bytes all read      | CK_ERR_PEER_CLOSED (recv) |
 * | RST or abort (lwIP's err callback)     | CK_ERR_TRANSPORT          |
 * | no connection (never opened, closed)   | CK_ERR_TRANSPORT          |
 * | send or recv of 0 bytes, NULL buffer   | CK_ERR_INVALID_ARG        |
 *
 * Bytes received before a RST are still handed out before CK_ERR_TRANSPORT;
 * call close() after any error (it frees what is still queued; cardkit does).
 *
 * Memory: no heap in the port. lwIP allocates from its own pools (pcbs,
 * segments, pbufs) as configured; one DNS lookup at a time is tracked in
 * static storage of the port. One connection per ::ck_lwip_raw_tcp; several
 * may be open at once.
 *
 * This header needs no lwIP header: ck_lwip_raw.c is the only file that does.
 */
#ifndef CK_LWIP_RAW_H
#define CK_LWIP_RAW_H

#include <stdbool.h>
#include <stdint.h>

#include "cardkit/ck_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tcp_pcb;
struct pbuf;

/**
 * @brief Runs the stack once: the board's driver input + sys_check_timeouts().
 *
 * Called by the transport while it waits, as often as it loops (so it should
 * return promptly when nothing is there; it may sleep briefly, e.g. WFI until
 * the next tick). It must not call the transport.
 * @param ctx The poll_ctx given to ck_lwip_raw_transport().
 */
typedef void (*ck_lwip_raw_poll_fn)(void *ctx);

/**
 * @brief A TCP connection on lwIP's raw API. Place it anywhere (static is
 * usual) and keep it alive while a connection is open; after close() lwIP
 * holds no pointer to it. Fields are private.
 */
typedef struct ck_lwip_raw_tcp {
    struct tcp_pcb *pcb;      /**< private: the connection, NULL when none */
    struct pbuf *rx;          /**< private: received and not yet read */
    ck_lwip_raw_poll_fn poll; /**< private: the board's poll hook */
    void *poll_ctx;           /**< private */
    uint8_t state;            /**< private: closed, connecting, open, failed */
    bool fin;                 /**< private: the peer's FIN arrived */
    int8_t lwip_err;          /**< private: lwIP's err_t from the err callback */
} ck_lwip_raw_tcp;

/**
 * @brief Set up @p tcp (closed) and fill @p out with a transport over it.
 *
 * @param tcp      The connection state; must outlive the transport's use.
 * @param poll     The board's poll hook. Required for anything to wait: with
 *                 NULL every operation behaves as with timeout 0 and no poll
 *                 (it never waits, it never spins).
 * @param poll_ctx Passed to @p poll.
 * @param out      Filled: ctx = @p tcp, secure = false, the four operations.
 *
 * Call after lwip_init() and the netif setup. Does not block.
 */
void ck_lwip_raw_transport(ck_lwip_raw_tcp *tcp, ck_lwip_raw_poll_fn poll, void *poll_ctx,
                           ck_transport *out);

#ifdef __cplusplus
}
#endif

#endif /* CK_LWIP_RAW_H */
