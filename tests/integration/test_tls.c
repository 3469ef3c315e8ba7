/**
 * @file test_tls.c
 * @brief Integration tests of the TLS port over the POSIX port, against an
 * mbedTLS server (of the same mbedTLS version) in a child process on
 * 127.0.0.1.
 *
 * Certificates are made at test time with the openssl CLI in a temporary
 * folder: a throwaway CA, a second CA the client does not trust, a server
 * certificate for localhost (DNS:localhost, IP:127.0.0.1) and one for
 * another host, and the SHA-256 pin of the server's key. Nothing is kept.
 *
 * Each test forks one server child that serves a given number of
 * connections in one mode and reports what it saw through shared memory
 * (handshakes, resumptions, application bytes). The parent bounds every
 * wait; the child has an alarm; teardown kills and reaps it on every path.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1

#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ck_posix.h"
#include "ck_tls.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cache.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#include <psa/crypto.h>
#endif

#define HOST "localhost"
#define T_CONNECT_MS 5000u

/* ------------------------------------------------------------------------ */
/* Certificates (made once per run)                                         */
/* ------------------------------------------------------------------------ */

static char g_dir[64];

/** @brief Path of @p name in the temporary folder (static buffer per slot). */
static const char *path_of(const char *name, int slot)
{
    static char buf[8][160];
    snprintf(buf[slot], sizeof buf[slot], "%s/%s", g_dir, name);
    return buf[slot];
}

/** @brief Read the 32-byte pin file @p name. */
static void read_pin(const char *name, uint8_t pin[32])
{
    FILE *f = fopen(path_of(name, 7), "rb");
    assert_non_null(f);
    assert_int_equal(fread(pin, 1, 32, f), 32);
    fclose(f);
}

/** @brief Group setup: make the certificates with the openssl CLI. */
static int make_certs(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/cardkit-tls-XXXXXX");
    if (mkdtemp(g_dir) == NULL) {
        return -1;
    }
    static const char script[] =
        "set -e; cd '%s'; exec 2>openssl.log\n"
        "ca() { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
        "  -keyout $1.key -out $1.crt -days 2 -subj \"/CN=$2\""
        "  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null; }\n"
        "leaf() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
        "  -keyout $1.key -out $1.csr -subj \"/CN=$2\" >/dev/null;"
        "  printf 'subjectAltName=%%s\\nbasicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature\\n"
        "extendedKeyUsage=serverAuth\\n' \"$3\" > $1.ext;"
        "  openssl x509 -req -in $1.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2"
        "  -extfile $1.ext -out $1.crt >/dev/null;"
        "  openssl x509 -in $1.crt -pubkey -noout | openssl pkey -pubin -outform DER"
        "  | openssl dgst -sha256 -binary > $1.pin; }\n"
        "ca ca 'cardkit test CA'\n"
        "ca otherca 'cardkit untrusted CA'\n"
        "leaf srv localhost 'DNS:localhost,IP:127.0.0.1'\n"
        "leaf other other.example 'DNS:other.example'\n";
    char cmd[2048];
    snprintf(cmd, sizeof cmd, script, g_dir);
    int rc = system(cmd);
    if (rc != 0) {
        fprintf(stderr, "test_tls: making certificates with openssl failed (%d); see %s/openssl.log\n",
                rc, g_dir);
        return -1;
    }
    return 0;
}

