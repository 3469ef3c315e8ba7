/**
 * @file test_posix.c
 * @brief Integration tests of the POSIX port on real sockets on 127.0.0.1:
 * connect (by name, refused, unresolvable, every address in turn, timeout),
 * send/recv, timeouts, peer close, reset, and the platform hooks.
 *
 * No fixed ports: every listener binds port 0 and reads its port back.
 * The client connects to a listening socket and the test accepts the
 * connection itself afterwards (the kernel completes the handshake), so no
 * thread or child is needed. getaddrinfo is wrapped (-Wl,--wrap) to give
 * the port a name that resolves to several addresses.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1

#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ck_posix.h"

/* ------------------------------------------------------------------------ */
/* getaddrinfo wrapper: "fallback.test" resolves to ::1 (nothing listens),  */
/* then 127.0.0.1 on a refused port, then 127.0.0.1 on the asked port.      */
/* ------------------------------------------------------------------------ */

/** @brief The real getaddrinfo (from -Wl,--wrap=getaddrinfo). */
int __real_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res);
/** @brief The wrapper, below. */
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res);

static char g_refused_service[8];
static int g_fallback_addresses;

/**
 * @brief Append the list @p add to the list at @p head.
 */
static void chain(struct addrinfo **head, struct addrinfo *add)
{
    while (*head != NULL) {
        head = &(*head)->ai_next;
    }
    *head = add;
}

/**
 * @brief The wrapped getaddrinfo: the real one, except for "fallback.test".
 */
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res)
{
    if (node == NULL || strcmp(node, "fallback.test") != 0) {
        return __real_getaddrinfo(node, service, hints, res);
    }
    struct addrinfo h = *hints;
    h.ai_flags |= AI_NUMERICHOST;
    struct addrinfo *list = NULL;
    struct addrinfo *part = NULL;
    g_fallback_addresses = 0;
    if (__real_getaddrinfo("::1", service, &h, &part) == 0) {
        chain(&list, part);
        g_fallback_addresses++;
    }
    part = NULL;
    if (__real_getaddrinfo("127.0.0.1", g_refused_service, &h, &part) == 0) {
        chain(&list, part);
        g_fallback_addresses++;
    }
    part = NULL;
    if (__real_getaddrinfo("127.0.0.1", service, &h, &part) == 0) {
        chain(&list, part);
        g_fallback_addresses++;
    }
    *res = list;
    return list != NULL ? 0 : EAI_NONAME;
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/** @brief Milliseconds from CLOCK_MONOTONIC. */
static uint32_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

/** @brief A listener on 127.0.0.1, port 0; *port gets the port. */
static int listen_v4(uint16_t *port, int backlog)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, backlog), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/** @brief A port on 127.0.0.1 where nothing listens (bound, then closed). */
static uint16_t refused_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/** @brief Accept one connection within 2 s. */
static int accept_within(int lfd)
{
    struct pollfd p = {lfd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 2000), 1);
    int fd = accept(lfd, NULL, NULL);
    assert_true(fd >= 0);
    return fd;
}

/** @brief How many descriptors this process has open (Linux /proc). */
static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int n = 0;
    while (readdir(d) != NULL) {
        n++;
    }
    closedir(d);
    return n;
}

/** @brief One connected pair: the port's client and the test's server end. */
typedef struct pair {
    ck_posix_tcp tcp;
    ck_transport t;
    int lfd;
    int sfd;
    uint16_t port;
} pair;

static pair g_pair;

/** @brief Per-test setup: a listener, and a transport (closed). */
static int setup_pair(void **state)
{
    memset(&g_pair, 0, sizeof g_pair);
    g_pair.sfd = -1;
    g_pair.lfd = listen_v4(&g_pair.port, 8);
    ck_posix_tcp_transport(&g_pair.tcp, &g_pair.t);
    *state = &g_pair;
    return 0;
}

/** @brief Per-test teardown: close everything. */
static int teardown_pair(void **state)
{
    pair *p = *state;
    p->t.close(p->t.ctx);
    if (p->sfd >= 0) {
        close(p->sfd);
    }
    if (p->lfd >= 0) {
        close(p->lfd);
    }
    return 0;
}

/** @brief Connect the pair's client by @p host and accept on the server end. */
static void connect_pair(pair *p, const char *host)
{
    assert_int_equal(p->t.connect(p->t.ctx, host, p->port, 2000), CK_OK);
    p->sfd = accept_within(p->lfd);
}

/* ------------------------------------------------------------------------ */
/* connect                                                                  */
/* ------------------------------------------------------------------------ */

