/**
 * @file test_lwip_raw.c
 * @brief The raw-API lwIP transport (port/lwip/ck_lwip_raw.c) on the host,
 * against lwIP 2.1.3's core built for this test with NO_SYS = 1
 * (tests/device/host/lwip_raw/lwipopts.h): one process, one thread, a
 * superloop as on a bare-metal board.
 *
 * The network: lwIP's loopback interface (127.0.0.1), whose packets the
 * poll hook delivers (netif_poll_all), and a black-hole interface
 * (10.0.0.1/24: whatever it sends is dropped) for timeouts. No host
 * network is touched. Time is lwIP's sys_now(), here a counter the poll
 * hook moves on by POLL_MS per run: every timeout is exact and the tests
 * assert what happens, never how fast.
 *
 * The peer: a raw-API server in the same image, scripted per test (echo;
 * answer after N bytes or after a whole HTTP request, in pieces or at once;
 * FIN or RST after the answer; never answer; never open its window).
 *
 * Every test ends with lwIP's pools back to empty (no pbuf, segment or
 * heap byte left behind). The struct-lifetime tests free the transport's
 * state right after close or an error and keep the stack running: under
 * valgrind (make lwip-raw-test) or ASan any callback reaching it is an error.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

#include "cardkit/cardkit.h"
#include "ck_lwip_raw.h"

#define LOCAL_IP "127.0.0.1"
#define BLACK_HOLE_IP "10.0.0.2" /* on the black-hole interface: never answers */
#define NO_ROUTE_IP "192.168.77.7"
#define PORT_SRV 8443
#define PORT_NONE 8449
#define POLL_MS 5u

#define ENROLL_OK "HTTP/1.1 200 OK\r\nContent-Length: 44\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}"

/* ------------------------------------------------------------------------ */
/* The superloop: fake clock, poll hook                                     */
/* ------------------------------------------------------------------------ */

static u32_t g_now = 1000u;
static unsigned long g_polls;
static struct netif g_black_hole;

/** lwIP's clock (NO_SYS = 1: the board provides it). */
u32_t sys_now(void)
{
    return g_now;
}

static void server_pump(void);

/** The board's poll hook: time moves on, packets are delivered, timers run. */
static void poll_hook(void *ctx)
{
    (void)ctx;
    g_polls++;
    g_now += POLL_MS;
    netif_poll_all();
    sys_check_timeouts();
    server_pump();
}

/** Run the stack @p n times, as the superloop does between calls. */
static void run_loop(unsigned n)
{
    while (n-- > 0u) {
        poll_hook(NULL);
    }
}

static err_t black_hole_output(struct netif *n, struct pbuf *p, const ip4_addr_t *dst)
{
    (void)n;
    (void)p;
    (void)dst;
    return ERR_OK; /* into the void */
}

static err_t black_hole_init(struct netif *n)
{
    n->name[0] = 'b';
    n->name[1] = 'h';
    n->mtu = 1500;
    n->output = black_hole_output;
    return ERR_OK;
}

static int group_setup(void **state)
{
    ip4_addr_t ip, mask, gw;
    (void)state;
    lwip_init(); /* with the loopback interface, 127.0.0.1 */
    IP4_ADDR(&ip, 10, 0, 0, 1);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 0, 0, 0, 0);
    assert_non_null(netif_add(&g_black_hole, &ip, &mask, &gw, NULL, black_hole_init, netif_input));
    netif_set_link_up(&g_black_hole);
    netif_set_up(&g_black_hole);
    return 0;
}

/** Everything lwIP lent out is back: no pbuf, segment or heap byte held. */
static void assert_pools_empty(void)
{
    run_loop(400); /* 2 s: queues drained, retransmissions done */
    assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used, 0);
    assert_int_equal(lwip_stats.memp[MEMP_PBUF]->used, 0);
    assert_int_equal(lwip_stats.memp[MEMP_TCP_SEG]->used, 0);
    assert_int_equal(lwip_stats.mem.used, 0);
}

/* ------------------------------------------------------------------------ */
/* The scripted peer: a raw-API server on 127.0.0.1:PORT_SRV                 */
/* ------------------------------------------------------------------------ */

enum { AFTER_NONE, AFTER_FIN, AFTER_RST };

typedef struct server {
    /* script */
    size_t trigger;         /* request bytes to wait for; 0: a whole HTTP request */
    int echo;               /* echo everything back as it comes */
    int no_read;            /* never open the receive window */
    const uint8_t *answer;  /* sent once the request is in (NULL: none) */
    size_t answer_len;
    size_t piece;           /* bytes per poll (0: as much as fits) */
    int after;              /* once the answer is queued: AFTER_* */
    /* state */
    struct tcp_pcb *listener;
    struct tcp_pcb *conn;
    char got[32768];
    size_t got_len;
    char last[2048]; /* the last request answered */
    size_t echoed;
    size_t answer_off;
    int answering;
    unsigned accepts;
    unsigned answers;
    int reset_seen; /* the client's RST reached us */
    int fin_seen;   /* the client's FIN reached us */
} server;

