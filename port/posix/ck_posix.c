/**
 * @file ck_posix.c
 * @brief POSIX port: a TCP transport on non-blocking BSD sockets bounded by
 * poll(), and a platform on CLOCK_MONOTONIC, nanosleep, getrandom (or
 * /dev/urandom) and localtime_r. See ck_posix.h for the contract.
 */
#if !defined(_POSIX_C_SOURCE) || _POSIX_C_SOURCE < 200809L
#undef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* glibc: getrandom, MSG_NOSIGNAL on older headers */
#endif
#if defined(__APPLE__) && !defined(_DARWIN_C_SOURCE)
#define _DARWIN_C_SOURCE 1 /* SO_NOSIGPIPE */
#endif

#include "ck_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* getrandom(2): glibc 2.25+ and FreeBSD 12+ declare it in <sys/random.h>.
 * Elsewhere define CK_POSIX_HAVE_GETRANDOM=1 to use it, or 0 to read
 * /dev/urandom only. */
#ifndef CK_POSIX_HAVE_GETRANDOM
#if (defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25))) || \
    defined(__FreeBSD__)
#define CK_POSIX_HAVE_GETRANDOM 1
#else
#define CK_POSIX_HAVE_GETRANDOM 0
#endif
#endif
#if CK_POSIX_HAVE_GETRANDOM
#include <sys/random.h>
#endif

#ifdef MSG_NOSIGNAL
#define CK_SEND_FLAGS MSG_NOSIGNAL
#else
#define CK_SEND_FLAGS 0
#endif

/* A date before this year means the real-time clock was never set. */
#define CK_POSIX_MIN_YEAR 2020

/* ------------------------------------------------------------------------ */
/* Time                                                                     */
/* ------------------------------------------------------------------------ */

/**
 * @brief Milliseconds from CLOCK_MONOTONIC, wrapping at 2^32.
 * @return The current monotonic time in ms. Does not block.
 */
static uint32_t mono_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0u; /* cannot happen with CLOCK_MONOTONIC on POSIX 2008 */
    }
    uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    return (uint32_t)ms;
}

/**
 * @brief What is left of @p budget_ms since @p start_ms (0 when spent).
 * @param start_ms When the budget started (mono_ms()).
 * @param budget_ms The whole budget.
 * @return Remaining milliseconds. Does not block.
 */
static uint32_t remaining_ms(uint32_t start_ms, uint32_t budget_ms)
{
    uint32_t elapsed = mono_ms() - start_ms; /* unsigned: wrap-safe */
    return elapsed >= budget_ms ? 0u : budget_ms - elapsed;
}

/**
 * @brief Clamp a millisecond count to what poll() takes.
 * @param ms Milliseconds.
 * @return @p ms, at most INT_MAX. Does not block.
 */
static int poll_ms(uint32_t ms)
{
    return ms > (uint32_t)INT_MAX ? INT_MAX : (int)ms;
}

/**
 * @brief Wait until @p fd is ready for @p events, at most what is left of
 * @p budget_ms since @p start_ms. Restarts after EINTR with the time left.
 * @return 1 ready (or an error/hang-up is pending: the next I/O call
 *         reports it), 0 the time ran out, -1 poll failed. Blocks up to the
 *         time left.
 */
static int wait_fd(int fd, short events, uint32_t start_ms, uint32_t budget_ms)
{
    for (;;) {
        struct pollfd p;
        p.fd = fd;
        p.events = events;
        p.revents = 0;
        int n = poll(&p, 1, poll_ms(remaining_ms(start_ms, budget_ms)));
        if (n > 0) {
            return 1;
        }
        if (n == 0) {
            return 0;
        }
        if (errno != EINTR) {
            return -1;
        }
        if (remaining_ms(start_ms, budget_ms) == 0u) {
            return 0;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* TCP transport                                                            */
/* ------------------------------------------------------------------------ */

/**
 * @brief Close @p fd, ignoring the result (on Linux the descriptor is gone
 * even after EINTR, so close is never retried). Does not block long.
 */
static void close_fd(int fd)
{
    (void)close(fd);
}

/**
 * @brief Make @p fd non-blocking and close-on-exec.
 * @return 0 on success, -1 on failure. Does not block.
 */
static int set_nonblocking_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
        return -1;
    }
    int fdfl = fcntl(fd, F_GETFD, 0);
    if (fdfl < 0 || fcntl(fd, F_SETFD, fdfl | FD_CLOEXEC) != 0) {
        return -1;
    }
    return 0;
}

/**
 * @brief Try one resolved address within what is left of the budget.
 * @param ai The address.
 * @param start_ms When connect() started.
 * @param budget_ms connect()'s whole timeout.
 * @param out_fd The connected socket on CK_OK.
 * @return CK_OK; CK_ERR_TIMEOUT (no time left); CK_ERR_CONNECT (this
 *         address failed: try the next one). Blocks up to the time left.
 */
static ck_err connect_one(const struct addrinfo *ai, uint32_t start_ms, uint32_t budget_ms,
                          int *out_fd)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
        return CK_ERR_CONNECT; /* e.g. IPv6 disabled: the next address may work */
    }
    if (set_nonblocking_cloexec(fd) != 0) {
        close_fd(fd);
        return CK_ERR_CONNECT;
    }