/** @brief Group teardown: remove the temporary folder. */
static int remove_certs(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* The server child                                                         */
/* ------------------------------------------------------------------------ */

typedef enum srv_mode {
    SRV_ECHO,         /**< echo every byte until the client closes */
    SRV_STALL,        /**< accept, then say nothing */
    SRV_CLOSE_NOTIFY, /**< handshake, then close_notify and close */
    SRV_CLOSE_TCP,    /**< handshake, then close without close_notify */
    SRV_RESET         /**< handshake, then reset the connection */
} srv_mode;

typedef struct srv_opts {
    srv_mode mode;
    const char *cert; /**< "srv" or "other" */
    int conns;        /**< connections to serve, then exit */
    bool tls12_only;  /**< (3.x) offer TLS 1.2 at most */
    bool no_tickets;  /**< resumption by session id only */
} srv_opts;

/** What the child saw; in shared memory. */
typedef struct srv_stats {
    int accepted;
    int handshakes;
    int handshake_failures;
    int cache_hits;   /**< session-id resumptions */
    int ticket_hits;  /**< ticket resumptions */
    int ticket_offers; /**< tickets the client offered (parsed or not) */
    long app_bytes;   /**< application bytes received */
    int version;      /**< 12 or 13 on the last handshake */
} srv_stats;

typedef struct server {
    pid_t pid;
    int lfd;
    uint16_t port;
    srv_stats *stats;
} server;

static server g_srv;

/** @brief Child: send callback on a blocking socket. */
static int srv_send(void *ctx, const unsigned char *buf, size_t len)
{
    int fd = *(int *)ctx;
    ssize_t n;
    do {
        n = send(fd, buf, len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? MBEDTLS_ERR_NET_SEND_FAILED : (int)n;
}

/** @brief Child: receive callback on a blocking socket (0 on EOF). */
static int srv_recv(void *ctx, unsigned char *buf, size_t len)
{
    int fd = *(int *)ctx;
    ssize_t n;
    do {
        n = recv(fd, buf, len, 0);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? MBEDTLS_ERR_NET_RECV_FAILED : (int)n;
}

static srv_stats *g_child_stats;
static mbedtls_ssl_cache_context g_cache;
static mbedtls_ssl_ticket_context g_ticket;

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
/** @brief Child: session cache lookup that counts hits. */
static int srv_cache_get(void *data, unsigned char const *id, size_t id_len, mbedtls_ssl_session *s)
{
    int ret = mbedtls_ssl_cache_get(data, id, id_len, s);
    if (ret == 0) {
        g_child_stats->cache_hits++;
    }
    return ret;
}
#else
/** @brief Child: session cache lookup that counts hits. */
static int srv_cache_get(void *data, mbedtls_ssl_session *s)
{
    int ret = mbedtls_ssl_cache_get(data, s);
    if (ret == 0) {
        g_child_stats->cache_hits++;
    }
    return ret;
}
#endif

/** @brief Child: ticket parse that counts good tickets. */
static int srv_ticket_parse(void *p, mbedtls_ssl_session *s, unsigned char *buf, size_t len)
{
    int ret = mbedtls_ssl_ticket_parse(p, s, buf, len);
    g_child_stats->ticket_offers++;
    if (ret == 0) {
        g_child_stats->ticket_hits++;
    }
    return ret;
}

/** @brief Child: the server. Never returns. */
static void server_main(int lfd, const srv_opts *o, srv_stats *st)
{
    alarm(30); /* whatever happens, the child does not outlive the run */
    g_child_stats = st;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_psa_crypto_free(); /* a fresh PSA RNG, not the parent's copy */
    if (psa_crypto_init() != PSA_SUCCESS) {
        _exit(2);
    }
#endif
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_init(&key);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_cache_init(&g_cache);
    mbedtls_ssl_ticket_init(&g_ticket);

    char name[32];
    if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, (const unsigned char *)"srv", 3) != 0) {
        _exit(3);
    }
    snprintf(name, sizeof name, "%s.crt", o->cert);
    if (mbedtls_x509_crt_parse_file(&crt, path_of(name, 0)) != 0) {
        _exit(4);
    }
    snprintf(name, sizeof name, "%s.key", o->cert);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    int kret = mbedtls_pk_parse_keyfile(&key, path_of(name, 0), NULL, mbedtls_ctr_drbg_random, &drbg);
#else
    int kret = mbedtls_pk_parse_keyfile(&key, path_of(name, 0), NULL);
#endif
    if (kret != 0) {
        _exit(5);
    }
    if (mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
        _exit(6);
    }
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    if (mbedtls_ssl_conf_own_cert(&conf, &crt, &key) != 0) {
        _exit(7);
    }
    mbedtls_ssl_conf_session_cache(&conf, &g_cache, srv_cache_get, mbedtls_ssl_cache_set);
    if (!o->no_tickets) {
        if (mbedtls_ssl_ticket_setup(&g_ticket, mbedtls_ctr_drbg_random, &drbg,
                                     MBEDTLS_CIPHER_AES_256_GCM, 3600) != 0) {
            _exit(8);
        }
        mbedtls_ssl_conf_session_tickets_cb(&conf, mbedtls_ssl_ticket_write, srv_ticket_parse, &g_ticket);
    }
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    if (o->tls12_only) {
        mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_2);
    }
#else
    (void)o->tls12_only; /* 2.28 stops at TLS 1.2 anyway */
#endif
    if (mbedtls_ssl_setup(&ssl, &conf) != 0) {
        _exit(9);
    }

    for (int c = 0; c < o->conns; c++) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            _exit(10);
        }
        st->accepted++;
        if (o->mode == SRV_STALL) {
            for (;;) {
                pause(); /* until the parent kills us (or the alarm) */
            }
        }
        struct timeval tv = {10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        mbedtls_ssl_session_reset(&ssl);
        mbedtls_ssl_set_bio(&ssl, &fd, srv_send, srv_recv, NULL);
        int ret = mbedtls_ssl_handshake(&ssl);
        if (ret != 0) {
            st->handshake_failures++;
            close(fd);
            continue;
        }
        st->handshakes++;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
        st->version = mbedtls_ssl_get_version_number(&ssl) == MBEDTLS_SSL_VERSION_TLS1_3 ? 13 : 12;
#else
        st->version = 12;
#endif
        if (o->mode == SRV_ECHO) {
            unsigned char buf[4096];
            for (;;) {
                int n = mbedtls_ssl_read(&ssl, buf, sizeof buf);
                if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE) {
                    continue;
                }
                if (n <= 0) {
                    break;
                }
                st->app_bytes += n;
                int off = 0;
                while (off < n) {
                    int w = mbedtls_ssl_write(&ssl, buf + off, (size_t)(n - off));
                    if (w <= 0) {
                        break;
                    }
                    off += w;
                }
            }
        } else if (o->mode == SRV_CLOSE_NOTIFY) {
            (void)mbedtls_ssl_close_notify(&ssl);
        } else if (o->mode == SRV_RESET) {
            unsigned char buf[64]; /* once the client has sent something (its handshake is over) */
            int n;
            do {
                n = mbedtls_ssl_read(&ssl, buf, sizeof buf);
            } while (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE);
            if (n > 0) {
                st->app_bytes += n;
            }
            struct linger lg = {1, 0};
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        }
        close(fd);
    }
    _exit(0);
}