static server g_srv;

static void srv_detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_err(pcb, NULL);
}

static void srv_err(void *arg, err_t err)
{
    (void)arg;
    g_srv.conn = NULL;
    if (err == ERR_RST) {
        g_srv.reset_seen = 1;
    }
}

static err_t srv_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    if (p == NULL) {
        g_srv.fin_seen = 1;
        if (pcb == g_srv.conn && g_srv.answering) {
            return ERR_OK; /* half-closed: the answer still goes out */
        }
        srv_detach(pcb);
        if (pcb == g_srv.conn) {
            g_srv.conn = NULL;
        }
        (void)tcp_close(pcb);
        return ERR_OK;
    }
    if (pcb == g_srv.conn) {
        size_t room = sizeof g_srv.got - 1u - g_srv.got_len;
        size_t n = p->tot_len < room ? p->tot_len : room;
        (void)pbuf_copy_partial(p, g_srv.got + g_srv.got_len, (u16_t)n, 0);
        g_srv.got_len += n;
        g_srv.got[g_srv.got_len] = '\0';
    }
    if (!g_srv.no_read) {
        tcp_recved(pcb, p->tot_len);
    }
    (void)pbuf_free(p);
    return ERR_OK;
}

static err_t srv_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL) {
        return ERR_VAL;
    }
    if (g_srv.conn != NULL) { /* one at a time: the old one goes */
        srv_detach(g_srv.conn);
        tcp_abort(g_srv.conn);
    }
    g_srv.conn = pcb;
    g_srv.accepts++;
    g_srv.got_len = 0;
    g_srv.echoed = 0;
    g_srv.answer_off = 0;
    g_srv.answering = 0;
    tcp_nagle_disable(pcb);
    tcp_recv(pcb, srv_recv);
    tcp_err(pcb, srv_err);
    return ERR_OK;
}

/** Listen with @p script (its state fields are reset). */
static void server_start(const server *script)
{
    struct tcp_pcb *pcb = tcp_new();
    assert_non_null(pcb);
    g_srv = *script;
    g_srv.listener = NULL;
    g_srv.conn = NULL;
    ip_set_option(pcb, SOF_REUSEADDR); /* the last test's server side may be in TIME_WAIT */
    assert_int_equal(tcp_bind(pcb, IP4_ADDR_ANY, PORT_SRV), ERR_OK);
    g_srv.listener = tcp_listen(pcb);
    assert_non_null(g_srv.listener);
    tcp_accept(g_srv.listener, srv_accept);
}

static void server_stop(void)
{
    if (g_srv.conn != NULL) {
        srv_detach(g_srv.conn);
        tcp_abort(g_srv.conn);
        g_srv.conn = NULL;
    }
    if (g_srv.listener != NULL) {
        (void)tcp_close(g_srv.listener);
        g_srv.listener = NULL;
    }
}

/** The server closes its end (FIN) of the current connection. */
static void server_hang_up(void)
{
    struct tcp_pcb *pcb = g_srv.conn;
    assert_non_null(pcb);
    g_srv.conn = NULL;
    srv_detach(pcb);
    assert_int_equal(tcp_close(pcb), ERR_OK);
}

/** True when the request the script waits for is in. */
static int request_in(void)
{
    const char *end;
    const char *cl;
    if (g_srv.trigger > 0u) {
        return g_srv.got_len >= g_srv.trigger;
    }
    end = strstr(g_srv.got, "\r\n\r\n");
    if (end == NULL) {
        return 0;
    }
    cl = strstr(g_srv.got, "Content-Length: ");
    return g_srv.got_len >= (size_t)(end - g_srv.got) + 4u +
                                (cl != NULL ? (size_t)strtoul(cl + 16, NULL, 10) : 0u);
}

