/**
 * @file ck_posix.h
 * @brief POSIX port: a TCP transport on BSD sockets and a platform on
 * clock_gettime(CLOCK_MONOTONIC), nanosleep, getrandom and localtime_r.
 *
 * The TCP transport is not secure (ck_transport::secure is false): wrap it
 * in the TLS port (port/mbedtls/ck_tls.h) to talk to an issuer.
 */
#ifndef CK_POSIX_H
#define CK_POSIX_H

#include "cardkit/ck_platform.h"
#include "cardkit/ck_transport.h"

/** @brief A TCP connection. Place it anywhere; fields are private. */
typedef struct ck_posix_tcp {
    int fd; /**< private: -1 when closed */
} ck_posix_tcp;

/**
 * @brief Set up @p tcp (closed) and fill @p out with a transport over it.
 *
 * connect: getaddrinfo (AF_UNSPEC, SOCK_STREAM), then each address in turn
 * with a non-blocking connect bounded by what is left of the timeout
 * (`localhost` may resolve to ::1 first while a server listens on 127.0.0.1
 * only); TCP_NODELAY; no SIGPIPE (MSG_NOSIGNAL / SO_NOSIGPIPE).
 * send/recv: poll-bounded by their timeout. Errors: CK_ERR_CONNECT (name
 * not resolved, refused, unreachable), CK_ERR_TIMEOUT (connect only),
 * CK_ERR_TRANSPORT, CK_ERR_WOULD_BLOCK, CK_ERR_PEER_CLOSED;
 * CK_ERR_INVALID_ARG for a send or recv of 0 bytes.
 * Name resolution (getaddrinfo) takes no timeout: where a slow resolver
 * matters, give a numeric address or use a local caching resolver.
 * Does not block.
 */
void ck_posix_tcp_transport(ck_posix_tcp *tcp, ck_transport *out);

/** @brief A platform on the POSIX clock, sleep, getrandom and local date. Does not block. */
void ck_posix_platform(ck_platform *out);

#endif /* CK_POSIX_H */