/** "localhost" reaches a server listening on 127.0.0.1 only. */
static void test_connect_localhost(void **state)
{
    pair *p = *state;
    assert_false(p->t.secure);
    connect_pair(p, "localhost");
    assert_true(p->tcp.fd >= 0);
}

/** A numeric address works too. */
static void test_connect_numeric(void **state)
{
    pair *p = *state;
    connect_pair(p, "127.0.0.1");
}

/** With several addresses, the failing ones are closed and skipped. */
static void test_connect_every_address(void **state)
{
    pair *p = *state;
    snprintf(g_refused_service, sizeof g_refused_service, "%u", (unsigned)refused_port());
    int before = open_fds();
    connect_pair(p, "fallback.test");
    assert_true(g_fallback_addresses >= 2);
    /* The failed attempts closed their sockets: ours and the accepted one are new. */
    assert_int_equal(open_fds(), before + 2);
}

/** Nothing listens: CK_ERR_CONNECT, quickly. */
static void test_connect_refused(void **state)
{
    pair *p = *state;
    uint16_t port = refused_port();
    uint32_t t0 = now_ms();
    assert_int_equal(p->t.connect(p->t.ctx, "127.0.0.1", port, 2000), CK_ERR_CONNECT);
    assert_true(now_ms() - t0 < 1500u);
    assert_int_equal(p->tcp.fd, -1);
}

/** A name that does not resolve: CK_ERR_CONNECT. */
static void test_connect_unresolvable(void **state)
{
    pair *p = *state;
    assert_int_equal(p->t.connect(p->t.ctx, "no-such-host.invalid", p->port, 2000), CK_ERR_CONNECT);
    assert_int_equal(p->t.connect(p->t.ctx, "", p->port, 2000), CK_ERR_CONNECT);
    assert_int_equal(p->t.connect(p->t.ctx, NULL, p->port, 2000), CK_ERR_CONNECT);
    assert_int_equal(p->tcp.fd, -1);
}

/** A server whose accept queue is full leaves the SYN unanswered: TIMEOUT within bounds. */
static void test_connect_timeout(void **state)
{
    (void)state;
    uint16_t port;
    int lfd = listen_v4(&port, 0);
    int fill[4];
    for (int i = 0; i < 4; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(port);
        (void)connect(fill[i], (struct sockaddr *)&a, sizeof a);
    }
    usleep(100 * 1000);
    ck_posix_tcp tcp;
    ck_transport t;
    ck_posix_tcp_transport(&tcp, &t);
    uint32_t t0 = now_ms();
    ck_err e = t.connect(t.ctx, "127.0.0.1", port, 300);
    uint32_t took = now_ms() - t0;
    t.close(t.ctx);
    for (int i = 0; i < 4; i++) {
        close(fill[i]);
    }
    close(lfd);
    if (e == CK_OK) {
        skip(); /* this kernel answers SYNs beyond the backlog */
    }
    assert_int_equal(e, CK_ERR_TIMEOUT);
    assert_true(took >= 280u);
    assert_true(took < 1500u);
}

/** Connecting again closes the previous connection first. */
static void test_reconnect(void **state)
{
    pair *p = *state;
    connect_pair(p, "127.0.0.1");
    int first = p->sfd;
    assert_int_equal(p->t.connect(p->t.ctx, "127.0.0.1", p->port, 2000), CK_OK);
    p->sfd = accept_within(p->lfd);
    uint8_t b;
    struct pollfd pf = {first, POLLIN, 0};
    assert_int_equal(poll(&pf, 1, 2000), 1);
    assert_int_equal(recv(first, &b, 1, 0), 0); /* the old one saw EOF */
    close(first);
}

/* ------------------------------------------------------------------------ */
/* send / recv                                                              */
/* ------------------------------------------------------------------------ */

/** Bytes go both ways; CK_OK always with n > 0. */
static void test_send_recv(void **state)
{
    pair *p = *state;
    connect_pair(p, "localhost");
    size_t n = 0;
    assert_int_equal(p->t.send(p->t.ctx, (const uint8_t *)"hello", 5, &n, 1000), CK_OK);
    assert_int_equal(n, 5);
    char buf[16];
    size_t got = 0;
    while (got < 5) {
        ssize_t r = recv(p->sfd, buf + got, sizeof buf - got, 0);
        assert_true(r > 0);
        got += (size_t)r;
    }
    assert_memory_equal(buf, "hello", 5);

    assert_int_equal(send(p->sfd, "world!", 6, 0), 6);
    uint8_t in[16];
    got = 0;
    while (got < 6) {
        n = 0;
        assert_int_equal(p->t.recv(p->t.ctx, in + got, sizeof in - got, &n, 1000), CK_OK);
        assert_true(n > 0);
        got += n;
    }
    assert_memory_equal(in, "world!", 6);
}

