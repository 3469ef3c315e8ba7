/**
 * @file ck_lwip_raw.c
 * @brief lwIP port for NO_SYS = 1: a TCP transport on lwIP's raw API,
 * driven by the board's poll hook while it waits. See ck_lwip_raw.h for
 * the contract.
 *
 * lwIP calls back into this file (connected, recv, err) only from inside
 * the poll hook or an lwIP call made here: single-threaded, no locking.
 * Every pcb handed back to lwIP (close, abort, error) has its argument and
 * callbacks cleared first, so no callback can reach a ck_lwip_raw_tcp that
 * was closed, reused or freed.
 */
#include "ck_lwip_raw.h"

#include <stddef.h>
#include <stdint.h>

#include "lwip/opt.h"

#if !NO_SYS
#error "port/lwip/ck_lwip_raw.c is for NO_SYS = 1 (with an RTOS, use ck_lwip.c's sockets)"
#endif
#if !LWIP_TCP
#error "port/lwip/ck_lwip_raw.c needs LWIP_TCP = 1"
#endif

#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#if LWIP_DNS
#include "lwip/dns.h"
#endif

/** @brief ck_lwip_raw_tcp::state. */
enum {
    RAW_CLOSED = 0,     /* no pcb */
    RAW_CONNECTING = 1, /* pcb, SYN sent */
    RAW_OPEN = 2,       /* pcb, established */
    RAW_FAILED = 3      /* no pcb: lwIP reset or aborted it (lwip_err says why) */
};

/** @brief Largest pbuf chain kept in the receive queue (tot_len is 16 bits). */
#define RAW_RX_MAX 0xFFFFu

/* ------------------------------------------------------------------------ */
/* Time and waiting                                                         */
/* ------------------------------------------------------------------------ */

/** @brief lwIP's millisecond clock, wrapping at 2^32. Does not block. */
static uint32_t now_ms(void)
{
    return (uint32_t)sys_now();
}

/** @brief A bounded wait: one operation's time. */
typedef struct raw_wait {
    uint32_t start_ms;  /* when the operation began */
    uint32_t budget_ms; /* its timeout */
    bool polled;        /* the poll hook has run once */
} raw_wait;

/** @brief Start a wait of @p budget_ms from now. Does not block. */
static raw_wait wait_begin(uint32_t budget_ms)
{
    raw_wait w;
    w.start_ms = now_ms();
    w.budget_ms = budget_ms;
    w.polled = false;
    return w;
}

/**
 * @brief One step of a bounded wait: decides whether to poll again.
 *
 * The first step always polls (so a timeout of 0 looks once); later ones
 * poll only while time is left. Without a poll hook nothing is run and the
 * wait ends at once (never a spin).
 * @return true when the poll hook was run (look again), false when the
 *         wait is over. Blocks for one run of the poll hook.
 */
static bool wait_step(const ck_lwip_raw_tcp *tcp, raw_wait *w)
{
    /* unsigned difference: wrap-safe */
    if (tcp->poll == NULL || (w->polled && (uint32_t)(now_ms() - w->start_ms) >= w->budget_ms)) {
        return false;
    }
    w->polled = true;
    tcp->poll(tcp->poll_ctx);
    return true;
}

/**
 * @brief Zero *@p out_n, then check a send's or recv's arguments.
 * @return CK_OK, or CK_ERR_INVALID_ARG (NULL buffer or count, 0 bytes).
 *         Does not block.
 */
static ck_err io_args(const uint8_t *buf, size_t len, size_t *out_n)
{
    if (out_n != NULL) {
        *out_n = 0;
    }
    return out_n == NULL || buf == NULL || len == 0u ? CK_ERR_INVALID_ARG : CK_OK;
}

/* ------------------------------------------------------------------------ */
/* lwIP callbacks                                                           */
/* ------------------------------------------------------------------------ */

/**
 * @brief tcp_err: lwIP has already freed the pcb (RST received, or aborted
 * by a timer or for memory): drop the pointer, remember why.
 */