#ifdef SO_NOSIGPIPE
    {
        int one = 1;
        (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, (socklen_t)sizeof one);
    }
#endif

    /* A connect interrupted by a signal goes on in the background (and a
     * second connect() would fail with EALREADY): wait for it as for
     * EINPROGRESS. */
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno != EINPROGRESS && errno != EINTR) {
        close_fd(fd);
        return CK_ERR_CONNECT;
    }
    if (rc != 0) {
        int w = wait_fd(fd, POLLOUT, start_ms, budget_ms);
        if (w == 0) {
            close_fd(fd);
            return CK_ERR_TIMEOUT;
        }
        int soerr = 0;
        socklen_t len = (socklen_t)sizeof soerr;
        if (w < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
            close_fd(fd);
            return CK_ERR_CONNECT;
        }
    }

    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, (socklen_t)sizeof one);
    *out_fd = fd;
    return CK_OK;
}

/**
 * @brief ck_transport::close for TCP. Safe to call twice. Does not block.
 * @param ctx The ::ck_posix_tcp.
 */
static void tcp_close(void *ctx)
{
    ck_posix_tcp *tcp = (ck_posix_tcp *)ctx;
    if (tcp != NULL && tcp->fd >= 0) {
        close_fd(tcp->fd);
        tcp->fd = -1;
    }
}

/**
 * @brief ck_transport::connect for TCP: resolve @p host, then try each
 * address in turn within @p timeout_ms.
 * @return CK_OK, CK_ERR_TIMEOUT, CK_ERR_CONNECT. Blocks up to
 *         @p timeout_ms, plus name resolution (getaddrinfo() takes no
 *         timeout).
 */
static ck_err tcp_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    ck_posix_tcp *tcp = (ck_posix_tcp *)ctx;
    uint32_t start = mono_ms();
    tcp_close(tcp);
    if (host == NULL || host[0] == '\0') {
        return CK_ERR_CONNECT;
    }

    char service[8];
    (void)snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_NUMERICSERV;
    struct addrinfo *list = NULL;
    if (getaddrinfo(host, service, &hints, &list) != 0 || list == NULL) {
        return CK_ERR_CONNECT;
    }

    ck_err err = CK_ERR_CONNECT;
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        if (remaining_ms(start, timeout_ms) == 0u) {
            err = CK_ERR_TIMEOUT;
            break;
        }
        int fd = -1;
        err = connect_one(ai, start, timeout_ms, &fd);
        if (err == CK_OK) {
            tcp->fd = fd;
            break;
        }
        if (err == CK_ERR_TIMEOUT) {
            break;
        }
    }
    freeaddrinfo(list); /* releases getaddrinfo()'s own result */
    return err;
}

/**
 * @brief ck_transport::send for TCP.
 * @return CK_OK with *out_sent > 0, CK_ERR_WOULD_BLOCK, CK_ERR_TRANSPORT,
 *         CK_ERR_INVALID_ARG (nothing to send). Blocks up to @p timeout_ms.
 */
static ck_err tcp_send(void *ctx, const uint8_t *buf, size_t len, size_t *out_sent,
                       uint32_t timeout_ms)
{
    ck_posix_tcp *tcp = (ck_posix_tcp *)ctx;
    uint32_t start = mono_ms();
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
        ssize_t n = send(tcp->fd, buf, len, CK_SEND_FLAGS);
        if (n > 0) {
            *out_sent = (size_t)n;
            return CK_OK;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            return CK_ERR_TRANSPORT; /* EPIPE, ECONNRESET, ... */
        }
        int w = wait_fd(tcp->fd, POLLOUT, start, timeout_ms);
        if (w == 0) {
            return CK_ERR_WOULD_BLOCK;
        }
        if (w < 0) {
            return CK_ERR_TRANSPORT;
        }
    }
}

/**
 * @brief ck_transport::recv for TCP. With @p timeout_ms 0 it only looks.
 * @return CK_OK with *out_received > 0, CK_ERR_WOULD_BLOCK,
 *         CK_ERR_PEER_CLOSED, CK_ERR_TRANSPORT, CK_ERR_INVALID_ARG (no room).
 *         Blocks up to @p timeout_ms.
 */