/** recv with nothing to read: WOULD_BLOCK after about the timeout. */
static void test_recv_timeout(void **state)
{
    pair *p = *state;
    connect_pair(p, "127.0.0.1");
    uint8_t b[8];
    size_t n = 99;
    uint32_t t0 = now_ms();
    assert_int_equal(p->t.recv(p->t.ctx, b, sizeof b, &n, 200), CK_ERR_WOULD_BLOCK);
    uint32_t took = now_ms() - t0;
    assert_int_equal(n, 0);
    assert_true(took >= 190u);
    assert_true(took < 1000u);
}

/** recv with timeout 0 does not wait (the kept-alive check). */
static void test_recv_timeout_zero(void **state)
{
    pair *p = *state;
    connect_pair(p, "127.0.0.1");
    uint8_t b[8];
    size_t n = 99;
    uint32_t t0 = now_ms();
    for (int i = 0; i < 20; i++) {
        assert_int_equal(p->t.recv(p->t.ctx, b, sizeof b, &n, 0), CK_ERR_WOULD_BLOCK);
        assert_int_equal(n, 0);
    }
    assert_true(now_ms() - t0 < 100u);
    /* ...and still returns what is there. */
    assert_int_equal(send(p->sfd, "x", 1, 0), 1);
    ck_err e = CK_ERR_WOULD_BLOCK;
    for (int i = 0; i < 200 && e == CK_ERR_WOULD_BLOCK; i++) {
        e = p->t.recv(p->t.ctx, b, sizeof b, &n, 0);
        if (e == CK_ERR_WOULD_BLOCK) {
            usleep(5000);
        }
    }
    assert_int_equal(e, CK_OK);
    assert_int_equal(n, 1);
    assert_int_equal(b[0], 'x');
}

/** The server closes: PEER_CLOSED (also with timeout 0), and again. */
static void test_peer_close(void **state)
{
    pair *p = *state;
    connect_pair(p, "127.0.0.1");
    assert_int_equal(send(p->sfd, "ab", 2, 0), 2);
    close(p->sfd);
    p->sfd = -1;
    uint8_t b[8];
    size_t n = 0;
    assert_int_equal(p->t.recv(p->t.ctx, b, sizeof b, &n, 1000), CK_OK); /* data first */
    assert_int_equal(n, 2);
    assert_int_equal(p->t.recv(p->t.ctx, b, sizeof b, &n, 1000), CK_ERR_PEER_CLOSED);
    assert_int_equal(n, 0);
    assert_int_equal(p->t.recv(p->t.ctx, b, sizeof b, &n, 0), CK_ERR_PEER_CLOSED);
}