static void on_err(void *arg, err_t err)
{
    ck_lwip_raw_tcp *tcp = (ck_lwip_raw_tcp *)arg;
    if (tcp != NULL) {
        tcp->pcb = NULL;
        tcp->state = RAW_FAILED;
        tcp->lwip_err = (int8_t)err;
    }
}

/** @brief tcp_connect's callback: the handshake is done (err is always ERR_OK in 2.1). */
static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    ck_lwip_raw_tcp *tcp = (ck_lwip_raw_tcp *)arg;
    (void)pcb;
    if (tcp != NULL && err == ERR_OK && tcp->state == RAW_CONNECTING) {
        tcp->state = RAW_OPEN;
    }
    return ERR_OK;
}

/**
 * @brief tcp_recv: queue @p p (the window opens as the app reads), or note
 * the peer's FIN (@p p NULL). Refuses (ERR_MEM: lwIP keeps the data and
 * offers it again later) what would overflow the queue's 16-bit length.
 */
static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    ck_lwip_raw_tcp *tcp = (ck_lwip_raw_tcp *)arg; /* never NULL: cleared with the callback */
    (void)pcb;
    (void)err; /* always ERR_OK for a recv callback in lwIP 2.1 */
    if (p == NULL) {
        tcp->fin = true;
        return ERR_OK;
    }
    if (tcp->rx == NULL) {
        tcp->rx = p;
    } else if ((uint32_t)tcp->rx->tot_len + p->tot_len > RAW_RX_MAX) {
        return ERR_MEM;
    } else {
        pbuf_cat(tcp->rx, p);
    }
    return ERR_OK;
}

/* ------------------------------------------------------------------------ */
/* Closing                                                                  */
/* ------------------------------------------------------------------------ */

/**
 * @brief Hand @p tcp's pcb back to lwIP: callbacks and argument cleared,
 * then aborted (RST) when @p abort or when bytes are still queued or
 * unacknowledged, else closed (FIN; aborted when that fails). Frees the
 * receive queue. Leaves @p tcp closed. Does not block.
 */
static void release(ck_lwip_raw_tcp *tcp, bool abort)
{
    struct tcp_pcb *pcb = tcp->pcb;
    tcp->pcb = NULL;
    if (pcb != NULL) {
        tcp_arg(pcb, NULL);
        tcp_recv(pcb, NULL);
        tcp_sent(pcb, NULL);
        tcp_err(pcb, NULL);
        tcp_poll(pcb, NULL, 0);
        if (abort || tcp->state != RAW_OPEN || pcb->unsent != NULL || pcb->unacked != NULL ||
            tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
        }
    }
    if (tcp->rx != NULL) {
        (void)pbuf_free(tcp->rx);
        tcp->rx = NULL;
    }
    tcp->state = RAW_CLOSED;
    tcp->fin = false;
    tcp->lwip_err = (int8_t)ERR_OK;
}

/** @brief ck_transport::close. Safe to call twice. Does not block. */
static void raw_close(void *ctx)
{
    ck_lwip_raw_tcp *tcp = (ck_lwip_raw_tcp *)ctx;
    if (tcp != NULL) {
        release(tcp, false);
    }
}

/* ------------------------------------------------------------------------ */
/* Names                                                                    */
/* ------------------------------------------------------------------------ */

#if LWIP_DNS
/**
 * @brief The one DNS lookup in progress. lwIP's DNS has no cancel, so a
 * lookup given up (timeout) may still call back later: the callback gets a
 * tag, never a pointer, and only the current tag's answer is kept.
 */
static struct {
    uintptr_t tag;   /* of the lookup waited for; 0 none */
    bool done;       /* its answer came */
    bool found;      /* and it has an address */
    ip_addr_t addr;
} g_dns;

/** @brief dns_gethostbyname's callback. Ignores stale lookups. */
static void on_dns(const char *name, const ip_addr_t *addr, void *arg)
{
    (void)name;
    if ((uintptr_t)arg != g_dns.tag || g_dns.tag == 0u) {
        return;
    }
    g_dns.done = true;
    if (addr != NULL) {
        g_dns.found = true;
        ip_addr_copy(g_dns.addr, *addr);
    }
}
#endif

