/**
 * @file test_hostile_tls.c
 * @brief The hostile-server suite over real TLS: the whole client (TLS
 * port over the POSIX port) against the mock issuer's fault switches, and
 * against listeners that stall or hang up in the handshake, on 127.0.0.1.
 *
 *   CK_MOCK_BIN=build/ck-mock-issuer build/integration/test_hostile_tls
 *
 * Each test starts its own mock (throwaway certificates from
 * scripts/make-test-certs.sh and random credentials, in a temporary
 * folder), runs v2 calls and checks the exact ck_err, cause, progress and
 * attempts, that the guard bytes around the buffers are intact and the
 * buffers wiped, that the log hook never saw a credential, and, from the
 * mock's own counters (GET /__mock/state), what the server applied: an
 * apply whose answer was lost was applied once and never sent again.
 * Every wait is bounded; the mock is killed and reaped on every path.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cardkit/cardkit.h"
#include "ck_posix.h"
#include "ck_tls.h"
#include "ck_fixture.h"

#define CANARY 0xA5u
#define GUARD 32u

static char g_dir[64];
static char g_api_key[40];
static char g_token[56];

/** @brief One client over TLS over TCP, with guarded buffers. */
typedef struct tls_client {
    ck_platform pf;
    ck_posix_tcp tcp;
    ck_transport tcp_t;
    ck_tls tls;
    bool tls_ready;
    ck_transport t;
    ck_client client;
    struct {
        uint8_t pre[GUARD];
        ck_buffers b;
        uint8_t post[GUARD];
    } g;
    unsigned log_events;
    unsigned log_bad;
} tls_client;

static tls_client g_cli;
static pid_t g_mock = -1;
static uint16_t g_port;

/* ------------------------------------------------------------------------ */
/* Set-up                                                                    */
/* ------------------------------------------------------------------------ */

static void random_hex(char *out, size_t bytes)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t r[32];
    size_t i;
    assert_true(bytes <= sizeof r);
    assert_int_equal(g_cli.pf.random(g_cli.pf.ctx, r, bytes), CK_OK);
    for (i = 0; i < bytes; i++) {
        out[2u * i] = hex[r[i] >> 4];
        out[2u * i + 1u] = hex[r[i] & 15u];
    }
    out[2u * bytes] = '\0';
}

static int group_setup(void **state)
{
    char cmd[256];
    (void)state;
    if (getenv("CK_MOCK_BIN") == NULL) {
        fprintf(stderr, "test_hostile_tls: set CK_MOCK_BIN to the mock issuer\n");
        return -1;
    }
    strcpy(g_dir, "/tmp/ck-hostile-tls.XXXXXX");
    if (mkdtemp(g_dir) == NULL) {
        return -1;
    }
    snprintf(cmd, sizeof cmd, "scripts/make-test-certs.sh %s >/dev/null", g_dir);
    if (system(cmd) != 0) {
        return -1;
    }
    ck_posix_platform(&g_cli.pf);
    random_hex(g_api_key, 16);
    random_hex(g_token, 24);
    return 0;
}

static int group_teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static uint32_t now_ms(void)
{
    return g_cli.pf.now_ms(g_cli.pf.ctx);
}