/** Queue up to @p len bytes of @p data on the connection; returns how many. */
static size_t server_write(const void *data, size_t len)
{
    size_t n = len;
    if (n > tcp_sndbuf(g_srv.conn)) {
        n = tcp_sndbuf(g_srv.conn);
    }
    if (g_srv.piece > 0u && n > g_srv.piece) {
        n = g_srv.piece;
    }
    while (n > 0u && tcp_write(g_srv.conn, data, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK) {
        n /= 2u;
    }
    (void)tcp_output(g_srv.conn);
    return n;
}

/** The server's share of a superloop run: act on what came in. */
static void server_pump(void)
{
    if (g_srv.conn == NULL) {
        return;
    }
    if (g_srv.echo && g_srv.echoed < g_srv.got_len) {
        g_srv.echoed += server_write(g_srv.got + g_srv.echoed, g_srv.got_len - g_srv.echoed);
    }
    if (!g_srv.answering && (g_srv.answer != NULL || g_srv.after != AFTER_NONE) && request_in()) {
        g_srv.answering = 1;
        g_srv.answer_off = 0;
    }
    if (!g_srv.answering) {
        return;
    }
    if (g_srv.answer_off < g_srv.answer_len) {
        g_srv.answer_off += server_write(g_srv.answer + g_srv.answer_off, g_srv.answer_len - g_srv.answer_off);
        if (g_srv.answer_off < g_srv.answer_len) {
            return;
        }
    }
    g_srv.answers++;
    g_srv.answering = 0;
    {
        size_t keep = g_srv.got_len < sizeof g_srv.last - 1u ? g_srv.got_len : sizeof g_srv.last - 1u;
        memcpy(g_srv.last, g_srv.got, keep);
        g_srv.last[keep] = '\0';
    }
    g_srv.got_len = 0; /* ready for the next request (keep-alive) */
    g_srv.got[0] = '\0';
    if (g_srv.after != AFTER_NONE) {
        struct tcp_pcb *pcb = g_srv.conn;
        g_srv.conn = NULL;
        srv_detach(pcb);
        if (g_srv.after == AFTER_RST) {
            tcp_abort(pcb);
        } else if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static void open_transport(ck_lwip_raw_tcp *tcp, ck_transport *t)
{
    ck_lwip_raw_transport(tcp, poll_hook, NULL, t);
    assert_false(t->secure);
    assert_int_equal(t->connect(t->ctx, LOCAL_IP, PORT_SRV, 2000), CK_OK);
}

/** Send all of @p request in one send. */
static void send_request(const ck_transport *t, const char *request)
{
    size_t n = 0;
    assert_int_equal(t->send(t->ctx, (const uint8_t *)request, strlen(request), &n, 1000), CK_OK);
    assert_int_equal(n, strlen(request));
}

/** Listen with @p script, connect @p t (over @p tcp), send @p request. */
static void start_connect_send(const server *script, ck_lwip_raw_tcp *tcp, ck_transport *t,
                               const char *request)
{
    server_start(script);
    open_transport(tcp, t);
    send_request(t, request);
}

/** The last wait took its whole @p timeout_ms (from @p t0), polling, and no longer. */
static void assert_waited(u32_t t0, unsigned long p0, u32_t timeout_ms)
{
    assert_true(g_now - t0 >= timeout_ms);
    assert_true(g_polls - p0 <= timeout_ms / POLL_MS + 1u);
}

/** Send all of @p buf (several sends when lwIP takes less); returns how many sends. */
static unsigned send_all(const ck_transport *t, const uint8_t *buf, size_t len)
{
    unsigned sends = 0;
    size_t off = 0;
    while (off < len) {
        size_t n = 0;
        assert_int_equal(t->send(t->ctx, buf + off, len - off, &n, 2000), CK_OK);
        assert_true(n > 0u && n <= len - off);
        off += n;
        sends++;
    }
    return sends;
}

/** Receive exactly @p len bytes into @p buf, @p cap at a time. */
static void recv_exactly(const ck_transport *t, uint8_t *buf, size_t len, size_t cap)
{
    size_t off = 0;
    while (off < len) {
        size_t n = 0;
        size_t want = len - off < cap ? len - off : cap;
        assert_int_equal(t->recv(t->ctx, buf + off, want, &n, 2000), CK_OK);
        assert_true(n > 0u && n <= want);
        off += n;
    }
}

static void fill_pattern(uint8_t *buf, size_t len, unsigned seed)
{
    size_t i;
    for (i = 0; i < len; i++) {
        buf[i] = (uint8_t)((i * 31u + seed) & 0xFFu);
    }
}

static int test_teardown(void **state)
{
    (void)state;
    server_stop();
    assert_pools_empty();
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Data both ways                                                           */
/* ------------------------------------------------------------------------ */

static void test_echo_roundtrip(void **state)
{
    static const server script = {.trigger = 1, .echo = 1};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    uint8_t buf[16];
    size_t n = 99;
    (void)state;
    start_connect_send(&script, &tcp, &t, "ping");
    recv_exactly(&t, buf, 4, sizeof buf);
    assert_memory_equal(buf, "ping", 4);

    /* Bad arguments: nothing moves. */
    assert_int_equal(t.send(t.ctx, (const uint8_t *)"x", 0, &n, 10), CK_ERR_INVALID_ARG);
    assert_int_equal(n, 0);
    assert_int_equal(t.send(t.ctx, NULL, 1, &n, 10), CK_ERR_INVALID_ARG);
    assert_int_equal(t.send(t.ctx, (const uint8_t *)"x", 1, NULL, 10), CK_ERR_INVALID_ARG);
    assert_int_equal(t.recv(t.ctx, buf, 0, &n, 10), CK_ERR_INVALID_ARG);
    assert_int_equal(t.recv(t.ctx, NULL, 1, &n, 10), CK_ERR_INVALID_ARG);
    assert_int_equal(t.recv(t.ctx, buf, 1, NULL, 10), CK_ERR_INVALID_ARG);

    t.close(t.ctx);
    t.close(t.ctx); /* twice is fine */
    assert_int_equal(t.send(t.ctx, (const uint8_t *)"x", 1, &n, 10), CK_ERR_TRANSPORT);
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 10), CK_ERR_TRANSPORT);
    run_loop(10);
    assert_true(g_srv.fin_seen); /* all acknowledged: a FIN, not a RST */
    assert_false(g_srv.reset_seen);
}

static void test_answer_in_small_pieces_is_queued_and_copied_across_pbufs(void **state)
{
    static uint8_t answer[3000];
    static uint8_t got[3000];
    server script = {.trigger = 3, .piece = 7};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    size_t n = 0;
    (void)state;
    fill_pattern(answer, sizeof answer, 1);
    script.answer = answer;
    script.answer_len = sizeof answer;
    start_connect_send(&script, &tcp, &t, "go!");

    /* The app is busy: pieces arrive as separate segments and are chained. */
    run_loop(40);
    assert_int_equal(t.recv(t.ctx, got, sizeof got, &n, 0), CK_OK);
    assert_true(n > 7u); /* more than one pbuf in one copy */
    /* The rest 5 bytes at a time: reads that straddle pbufs. */
    recv_exactly(&t, got + n, sizeof got - n, 5);
    assert_memory_equal(got, answer, sizeof answer);
    t.close(t.ctx);
}

static void test_large_answer_needs_window_updates(void **state)
{
    static uint8_t answer[40000]; /* about 7 windows (TCP_WND) */
    static uint8_t got[40000];
    server script = {.trigger = 3};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    (void)state;
    fill_pattern(answer, sizeof answer, 2);
    script.answer = answer;
    script.answer_len = sizeof answer;
    start_connect_send(&script, &tcp, &t, "big");
    recv_exactly(&t, got, sizeof got, 1000);
    assert_memory_equal(got, answer, sizeof answer);
    assert_int_equal(g_srv.answers, 1);
    t.close(t.ctx);
}

static void test_send_larger_than_sndbuf_is_partial(void **state)
{
    static uint8_t req[20000]; /* over TCP_SND_BUF */
    server script = {0};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    size_t n = 0;
    unsigned sends;
    (void)state;
    fill_pattern(req, sizeof req, 3);
    script.trigger = sizeof req;
    server_start(&script);
    open_transport(&tcp, &t);

    assert_int_equal(t.send(t.ctx, req, sizeof req, &n, 1000), CK_OK);
    assert_true(n > 0u && n <= TCP_SND_BUF); /* what lwIP took, reported as sent */
    sends = 1u + send_all(&t, req + n, sizeof req - n);
    assert_true(sends >= sizeof req / TCP_SND_BUF);
    run_loop(20);
    assert_int_equal(g_srv.got_len, sizeof req);
    assert_memory_equal(g_srv.got, req, sizeof req);
    t.close(t.ctx);
}

/* ------------------------------------------------------------------------ */
/* The peer ends it                                                         */
/* ------------------------------------------------------------------------ */

static void test_fin_after_answer_is_peer_closed_once_drained(void **state)
{
    static const server script = {.trigger = 4, .answer = (const uint8_t *)"bye", .answer_len = 3,
                                  .after = AFTER_FIN};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    uint8_t buf[16];
    size_t n = 0;
    (void)state;
    start_connect_send(&script, &tcp, &t, "quit");
    run_loop(20); /* answer and FIN both in */
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 1000), CK_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(buf, "bye", 3);
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 1000), CK_ERR_PEER_CLOSED);
    assert_int_equal(n, 0);
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 0), CK_ERR_PEER_CLOSED); /* stays */
    t.close(t.ctx);
    t.close(t.ctx);
}