/**
 * @brief @p host as an address: numeric, or looked up (LWIP_DNS), waiting
 * with the poll hook within @p w.
 * @return CK_OK; CK_ERR_CONNECT (not an address, no DNS, not found);
 *         CK_ERR_TIMEOUT (the lookup outlived the wait). Blocks up to the
 *         time left.
 */
static ck_err resolve(const ck_lwip_raw_tcp *tcp, const char *host, ip_addr_t *out, raw_wait *w)
{
    if (ipaddr_aton(host, out) != 0) {
        return CK_OK;
    }
#if LWIP_DNS
    {
        static uintptr_t last_tag;
        err_t e;
        last_tag = last_tag + 1u == 0u ? 1u : last_tag + 1u;
        g_dns.tag = last_tag;
        g_dns.done = false;
        g_dns.found = false;
        e = dns_gethostbyname(host, out, on_dns, (void *)last_tag);
        if (e == ERR_OK) {
            g_dns.tag = 0u;
            return CK_OK;
        }
        while (e == ERR_INPROGRESS && !g_dns.done) {
            if (!wait_step(tcp, w)) {
                g_dns.tag = 0u; /* a late answer is dropped */
                return CK_ERR_TIMEOUT;
            }
        }
        g_dns.tag = 0u;
        if (e == ERR_INPROGRESS && g_dns.found) {
            ip_addr_copy(*out, g_dns.addr);
            return CK_OK;
        }
        return CK_ERR_CONNECT;
    }
#else
    (void)tcp;
    (void)w;
    return CK_ERR_CONNECT; /* a name, and lwIP has no DNS */
#endif
}

/* ------------------------------------------------------------------------ */
/* The transport                                                            */
/* ------------------------------------------------------------------------ */

/**
 * @brief ck_transport::connect: resolve, then tcp_connect, polling until
 * the handshake ends or @p timeout_ms passes (then the pcb is aborted).
 * @return CK_OK, CK_ERR_TIMEOUT, CK_ERR_CONNECT (bad host or port, not
 *         resolved, no pcb, no route, refused, reset). Blocks up to
 *         @p timeout_ms.
 */
static ck_err raw_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    ck_lwip_raw_tcp *tcp = (ck_lwip_raw_tcp *)ctx;
    raw_wait w = wait_begin(timeout_ms);
    ip_addr_t addr;
    struct tcp_pcb *pcb;
    ck_err err;

    release(tcp, false);
    if (host == NULL || host[0] == '\0' || port == 0u) {
        return CK_ERR_CONNECT;
    }
    err = resolve(tcp, host, &addr, &w);
    if (err != CK_OK) {
        return err;
    }
    pcb = tcp_new_ip_type((u8_t)IP_GET_TYPE(&addr));
    if (pcb == NULL) {
        return CK_ERR_CONNECT; /* MEMP_NUM_TCP_PCB all in use */
    }
    tcp->pcb = pcb;
    tcp->state = RAW_CONNECTING;
    tcp_arg(pcb, tcp);
    tcp_err(pcb, on_err);
    tcp_recv(pcb, on_recv);
    if (tcp_connect(pcb, &addr, port, on_connected) != ERR_OK) {
        release(tcp, true); /* no route, or out of memory for the SYN */
        return CK_ERR_CONNECT;
    }
    while (tcp->state == RAW_CONNECTING) {
        if (!wait_step(tcp, &w)) {
            release(tcp, true);
            return CK_ERR_TIMEOUT;
        }
    }
    if (tcp->state != RAW_OPEN) {
        release(tcp, true); /* refused (RST) or given up by lwIP */
        return CK_ERR_CONNECT;
    }
    tcp_nagle_disable(tcp->pcb);
    return CK_OK;
}

/**
 * @brief How much of @p len lwIP can take now: the send buffer's room,
 * while the segment queue is not full. Does not block.
 */
static u16_t send_room(const struct tcp_pcb *pcb, size_t len)
{
    u16_t room = tcp_sndbuf(pcb);
    if (tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN) {
        return 0u;
    }
    return len < room ? (u16_t)len : room;
}

