/**
 * @file test_lwip.c
 * @brief The lwIP port (port/lwip) on the host, against Debian's lwIP
 * (liblwip, its Unix port: a tcpip thread on pthreads).
 *
 * lwIP runs in this process with one interface of our own, 10.0.0.1/24:
 * packets to its own address loop back inside lwIP (LWIP_NETIF_LOOPBACK),
 * and packets to any other address are dropped (a black hole, for the
 * connect timeout). No host network is touched.
 *
 * Checks: connect, send and recv against an lwIP listener; a recv that
 * times out; the peer's close; a refused connect; a connect bounded by its
 * timeout; a name without DNS; and a whole cardkit call (a 3DS enroll over
 * the plain lwIP transport, insecure transports allowed for the test)
 * against a small HTTP responder thread.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/def.h"
#include "lwip/errno.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"

#include "cardkit/cardkit.h"
#include "ck_lwip.h"
#include "ck_posix.h"

#define SERVER_IP "10.0.0.1"
#define BLACK_HOLE_IP "10.0.0.2"
#define PORT_ECHO 4441
#define PORT_HTTP 4442
#define PORT_CLOSED 4449

#define ENROLL_OK "HTTP/1.1 200 OK\r\nContent-Length: 44\r\n\r\n{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}"

static struct netif g_netif;

static err_t drop_output(struct netif *n, struct pbuf *p, const ip4_addr_t *dst)
{
    (void)n;
    (void)p;
    (void)dst;
    return ERR_OK; /* not for us: into the void */
}

#if LWIP_IPV6
static err_t drop_output6(struct netif *n, struct pbuf *p, const ip6_addr_t *dst)
{
    (void)n;
    (void)p;
    (void)dst;
    return ERR_OK;
}
#endif

static err_t netif_setup(struct netif *n)
{
    n->name[0] = 'c';
    n->name[1] = 'k';
    n->mtu = 1500;
    n->output = drop_output;
#if LWIP_IPV6
    n->output_ip6 = drop_output6;
#endif
    return ERR_OK;
}

static void tcpip_ready(void *arg)
{
    sys_sem_signal((sys_sem_t *)arg);
}

static int group_setup(void **state)
{
    sys_sem_t ready;
    ip4_addr_t ip, mask, gw;
    (void)state;
    assert_int_equal(sys_sem_new(&ready, 0), ERR_OK);
    tcpip_init(tcpip_ready, &ready);
    sys_sem_wait(&ready);
    sys_sem_free(&ready);
    IP4_ADDR(&ip, 10, 0, 0, 1);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 0, 0, 254);
    LOCK_TCPIP_CORE();
    assert_non_null(netif_add(&g_netif, &ip, &mask, &gw, NULL, netif_setup, tcpip_input));
    netif_set_default(&g_netif);
    netif_set_link_up(&g_netif);
    netif_set_up(&g_netif);
    UNLOCK_TCPIP_CORE();
    return 0;
}

/** @brief A listening lwIP socket on SERVER_IP:@p port. */
static int listen_on(uint16_t port)
{
    struct sockaddr_in a;
    int one = 1;
    int s = lwip_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    assert_true(s >= 0);
    (void)lwip_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = lwip_htons(port);
    assert_int_equal(lwip_inet_pton(AF_INET, SERVER_IP, &a.sin_addr), 1);
    assert_int_equal(lwip_bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(lwip_listen(s, 2), 0);
    return s;
}

static void test_connect_send_recv_close(void **state)
{
    ck_lwip_tcp tcp;
    ck_transport t;
    uint8_t buf[16];
    size_t n = 0;
    int ls = listen_on(PORT_ECHO);
    int conn;
    (void)state;

    ck_lwip_tcp_transport(&tcp, &t);
    assert_false(t.secure);
    assert_int_equal(t.connect(t.ctx, SERVER_IP, PORT_ECHO, 2000), CK_OK);
    conn = lwip_accept(ls, NULL, NULL);
    assert_true(conn >= 0);

    assert_int_equal(t.send(t.ctx, (const uint8_t *)"ping", 4, &n, 1000), CK_OK);
    assert_int_equal(n, 4);
    assert_int_equal(lwip_recv(conn, buf, sizeof buf, 0), 4);
    assert_memory_equal(buf, "ping", 4);

    assert_int_equal(lwip_send(conn, "pong!", 5, 0), 5);
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 1000), CK_OK);
    assert_int_equal(n, 5);
    assert_memory_equal(buf, "pong!", 5);

    /* Nothing more: a recv of 0 ms only looks, one of 100 ms waits that long. */
    {
        uint32_t t0 = sys_now();
        uint32_t waited;
        assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 0), CK_ERR_WOULD_BLOCK);
        assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 100), CK_ERR_WOULD_BLOCK);
        waited = sys_now() - t0;
        assert_true(waited >= 90u && waited < 1000u);
        assert_int_equal(n, 0);
    }

    /* Bad arguments. */
    assert_int_equal(t.send(t.ctx, (const uint8_t *)"x", 0, &n, 10), CK_ERR_INVALID_ARG);
    assert_int_equal(t.recv(t.ctx, buf, 0, &n, 10), CK_ERR_INVALID_ARG);

    /* The peer closes: EOF. */
    assert_int_equal(lwip_close(conn), 0);
    assert_int_equal(t.recv(t.ctx, buf, sizeof buf, &n, 1000), CK_ERR_PEER_CLOSED);
    t.close(t.ctx);
    t.close(t.ctx); /* twice is fine */
    assert_int_equal(t.send(t.ctx, (const uint8_t *)"x", 1, &n, 10), CK_ERR_TRANSPORT);
    assert_int_equal(lwip_close(ls), 0);
}