static ck_err tcp_recv(void *ctx, uint8_t *buf, size_t cap, size_t *out_received,
                       uint32_t timeout_ms)
{
    ck_posix_tcp *tcp = (ck_posix_tcp *)ctx;
    uint32_t start = mono_ms();
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
        ssize_t n = recv(tcp->fd, buf, cap, 0);
        if (n > 0) {
            *out_received = (size_t)n;
            return CK_OK;
        }
        if (n == 0) {
            return CK_ERR_PEER_CLOSED;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            return CK_ERR_TRANSPORT; /* ECONNRESET, ETIMEDOUT, ... */
        }
        int w = wait_fd(tcp->fd, POLLIN, start, timeout_ms);
        if (w == 0) {
            return CK_ERR_WOULD_BLOCK;
        }
        if (w < 0) {
            return CK_ERR_TRANSPORT;
        }
    }
}

/** @brief Set up @p tcp closed and fill @p out (see ck_posix.h). Does not block. */
void ck_posix_tcp_transport(ck_posix_tcp *tcp, ck_transport *out)
{
    tcp->fd = -1;
    out->ctx = tcp;
    out->secure = false;
    out->connect = tcp_connect;
    out->send = tcp_send;
    out->recv = tcp_recv;
    out->close = tcp_close;
}

/* ------------------------------------------------------------------------ */
/* Platform                                                                 */
/* ------------------------------------------------------------------------ */

/**
 * @brief ck_platform::now_ms: CLOCK_MONOTONIC in ms, wrapping at 2^32.
 * @param ctx Unused.
 * @return Milliseconds. Does not block.
 */
static uint32_t plat_now_ms(void *ctx)
{
    (void)ctx;
    return mono_ms();
}

/**
 * @brief ck_platform::sleep_ms: nanosleep, resumed after signals.
 * @param ctx Unused.
 * @param ms How long to wait. Blocks about @p ms.
 */
static void plat_sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    struct timespec req;
    struct timespec rem;
    req.tv_sec = (time_t)(ms / 1000u);
    req.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&req, &rem) != 0 && errno == EINTR) {
        req = rem;
    }
}

/**
 * @brief Fill @p buf from /dev/urandom.
 * @return CK_OK or CK_ERR_RANDOM. May block briefly.
 */
static ck_err urandom_fill(uint8_t *buf, size_t len)
{
    int fd;
    do {
        fd = open("/dev/urandom", O_RDONLY);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return CK_ERR_RANDOM;
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n > 0) {
            got += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
    close_fd(fd);
    return got == len ? CK_OK : CK_ERR_RANDOM;
}

/**
 * @brief ck_platform::random: getrandom(2), or /dev/urandom where getrandom
 * is missing (ENOSYS on old kernels).
 * @param ctx Unused.
 * @return CK_OK or CK_ERR_RANDOM. May block briefly (until the kernel's
 *         pool is first seeded).
 */
static ck_err plat_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    if (len == 0u) {
        return CK_OK;
    }
    if (buf == NULL) {
        return CK_ERR_RANDOM;
    }
#if CK_POSIX_HAVE_GETRANDOM
    size_t got = 0;
    while (got < len) {
        ssize_t n = getrandom(buf + got, len - got, 0);
        if (n > 0) {
            got += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == ENOSYS && got == 0u) {
            return urandom_fill(buf, len);
        } else {
            return CK_ERR_RANDOM;
        }
    }
    return CK_OK;
#else
    return urandom_fill(buf, len);
#endif
}

/**
 * @brief ck_platform::today: time() and localtime_r().
 * @param ctx Unused.
 * @param out_date Today's local date.
 * @return CK_OK; CK_ERR_INVALID_ARG when @p out_date is NULL or the clock
 *         is not set (before CK_POSIX_MIN_YEAR). Does not block.
 */
static ck_err plat_today(void *ctx, ck_date *out_date)
{
    (void)ctx;
    if (out_date == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    time_t now = time(NULL);
    struct tm tm;
    if (now == (time_t)-1 || localtime_r(&now, &tm) == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    long year = (long)tm.tm_year + 1900L;
    if (year < CK_POSIX_MIN_YEAR || year > 65535L) {
        return CK_ERR_INVALID_ARG;
    }
    out_date->year = (uint16_t)year;
    out_date->month = (uint8_t)(tm.tm_mon + 1);
    out_date->day = (uint8_t)tm.tm_mday;
    return CK_OK;
}

/** @brief Fill @p out with the POSIX platform hooks (see ck_posix.h). Does not block. */
void ck_posix_platform(ck_platform *out)
{
    out->ctx = NULL;
    out->now_ms = plat_now_ms;
    out->sleep_ms = plat_sleep_ms;
    out->random = plat_random;
    out->today = plat_today;
}
