/**
 * @file server.c
 * @brief The mock's network side: a listening socket on 127.0.0.1, TLS with
 * mbedTLS 2.28's server role, and one poll loop that serves up to
 * MOCK_MAX_CONN keep-alive connections.
 *
 * Each connection is a small state machine:
 *   HANDSHAKE -> READ -> (dispatch) -> WRITE -> READ -> ... -> closed
 * READ buffers bytes until a whole request is in (re-parsing from the start;
 * requests are small), WRITE sends the framed answer, honouring --delay-ms
 * (before the first byte) and --split (pieces with a pause between them)
 * with timers rather than sleeps, so one slow answer never stalls the other
 * connections or /__mock/state.
 *
 * Bounded waits everywhere: a handshake, a partial request and an answer
 * each have --read-timeout-ms; an idle keep-alive connection lives
 * --keepalive-ms; the process exits after --idle-exit-ms without traffic.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cache.h>
#include <mbedtls/x509_crt.h>

#include "mock.h"

/** @brief Where a connection is in its life. */
typedef enum mock_conn_state {
    MOCK_CONN_FREE = 0,  /**< slot unused */
    MOCK_CONN_HANDSHAKE, /**< TLS handshake in progress */
    MOCK_CONN_READ,      /**< reading a request (or idle between requests) */
    MOCK_CONN_WRITE,     /**< an answer (or a 100 Continue) is queued */
    MOCK_CONN_LINGER     /**< our side is shut; discarding input until the peer closes */
} mock_conn_state;

/** @brief One client connection. */
typedef struct mock_conn {
    mock_conn_state state;      /**< see mock_conn_state */
    int fd;                     /**< the socket */
    bool ssl_ready;             /**< ssl was set up (must be freed) */
    mbedtls_ssl_context ssl;    /**< TLS session (unused with --plain) */
    short want;                 /**< poll events the next step waits for */
    size_t rx_len;              /**< bytes in rx */
    size_t tx_len;              /**< bytes in tx */
    size_t tx_off;              /**< bytes already sent */
    bool interim;               /**< tx is a 100 Continue, not an answer */
    bool continue_sent;         /**< 100 Continue already sent for the current request */
    bool close_after;           /**< close once tx is sent */
    uint64_t wake_at;           /**< WRITE: send nothing before this time */
    uint64_t deadline;          /**< handshake / partial request / answer must finish by then (0: none) */
    uint64_t last_active;       /**< last byte moved (keep-alive idle time) */
    /* The buffers stay last: a new connection clears everything before rx. */
    char rx[MOCK_REQ_MAX];      /**< received, not yet consumed bytes */
    char tx[MOCK_TX_MAX];       /**< the answer being sent */
} mock_conn;

/** @brief Set by SIGTERM and SIGINT. */
static volatile sig_atomic_t mock_stop;

/** @brief The connections. */
static mock_conn mock_conns[MOCK_MAX_CONN];

/** @brief TLS material shared by all connections. */
static mbedtls_entropy_context mock_entropy;
static mbedtls_ctr_drbg_context mock_drbg;
static mbedtls_ssl_config mock_ssl_conf;
/* Sessions kept for resumption (session ids), as a production server does. */
static mbedtls_ssl_cache_context mock_ssl_cache;
static mbedtls_x509_crt mock_crt;
static mbedtls_pk_context mock_pk;

/** @brief The application (configuration and state). */
static mock_app *mock_the_app;
/** @brief Last time anything happened (for --idle-exit-ms). */
static uint64_t mock_last_activity;

/** @brief I/O results besides a byte count. */
#define MOCK_IO_AGAIN (-1)
#define MOCK_IO_EOF (-2)
#define MOCK_IO_ERROR (-3)

static void mock_conn_read(mock_conn *c);