/** @brief Start the mock with @p cert (server or other) and extra options (NULL-terminated). */
static void mock_start(const char *cert, ...)
{
    char ready[96];
    char cert_path[96];
    char key_path[96];
    const char *argv[40];
    int argc = 0;
    va_list ap;
    const char *opt;
    uint32_t start;

    snprintf(ready, sizeof ready, "%s/ready", g_dir);
    snprintf(cert_path, sizeof cert_path, "%s/%s.pem", g_dir, cert);
    snprintf(key_path, sizeof key_path, "%s/%s.key", g_dir, cert);
    unlink(ready);
    argv[argc++] = getenv("CK_MOCK_BIN");
    argv[argc++] = "--port";
    argv[argc++] = "0";
    argv[argc++] = "--ready-file";
    argv[argc++] = ready;
    argv[argc++] = "--cert";
    argv[argc++] = cert_path;
    argv[argc++] = "--key";
    argv[argc++] = key_path;
    argv[argc++] = "--api-key";
    argv[argc++] = g_api_key;
    argv[argc++] = "--token";
    argv[argc++] = g_token;
    argv[argc++] = "--idle-exit-ms";
    argv[argc++] = "60000";
    va_start(ap, cert);
    while ((opt = va_arg(ap, const char *)) != NULL && argc < 38) {
        argv[argc++] = opt;
    }
    va_end(ap);
    argv[argc] = NULL;

    g_mock = fork();
    assert_true(g_mock >= 0);
    if (g_mock == 0) {
        if (freopen("/dev/null", "w", stdout) == NULL) {
            _exit(126);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    start = now_ms();
    for (;;) {
        FILE *f = fopen(ready, "r");
        unsigned port = 0;
        if (f != NULL) {
            int n = fscanf(f, "%u", &port);
            fclose(f);
            if (n == 1 && port > 0u && port < 65536u) {
                g_port = (uint16_t)port;
                return;
            }
        }
        assert_true(waitpid(g_mock, NULL, WNOHANG) == 0); /* still running */
        assert_true(now_ms() - start < 15000u);
        g_cli.pf.sleep_ms(g_cli.pf.ctx, 20);
    }
}

static void mock_stop(void)
{
    if (g_mock > 0) {
        kill(g_mock, SIGTERM);
        waitpid(g_mock, NULL, 0);
        g_mock = -1;
    }
}

static void hook(void *ctx, const ck_log_event *ev)
{
    tls_client *c = (tls_client *)ctx;
    c->log_events++;
    if ((ev->path != NULL && (strstr(ev->path, g_api_key) != NULL || strstr(ev->path, g_token) != NULL)) ||
        strcmp(ev->host, "localhost") != 0 || strcmp(ev->method, "POST") != 0) {
        c->log_bad++;
    }
}

/**
 * @brief A client for https://localhost:@p port trusting @p ca; TLS runs
 * over @p between (wrapping the TCP transport) when not NULL.
 */
static void client_start_over(uint16_t port, const char *ca, uint32_t timeout_ms, ck_transport *between)
{
    char ca_path[96];
    static char url[96];
    ck_tls_config tc;
    ck_client_config cfg;

    snprintf(ca_path, sizeof ca_path, "%s/%s.pem", g_dir, ca);
    snprintf(url, sizeof url, "https://localhost:%u/card/issuance", (unsigned)port);
    ck_posix_tcp_transport(&g_cli.tcp, &g_cli.tcp_t);
    memset(&tc, 0, sizeof tc);
    tc.ca_file = ca_path;
    tc.platform = &g_cli.pf;
    assert_int_equal(ck_tls_init(&g_cli.tls, &tc, between != NULL ? between : &g_cli.tcp_t), CK_OK);
    g_cli.tls_ready = true;
    ck_tls_transport(&g_cli.tls, &g_cli.t);
    memset(&g_cli.g, CANARY, sizeof g_cli.g);
    ck_client_config_init(&cfg);
    cfg.base_url = url;
    cfg.api_key = g_api_key;
    cfg.access_token = g_token;
    cfg.transport = &g_cli.t;
    cfg.platform = &g_cli.pf;
    cfg.timeout_ms = timeout_ms;
    cfg.log = hook;
    cfg.log_ctx = &g_cli;
    ck_client_config_set_buffers(&cfg, &g_cli.g.b);
    assert_int_equal(ck_client_init(&g_cli.client, &cfg, NULL), CK_OK);
    g_cli.log_events = g_cli.log_bad = 0;
}

/** @brief A client for https://localhost:@p port trusting @p ca. */
static void client_start(uint16_t port, const char *ca, uint32_t timeout_ms)
{
    client_start_over(port, ca, timeout_ms, NULL);
}

static void client_stop(void)
{
    if (g_cli.tls_ready) {
        ck_client_close(&g_cli.client);
        ck_tls_free(&g_cli.tls);
        g_cli.tls_ready = false;
    }
}

static int teardown(void **state)
{
    (void)state;
    client_stop();
    mock_stop();
    return 0;
}

static void assert_buffers_clean(void)
{
    size_t i;
    for (i = 0; i < GUARD; i++) {
        assert_int_equal(g_cli.g.pre[i], CANARY);
        assert_int_equal(g_cli.g.post[i], CANARY);
    }
    /* A call wipes every byte it wrote, from the start of each buffer. */
    assert_true(ck_fix_wiped_prefix(g_cli.g.b.work, sizeof g_cli.g.b.work, CANARY));
    assert_true(ck_fix_wiped_prefix(g_cli.g.b.tokens, sizeof g_cli.g.b.tokens, CANARY));
    assert_true(g_cli.log_events > 0u);
    assert_int_equal(g_cli.log_bad, 0);
}

/** @brief One card apply; checks the buffers after it. */
static ck_err apply(ck_result *res, ck_card_apply_resp *card)
{
    ck_card_apply_req req;
    ck_err err;
    memset(&req, 0, sizeof req);
    req.card_product_code = "T1FBXO";
    req.apply_coupon = true;
    req.cardholder_id = "273555991139442689";
    err = ck_card_apply(&g_cli.client, &req, card, res);
    assert_int_equal(err, res->err);
    assert_buffers_clean();
    return err;
}

/** @brief One counter of the mock's GET /__mock/state, over its own TLS connection. */
static long mock_counter(const char *name)
{
    static char answer[8192];
    char req[512];
    char key[64];
    ck_posix_tcp tcp;
    ck_transport tcp_t;
    ck_tls tls;
    ck_transport t;
    ck_tls_config tc;
    char ca_path[96];
    size_t len = 0;
    size_t sent = 0;
    const char *at;
    ck_err err;

    snprintf(ca_path, sizeof ca_path, "%s/ca.pem", g_dir);
    ck_posix_tcp_transport(&tcp, &tcp_t);
    memset(&tc, 0, sizeof tc);
    tc.ca_file = ca_path;
    tc.platform = &g_cli.pf;
    assert_int_equal(ck_tls_init(&tls, &tc, &tcp_t), CK_OK);
    ck_tls_transport(&tls, &t);
    assert_int_equal(t.connect(t.ctx, "localhost", g_port, 5000), CK_OK);
    snprintf(req, sizeof req,
             "GET /__mock/state HTTP/1.1\r\nHost: localhost\r\nx-api-key: %s\r\nAuthorization: Bearer %s\r\n"
             "Connection: close\r\n\r\n",
             g_api_key, g_token);
    while (sent < strlen(req)) {
        size_t n = 0;
        err = t.send(t.ctx, (const uint8_t *)req + sent, strlen(req) - sent, &n, 5000);
        assert_true(err == CK_OK || err == CK_ERR_WOULD_BLOCK);
        sent += n;
    }
    for (;;) {
        size_t n = 0;
        err = t.recv(t.ctx, (uint8_t *)answer + len, sizeof answer - 1u - len, &n, 5000);
        if (err == CK_ERR_PEER_CLOSED || (err == CK_OK && n == 0u)) {
            break;
        }
        assert_int_equal(err, CK_OK);
        len += n;
        answer[len] = '\0';
        if (strstr(answer, "\r\n\r\n") != NULL && answer[len - 1u] == '}') {
            break;
        }
    }
    t.close(t.ctx);
    ck_tls_free(&tls);
    snprintf(key, sizeof key, "\"%s\":", name);
    at = strstr(answer, key);
    assert_non_null(at);
    return strtol(at + strlen(key), NULL, 10);
}

/** @brief A listener on 127.0.0.1 (any port) that @p hangs_up accepted connections or leaves them silent. */
static int listener(uint16_t *out_port)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    *out_port = ntohs(a.sin_port);
    return fd;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */
/* ------------------------------------------------------------------------ */

/** @brief Two applies (the second on the kept-alive connection) against the running mock. */
static void two_applies(void)
{
    ck_result res;
    ck_card_apply_resp card;

    client_start(g_port, "ca", 10000);
    assert_int_equal(apply(&res, &card), CK_OK);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(res.http_status, 200);
    assert_true(strncmp(res.request_id, "mock-", 5) == 0);
    assert_true(card.card_id[0] != '\0');
    assert_int_equal(apply(&res, &card), CK_OK);
    assert_int_equal(res.attempts, 1);
    client_stop();
    assert_int_equal(mock_counter("cards_issued"), 2);
    assert_int_equal(mock_counter("requests"), 2);
    mock_stop();
}

/** The mock's answers plain, chunked, split into 1- and 3-byte TLS records, and chunked + split. */
static void test_framings_over_tls(void **state)
{
    (void)state;
    mock_start("server", (char *)NULL);
    two_applies();
    mock_start("server", "--chunked", (char *)NULL);
    two_applies();
    mock_start("server", "--split", "1", "--split-pause-ms", "0", (char *)NULL);
    two_applies();
    mock_start("server", "--chunked", "--split", "3", (char *)NULL);
    two_applies();
}

/** The mock applies the apply and drops the connection: outcome unknown, applied once, never resent. */
static void test_drop_after_request_is_outcome_unknown(void **state)
{
    ck_result res;
    ck_card_apply_resp card;
    (void)state;

    mock_start("server", "--drop-after-request", "1", (char *)NULL);
    client_start(g_port, "ca", 10000);
    assert_int_equal(apply(&res, &card), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_PEER_CLOSED);
    assert_int_equal(res.progress, CK_PROGRESS_SENT);
    assert_int_equal(res.attempts, 1);
    assert_string_equal(card.card_id, "");
    assert_int_equal(mock_counter("cards_issued"), 1);
    assert_int_equal(mock_counter("requests"), 1);
    assert_int_equal(mock_counter("dropped"), 1);
    /* The kiosk reconciles; the next call works on a new connection. */
    assert_int_equal(apply(&res, &card), CK_OK);
    assert_int_equal(mock_counter("cards_issued"), 2);
}

/** The mock answers after the deadline: TIMEOUT after sending, applied once, not resent. */
static void test_delay_past_deadline_is_outcome_unknown(void **state)
{
    ck_result res;
    ck_card_apply_resp card;
    uint32_t t0;
    (void)state;

    mock_start("server", "--delay-ms", "4000", (char *)NULL);
    client_start(g_port, "ca", 1200);
    t0 = now_ms();
    assert_int_equal(apply(&res, &card), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_TIMEOUT);
    assert_int_equal(res.attempts, 1);
    /* The deadline, not the answer (4 s away), ended the call; slack for a loaded CI machine. */
    assert_true(res.elapsed_ms >= 1200u && res.elapsed_ms < 3000u);
    assert_true(now_ms() - t0 < 3000u);
    assert_int_equal(mock_counter("cards_issued"), 1);
    assert_int_equal(mock_counter("requests"), 1);
}

/*
 * A TCP transport that, once armed, lets @c let_through bytes out and then
 * stalls every send (WOULD_BLOCK for the whole timeout, as a socket whose
 * send buffer stays full) until @c until_ms; after that it is writable
 * again, as a real socket would be once the peer reads.
 */
typedef struct stall_tcp {
    const ck_transport *inner;
    bool armed;
    size_t let_through;
    size_t passed;
    uint32_t until_ms;
} stall_tcp;

static stall_tcp g_stall;

static ck_err stall_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    stall_tcp *s = (stall_tcp *)ctx;
    return s->inner->connect(s->inner->ctx, host, port, timeout_ms);
}

static ck_err stall_send(void *ctx, const uint8_t *buf, size_t len, size_t *out_sent, uint32_t timeout_ms)
{
    stall_tcp *s = (stall_tcp *)ctx;
    uint32_t now = now_ms();

    *out_sent = 0;
    if (s->armed && s->passed < s->let_through) {
        size_t n = len < s->let_through - s->passed ? len : s->let_through - s->passed;
        ck_err e = s->inner->send(s->inner->ctx, buf, n, out_sent, timeout_ms);
        s->passed += *out_sent;
        return e;
    }
    if (s->armed && (int32_t)(s->until_ms - now) > 0) {
        uint32_t wait = s->until_ms - now < timeout_ms ? s->until_ms - now : timeout_ms;
        g_cli.pf.sleep_ms(g_cli.pf.ctx, wait);
        return CK_ERR_WOULD_BLOCK;
    }
    return s->inner->send(s->inner->ctx, buf, len, out_sent, timeout_ms);
}

static ck_err stall_recv(void *ctx, uint8_t *buf, size_t cap, size_t *out_received, uint32_t timeout_ms)
{
    stall_tcp *s = (stall_tcp *)ctx;
    return s->inner->recv(s->inner->ctx, buf, cap, out_received, timeout_ms);
}

static void stall_close(void *ctx)
{
    stall_tcp *s = (stall_tcp *)ctx;
    s->inner->close(s->inner->ctx);
}

/**
 * The socket stops taking bytes after TLS has taken the request into a
 * record (with 0 and with 37 bytes of it out): the call ends at its
 * deadline as "may have been applied", never "not sent", and closing the
 * connection drops the held record instead of flushing it with a
 * close_notify once the socket is writable again: the server never sees a
 * request the kiosk was told about.
 */
static void test_send_stalled_with_record_held(void **state)
{
    static const size_t let_through[] = {0u, 37u};
    static ck_transport stall_t;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof let_through / sizeof let_through[0]; i++) {
        ck_result res;
        ck_card_apply_resp card;

        mock_start("server", (char *)NULL);
        memset(&g_stall, 0, sizeof g_stall);
        g_stall.inner = &g_cli.tcp_t;
        stall_t.ctx = &g_stall;
        stall_t.secure = false;
        stall_t.connect = stall_connect;
        stall_t.send = stall_send;
        stall_t.recv = stall_recv;
        stall_t.close = stall_close;
        client_start_over(g_port, "ca", 1500u, &stall_t);

        /* A first apply opens the session; the second reuses it and stalls. */
        assert_int_equal(apply(&res, &card), CK_OK);
        g_stall.armed = true;
        g_stall.let_through = let_through[i];
        g_stall.until_ms = now_ms() + 1500u;
        assert_int_equal(apply(&res, &card), CK_ERR_OUTCOME_UNKNOWN);
        assert_int_equal(res.applied, CK_APPLIED_MAYBE);
        assert_int_equal(res.cause, CK_ERR_TIMEOUT);
        assert_int_equal(res.progress, CK_PROGRESS_SENT);
        assert_int_equal(res.attempts, 1);
        assert_true(now_ms() - g_stall.until_ms < 1000u); /* the deadline ended it, and the close did not wait */
        assert_int_equal(g_stall.passed, let_through[i]);
        client_stop();
        /* Give a flushed request time to arrive: it must not. */
        g_cli.pf.sleep_ms(g_cli.pf.ctx, 300);
        assert_int_equal(mock_counter("requests"), 1);
        assert_int_equal(mock_counter("cards_issued"), 1);
        mock_stop();
    }
}