/**
 * @brief ck_transport::send: queue what fits (copied), then tcp_output().
 * @return CK_OK with *out_sent > 0 (accepted by lwIP, maybe less than
 *         @p len), CK_ERR_WOULD_BLOCK (no room before the timeout),
 *         CK_ERR_TRANSPORT (no connection, reset, tcp_write failed),
 *         CK_ERR_INVALID_ARG. Blocks up to @p timeout_ms.
 */
static ck_err raw_send(void *ctx, const uint8_t *buf, size_t len, size_t *out_sent,
                       uint32_t timeout_ms)
{
    ck_lwip_raw_tcp *tcp = (ck_lwip_raw_tcp *)ctx;
    raw_wait w = wait_begin(timeout_ms);
    if (io_args(buf, len, out_sent) != CK_OK) {
        return CK_ERR_INVALID_ARG;
    }
    for (;;) {
        u16_t n;
        if (tcp->state != RAW_OPEN || tcp->pcb == NULL) {
            return CK_ERR_TRANSPORT;
        }
        n = send_room(tcp->pcb, len);
        while (n > 0u) {
            err_t e = tcp_write(tcp->pcb, buf, n, TCP_WRITE_FLAG_COPY);
            if (e == ERR_OK) {
                (void)tcp_output(tcp->pcb); /* an error here is retried by lwIP's timers */
                *out_sent = n;
                return CK_OK;
            }
            if (e != ERR_MEM) {
                release(tcp, true);
                return CK_ERR_TRANSPORT;
            }
            n /= 2u; /* too many segments or pbufs for the queue: try less */
        }
        (void)tcp_output(tcp->pcb);
        if (!wait_step(tcp, &w)) {
            return CK_ERR_WOULD_BLOCK;
        }
    }
}

/**
 * @brief ck_transport::recv: copy from the queue of received pbufs and
 * open the window by as much. With @p timeout_ms 0 it polls once at most.
 * @return CK_OK with *out_received > 0, CK_ERR_WOULD_BLOCK,
 *         CK_ERR_PEER_CLOSED (FIN, queue drained), CK_ERR_TRANSPORT (reset,
 *         no connection), CK_ERR_INVALID_ARG. Blocks up to @p timeout_ms.
 */
static ck_err raw_recv(void *ctx, uint8_t *buf, size_t cap, size_t *out_received,
                       uint32_t timeout_ms)
{
    ck_lwip_raw_tcp *tcp = (ck_lwip_raw_tcp *)ctx;
    raw_wait w = wait_begin(timeout_ms);
    if (io_args(buf, cap, out_received) != CK_OK) {
        return CK_ERR_INVALID_ARG;
    }
    for (;;) {
        if (tcp->rx != NULL) {
            u16_t n = cap < tcp->rx->tot_len ? (u16_t)cap : tcp->rx->tot_len;
            n = pbuf_copy_partial(tcp->rx, buf, n, 0);
            tcp->rx = pbuf_free_header(tcp->rx, n);
            if (tcp->pcb != NULL) {
                tcp_recved(tcp->pcb, n);
            }
            *out_received = n;
            return CK_OK;
        }
        if (tcp->fin && tcp->state == RAW_OPEN) {
            return CK_ERR_PEER_CLOSED;
        }
        if (tcp->state != RAW_OPEN) {
            return CK_ERR_TRANSPORT; /* reset, aborted, or not connected */
        }
        if (!wait_step(tcp, &w)) {
            return CK_ERR_WOULD_BLOCK;
        }
    }
}

void ck_lwip_raw_transport(ck_lwip_raw_tcp *tcp, ck_lwip_raw_poll_fn poll, void *poll_ctx,
                           ck_transport *out)
{
    tcp->pcb = NULL;
    tcp->rx = NULL;
    tcp->poll = poll;
    tcp->poll_ctx = poll_ctx;
    tcp->state = RAW_CLOSED;
    tcp->fin = false;
    tcp->lwip_err = (int8_t)ERR_OK;
    out->ctx = tcp;
    out->secure = false;
    out->connect = raw_connect;
    out->send = raw_send;
    out->recv = raw_recv;
    out->close = raw_close;
}
