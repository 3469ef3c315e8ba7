/**
 * @file ck_lwip.c
 * @brief lwIP port: a TCP transport on lwIP's socket API, non-blocking and
 * bounded by lwip_poll (or lwip_select). See ck_lwip.h for the contract.
 *
 * Builds against lwIP 2.1 with its own socket headers (an RTOS board) and
 * with LWIP_SOCKET_EXTERNAL_HEADERS (Debian's liblwip, where the system's
 * <sys/socket.h> and <poll.h> provide the types): only lwip_* functions are
 * called, never the system's sockets.
 */
#if !defined(_POSIX_C_SOURCE) || _POSIX_C_SOURCE < 200809L
#undef _POSIX_C_SOURCE
/* SSIZE_MAX from <limits.h> (else lwIP's arch.h defines its own ssize_t
 * over the C library's), and the POSIX socket types of a hosted lwIP. */
#define _POSIX_C_SOURCE 200809L
#endif

#include "ck_lwip.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lwip/opt.h"

#if !LWIP_SOCKET
#error "port/lwip needs lwIP's socket API (LWIP_SOCKET = 1, hence NO_SYS = 0)"
#endif
#if !LWIP_SOCKET_POLL && !LWIP_SOCKET_SELECT
#error "port/lwip needs lwip_poll (LWIP_SOCKET_POLL) or lwip_select (LWIP_SOCKET_SELECT)"
#endif

#include "lwip/def.h"
#include "lwip/errno.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"
#if LWIP_DNS
#include "lwip/netdb.h"
#endif
#if LWIP_SOCKET_EXTERNAL_HEADERS
#include <fcntl.h> /* F_SETFL, O_NONBLOCK: the system's, as that lwIP was built with them */
#endif

/* ------------------------------------------------------------------------ */
/* Time                                                                     */
/* ------------------------------------------------------------------------ */

/** @brief lwIP's millisecond clock, wrapping at 2^32. Does not block. */
static uint32_t now_ms(void)
{
    return (uint32_t)sys_now();
}

/** @brief What is left of @p budget_ms since @p start_ms (0 when spent). */
static uint32_t left_ms(uint32_t start_ms, uint32_t budget_ms)
{
    uint32_t elapsed = now_ms() - start_ms; /* unsigned: wrap-safe */
    return elapsed >= budget_ms ? 0u : budget_ms - elapsed;
}

/**
 * @brief Wait until @p fd is readable (or writable when @p for_write), at
 * most what is left of @p budget_ms since @p start_ms.
 * @return 1 ready (or an error is pending: the next call reports it), 0 the
 *         time ran out, -1 the wait failed. Blocks up to the time left.
 */