/** @brief Start a server child on 127.0.0.1, port 0. */
static void server_start(const srv_opts *o)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_srv.lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(g_srv.lfd >= 0);
    assert_int_equal(bind(g_srv.lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(g_srv.lfd, 8), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(g_srv.lfd, (struct sockaddr *)&a, &len), 0);
    g_srv.port = ntohs(a.sin_port);
    memset(g_srv.stats, 0, sizeof *g_srv.stats);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        server_main(g_srv.lfd, o, g_srv.stats);
    }
    g_srv.pid = pid;
    close(g_srv.lfd);
    g_srv.lfd = -1;
}

/** @brief Wait up to @p ms for the child to exit on its own; true if it did, cleanly. */
static bool server_wait(uint32_t ms)
{
    for (uint32_t waited = 0; waited <= ms; waited += 10u) {
        int status = 0;
        pid_t r = waitpid(g_srv.pid, &status, WNOHANG);
        if (r == g_srv.pid) {
            g_srv.pid = -1;
            return WIFEXITED(status) && WEXITSTATUS(status) == 0;
        }
        usleep(10 * 1000);
    }
    return false;
}

/** @brief Kill and reap the child, if any. */
static void server_kill(void)
{
    if (g_srv.pid > 0) {
        kill(g_srv.pid, SIGKILL);
        (void)waitpid(g_srv.pid, NULL, 0);
        g_srv.pid = -1;
    }
    if (g_srv.lfd >= 0) {
        close(g_srv.lfd);
        g_srv.lfd = -1;
    }
}

/* ------------------------------------------------------------------------ */
/* The client                                                               */
/* ------------------------------------------------------------------------ */

typedef struct client {
    ck_platform pl;
    ck_posix_tcp tcp;
    ck_transport tcp_t;
    ck_tls tls;
    ck_transport t;
    bool tls_ready;
    uint8_t pin[32];
} client;

static client g_cli;

/** A transport over the TCP one that fails on demand (the n-th send or recv). */
typedef struct fault {
    const ck_transport *inner;
    int sends;
    int recvs;
    int fail_send_at; /**< 0: never */
    int fail_recv_at; /**< 0: never */
    ck_err send_err;  /**< CK_OK: "CK_OK with 0 bytes" */
    ck_err recv_err;
} fault;

static fault g_fault;
static ck_transport g_fault_t;

/** @brief Fault transport: connect. */
static ck_err fault_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    fault *f = ctx;
    return f->inner->connect(f->inner->ctx, host, port, timeout_ms);
}

/** @brief Fault transport: send, failing at the chosen call. */
static ck_err fault_send(void *ctx, const uint8_t *buf, size_t len, size_t *out, uint32_t timeout_ms)
{
    fault *f = ctx;
    if (f->fail_send_at != 0 && ++f->sends >= f->fail_send_at) {
        *out = 0;
        return f->send_err;
    }
    return f->inner->send(f->inner->ctx, buf, len, out, timeout_ms);
}