/** The server resets: recv is TRANSPORT; send is TRANSPORT without SIGPIPE. */
static void test_reset(void **state)
{
    pair *p = *state;
    connect_pair(p, "127.0.0.1");
    struct linger lg = {1, 0};
    assert_int_equal(setsockopt(p->sfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
    close(p->sfd);
    p->sfd = -1;
    uint8_t b[8];
    size_t n = 0;
    ck_err e = p->t.recv(p->t.ctx, b, sizeof b, &n, 1000);
    assert_true(e == CK_ERR_TRANSPORT || e == CK_ERR_PEER_CLOSED);
    /* Writing to a reset connection: EPIPE/ECONNRESET, never a signal. */
    static uint8_t big[4096];
    for (int i = 0; i < 50; i++) {
        e = p->t.send(p->t.ctx, big, sizeof big, &n, 200);
        if (e != CK_OK) {
            break;
        }
        usleep(2000);
    }
    assert_int_equal(e, CK_ERR_TRANSPORT);
    assert_int_equal(n, 0);
}

/** A peer that does not read: send fills the buffers, then WOULD_BLOCK in bounds. */
static void test_send_would_block(void **state)
{
    pair *p = *state;
    connect_pair(p, "127.0.0.1");
    static uint8_t big[65536];
    size_t n = 0;
    size_t total = 0;
    ck_err e = CK_OK;
    for (int i = 0; i < 10000 && e == CK_OK; i++) {
        e = p->t.send(p->t.ctx, big, sizeof big, &n, 0);
        if (e == CK_OK) {
            assert_true(n > 0 && n <= sizeof big);
            total += n;
        }
    }
    assert_int_equal(e, CK_ERR_WOULD_BLOCK);
    assert_int_equal(n, 0);
    assert_true(total > 0u);
    uint32_t t0 = now_ms();
    e = p->t.send(p->t.ctx, big, sizeof big, &n, 150);
    uint32_t took = now_ms() - t0;
    if (e == CK_OK) {
        skip(); /* the kernel found room after all */
    }
    assert_int_equal(e, CK_ERR_WOULD_BLOCK);
    assert_true(took >= 140u);
    assert_true(took < 1000u);
}

/** Close is safe twice; I/O after close is TRANSPORT; bad arguments are refused. */
static void test_close_twice_and_args(void **state)
{
    pair *p = *state;
    connect_pair(p, "127.0.0.1");
    size_t n = 7;
    uint8_t b[4];
    assert_int_equal(p->t.send(p->t.ctx, b, 0, &n, 0), CK_ERR_INVALID_ARG);
    assert_int_equal(n, 0);
    assert_int_equal(p->t.recv(p->t.ctx, b, 0, &n, 0), CK_ERR_INVALID_ARG);
    p->t.close(p->t.ctx);
    p->t.close(p->t.ctx);
    assert_int_equal(p->tcp.fd, -1);
    assert_int_equal(p->t.send(p->t.ctx, b, sizeof b, &n, 0), CK_ERR_TRANSPORT);
    assert_int_equal(p->t.recv(p->t.ctx, b, sizeof b, &n, 0), CK_ERR_TRANSPORT);
}

/* ------------------------------------------------------------------------ */
/* Platform                                                                 */
/* ------------------------------------------------------------------------ */

/** now_ms moves with sleep_ms. */
static void test_platform_clock(void **state)
{
    (void)state;
    ck_platform pl;
    ck_posix_platform(&pl);
    assert_non_null(pl.now_ms);
    assert_non_null(pl.sleep_ms);
    uint32_t a = pl.now_ms(pl.ctx);
    pl.sleep_ms(pl.ctx, 50);
    uint32_t d = pl.now_ms(pl.ctx) - a;
    assert_true(d >= 49u);
    assert_true(d < 1000u);
    pl.sleep_ms(pl.ctx, 0);
}

/** random fills the buffer, differently each time. */
static void test_platform_random(void **state)
{
    (void)state;
    ck_platform pl;
    ck_posix_platform(&pl);
    uint8_t a[32];
    uint8_t b[32];
    static const uint8_t zero[32];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    assert_int_equal(pl.random(pl.ctx, a, sizeof a), CK_OK);
    assert_int_equal(pl.random(pl.ctx, b, sizeof b), CK_OK);
    assert_memory_not_equal(a, zero, sizeof a);
    assert_memory_not_equal(a, b, sizeof a);
    static uint8_t big[100000];
    assert_int_equal(pl.random(pl.ctx, big, sizeof big), CK_OK);
    assert_int_equal(pl.random(pl.ctx, a, 0), CK_OK);
}

/** today gives a plausible date. */
static void test_platform_today(void **state)
{
    (void)state;
    ck_platform pl;
    ck_posix_platform(&pl);
    assert_non_null(pl.today);
    ck_date d;
    assert_int_equal(pl.today(pl.ctx, &d), CK_OK);
    assert_true(d.year >= 2020u);
    assert_true(d.month >= 1u && d.month <= 12u);
    assert_true(d.day >= 1u && d.day <= 31u);
    assert_int_not_equal(pl.today(pl.ctx, NULL), CK_OK);
}

/** @brief Run the POSIX port suite. */
int main(void)
{
    signal(SIGPIPE, SIG_DFL); /* a SIGPIPE would kill the run: the port must avoid it */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_connect_localhost, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(test_connect_numeric, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(test_connect_every_address, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(test_connect_refused, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(test_connect_unresolvable, setup_pair, teardown_pair),
        cmocka_unit_test(test_connect_timeout),
        cmocka_unit_test_setup_teardown(test_reconnect, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(test_send_recv, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(test_recv_timeout, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(test_recv_timeout_zero, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(test_peer_close, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(test_reset, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(test_send_would_block, setup_pair, teardown_pair),
        cmocka_unit_test_setup_teardown(test_close_twice_and_args, setup_pair, teardown_pair),
        cmocka_unit_test(test_platform_clock),
        cmocka_unit_test(test_platform_random),
        cmocka_unit_test(test_platform_today),
    };
    return cmocka_run_group_tests_name("posix port", tests, NULL, NULL);
}