static int wait_fd(int fd, int for_write, uint32_t start_ms, uint32_t budget_ms)
{
    for (;;) {
        uint32_t left = left_ms(start_ms, budget_ms);
        int n;
#if LWIP_SOCKET_POLL
        struct pollfd p;
        p.fd = fd;
        p.events = for_write ? POLLOUT : POLLIN;
        p.revents = 0;
        n = lwip_poll(&p, 1, left > (uint32_t)INT_MAX ? INT_MAX : (int)left);
#else
        fd_set set;
        struct timeval tv;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion" /* inside lwIP's FD_SET macro */
#pragma GCC diagnostic ignored "-Wconversion"
        FD_ZERO(&set);
        FD_SET(fd, &set);
#pragma GCC diagnostic pop
        tv.tv_sec = (long)(left / 1000u);
        tv.tv_usec = (long)(left % 1000u) * 1000L;
        n = lwip_select(fd + 1, for_write ? NULL : &set, for_write ? &set : NULL, NULL, &tv);
#endif
        if (n > 0) {
            return 1;
        }
        if (n == 0) {
            return 0;
        }
        if (errno != EINTR) {
            return -1;
        }
        if (left_ms(start_ms, budget_ms) == 0u) {
            return 0;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Addresses                                                                */
/* ------------------------------------------------------------------------ */

/** @brief A socket address of either family. */
typedef union ck_lwip_addr {
    struct sockaddr sa;
    struct sockaddr_in in4;
#if LWIP_IPV6
    struct sockaddr_in6 in6;
#endif
} ck_lwip_addr;

/**
 * @brief @p host (numeric, or a name with LWIP_DNS) and @p port as a socket
 * address.
 * @return CK_OK or CK_ERR_CONNECT. Blocks during a DNS lookup only.
 */
static ck_err resolve(const char *host, uint16_t port, ck_lwip_addr *out, socklen_t *out_len)
{
    memset(out, 0, sizeof *out);
    if (lwip_inet_pton(AF_INET, host, &out->in4.sin_addr) == 1) {
#if !LWIP_SOCKET_EXTERNAL_HEADERS
        out->in4.sin_len = (u8_t)sizeof out->in4;
#endif
        out->in4.sin_family = AF_INET;
        out->in4.sin_port = lwip_htons(port);
        *out_len = (socklen_t)sizeof out->in4;
        return CK_OK;
    }
#if LWIP_IPV6
    if (lwip_inet_pton(AF_INET6, host, &out->in6.sin6_addr) == 1) {
#if !LWIP_SOCKET_EXTERNAL_HEADERS
        out->in6.sin6_len = (u8_t)sizeof out->in6;
#endif
        out->in6.sin6_family = AF_INET6;
        out->in6.sin6_port = lwip_htons(port);
        *out_len = (socklen_t)sizeof out->in6;
        return CK_OK;
    }
#endif
#if LWIP_DNS
    {
        struct addrinfo hints;
        struct addrinfo *res = NULL;
        ck_err err = CK_ERR_CONNECT;
        memset(&hints, 0, sizeof hints);
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        if (lwip_getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL) {
            return CK_ERR_CONNECT;
        }
        if (res->ai_family == AF_INET && res->ai_addrlen <= sizeof *out) {
            memcpy(out, res->ai_addr, res->ai_addrlen);
            out->in4.sin_port = lwip_htons(port);
            *out_len = (socklen_t)res->ai_addrlen;
            err = CK_OK;
        }
#if LWIP_IPV6
        else if (res->ai_family == AF_INET6 && res->ai_addrlen <= sizeof *out) {
            memcpy(out, res->ai_addr, res->ai_addrlen);
            out->in6.sin6_port = lwip_htons(port);
            *out_len = (socklen_t)res->ai_addrlen;
            err = CK_OK;
        }
#endif
        lwip_freeaddrinfo(res); /* back to lwIP's own pool */
        return err;
    }
#else
    return CK_ERR_CONNECT; /* a name, and lwIP has no DNS */
#endif
}

/* ------------------------------------------------------------------------ */
/* The transport                                                            */
/* ------------------------------------------------------------------------ */

/** @brief ck_transport::close. Safe to call twice. Does not block. */
static void tcp_close(void *ctx)
{
    ck_lwip_tcp *tcp = (ck_lwip_tcp *)ctx;
    if (tcp != NULL && tcp->fd >= 0) {
        (void)lwip_close(tcp->fd);
        tcp->fd = -1;
    }
}

/**
 * @brief ck_transport::connect: resolve, then a non-blocking connect
 * bounded by @p timeout_ms.
 * @return CK_OK, CK_ERR_TIMEOUT, CK_ERR_CONNECT, CK_ERR_TRANSPORT. Blocks
 *         up to @p timeout_ms (plus a DNS lookup with LWIP_DNS).
 */
static ck_err tcp_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    ck_lwip_tcp *tcp = (ck_lwip_tcp *)ctx;
    uint32_t start = now_ms();
    ck_lwip_addr addr;
    socklen_t addr_len = 0;
    int fd;
    int rc;
    int one = 1;

    tcp_close(tcp);
    if (host == NULL || host[0] == '\0' || port == 0u) {
        return CK_ERR_CONNECT;
    }
    if (resolve(host, port, &addr, &addr_len) != CK_OK) {
        return CK_ERR_CONNECT;
    }
    if (left_ms(start, timeout_ms) == 0u) {
        return CK_ERR_TIMEOUT;
    }
    fd = lwip_socket(addr.sa.sa_family, SOCK_STREAM, IPPROTO_TCP);
    if (fd < 0) {
        return CK_ERR_CONNECT; /* out of sockets, or the family is not built in */
    }
    if (lwip_fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
        (void)lwip_close(fd);
        return CK_ERR_TRANSPORT;
    }
    rc = lwip_connect(fd, &addr.sa, addr_len);
    if (rc != 0 && errno != EINPROGRESS) {
        (void)lwip_close(fd);
        return CK_ERR_CONNECT;
    }
    if (rc != 0) {
        int soerr = 0;
        socklen_t len = (socklen_t)sizeof soerr;
        int w = wait_fd(fd, 1, start, timeout_ms);
        if (w == 0) {
            (void)lwip_close(fd); /* aborts the pending connect */
            return CK_ERR_TIMEOUT;
        }
        if (w < 0 || lwip_getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
            (void)lwip_close(fd);
            return CK_ERR_CONNECT;
        }
    }
    (void)lwip_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, (socklen_t)sizeof one);
    tcp->fd = fd;
    return CK_OK;
}

/** @brief True for the errno of a non-blocking call that would block. */
static int would_block(int e)
{
    return e == EWOULDBLOCK || e == EAGAIN;
}

/**
 * @brief ck_transport::send.
 * @return CK_OK with *out_sent > 0, CK_ERR_WOULD_BLOCK, CK_ERR_TRANSPORT,
 *         CK_ERR_INVALID_ARG. Blocks up to @p timeout_ms.
 */
static ck_err tcp_send(void *ctx, const uint8_t *buf, size_t len, size_t *out_sent, uint32_t timeout_ms)
{
    ck_lwip_tcp *tcp = (ck_lwip_tcp *)ctx;
    uint32_t start = now_ms();
    if (out_sent != NULL) {
        *out_sent = 0;
    }
    if (out_sent == NULL || buf == NULL || len == 0u) {
        return CK_ERR_INVALID_ARG;
    }
    if (tcp->fd < 0) {
        return CK_ERR_TRANSPORT;
    }
    for (;;) {
        ssize_t n = lwip_send(tcp->fd, buf, len, 0);
        int w;
        if (n > 0) {
            *out_sent = (size_t)n;
            return CK_OK;
        }
        if (n == 0 || !would_block(errno)) {
            return CK_ERR_TRANSPORT; /* reset, closed, ... */
        }
        w = wait_fd(tcp->fd, 1, start, timeout_ms);
        if (w == 0) {
            return CK_ERR_WOULD_BLOCK;
        }
        if (w < 0) {
            return CK_ERR_TRANSPORT;
        }
    }
}

/**
 * @brief ck_transport::recv. With @p timeout_ms 0 it only looks.
 * @return CK_OK with *out_received > 0, CK_ERR_WOULD_BLOCK,
 *         CK_ERR_PEER_CLOSED, CK_ERR_TRANSPORT, CK_ERR_INVALID_ARG.
 *         Blocks up to @p timeout_ms.
 */
static ck_err tcp_recv(void *ctx, uint8_t *buf, size_t cap, size_t *out_received, uint32_t timeout_ms)
{
    ck_lwip_tcp *tcp = (ck_lwip_tcp *)ctx;
    uint32_t start = now_ms();
    if (out_received != NULL) {
        *out_received = 0;
    }
    if (out_received == NULL || buf == NULL || cap == 0u) {
        return CK_ERR_INVALID_ARG;
    }
    if (tcp->fd < 0) {
        return CK_ERR_TRANSPORT;
    }
    for (;;) {
        ssize_t n = lwip_recv(tcp->fd, buf, cap, 0);
        int w;
        if (n > 0) {
            *out_received = (size_t)n;
            return CK_OK;
        }
        if (n == 0) {
            return CK_ERR_PEER_CLOSED;
        }
        if (!would_block(errno)) {
            return CK_ERR_TRANSPORT; /* ECONNRESET, ... */
        }
        w = wait_fd(tcp->fd, 0, start, timeout_ms);
        if (w == 0) {
            return CK_ERR_WOULD_BLOCK;
        }
        if (w < 0) {
            return CK_ERR_TRANSPORT;
        }
    }
}

void ck_lwip_tcp_transport(ck_lwip_tcp *tcp, ck_transport *out)
{
    tcp->fd = -1;
    out->ctx = tcp;
    out->secure = false;
    out->connect = tcp_connect;
    out->send = tcp_send;
    out->recv = tcp_recv;
    out->close = tcp_close;
}