static void test_rst_after_request_is_transport_error(void **state)
{
    static const server script = {.trigger = 4, .after = AFTER_RST};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    uint8_t buf[16];
    size_t n = 0;
    (void)state;
    start_connect_send(&script, &tcp, &t, "boom");
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 1000), CK_ERR_TRANSPORT);
    assert_int_equal(n, 0);
    assert_null(tcp.pcb); /* lwIP freed it: the pointer is dropped */
    assert_int_equal(t.send(t.ctx, (const uint8_t *)"x", 1, &n, 100), CK_ERR_TRANSPORT);
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 0), CK_ERR_TRANSPORT);
    t.close(t.ctx);
    t.close(t.ctx);
}

static void test_bytes_before_rst_are_read_first(void **state)
{
    static const server script = {.trigger = 4, .answer = (const uint8_t *)"last words",
                                  .answer_len = 10, .after = AFTER_RST};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    uint8_t buf[16];
    size_t n = 0;
    (void)state;
    start_connect_send(&script, &tcp, &t, "bye!");
    run_loop(20);
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 0), CK_OK);
    assert_int_equal(n, 10);
    assert_memory_equal(buf, "last words", 10);
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 0), CK_ERR_TRANSPORT);
    t.close(t.ctx);
}

/* ------------------------------------------------------------------------ */
/* Bounded waits                                                            */
/* ------------------------------------------------------------------------ */

