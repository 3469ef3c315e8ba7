/**
 * @file ck_lwip.h
 * @brief lwIP port: a TCP transport on lwIP's socket API (lwip_socket,
 * lwip_connect, lwip_send, lwip_recv, and lwip_poll or lwip_select), for
 * boards that run lwIP with an RTOS (NO_SYS = 0, LWIP_SOCKET = 1).
 *
 * The transport is not secure (ck_transport::secure is false): wrap it in
 * the TLS port (port/mbedtls/ck_tls.h) to talk to an issuer.
 *
 * connect: the host must be a numeric IPv4 (or, with LWIP_IPV6, IPv6)
 * address, or a name when lwIP is built with LWIP_DNS (lwip_getaddrinfo,
 * which takes no timeout: prefer a numeric address or a warm DNS cache on
 * a kiosk). The connect is non-blocking and bounded by its timeout
 * (CK_ERR_TIMEOUT), then TCP_NODELAY is set.
 * send/recv: bounded by their timeout with lwip_poll (LWIP_SOCKET_POLL) or
 * lwip_select (LWIP_SOCKET_SELECT); a recv with timeout 0 only looks.
 * Errors: CK_ERR_CONNECT (not resolved, refused, unreachable),
 * CK_ERR_TIMEOUT (connect only), CK_ERR_TRANSPORT, CK_ERR_WOULD_BLOCK,
 * CK_ERR_PEER_CLOSED, CK_ERR_INVALID_ARG (a send or recv of 0 bytes).
 * Time comes from lwIP's sys_now(). No heap is used by the port (lwIP
 * itself allocates from its own pools as configured).
 *
 * This header needs no lwIP header: ck_lwip.c is the only file that does.
 */
#ifndef CK_LWIP_H
#define CK_LWIP_H

#include "cardkit/ck_transport.h"

/** @brief A TCP connection on an lwIP socket. Place it anywhere; fields are private. */
typedef struct ck_lwip_tcp {
    int fd; /**< private: -1 when closed */
} ck_lwip_tcp;

/**
 * @brief Set up @p tcp (closed) and fill @p out with a transport over it.
 * Call after lwIP is up (tcpip_init() done, a netif configured).
 * Does not block.
 */
void ck_lwip_tcp_transport(ck_lwip_tcp *tcp, ck_transport *out);

#endif /* CK_LWIP_H */