static void test_connect_refused(void **state)
{
    ck_lwip_tcp tcp;
    ck_transport t;
    (void)state;
    ck_lwip_tcp_transport(&tcp, &t);
    assert_int_equal(t.connect(t.ctx, SERVER_IP, PORT_CLOSED, 2000), CK_ERR_CONNECT);
    t.close(t.ctx);
}

static void test_connect_bounded_by_its_timeout(void **state)
{
    ck_lwip_tcp tcp;
    ck_transport t;
    uint32_t t0;
    uint32_t took;
    (void)state;
    ck_lwip_tcp_transport(&tcp, &t);
    t0 = sys_now();
    assert_int_equal(t.connect(t.ctx, BLACK_HOLE_IP, 443, 300), CK_ERR_TIMEOUT);
    took = sys_now() - t0;
    assert_true(took >= 280u && took < 2000u);
    t.close(t.ctx);
}

static void test_names_need_dns(void **state)
{
    ck_lwip_tcp tcp;
    ck_transport t;
    (void)state;
    ck_lwip_tcp_transport(&tcp, &t);
#if LWIP_DNS
    skip();
#else
    assert_int_equal(t.connect(t.ctx, "issuer.test", 443, 300), CK_ERR_CONNECT);
#endif
    assert_int_equal(t.connect(t.ctx, "", 443, 300), CK_ERR_CONNECT);
    assert_int_equal(t.connect(t.ctx, SERVER_IP, 0, 300), CK_ERR_CONNECT);
}

/* ------------------------------------------------------------------------ */
/* A whole call                                                             */
/* ------------------------------------------------------------------------ */

typedef struct responder {
    int listener;
    char request[2048];
    size_t len;
} responder;

static void *respond_once(void *arg)
{
    responder *r = (responder *)arg;
    int conn = lwip_accept(r->listener, NULL, NULL);
    if (conn < 0) {
        return NULL;
    }
    for (;;) {
        ssize_t n = lwip_recv(conn, r->request + r->len, sizeof r->request - 1u - r->len, 0);
        const char *end;
        if (n <= 0) {
            break;
        }
        r->len += (size_t)n;
        r->request[r->len] = '\0';
        end = strstr(r->request, "\r\n\r\n");
        if (end != NULL) {
            const char *cl = strstr(r->request, "Content-Length: ");
            size_t body = cl != NULL ? (size_t)strtoul(cl + 16, NULL, 10) : 0u;
            if (r->len >= (size_t)(end - r->request) + 4u + body) {
                (void)lwip_send(conn, ENROLL_OK, sizeof ENROLL_OK - 1u, 0);
                break;
            }
        }
    }
    (void)lwip_close(conn);
    return NULL;
}

static void test_enroll_over_lwip(void **state)
{
    static ck_buffers bufs;
    static responder r;
    static const ck_3ds_req req = {"card-1", "holder-1"};
    ck_lwip_tcp tcp;
    ck_transport t;
    ck_platform pf;
    ck_client_config cfg;
    ck_client client;
    ck_result res;
    pthread_t th;
    (void)state;

    memset(&r, 0, sizeof r);
    r.listener = listen_on(PORT_HTTP);
    assert_int_equal(pthread_create(&th, NULL, respond_once, &r), 0);

    ck_lwip_tcp_transport(&tcp, &t);
    ck_posix_platform(&pf);
    ck_client_config_init(&cfg);
    cfg.base_url = "https://" SERVER_IP ":4442/card/issuance";
    cfg.api_key = "k-lwip";
    cfg.access_token = "t-lwip";
    cfg.transport = &t;
    cfg.platform = &pf;
    cfg.allow_insecure_transport = true; /* plain TCP: the test only */
    cfg.no_keep_alive = true;
    ck_client_config_set_buffers(&cfg, &bufs);
    assert_int_equal(ck_client_init(&client, &cfg, NULL), CK_OK);
    assert_int_equal(ck_3ds_enroll(&client, &req, &res), CK_OK);
    assert_int_equal(res.http_status, 200);
    ck_client_close(&client);

    assert_int_equal(pthread_join(th, NULL), 0);
    assert_non_null(strstr(r.request, "POST /card/issuance/api/issuing/3ds/v2/enroll HTTP/1.1\r\n"));
    assert_non_null(strstr(r.request, "{\"card_id\":\"card-1\",\"cardholder_id\":\"holder-1\"}"));
    assert_int_equal(lwip_close(r.listener), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_send_recv_close),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_connect_bounded_by_its_timeout),
        cmocka_unit_test(test_names_need_dns),
        cmocka_unit_test(test_enroll_over_lwip),
    };
    return cmocka_run_group_tests_name("lwIP port on Debian's lwIP", tests, group_setup, NULL);
}