static void test_stalled_peer_recv_would_block_within_timeout(void **state)
{
    static const server script = {.trigger = 1};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    uint8_t buf[16];
    size_t n = 7;
    u32_t t0;
    unsigned long p0;
    (void)state;
    start_connect_send(&script, &tcp, &t, "hello?"); /* never answered */
    t0 = g_now;
    p0 = g_polls;
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 300), CK_ERR_WOULD_BLOCK);
    assert_int_equal(n, 0);
    assert_waited(t0, p0, 300);
    t.close(t.ctx);
}

static void test_timeout_0_probe_polls_at_most_once(void **state)
{
    static const server script = {.trigger = 5, .answer = (const uint8_t *)"data", .answer_len = 4,
                                  .after = AFTER_FIN};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    uint8_t buf[16];
    size_t n = 0;
    unsigned long p0;
    (void)state;
    server_start(&script);
    open_transport(&tcp, &t);

    p0 = g_polls;
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 0), CK_ERR_WOULD_BLOCK); /* idle, open */
    assert_true(g_polls - p0 <= 1u);

    assert_int_equal(t.send(t.ctx, (const uint8_t *)"probe", 5, &n, 1000), CK_OK);
    run_loop(20);
    p0 = g_polls;
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 0), CK_OK); /* queued: no poll needed */
    assert_int_equal(n, 4);
    assert_int_equal(g_polls, p0);
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 0), CK_ERR_PEER_CLOSED); /* the server closed */
    assert_true(g_polls - p0 <= 1u);
    t.close(t.ctx);
}

static void test_full_window_send_would_block_and_close_resets(void **state)
{
    static uint8_t req[4096];
    static const server script = {.trigger = 1, .no_read = 1};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    size_t n = 0;
    size_t total = 0;
    size_t got_at_close;
    ck_err err;
    u32_t t0;
    unsigned long p0;
    (void)state;
    fill_pattern(req, sizeof req, 4);
    server_start(&script); /* reads nothing: its window closes */
    open_transport(&tcp, &t);
    for (;;) {
        t0 = g_now;
        p0 = g_polls;
        err = t.send(t.ctx, req, sizeof req, &n, 200);
        if (err != CK_OK) {
            break;
        }
        total += n;
        assert_true(total <= TCP_WND + TCP_SND_BUF);
    }
    assert_int_equal(err, CK_ERR_WOULD_BLOCK);
    assert_int_equal(n, 0);
    assert_waited(t0, p0, 200);
    assert_true(total >= TCP_WND);

    /* Bytes still queued: close aborts, and none of them go out later. */
    got_at_close = g_srv.got_len;
    t.close(t.ctx);
    run_loop(50);
    assert_true(g_srv.reset_seen);
    assert_int_equal(g_srv.got_len, got_at_close);
    assert_true(got_at_close < total);
}

/* ------------------------------------------------------------------------ */
/* Connect                                                                  */
/* ------------------------------------------------------------------------ */

static void test_connect_refused_no_route_bad_args(void **state)
{
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    unsigned long p0;
    (void)state;
    ck_lwip_raw_transport(&tcp, poll_hook, NULL, &t);
    p0 = g_polls;
    assert_int_equal(t.connect(t.ctx, LOCAL_IP, PORT_NONE, 2000), CK_ERR_CONNECT); /* RST */
    assert_true(g_polls - p0 < 2000u / POLL_MS);
    assert_null(tcp.pcb);
    p0 = g_polls;
    assert_int_equal(t.connect(t.ctx, NO_ROUTE_IP, 443, 2000), CK_ERR_CONNECT);
    assert_int_equal(g_polls, p0);
    assert_int_equal(t.connect(t.ctx, "", 443, 100), CK_ERR_CONNECT);
    assert_int_equal(t.connect(t.ctx, NULL, 443, 100), CK_ERR_CONNECT);
    assert_int_equal(t.connect(t.ctx, LOCAL_IP, 0, 100), CK_ERR_CONNECT);
    t.close(t.ctx);
}