/** @brief Fault transport: recv, failing at the chosen call. */
static ck_err fault_recv(void *ctx, uint8_t *buf, size_t cap, size_t *out, uint32_t timeout_ms)
{
    fault *f = ctx;
    if (f->fail_recv_at != 0 && ++f->recvs >= f->fail_recv_at) {
        *out = 0;
        return f->recv_err;
    }
    return f->inner->recv(f->inner->ctx, buf, cap, out, timeout_ms);
}

/** @brief Fault transport: close. */
static void fault_close(void *ctx)
{
    fault *f = ctx;
    f->inner->close(f->inner->ctx);
}

/** @brief Set up the client over TCP, trusting @p ca_name, with an optional pin file. */
static void client_init(const char *ca_name, const char *pin_name)
{
    ck_posix_platform(&g_cli.pl);
    ck_posix_tcp_transport(&g_cli.tcp, &g_cli.tcp_t);
    ck_tls_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.platform = &g_cli.pl;
    cfg.ca_file = path_of(ca_name, 1);
    if (pin_name != NULL) {
        read_pin(pin_name, g_cli.pin);
        cfg.pin_sha256 = g_cli.pin;
    }
    const ck_transport *inner = &g_cli.tcp_t;
    if (g_fault.fail_send_at != 0 || g_fault.fail_recv_at != 0) {
        g_fault.inner = &g_cli.tcp_t;
        g_fault_t.ctx = &g_fault;
        g_fault_t.secure = false;
        g_fault_t.connect = fault_connect;
        g_fault_t.send = fault_send;
        g_fault_t.recv = fault_recv;
        g_fault_t.close = fault_close;
        inner = &g_fault_t;
    }
    assert_int_equal(ck_tls_init(&g_cli.tls, &cfg, inner), CK_OK);
    g_cli.tls_ready = true;
    ck_tls_transport(&g_cli.tls, &g_cli.t);
    assert_true(g_cli.t.secure);
}

/** @brief Send all of @p s and read the same bytes back. */
static void echo(const char *s)
{
    size_t len = strlen(s);
    size_t off = 0;
    while (off < len) {
        size_t n = 0;
        assert_int_equal(g_cli.t.send(g_cli.t.ctx, (const uint8_t *)s + off, len - off, &n, 2000), CK_OK);
        assert_true(n > 0);
        off += n;
    }
    char back[256];
    assert_true(len <= sizeof back);
    off = 0;
    while (off < len) {
        size_t n = 0;
        assert_int_equal(g_cli.t.recv(g_cli.t.ctx, (uint8_t *)back + off, len - off, &n, 2000), CK_OK);
        assert_true(n > 0);
        off += n;
    }
    assert_memory_equal(back, s, len);
}

/** @brief Milliseconds from CLOCK_MONOTONIC. */
static uint32_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

/** @brief Per-test setup. */
static int setup(void **state)
{
    (void)state;
    memset(&g_cli, 0, sizeof g_cli);
    memset(&g_fault, 0, sizeof g_fault);
    g_srv.pid = -1;
    g_srv.lfd = -1;
    return 0;
}

/** @brief Per-test teardown: free the client, kill the server. */
static int teardown(void **state)
{
    (void)state;
    if (g_cli.tls_ready) {
        ck_tls_free(&g_cli.tls);
        g_cli.tls_ready = false;
    }
    server_kill();
    return 0;
}

/** @brief The client's negotiated protocol, 12 or 13. */
static int client_version(void)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_ssl_get_version_number(&g_cli.tls.ssl) == MBEDTLS_SSL_VERSION_TLS1_3 ? 13 : 12;
#else
    return 12;
#endif
}

/** @brief The protocol the client and server negotiate by default. */
static int expected_version(void)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
    return 13;
#else
    return 12;
#endif
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */
/* ------------------------------------------------------------------------ */

/** Handshake, echo, close: the server saw exactly our bytes. */
static void test_handshake_echo(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "srv", 1, false, false};
    server_start(&o);
    client_init("ca.crt", NULL);
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_OK);
    print_message("negotiated %s (%s)\n", mbedtls_ssl_get_version(&g_cli.tls.ssl), MBEDTLS_VERSION_STRING);
    assert_int_equal(client_version(), expected_version());
    echo("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    echo("second");
    g_cli.t.close(g_cli.t.ctx);
    g_cli.t.close(g_cli.t.ctx); /* safe twice */
    assert_true(server_wait(5000));
    assert_int_equal(g_srv.stats->handshakes, 1);
    assert_int_equal(g_srv.stats->app_bytes, (long)strlen("GET / HTTP/1.1\r\nHost: localhost\r\n\r\nsecond"));
    assert_int_equal(g_srv.stats->version, expected_version());
}