/** 503 with Retry-After settles "not applied", but an apply is not sent again on it. */
static void test_503_retry_after_over_tls(void **state)
{
    ck_result res;
    ck_card_apply_resp card;
    (void)state;

    mock_start("server", "--fail-first", "1", "--fail-status", "503", "--retry-after", "1", (char *)NULL);
    client_start(g_port, "ca", 10000);
    assert_int_equal(apply(&res, &card), CK_ERR_HTTP_5XX);
    assert_int_equal(res.applied, CK_APPLIED_NO);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(mock_counter("cards_issued"), 0);
    assert_int_equal(mock_counter("failed_injected"), 1);
    /* The kiosk decides to try again: one card. */
    assert_int_equal(apply(&res, &card), CK_OK);
    assert_int_equal(res.applied, CK_APPLIED_YES);
    assert_int_equal(mock_counter("cards_issued"), 1);
}

/** 500 is not retried and settles nothing; 429 is retried, until the attempts run out. */
static void test_500_final_and_429_exhausted(void **state)
{
    ck_result res;
    ck_card_apply_resp card;
    (void)state;

    mock_start("server", "--fail-first", "10", "--fail-status", "500", (char *)NULL);
    client_start(g_port, "ca", 10000);
    assert_int_equal(apply(&res, &card), CK_ERR_OUTCOME_UNKNOWN);
    assert_int_equal(res.cause, CK_ERR_HTTP_5XX);
    assert_int_equal(res.applied, CK_APPLIED_MAYBE);
    assert_int_equal(res.http_status, 500);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(res.progress, CK_PROGRESS_ANSWERED);
    client_stop();
    mock_stop();

    mock_start("server", "--fail-first", "10", "--fail-status", "429", (char *)NULL);
    client_start(g_port, "ca", 10000);
    assert_int_equal(apply(&res, &card), CK_ERR_RATE_LIMITED);
    assert_int_equal(res.applied, CK_APPLIED_NO);
    assert_int_equal(res.attempts, CK_DEFAULT_MAX_ATTEMPTS);
    assert_int_equal(mock_counter("cards_issued"), 0);
    assert_int_equal(mock_counter("failed_injected"), CK_DEFAULT_MAX_ATTEMPTS);
}