static void test_connect_bounded_by_its_timeout(void **state)
{
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    u32_t t0 = g_now;
    unsigned long p0 = g_polls;
    mem_size_t pcbs = lwip_stats.memp[MEMP_TCP_PCB]->used;
    (void)state;
    ck_lwip_raw_transport(&tcp, poll_hook, NULL, &t);
    assert_int_equal(t.connect(t.ctx, BLACK_HOLE_IP, 443, 500), CK_ERR_TIMEOUT);
    assert_waited(t0, p0, 500);
    assert_null(tcp.pcb);
    assert_int_equal(lwip_stats.memp[MEMP_TCP_PCB]->used, pcbs); /* the SYN_SENT pcb is gone */
    t.close(t.ctx);
}

static void test_names_local_hostlist_and_unresolved(void **state)
{
    static const server script = {.trigger = 1, .echo = 1};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    uint8_t buf[4];
    size_t n = 0;
    (void)state;
    server_start(&script);
    ck_lwip_raw_transport(&tcp, poll_hook, NULL, &t);
    assert_int_equal(t.connect(t.ctx, "issuer.test", PORT_SRV, 2000), CK_OK); /* DNS_LOCAL_HOSTLIST */
    assert_int_equal(t.send(t.ctx, (const uint8_t *)"dns", 3, &n, 1000), CK_OK);
    recv_exactly(&t, buf, 3, sizeof buf);
    assert_memory_equal(buf, "dns", 3);
    /* No DNS server set: a name not in the list is not resolved. */
    assert_int_equal(t.connect(t.ctx, "nowhere.test", PORT_SRV, 2000), CK_ERR_CONNECT);
    assert_null(tcp.pcb); /* and the previous connection went first */
    t.close(t.ctx);
}

static void test_dns_lookup_bounded_and_late_answer_ignored(void **state)
{
    static const server script = {.trigger = 1, .echo = 1};
    ck_lwip_raw_tcp *tcp = malloc(sizeof *tcp);
    ck_transport t;
    ip_addr_t dns_server;
    u32_t t0;
    (void)state;
    assert_non_null(tcp);
    IP_ADDR4(&dns_server, 10, 0, 0, 53); /* on the black hole: no answer ever */
    dns_setserver(0, &dns_server);

    ck_lwip_raw_transport(tcp, poll_hook, NULL, &t);
    t0 = g_now;
    assert_int_equal(t.connect(t.ctx, "slow.test", 443, 300), CK_ERR_TIMEOUT);
    assert_true(g_now - t0 >= 300u);
    /* The lookup goes on inside lwIP; its late "not found" must reach nothing. */
    memset(tcp, 0xA5, sizeof *tcp);
    free(tcp);
    run_loop(30000u / POLL_MS);

    /* A lookup lwIP gives up on within the budget: not resolved. */
    {
        ck_lwip_raw_tcp tcp2;
        ck_lwip_raw_transport(&tcp2, poll_hook, NULL, &t);
        assert_int_equal(t.connect(t.ctx, "gone.test", 443, 60000), CK_ERR_CONNECT);
        server_start(&script);
        assert_int_equal(t.connect(t.ctx, "issuer.test", PORT_SRV, 2000), CK_OK);
        t.close(t.ctx);
    }
    dns_setserver(0, NULL);
}

/* ------------------------------------------------------------------------ */
/* Lifetime of the state                                                    */
/* ------------------------------------------------------------------------ */

static void test_same_state_reused_for_a_second_connection(void **state)
{
    static const server script = {.trigger = 1, .echo = 1};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    uint8_t buf[8];
    size_t n = 0;
    (void)state;
    start_connect_send(&script, &tcp, &t, "one");
    recv_exactly(&t, buf, 3, sizeof buf);
    t.close(t.ctx);
    assert_int_equal(t.connect(t.ctx, LOCAL_IP, PORT_SRV, 2000), CK_OK);
    assert_int_equal(t.send(t.ctx, (const uint8_t *)"two", 3, &n, 1000), CK_OK);
    recv_exactly(&t, buf, 3, sizeof buf);
    assert_memory_equal(buf, "two", 3);
    /* connect on an open connection closes it first */
    assert_int_equal(t.connect(t.ctx, LOCAL_IP, PORT_SRV, 2000), CK_OK);
    assert_int_equal(t.send(t.ctx, (const uint8_t *)"три", 6, &n, 1000), CK_OK);
    recv_exactly(&t, buf, 6, sizeof buf);
    assert_memory_equal(buf, "три", 6);
    assert_int_equal(g_srv.accepts, 3);
    t.close(t.ctx);
}