/** The CA in memory (ca_pem) works as the file does. */
static void test_ca_pem(void **state)
{
    (void)state;
    static uint8_t pem[8192];
    FILE *f = fopen(path_of("ca.crt", 2), "rb");
    assert_non_null(f);
    size_t n = fread(pem, 1, sizeof pem - 1, f);
    fclose(f);
    assert_true(n > 0);
    pem[n] = 0;
    srv_opts o = {SRV_ECHO, "srv", 1, false, false};
    server_start(&o);
    ck_posix_platform(&g_cli.pl);
    ck_posix_tcp_transport(&g_cli.tcp, &g_cli.tcp_t);
    ck_tls_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.platform = &g_cli.pl;
    cfg.ca_pem = pem;
    cfg.ca_pem_len = n + 1;
    assert_int_equal(ck_tls_init(&g_cli.tls, &cfg, &g_cli.tcp_t), CK_OK);
    g_cli.tls_ready = true;
    ck_tls_transport(&g_cli.tls, &g_cli.t);
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_OK);
    echo("pem");
}

/** A server whose CA we do not trust: TLS_VERIFY, and it receives no application data. */
static void test_wrong_ca(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "srv", 1, false, false};
    server_start(&o);
    client_init("otherca.crt", NULL);
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_ERR_TLS_VERIFY);
    size_t n = 9;
    assert_int_equal(g_cli.t.send(g_cli.t.ctx, (const uint8_t *)"secret", 6, &n, 500), CK_ERR_TRANSPORT);
    assert_int_equal(n, 0);
    assert_true(server_wait(5000));
    assert_int_equal(g_srv.stats->handshakes, 0);
    assert_int_equal(g_srv.stats->handshake_failures, 1);
    assert_int_equal(g_srv.stats->app_bytes, 0);
}

/** A valid certificate for another host name: TLS_VERIFY. */
static void test_other_host(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "other", 1, false, false};
    server_start(&o);
    client_init("ca.crt", NULL);
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_ERR_TLS_VERIFY);
    assert_true(server_wait(5000));
    assert_int_equal(g_srv.stats->handshakes, 0);
    assert_int_equal(g_srv.stats->app_bytes, 0);
}

/** The pin of the server's key: works (and on the resumed connection too). */
static void test_pin_match(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "srv", 2, false, false};
    server_start(&o);
    client_init("ca.crt", "srv.pin");
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_OK);
    echo("pinned");
    g_cli.t.close(g_cli.t.ctx);
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_OK);
    echo("pinned again");
    g_cli.t.close(g_cli.t.ctx);
    assert_true(server_wait(5000));
    assert_int_equal(g_srv.stats->handshakes, 2);
    assert_int_equal(g_srv.stats->cache_hits + g_srv.stats->ticket_hits, 1);
}

/** Another key's pin: TLS_VERIFY, nothing sent. */
static void test_pin_mismatch(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "srv", 1, false, false};
    server_start(&o);
    client_init("ca.crt", "other.pin");
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_ERR_TLS_VERIFY);
    size_t n = 9;
    assert_int_equal(g_cli.t.send(g_cli.t.ctx, (const uint8_t *)"secret", 6, &n, 500), CK_ERR_TRANSPORT);
    assert_true(server_wait(5000));
    assert_int_equal(g_srv.stats->app_bytes, 0);
    assert_int_equal(g_srv.stats->handshakes, 0);
}

/** Shared body of the resumption tests: three connections, two resumed. */
static void resume_three(const srv_opts *o, int version)
{
    server_start(o);
    client_init("ca.crt", NULL);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_OK);
        assert_int_equal(client_version(), version);
        echo("resume me"); /* on TLS 1.3 the ticket comes with the first read */
        assert_true(g_cli.tls.have_session);
        g_cli.t.close(g_cli.t.ctx);
    }
    assert_true(server_wait(5000));
    assert_int_equal(g_srv.stats->handshakes, 3);
    print_message("resumed by session id %d, by ticket %d\n", g_srv.stats->cache_hits,
                  g_srv.stats->ticket_hits);
    assert_int_equal(g_srv.stats->cache_hits + g_srv.stats->ticket_hits, 2);
}

/** The second and third connects resume the session (tickets where the protocol has them). */
static void test_resume(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "srv", 3, false, false};
    resume_three(&o, expected_version());
    assert_int_equal(g_srv.stats->ticket_hits, 2);
    assert_int_equal(g_srv.stats->ticket_offers, 2);
}

/** Resumption by session id (a server without tickets), TLS 1.2. */
static void test_resume_session_id(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "srv", 3, true, true};
    resume_three(&o, 12);
    assert_int_equal(g_srv.stats->cache_hits, 2);
}