/** Connection: close on every answer: each call opens its own connection. */
static void test_close_after_response(void **state)
{
    ck_result res;
    ck_card_apply_resp card;
    (void)state;

    mock_start("server", "--close-after-response", (char *)NULL);
    client_start(g_port, "ca", 10000);
    assert_int_equal(apply(&res, &card), CK_OK);
    assert_int_equal(apply(&res, &card), CK_OK);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(mock_counter("connections"), 2 + 1);
}

/** A certificate for another host, and an untrusted CA: TLS_VERIFY, nothing sent, not retried. */
static void test_wrong_host_and_wrong_ca(void **state)
{
    ck_result res;
    ck_card_apply_resp card;
    (void)state;

    mock_start("other", (char *)NULL);
    client_start(g_port, "ca", 10000);
    assert_int_equal(apply(&res, &card), CK_ERR_TLS_VERIFY);
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    assert_int_equal(res.attempts, 1);
    client_stop();
    mock_stop();

    mock_start("server", (char *)NULL);
    client_start(g_port, "wrong-ca", 10000);
    assert_int_equal(apply(&res, &card), CK_ERR_TLS_VERIFY);
    assert_int_equal(res.attempts, 1);
    assert_int_equal(mock_counter("requests"), 0);
}

/** A server that accepts and never speaks: the handshake stalls to the deadline; nothing sent. */
static void test_handshake_stall(void **state)
{
    ck_result res;
    ck_card_apply_resp card;
    uint16_t port = 0;
    int fd = listener(&port);
    (void)state;

    client_start(port, "ca", 1000);
    assert_int_equal(apply(&res, &card), CK_ERR_TIMEOUT);
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    assert_int_equal(res.attempts, 1);
    assert_true(res.elapsed_ms >= 1000u && res.elapsed_ms < 2500u);
    close(fd);
}