void mock_log(const mock_config *cfg, const char *fmt, ...)
{
    va_list ap;

    if (!cfg->log) {
        return;
    }
    fputs("ck-mock-issuer: ", stderr);
    va_start(ap, fmt);
    (void)vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

/** @brief Milliseconds of a monotonic clock. */
static uint64_t mock_now(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void mock_on_signal(int sig)
{
    (void)sig;
    mock_stop = 1;
}

/** @brief mbedTLS send callback over the connection's non-blocking socket. */
static int mock_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    mock_conn *c = ctx;
    ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);

    if (n >= 0) {
        return (int)n;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    if (errno == EPIPE || errno == ECONNRESET) {
        return MBEDTLS_ERR_NET_CONN_RESET;
    }
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

/** @brief mbedTLS receive callback over the connection's non-blocking socket. */
static int mock_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    mock_conn *c = ctx;
    ssize_t n = recv(c->fd, buf, len, 0);

    if (n >= 0) {
        return (int)n;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    if (errno == ECONNRESET) {
        return MBEDTLS_ERR_NET_CONN_RESET;
    }
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

/** @brief Read up to @p len bytes: a count, MOCK_IO_AGAIN, MOCK_IO_EOF or MOCK_IO_ERROR. */
static int mock_conn_recv(mock_conn *c, char *buf, size_t len)
{
    int r;

    if (mock_the_app->cfg->plain) {
        ssize_t n = recv(c->fd, buf, len, 0);
        if (n > 0) {
            return (int)n;
        }
        if (n == 0) {
            return MOCK_IO_EOF;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            c->want = POLLIN;
            return MOCK_IO_AGAIN;
        }
        return MOCK_IO_ERROR;
    }
    r = mbedtls_ssl_read(&c->ssl, (unsigned char *)buf, len);
    if (r > 0) {
        return r;
    }
    if (r == MBEDTLS_ERR_SSL_WANT_READ) {
        c->want = POLLIN;
        return MOCK_IO_AGAIN;
    }
    if (r == MBEDTLS_ERR_SSL_WANT_WRITE) {
        c->want = POLLOUT;
        return MOCK_IO_AGAIN;
    }
    if (r == 0 || r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || r == MBEDTLS_ERR_SSL_CONN_EOF ||
        r == MBEDTLS_ERR_NET_CONN_RESET) {
        return MOCK_IO_EOF;
    }
    return MOCK_IO_ERROR;
}

/** @brief Write up to @p len bytes: a count, MOCK_IO_AGAIN or MOCK_IO_ERROR. */
static int mock_conn_send(mock_conn *c, const char *buf, size_t len)
{
    int r;

    if (mock_the_app->cfg->plain) {
        ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
        if (n >= 0) {
            return (int)n;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            c->want = POLLOUT;
            return MOCK_IO_AGAIN;
        }
        return MOCK_IO_ERROR;
    }
    r = mbedtls_ssl_write(&c->ssl, (const unsigned char *)buf, len);
    if (r >= 0) {
        return r;
    }
    if (r == MBEDTLS_ERR_SSL_WANT_WRITE) {
        c->want = POLLOUT;
        return MOCK_IO_AGAIN;
    }
    if (r == MBEDTLS_ERR_SSL_WANT_READ) {
        c->want = POLLIN;
        return MOCK_IO_AGAIN;
    }
    return MOCK_IO_ERROR;
}

/** @brief Close a connection; with @p notify, send TLS close_notify first (best effort). */
static void mock_conn_close(mock_conn *c, bool notify)
{
    if (c->state == MOCK_CONN_FREE) {
        return;
    }
    if (c->ssl_ready) {
        if (notify && c->state != MOCK_CONN_HANDSHAKE) {
            (void)mbedtls_ssl_close_notify(&c->ssl);
        }
        mbedtls_ssl_free(&c->ssl);
        c->ssl_ready = false;
    }
    (void)shutdown(c->fd, SHUT_WR);
    (void)close(c->fd);
    c->fd = -1;
    c->state = MOCK_CONN_FREE;
}

/** @brief How long a lingering close waits for the peer to close its side. */
#define MOCK_LINGER_MS 1000u

/**
 * @brief Close gracefully: TLS close_notify, then shut our sending side and
 * discard whatever the peer still sends until it closes (or MOCK_LINGER_MS).
 * Closing a socket with unread input makes the kernel send a reset, which
 * can destroy an answer the peer has not read yet; lingering avoids that.
 */
static void mock_conn_linger(mock_conn *c)
{
    if (c->ssl_ready) {
        (void)mbedtls_ssl_close_notify(&c->ssl);
        mbedtls_ssl_free(&c->ssl);
        c->ssl_ready = false;
    }
    (void)shutdown(c->fd, SHUT_WR);
    c->state = MOCK_CONN_LINGER;
    c->deadline = mock_now() + MOCK_LINGER_MS;
    c->want = POLLIN;
}

/** @brief LINGER: discard input; close at end of stream or on error. */
static void mock_conn_drain(mock_conn *c)
{
    for (;;) {
        ssize_t n = recv(c->fd, c->rx, sizeof c->rx, 0);

        if (n > 0) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return;
        }
        mock_conn_close(c, false);
        return;
    }
}

/** @brief True while the connection still has something to finish (an answer, a lingering close). */
static bool mock_conn_answering(const mock_conn *c)
{
    return (c->state == MOCK_CONN_WRITE && !c->interim) || c->state == MOCK_CONN_LINGER;
}

/** @brief True once --max-requests requests were read. */
static bool mock_max_reached(void)
{
    const mock_config *cfg = mock_the_app->cfg;

    return cfg->max_requests > 0u && mock_the_app->st->counters.all_requests >= cfg->max_requests;
}

/** @brief Copy the request path (no query) for the log, printable ASCII only. */
static void mock_log_path(const mock_request *req, char *out, size_t cap)
{
    size_t i;
    size_t n = req->path_len < cap - 1u ? req->path_len : cap - 1u;

    for (i = 0; i < n; i++) {
        char ch = req->target[i];
        out[i] = (ch > 0x20 && ch < 0x7F) ? ch : '?';
    }
    out[n] = '\0';
}

/** @brief Queue framed @p res on @p c (after --delay-ms when @p delay). */
static void mock_conn_queue(mock_conn *c, const mock_response *res, unsigned long request_no,
                            bool delay)
{
    const mock_config *cfg = mock_the_app->cfg;
    uint64_t now = mock_now();

    c->tx_len = mock_http_frame(res, request_no, cfg->chunked, c->tx, sizeof c->tx);
    if (c->tx_len == 0u) {
        mock_conn_close(c, true);
        return;
    }
    c->tx_off = 0;
    c->interim = false;
    c->close_after = res->close;
    c->state = MOCK_CONN_WRITE;
    c->wake_at = now + (delay ? cfg->delay_ms : 0u);
    c->deadline = c->wake_at + cfg->read_timeout_ms +
                  (cfg->split > 0u ? (c->tx_len / cfg->split + 1u) * (cfg->split_pause_ms + 1u) : 0u);
    c->want = POLLOUT;
}

/** @brief Answer a request the parser refused, then close. */
static void mock_conn_refuse(mock_conn *c, mock_parse r, const mock_request *req, const char *why)
{
    mock_response res;
    unsigned long no;

    memset(&res, 0, sizeof res);
    if (r == MOCK_PARSE_TOO_LARGE && req->head_len == 0u) {
        mock_reply_error(&res, 431, "HEADERS_TOO_LARGE", "%s", why);
    } else if (r == MOCK_PARSE_TOO_LARGE) {
        mock_reply_error(&res, 413, "PAYLOAD_TOO_LARGE", "%s", why);
    } else if (r == MOCK_PARSE_LENGTH_REQUIRED) {
        mock_reply_error(&res, 411, "LENGTH_REQUIRED", "%s", why);
    } else {
        mock_reply_error(&res, 400, "BAD_REQUEST", "%s", why);
    }
    res.close = true;
    no = ++mock_the_app->st->counters.all_requests;
    mock_log(mock_the_app->cfg, "#%lu refused (%s) -> %u", no, why, res.status);
    mock_conn_queue(c, &res, no, false);
}

/** @brief Dispatch a complete request and queue its answer (or drop it). */
static void mock_conn_handle(mock_conn *c, const mock_request *req)
{
    static mock_response res;
    const mock_config *cfg = mock_the_app->cfg;
    unsigned long no = 0;
    char path[128];
    size_t rest;

    mock_dispatch(mock_the_app, req, &res, &no);
    mock_log_path(req, path, sizeof path);
    rest = c->rx_len - req->total_len;
    memmove(c->rx, c->rx + req->total_len, rest);
    c->rx_len = rest;
    c->continue_sent = false;
    c->deadline = 0;
    if (res.drop) {
        mock_the_app->st->counters.dropped++;
        mock_log(cfg, "#%lu %s %s -> %u%s%s, dropped (connection closed, no answer)", no,
                 req->method, path, res.status, res.note != NULL ? " " : "",
                 res.note != NULL ? res.note : "");
        mock_conn_linger(c);
        return;
    }
    mock_log(cfg, "#%lu %s %s -> %u%s%s", no, req->method, path, res.status,
             res.note != NULL ? " " : "", res.note != NULL ? res.note : "");
    mock_conn_queue(c, &res, no, res.delay);
}

/** @brief Send the queued bytes, as far as the socket, the timers and --split allow. */
static void mock_conn_write(mock_conn *c)
{
    const mock_config *cfg = mock_the_app->cfg;

    while (c->tx_off < c->tx_len) {
        size_t piece = c->tx_len - c->tx_off;
        int n;

        if (mock_now() < c->wake_at) {
            return;
        }
        if (cfg->split > 0u && piece > cfg->split) {
            piece = cfg->split;
        }
        n = mock_conn_send(c, c->tx + c->tx_off, piece);
        if (n == MOCK_IO_AGAIN) {
            return;
        }
        if (n < 0) {
            mock_conn_close(c, false);
            return;
        }
        c->tx_off += (size_t)n;
        c->last_active = mock_now();
        mock_last_activity = c->last_active;
        if (cfg->split > 0u && c->tx_off < c->tx_len) {
            c->wake_at = c->last_active + cfg->split_pause_ms;
        }
    }
    if (c->interim) {
        c->interim = false;
        c->continue_sent = true;
        c->state = MOCK_CONN_READ;
        c->deadline = mock_now() + cfg->read_timeout_ms;
        mock_conn_read(c);
        return;
    }
    if (c->close_after) {
        mock_conn_linger(c);
        return;
    }
    c->state = MOCK_CONN_READ;
    c->deadline = 0;
    c->want = POLLIN;
    mock_conn_read(c);
}

/** @brief Read and parse until a request is complete or the socket has nothing more. */
static void mock_conn_read(mock_conn *c)
{
    static mock_request req;
    const mock_config *cfg = mock_the_app->cfg;

    for (;;) {
        int n;

        if (c->rx_len > 0u) {
            const char *why = "";
            mock_parse r;

            if (mock_max_reached()) {
                return;
            }
            r = mock_http_parse(c->rx, c->rx_len, &req, &why);
            if (r == MOCK_PARSE_DONE) {
                mock_conn_handle(c, &req);
                return;
            }
            if (r == MOCK_PARSE_NEED_BODY && req.expect_continue && !c->continue_sent) {
                static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
                memcpy(c->tx, cont, sizeof cont - 1u);
                c->tx_len = sizeof cont - 1u;
                c->tx_off = 0;
                c->interim = true;
                c->state = MOCK_CONN_WRITE;
                c->wake_at = 0;
                c->want = POLLOUT;
                mock_conn_write(c);
                return;
            }
            if (r != MOCK_PARSE_NEED_MORE && r != MOCK_PARSE_NEED_BODY) {
                mock_conn_refuse(c, r, &req, why);
                return;
            }
            if (c->deadline == 0u) {
                c->deadline = mock_now() + cfg->read_timeout_ms;
            }
        }
        if (c->rx_len >= sizeof c->rx) {
            /* The parser's limits keep this from happening; refuse anyway. */
            mock_conn_refuse(c, MOCK_PARSE_TOO_LARGE, &req, "request too large");
            return;
        }
        n = mock_conn_recv(c, c->rx + c->rx_len, sizeof c->rx - c->rx_len);
        if (n == MOCK_IO_AGAIN) {
            return;
        }
        if (n < 0) {
            if (c->rx_len > 0u) {
                mock_log(cfg, "connection closed by the client in the middle of a request");
            }
            mock_conn_close(c, false);
            return;
        }
        c->rx_len += (size_t)n;
        c->last_active = mock_now();
        mock_last_activity = c->last_active;
    }
}

/** @brief Advance a connection as far as it can go without blocking. */
static void mock_conn_step(mock_conn *c)
{
    int r;

    switch (c->state) {
    case MOCK_CONN_HANDSHAKE:
        r = mbedtls_ssl_handshake(&c->ssl);
        if (r == MBEDTLS_ERR_SSL_WANT_READ) {
            c->want = POLLIN;
            return;
        }
        if (r == MBEDTLS_ERR_SSL_WANT_WRITE) {
            c->want = POLLOUT;
            return;
        }
        if (r != 0) {
            char msg[128];
            mbedtls_strerror(r, msg, sizeof msg);
            mock_log(mock_the_app->cfg, "TLS handshake failed: %s", msg);
            mock_conn_close(c, false);
            return;
        }
        mock_the_app->st->counters.handshakes++;
        c->state = MOCK_CONN_READ;
        c->deadline = 0;
        c->last_active = mock_now();
        c->want = POLLIN;
        mock_conn_read(c);
        return;
    case MOCK_CONN_READ:
        mock_conn_read(c);
        return;
    case MOCK_CONN_WRITE:
        mock_conn_write(c);
        return;
    case MOCK_CONN_LINGER:
        mock_conn_drain(c);
        return;
    case MOCK_CONN_FREE:
    default:
        return;
    }
}

/** @brief Accept every pending connection (evicting idle keep-alive ones when full). */
static void mock_accept(int lfd)
{
    const mock_config *cfg = mock_the_app->cfg;

    for (;;) {
        mock_conn *c = NULL;
        mock_conn *idle = NULL;
        int fd = accept(lfd, NULL, NULL);
        int one = 1;
        size_t i;
        int r;

        if (fd < 0) {
            return;
        }
        mock_the_app->st->counters.connections++;
        mock_last_activity = mock_now();
        for (i = 0; i < MOCK_MAX_CONN; i++) {
            mock_conn *k = &mock_conns[i];
            if (k->state == MOCK_CONN_FREE) {
                c = k;
                break;
            }
            if (k->state == MOCK_CONN_READ && k->rx_len == 0u &&
                (idle == NULL || k->last_active < idle->last_active)) {
                idle = k;
            }
        }
        if (c == NULL && idle != NULL) {
            mock_log(cfg, "connection table full: closing the longest idle connection");
            mock_conn_close(idle, true);
            c = idle;
        }
        if (c == NULL) {
            mock_log(cfg, "connection table full: refusing a connection");
            (void)close(fd);
            continue;
        }
        (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        memset(c, 0, offsetof(mock_conn, rx));
        c->fd = fd;
        c->last_active = mock_now();
        if (cfg->plain) {
            c->state = MOCK_CONN_READ;
            c->want = POLLIN;
            continue;
        }
        mbedtls_ssl_init(&c->ssl);
        c->ssl_ready = true;
        c->state = MOCK_CONN_HANDSHAKE;
        r = mbedtls_ssl_setup(&c->ssl, &mock_ssl_conf);
        if (r != 0) {
            mock_log(cfg, "TLS setup failed (-0x%04x)", (unsigned)-r);
            mock_conn_close(c, false);
            continue;
        }
        mbedtls_ssl_set_bio(&c->ssl, c, mock_bio_send, mock_bio_recv, NULL);
        c->deadline = c->last_active + cfg->read_timeout_ms;
        c->want = POLLIN;
    }
}

/** @brief The session cache's lookup, counting the sessions it finds (each a resumed handshake). */
static int mock_cache_get(void *data, mbedtls_ssl_session *session)
{
    int r = mbedtls_ssl_cache_get(data, session);
    if (r == 0) {
        mock_the_app->st->counters.resumptions++;
    }
    return r;
}

/** @brief Load the certificate and key and set up the TLS server configuration. */
static bool mock_tls_init(const mock_config *cfg)
{
    static const char pers[] = "ck-mock-issuer";
    char msg[128];
    int r;

    mbedtls_entropy_init(&mock_entropy);
    mbedtls_ctr_drbg_init(&mock_drbg);
    mbedtls_ssl_config_init(&mock_ssl_conf);
    mbedtls_ssl_cache_init(&mock_ssl_cache);
    mbedtls_x509_crt_init(&mock_crt);
    mbedtls_pk_init(&mock_pk);

    r = mbedtls_ctr_drbg_seed(&mock_drbg, mbedtls_entropy_func, &mock_entropy,
                              (const unsigned char *)pers, sizeof pers - 1u);
    if (r != 0) {
        mbedtls_strerror(r, msg, sizeof msg);
        fprintf(stderr, "ck-mock-issuer: random generator: %s\n", msg);
        return false;
    }
    r = mbedtls_x509_crt_parse_file(&mock_crt, cfg->cert_file);
    if (r != 0) {
        mbedtls_strerror(r, msg, sizeof msg);
        fprintf(stderr, "ck-mock-issuer: cannot load certificate %s: %s\n", cfg->cert_file, msg);
        return false;
    }
    r = mbedtls_pk_parse_keyfile(&mock_pk, cfg->key_file, NULL);
    if (r != 0) {
        mbedtls_strerror(r, msg, sizeof msg);
        fprintf(stderr, "ck-mock-issuer: cannot load key %s: %s\n", cfg->key_file, msg);
        return false;
    }
    if (mbedtls_pk_check_pair(&mock_crt.pk, &mock_pk) != 0) {
        fprintf(stderr, "ck-mock-issuer: the key does not match the certificate\n");
        return false;
    }
    r = mbedtls_ssl_config_defaults(&mock_ssl_conf, MBEDTLS_SSL_IS_SERVER,
                                    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (r == 0) {
        mbedtls_ssl_conf_rng(&mock_ssl_conf, mbedtls_ctr_drbg_random, &mock_drbg);
        mbedtls_ssl_conf_min_version(&mock_ssl_conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                     MBEDTLS_SSL_MINOR_VERSION_3);
        mbedtls_ssl_conf_session_cache(&mock_ssl_conf, &mock_ssl_cache, mock_cache_get, mbedtls_ssl_cache_set);
        r = mbedtls_ssl_conf_own_cert(&mock_ssl_conf, &mock_crt, &mock_pk);
    }
    if (r != 0) {
        mbedtls_strerror(r, msg, sizeof msg);
        fprintf(stderr, "ck-mock-issuer: TLS configuration: %s\n", msg);
        return false;
    }
    return true;
}

/** @brief Free the TLS material. */
static void mock_tls_free(void)
{
    mbedtls_pk_free(&mock_pk);
    mbedtls_x509_crt_free(&mock_crt);
    mbedtls_ssl_config_free(&mock_ssl_conf);
    mbedtls_ssl_cache_free(&mock_ssl_cache);
    mbedtls_ctr_drbg_free(&mock_drbg);
    mbedtls_entropy_free(&mock_entropy);
}

/** @brief Listen on 127.0.0.1:@p port; returns the socket or -1, and the bound port. */
static int mock_listen(unsigned port, unsigned *bound)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0) {
        perror("ck-mock-issuer: socket");
        return -1;
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        perror("ck-mock-issuer: bind/listen 127.0.0.1");
        (void)close(fd);
        return -1;
    }
    (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    *bound = ntohs(sa.sin_port);
    return fd;
}

/** @brief Write the port to @p path atomically (temporary file, then rename). */
static bool mock_write_ready(const char *path, unsigned port)
{
    char tmp[4096];
    FILE *f;

    if ((size_t)snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= sizeof tmp) {
        return false;
    }
    f = fopen(tmp, "w");
    if (f == NULL) {
        return false;
    }
    if (fprintf(f, "%u\n", port) < 0 || fclose(f) != 0) {
        (void)remove(tmp);
        return false;
    }
    if (rename(tmp, path) != 0) {
        (void)remove(tmp);
        return false;
    }
    return true;
}

/** @brief Close connections whose deadline passed or whose keep-alive idle time ran out. */
static void mock_expire(uint64_t now)
{
    const mock_config *cfg = mock_the_app->cfg;
    size_t i;

    for (i = 0; i < MOCK_MAX_CONN; i++) {
        mock_conn *c = &mock_conns[i];

        if (c->state == MOCK_CONN_FREE) {
            continue;
        }
        if (c->state == MOCK_CONN_LINGER) {
            if (now >= c->deadline) {
                mock_conn_close(c, false);
            }
        } else if (c->deadline != 0u && now >= c->deadline) {
            mock_log(cfg, "connection timed out (%s)",
                     c->state == MOCK_CONN_HANDSHAKE ? "handshake"
                     : c->state == MOCK_CONN_WRITE   ? "answer"
                                                     : "partial request");
            mock_conn_close(c, false);
        } else if (c->state == MOCK_CONN_READ && c->rx_len == 0u && cfg->keepalive_ms > 0u &&
                   now - c->last_active >= cfg->keepalive_ms) {
            mock_conn_linger(c);
        }
    }
}

/** @brief Shorten *timeout so the poll wakes at @p when. */
static void mock_wake(uint64_t now, uint64_t when, int *timeout)
{
    uint64_t d = when > now ? when - now : 0u;

    if ((uint64_t)*timeout > d) {
        *timeout = (int)d;
    }
}

int mock_serve(mock_app *app)
{
    const mock_config *cfg = app->cfg;
    struct pollfd fds[MOCK_MAX_CONN + 1u];
    mock_conn *owner[MOCK_MAX_CONN + 1u];
    struct sigaction sa;
    unsigned port = 0;
    int lfd;
    int status = 0;
    size_t i;

    mock_the_app = app;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = mock_on_signal;
    (void)sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGTERM, &sa, NULL);
    (void)sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    (void)sigaction(SIGPIPE, &sa, NULL);

    if (!cfg->plain && !mock_tls_init(cfg)) {
        mock_tls_free();
        return 1;
    }
    lfd = mock_listen(cfg->port, &port);
    if (lfd < 0) {
        mock_tls_free();
        return 1;
    }
    printf("ck-mock-issuer: listening on %s://127.0.0.1:%u\n", cfg->plain ? "http" : "https", port);
    fflush(stdout);
    if (cfg->ready_file != NULL && !mock_write_ready(cfg->ready_file, port)) {
        fprintf(stderr, "ck-mock-issuer: cannot write %s\n", cfg->ready_file);
        (void)close(lfd);
        mock_tls_free();
        return 1;
    }
    mock_last_activity = mock_now();

    while (!mock_stop) {
        uint64_t now = mock_now();
        int timeout = 1000;
        nfds_t nfds = 0;
        bool busy = false;
        int r;

        mock_expire(now);
        for (i = 0; i < MOCK_MAX_CONN; i++) {
            busy = busy || mock_conn_answering(&mock_conns[i]);
        }
        if (mock_max_reached() && !busy) {
            mock_log(cfg, "served --max-requests %lu requests; exiting", cfg->max_requests);
            break;
        }
        if (cfg->idle_exit_ms > 0u && !busy && now - mock_last_activity >= cfg->idle_exit_ms) {
            fprintf(stderr, "ck-mock-issuer: idle for %lu ms; exiting\n", cfg->idle_exit_ms);
            break;
        }
        if (cfg->idle_exit_ms > 0u && !busy) {
            mock_wake(now, mock_last_activity + cfg->idle_exit_ms, &timeout);
        }
        if (!mock_max_reached()) {
            fds[nfds].fd = lfd;
            fds[nfds].events = POLLIN;
            owner[nfds++] = NULL;
        }
        for (i = 0; i < MOCK_MAX_CONN; i++) {
            mock_conn *c = &mock_conns[i];

            if (c->state == MOCK_CONN_FREE) {
                continue;
            }
            if (c->deadline != 0u) {
                mock_wake(now, c->deadline, &timeout);
            }
            if (c->state == MOCK_CONN_READ && c->rx_len == 0u && cfg->keepalive_ms > 0u) {
                mock_wake(now, c->last_active + cfg->keepalive_ms, &timeout);
            }
            if (c->state == MOCK_CONN_WRITE && c->wake_at > now) {
                mock_wake(now, c->wake_at, &timeout);
                continue;
            }
            fds[nfds].fd = c->fd;
            fds[nfds].events = c->want != 0 ? c->want : POLLIN;
            owner[nfds++] = c;
        }
        r = poll(fds, nfds, timeout);
        if (r < 0 && errno != EINTR) {
            perror("ck-mock-issuer: poll");
            status = 1;
            break;
        }
        for (i = 0; r > 0 && i < (size_t)nfds; i++) {
            if (owner[i] == NULL && (fds[i].revents & POLLIN) != 0) {
                mock_accept(lfd);
            }
        }
        /* Step every connection: a step on a socket with nothing to do
         * returns at once, and timers (delay, split pauses) need it. */
        for (i = 0; i < MOCK_MAX_CONN; i++) {
            mock_conn_step(&mock_conns[i]);
        }
    }

    for (i = 0; i < MOCK_MAX_CONN; i++) {
        mock_conn_close(&mock_conns[i], true);
    }
    (void)close(lfd);
    if (!cfg->plain) {
        mock_tls_free();
    }
    return status;
}