/** TLS 1.2 with tickets (on 3.x: a server that stops at 1.2). */
static void test_resume_tls12_ticket(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "srv", 3, true, false};
    resume_three(&o, 12);
    assert_int_equal(g_srv.stats->ticket_hits, 2);
    assert_int_equal(g_srv.stats->ticket_offers, 2);
}

/** The saved session is not offered to another port (another server). */
static void test_no_resume_elsewhere(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "srv", 1, false, false};
    server_start(&o);
    client_init("ca.crt", NULL);
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_OK);
    echo("one");
    g_cli.t.close(g_cli.t.ctx);
    assert_true(server_wait(5000));
    assert_true(g_cli.tls.have_session);
    server_start(&o); /* a new server, a new port, its own ticket key */
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_OK);
    echo("two");
    g_cli.t.close(g_cli.t.ctx);
    assert_true(server_wait(5000));
    assert_int_equal(g_srv.stats->handshakes, 1);
    assert_int_equal(g_srv.stats->ticket_offers, 0); /* not even offered */
}

/** close_notify from the server: PEER_CLOSED (also seen by a timeout-0 check). */
static void test_peer_close_notify(void **state)
{
    (void)state;
    srv_opts o = {SRV_CLOSE_NOTIFY, "srv", 1, false, false};
    server_start(&o);
    client_init("ca.crt", NULL);
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_OK);
    assert_true(server_wait(5000));
    uint8_t b[16];
    size_t n = 7;
    ck_err e = CK_ERR_WOULD_BLOCK;
    for (int i = 0; i < 200 && e == CK_ERR_WOULD_BLOCK; i++) {
        e = g_cli.t.recv(g_cli.t.ctx, b, sizeof b, &n, 0);
        if (e == CK_ERR_WOULD_BLOCK) {
            usleep(10 * 1000);
        }
    }
    assert_int_equal(e, CK_ERR_PEER_CLOSED);
    assert_int_equal(n, 0);
}

/** The server closes the TCP connection without close_notify: PEER_CLOSED. */
static void test_peer_close_eof(void **state)
{
    (void)state;
    srv_opts o = {SRV_CLOSE_TCP, "srv", 1, false, false};
    server_start(&o);
    client_init("ca.crt", NULL);
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_OK);
    uint8_t b[16];
    size_t n = 7;
    assert_int_equal(g_cli.t.recv(g_cli.t.ctx, b, sizeof b, &n, 3000), CK_ERR_PEER_CLOSED);
    assert_int_equal(n, 0);
}

/** The server resets the connection: the inner TRANSPORT error comes through. */
static void test_reset_passes_through(void **state)
{
    (void)state;
    srv_opts o = {SRV_RESET, "srv", 1, false, false};
    server_start(&o);
    client_init("ca.crt", NULL);
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_OK);
    size_t n = 7;
    assert_int_equal(g_cli.t.send(g_cli.t.ctx, (const uint8_t *)"x", 1, &n, 2000), CK_OK);
    assert_true(server_wait(5000));
    uint8_t b[16];
    ck_err e = g_cli.t.recv(g_cli.t.ctx, b, sizeof b, &n, 3000);
    assert_true(e == CK_ERR_TRANSPORT || e == CK_ERR_PEER_CLOSED);
    print_message("recv after reset: %d\n", (int)e);
    e = CK_OK;
    for (int i = 0; i < 50 && e == CK_OK; i++) {
        e = g_cli.t.send(g_cli.t.ctx, (const uint8_t *)"x", 1, &n, 200);
        usleep(2000);
    }
    assert_int_equal(e, CK_ERR_TRANSPORT);
}

/** A server that accepts and never answers: the handshake ends at the timeout. */
static void test_stalled_handshake(void **state)
{
    (void)state;
    srv_opts o = {SRV_STALL, "srv", 1, false, false};
    server_start(&o);
    client_init("ca.crt", NULL);
    uint32_t t0 = now_ms();
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, 500), CK_ERR_TIMEOUT);
    uint32_t took = now_ms() - t0;
    assert_true(took >= 450u);
    assert_true(took < 3000u);
    assert_int_equal(g_cli.tcp.fd, -1); /* the TCP connection is closed too */
}