/**
 * @brief Read one whole TLS record (the ClientHello) from @p c, waiting at
 *        most 5 s. Reading it all first means that closing the socket
 *        afterwards leaves no unread data, so the kernel sends a FIN, not a
 *        RST, whatever the scheduling.
 */
static void read_one_record(int c)
{
    struct timeval tv = {5, 0};
    unsigned char hdr[5];
    unsigned char sink[512];
    size_t got = 0;
    size_t len;
    (void)setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (got < sizeof hdr) {
        ssize_t n = recv(c, hdr + got, sizeof hdr - got, 0);
        if (n <= 0) {
            return;
        }
        got += (size_t)n;
    }
    len = ((size_t)hdr[3] << 8) | hdr[4];
    while (len > 0) {
        ssize_t n = recv(c, sink, len < sizeof sink ? len : sizeof sink, 0);
        if (n <= 0) {
            return;
        }
        len -= (size_t)n;
    }
}

/**
 * @brief Fork a listener child that takes each of the client's attempts,
 *        reads its ClientHello and hangs up: with a FIN (@p reset false) or
 *        with a RST (@p reset true, SO_LINGER 0).
 */
static pid_t hang_up_server(int fd, bool reset)
{
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        unsigned i;
        alarm(20);
        for (i = 0; i < CK_DEFAULT_MAX_ATTEMPTS; i++) {
            int c = accept(fd, NULL, NULL);
            if (c >= 0) {
                read_one_record(c);
                if (reset) {
                    struct linger lg = {1, 0};
                    (void)setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
                }
                close(c);
            }
        }
        _exit(0);
    }
    return child;
}