/** Open a connection on freshly allocated state (freed by the caller). */
static ck_lwip_raw_tcp *open_on_heap(ck_transport *t)
{
    ck_lwip_raw_tcp *tcp = malloc(sizeof *tcp);
    assert_non_null(tcp);
    open_transport(tcp, t);
    return tcp;
}

/** Poison and free @p tcp, then keep the stack running for @p polls runs. */
static void free_and_keep_running(ck_lwip_raw_tcp *tcp, unsigned polls)
{
    memset(tcp, 0xA5, sizeof *tcp);
    free(tcp);
    run_loop(polls);
}

static void test_no_callback_reaches_state_after_close(void **state)
{
    static uint8_t answer[20000];
    static uint8_t got[sizeof answer];
    static const server polite = {.trigger = 3, .answer = (const uint8_t *)"ok", .answer_len = 2};
    server chatty = {.trigger = 3, .piece = 100, .after = AFTER_FIN};
    ck_transport t;
    ck_lwip_raw_tcp *tcp;
    size_t n = 0;
    (void)state;

    /* Closed (FIN) with everything read: the server's FIN comes later (lwIP
     * reports it to a recv callback, which must be gone). */
    server_start(&polite);
    tcp = open_on_heap(&t);
    send_request(&t, "get");
    recv_exactly(&t, got, 2, sizeof got);
    t.close(t.ctx);
    free_and_keep_running(tcp, 400);
    assert_true(g_srv.fin_seen);
    assert_false(g_srv.reset_seen);
    server_stop();

    /* Closed (FIN) while the answer is still coming: the late data makes
     * lwIP reset the connection (an err callback, which must be gone). */
    fill_pattern(answer, sizeof answer, 5);
    chatty.answer = answer;
    chatty.answer_len = sizeof answer;
    server_start(&chatty);
    tcp = open_on_heap(&t);
    send_request(&t, "get");
    assert_int_equal(t.recv(t.ctx, got, sizeof got, &n, 1000), CK_OK);
    t.close(t.ctx);
    free_and_keep_running(tcp, 400);
    assert_true(g_srv.fin_seen);
    assert_true(g_srv.reset_seen);

    /* Closed with the request unacknowledged (RST) right after sending. */
    g_srv.reset_seen = 0;
    tcp = open_on_heap(&t);
    send_request(&t, "get");
    t.close(t.ctx);
    free_and_keep_running(tcp, 400);
    assert_true(g_srv.reset_seen);
}

static void test_no_callback_reaches_state_after_error(void **state)
{
    static const server script = {.trigger = 4, .after = AFTER_RST};
    ck_transport t;
    ck_lwip_raw_tcp *tcp;
    uint8_t buf[8];
    size_t n = 0;
    (void)state;
    server_start(&script);
    /* Reset by the peer: the error is reported, the state freed without close. */
    tcp = open_on_heap(&t);
    send_request(&t, "boom");
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 1000), CK_ERR_TRANSPORT);
    free_and_keep_running(tcp, 400);

    /* A connect that timed out: the half-open pcb is gone with its callbacks. */
    tcp = malloc(sizeof *tcp);
    assert_non_null(tcp);
    ck_lwip_raw_transport(tcp, poll_hook, NULL, &t);
    assert_int_equal(t.connect(t.ctx, BLACK_HOLE_IP, 443, 200), CK_ERR_TIMEOUT);
    free_and_keep_running(tcp, 30000u / POLL_MS);

    /* A refused connect. */
    tcp = malloc(sizeof *tcp);
    assert_non_null(tcp);
    ck_lwip_raw_transport(tcp, poll_hook, NULL, &t);
    assert_int_equal(t.connect(t.ctx, LOCAL_IP, PORT_NONE, 2000), CK_ERR_CONNECT);
    free_and_keep_running(tcp, 400);
}

static void test_without_poll_hook_nothing_waits(void **state)
{
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    u32_t t0 = g_now;
    (void)state;
    ck_lwip_raw_transport(&tcp, NULL, NULL, &t);
    assert_int_equal(t.connect(t.ctx, BLACK_HOLE_IP, 443, 5000), CK_ERR_TIMEOUT);
    assert_int_equal(g_now, t0); /* returned at once: no spin on a clock that cannot move */
    t.close(t.ctx);
}

/* ------------------------------------------------------------------------ */
/* A whole cardkit call                                                     */
/* ------------------------------------------------------------------------ */

static uint32_t pf_now(void *ctx)
{
    (void)ctx;
    return g_now;
}

static void pf_sleep(void *ctx, uint32_t ms)
{
    u32_t until = g_now + ms;
    (void)ctx;
    while ((s32_t)(until - g_now) > 0) {
        poll_hook(NULL);
    }
}

static ck_err pf_random(void *ctx, uint8_t *buf, size_t len)
{
    static uint8_t next;
    size_t i;
    (void)ctx;
    for (i = 0; i < len; i++) {
        buf[i] = next++;
    }
    return CK_OK;
}