/** On an idle connection recv waits about its timeout; with 0 it does not wait. */
static void test_recv_timeouts(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "srv", 1, false, false};
    server_start(&o);
    client_init("ca.crt", NULL);
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_OK);
    echo("warm up"); /* a TLS 1.3 ticket is out of the way */
    uint8_t b[16];
    size_t n = 7;
    uint32_t t0 = now_ms();
    assert_int_equal(g_cli.t.recv(g_cli.t.ctx, b, sizeof b, &n, 300), CK_ERR_WOULD_BLOCK);
    uint32_t took = now_ms() - t0;
    assert_int_equal(n, 0);
    assert_true(took >= 280u);
    assert_true(took < 2000u);
    t0 = now_ms();
    for (int i = 0; i < 20; i++) {
        assert_int_equal(g_cli.t.recv(g_cli.t.ctx, b, sizeof b, &n, 0), CK_ERR_WOULD_BLOCK);
    }
    assert_true(now_ms() - t0 < 200u);
    /* A record already decrypted is returned at once, even with timeout 0. */
    size_t sent = 0;
    assert_int_equal(g_cli.t.send(g_cli.t.ctx, (const uint8_t *)"abcdef", 6, &sent, 2000), CK_OK);
    assert_int_equal(sent, 6);
    assert_int_equal(g_cli.t.recv(g_cli.t.ctx, b, 2, &n, 2000), CK_OK);
    assert_int_equal(n, 2);
    assert_int_equal(g_cli.t.recv(g_cli.t.ctx, b + 2, sizeof b - 2, &n, 0), CK_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(b, "abcdef", 6);
}

/** By IP address: the certificate's IP SAN is matched on 3.x; 2.28 matches DNS names only. */
static void test_connect_by_ip(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "srv", 1, false, false};
    server_start(&o);
    client_init("ca.crt", NULL);
    ck_err e = g_cli.t.connect(g_cli.t.ctx, "127.0.0.1", g_srv.port, T_CONNECT_MS);
#if MBEDTLS_VERSION_NUMBER >= 0x03050000
    assert_int_equal(e, CK_OK);
    echo("by address");
#else
    assert_int_equal(e, CK_ERR_TLS_VERIFY); /* fails safe */
#endif
}

/** Connect to a port where nothing listens: CK_ERR_CONNECT from the inner transport. */
static void test_connect_refused(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "srv", 1, false, false};
    server_start(&o);
    uint16_t port = g_srv.port;
    server_kill(); /* nothing listens there any more */
    client_init("ca.crt", NULL);
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, port, 2000), CK_ERR_CONNECT);
}

/** @brief One handshake whose first inner recv fails with @p inner; connect must give @p want. */
static void handshake_with_failing_recv(ck_err inner, ck_err want)
{
    srv_opts o = {SRV_ECHO, "srv", 1, false, false};
    server_start(&o);
    memset(&g_fault, 0, sizeof g_fault);
    g_fault.fail_recv_at = 1;
    g_fault.recv_err = inner;
    client_init("ca.crt", NULL);
    uint32_t t0 = now_ms();
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, 2000), want);
    assert_true(now_ms() - t0 < 1500u); /* at once, not at the deadline */
    assert_int_equal(g_cli.tcp.fd, -1);
    ck_tls_free(&g_cli.tls);
    g_cli.tls_ready = false;
    server_kill();
}

/** Inner errors during the handshake come out as themselves (an EOF as a TLS failure). */
static void test_inner_errors_handshake(void **state)
{
    (void)state;
    handshake_with_failing_recv(CK_ERR_TIMEOUT, CK_ERR_TIMEOUT);
    handshake_with_failing_recv(CK_ERR_TRANSPORT, CK_ERR_TRANSPORT);
    handshake_with_failing_recv(CK_ERR_PEER_CLOSED, CK_ERR_TLS);
    handshake_with_failing_recv(CK_OK, CK_ERR_TRANSPORT); /* "CK_OK with 0 bytes" */
}

/** Inner errors after the handshake come out as themselves. */
static void test_inner_errors_io(void **state)
{
    (void)state;
    srv_opts o = {SRV_ECHO, "srv", 1, false, false};
    server_start(&o);
    g_fault.fail_send_at = 1000; /* wires the fault transport in; nothing fails yet */
    g_fault.fail_recv_at = 1000;
    client_init("ca.crt", NULL);
    assert_int_equal(g_cli.t.connect(g_cli.t.ctx, HOST, g_srv.port, T_CONNECT_MS), CK_OK);
    echo("fine so far");
    uint8_t b[16];
    size_t n = 7;
    g_fault.recvs = 0;
    g_fault.fail_recv_at = 1;
    g_fault.recv_err = CK_ERR_TIMEOUT;
    assert_int_equal(g_cli.t.recv(g_cli.t.ctx, b, sizeof b, &n, 500), CK_ERR_TIMEOUT);
    g_fault.recv_err = CK_ERR_PEER_CLOSED;
    assert_int_equal(g_cli.t.recv(g_cli.t.ctx, b, sizeof b, &n, 500), CK_ERR_PEER_CLOSED);
    g_fault.sends = 0;
    g_fault.fail_send_at = 1;
    g_fault.send_err = CK_ERR_TRANSPORT;
    assert_int_equal(g_cli.t.send(g_cli.t.ctx, (const uint8_t *)"x", 1, &n, 500), CK_ERR_TRANSPORT);
    /* mbedTLS took the byte into a record before the socket failed: it is
     * reported with the error, as bytes that may have left. */
    assert_int_equal(n, 1);
}