/**
 * @brief Apply against hang_up_server(@p reset): the call fails with @p want
 *        after every attempt, and nothing was sent.
 */
static void expect_handshake_hang_up(bool reset, ck_err want)
{
    ck_result res;
    ck_card_apply_resp card;
    uint16_t port = 0;
    int fd = listener(&port);
    pid_t child = hang_up_server(fd, reset);

    client_start(port, "ca", 10000);
    assert_int_equal(apply(&res, &card), want);
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    assert_int_equal(res.attempts, CK_DEFAULT_MAX_ATTEMPTS);
    waitpid(child, NULL, 0);
    close(fd);
}

/** A server that hangs up (FIN) in the handshake: CK_ERR_TLS, nothing sent, retried. */
static void test_handshake_hang_up(void **state)
{
    (void)state;
    expect_handshake_hang_up(false, CK_ERR_TLS);
}

/** A server that resets (RST) the connection in the handshake: CK_ERR_TRANSPORT, nothing sent, retried. */
static void test_handshake_reset(void **state)
{
    (void)state;
    expect_handshake_hang_up(true, CK_ERR_TRANSPORT);
}

/** Nothing listens: CONNECT, retried, nothing sent. */
static void test_connect_refused(void **state)
{
    ck_result res;
    ck_card_apply_resp card;
    uint16_t port = 0;
    int fd = listener(&port);
    (void)state;

    close(fd); /* the port is free again: connections are refused */
    client_start(port, "ca", 10000);
    assert_int_equal(apply(&res, &card), CK_ERR_CONNECT);
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    assert_int_equal(res.attempts, CK_DEFAULT_MAX_ATTEMPTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_framings_over_tls, teardown),
        cmocka_unit_test_teardown(test_drop_after_request_is_outcome_unknown, teardown),
        cmocka_unit_test_teardown(test_delay_past_deadline_is_outcome_unknown, teardown),
        cmocka_unit_test_teardown(test_send_stalled_with_record_held, teardown),
        cmocka_unit_test_teardown(test_503_retry_after_over_tls, teardown),
        cmocka_unit_test_teardown(test_500_final_and_429_exhausted, teardown),
        cmocka_unit_test_teardown(test_close_after_response, teardown),
        cmocka_unit_test_teardown(test_wrong_host_and_wrong_ca, teardown),
        cmocka_unit_test_teardown(test_handshake_stall, teardown),
        cmocka_unit_test_teardown(test_handshake_hang_up, teardown),
        cmocka_unit_test_teardown(test_handshake_reset, teardown),
        cmocka_unit_test_teardown(test_connect_refused, teardown),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests_name("hostile_tls", tests, group_setup, group_teardown);
}