static void test_cardkit_calls_over_raw_transport(void **state)
{
    static ck_buffers bufs;
    static const ck_3ds_req req = {"card-1", "holder-1"};
    static const server script = {.trigger = 0, .answer = (const uint8_t *)ENROLL_OK,
                                  .answer_len = sizeof ENROLL_OK - 1u};
    ck_lwip_raw_tcp tcp;
    ck_transport t;
    ck_platform pf = {NULL, pf_now, pf_sleep, pf_random, NULL};
    ck_client_config cfg;
    ck_client client;
    ck_result res;
    (void)state;
    server_start(&script);
    ck_lwip_raw_transport(&tcp, poll_hook, NULL, &t);
    ck_client_config_init(&cfg);
    cfg.base_url = "https://127.0.0.1:8443/card/issuance";
    cfg.api_key = "k-raw";
    cfg.access_token = "t-raw";
    cfg.transport = &t;
    cfg.platform = &pf;
    cfg.allow_insecure_transport = true; /* plain TCP: the test only */
    ck_client_config_set_buffers(&cfg, &bufs);
    assert_int_equal(ck_client_init(&client, &cfg, NULL), CK_OK);

    assert_int_equal(ck_3ds_enroll(&client, &req, &res), CK_OK);
    assert_int_equal(res.http_status, 200);
    assert_int_equal(g_srv.answers, 1);

    /* Kept alive: the next call probes (recv, timeout 0) and reuses it. */
    run_loop(10);
    assert_int_equal(ck_v2_call(&client, "/api/issuing/card/v2/query", NULL, NULL, NULL, NULL, &res),
                     CK_OK);
    assert_int_equal(g_srv.accepts, 1);
    assert_int_equal(g_srv.answers, 2);
    assert_non_null(strstr(g_srv.last, "POST /card/issuance/api/issuing/card/v2/query HTTP/1.1\r\n"));

    /* The server drops the idle connection: the probe sees it, a new one is made. */
    server_hang_up();
    run_loop(10);
    assert_int_equal(ck_3ds_enroll(&client, &req, &res), CK_OK);
    assert_int_equal(g_srv.accepts, 2);
    assert_int_equal(g_srv.answers, 3);
    assert_int_equal(res.attempts, 1);
    assert_non_null(strstr(g_srv.last, "POST /card/issuance/api/issuing/3ds/v2/enroll HTTP/1.1\r\n"));
    assert_non_null(strstr(g_srv.last, "{\"card_id\":\"card-1\",\"cardholder_id\":\"holder-1\"}"));
    ck_client_close(&client);
    run_loop(10);
    assert_true(g_srv.fin_seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_echo_roundtrip, test_teardown),
        cmocka_unit_test_teardown(test_answer_in_small_pieces_is_queued_and_copied_across_pbufs,
                                  test_teardown),
        cmocka_unit_test_teardown(test_large_answer_needs_window_updates, test_teardown),
        cmocka_unit_test_teardown(test_send_larger_than_sndbuf_is_partial, test_teardown),
        cmocka_unit_test_teardown(test_fin_after_answer_is_peer_closed_once_drained, test_teardown),
        cmocka_unit_test_teardown(test_rst_after_request_is_transport_error, test_teardown),
        cmocka_unit_test_teardown(test_bytes_before_rst_are_read_first, test_teardown),
        cmocka_unit_test_teardown(test_stalled_peer_recv_would_block_within_timeout, test_teardown),
        cmocka_unit_test_teardown(test_timeout_0_probe_polls_at_most_once, test_teardown),
        cmocka_unit_test_teardown(test_full_window_send_would_block_and_close_resets, test_teardown),
        cmocka_unit_test_teardown(test_connect_refused_no_route_bad_args, test_teardown),
        cmocka_unit_test_teardown(test_connect_bounded_by_its_timeout, test_teardown),
        cmocka_unit_test_teardown(test_names_local_hostlist_and_unresolved, test_teardown),
        cmocka_unit_test_teardown(test_dns_lookup_bounded_and_late_answer_ignored, test_teardown),
        cmocka_unit_test_teardown(test_same_state_reused_for_a_second_connection, test_teardown),
        cmocka_unit_test_teardown(test_no_callback_reaches_state_after_close, test_teardown),
        cmocka_unit_test_teardown(test_no_callback_reaches_state_after_error, test_teardown),
        cmocka_unit_test_teardown(test_without_poll_hook_nothing_waits, test_teardown),
        cmocka_unit_test_teardown(test_cardkit_calls_over_raw_transport, test_teardown),
    };
    return cmocka_run_group_tests_name("lwIP raw-API transport (NO_SYS=1)", tests, group_setup, NULL);
}