/** @brief A random hook that fails. */
static ck_err failing_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return CK_ERR_RANDOM;
}

/** Init refuses what it cannot work with. */
static void test_init_errors(void **state)
{
    (void)state;
    ck_posix_platform(&g_cli.pl);
    ck_posix_tcp_transport(&g_cli.tcp, &g_cli.tcp_t);
    ck_tls_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ca_file = path_of("ca.crt", 3);
    /* no platform */
    assert_int_equal(ck_tls_init(&g_cli.tls, &cfg, &g_cli.tcp_t), CK_ERR_INVALID_ARG);
    ck_tls_free(&g_cli.tls);
    cfg.platform = &g_cli.pl;
    /* no CA file */
    cfg.ca_file = path_of("missing.crt", 3);
    assert_int_equal(ck_tls_init(&g_cli.tls, &cfg, &g_cli.tcp_t), CK_ERR_INVALID_ARG);
    {
        /* A transport over a failed init refuses to connect (no crash, nothing sent). */
        ck_transport t;
        ck_tls_transport(&g_cli.tls, &t);
        assert_int_equal(t.connect(t.ctx, "localhost", 1u, 100u), CK_ERR_TLS);
        ck_tls_free(&g_cli.tls);
        assert_int_equal(t.connect(t.ctx, "localhost", 1u, 100u), CK_ERR_TLS);
    }
    /* a file that holds no certificate */
    cfg.ca_file = path_of("srv.ext", 3);
    assert_int_equal(ck_tls_init(&g_cli.tls, &cfg, &g_cli.tcp_t), CK_ERR_INVALID_ARG);
    ck_tls_free(&g_cli.tls);
    /* a failing random source */
    ck_platform bad = g_cli.pl;
    bad.random = failing_random;
    cfg.platform = &bad;
    cfg.ca_file = path_of("ca.crt", 3);
    assert_int_equal(ck_tls_init(&g_cli.tls, &cfg, &g_cli.tcp_t), CK_ERR_RANDOM);
    ck_tls_free(&g_cli.tls);
    ck_tls_free(&g_cli.tls); /* safe twice */
    /* the default bundle, when the system has one */
    cfg.platform = &g_cli.pl;
    cfg.ca_file = NULL;
    if (access(CK_TLS_DEFAULT_CA_FILE, R_OK) == 0) {
        assert_int_equal(ck_tls_init(&g_cli.tls, &cfg, &g_cli.tcp_t), CK_OK);
        ck_tls_free(&g_cli.tls);
    }
    /* no I/O before connect */
    cfg.ca_file = path_of("ca.crt", 3);
    assert_int_equal(ck_tls_init(&g_cli.tls, &cfg, &g_cli.tcp_t), CK_OK);
    ck_tls_transport(&g_cli.tls, &g_cli.t);
    g_cli.tls_ready = true;
    uint8_t b[4];
    size_t n = 3;
    assert_int_equal(g_cli.t.recv(g_cli.t.ctx, b, sizeof b, &n, 0), CK_ERR_TRANSPORT);
    assert_int_equal(n, 0);
}

/** @brief Run the TLS port suite (one binary per mbedTLS version). */
int main(void)
{
    signal(SIGPIPE, SIG_DFL); /* a SIGPIPE would kill the run: the ports must avoid it */
    g_srv.stats = mmap(NULL, sizeof *g_srv.stats, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (g_srv.stats == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    g_srv.pid = -1;
    g_srv.lfd = -1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_handshake_echo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ca_pem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_ca, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_match, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_session_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_tls12_ticket, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_resume_elsewhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peer_close_notify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peer_close_eof, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_passes_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stalled_handshake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recv_timeouts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_by_ip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inner_errors_handshake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inner_errors_io, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_errors, setup, teardown),
    };
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    const char *name = "tls port (mbedTLS 3.x)";
#else
    const char *name = "tls port (mbedTLS 2.28)";
#endif
    int rc = cmocka_run_group_tests_name(name, tests, make_certs, remove_certs);
    munmap(g_srv.stats, sizeof *g_srv.stats);
    return rc;
}
