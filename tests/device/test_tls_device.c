/**
 * @file test_tls_device.c
 * @brief On the board (QEMU mps2-an386): cardkit's client does a full TLS
 * handshake and a 3DS enroll through the TLS port (port/mbedtls, mbedTLS
 * 3.6 with the board's configuration) against an mbedTLS server running
 * in the same program, over an in-memory pipe.
 *
 * Memory: every allocation of the client's mbedTLS comes from one static
 * arena of CK_TLS_TEST_ARENA bytes (MBEDTLS_MEMORY_BUFFER_ALLOC_C; the
 * budget, 16 KiB) and nothing of the client touches a heap. The server is
 * test scaffolding: its allocations are routed to newlib's heap (see
 * side_calloc), so that the arena's figures are the client's alone. The
 * test prints them as `ck-report:` lines, which `make size` reads.
 *
 * Randomness: the board's fixed-seed generator (TEST ONLY: QEMU has no
 * TRNG; see boards/qemu-mps2-an386/board.h).
 *
 * The pipe: the client's inner transport writes into one buffer and reads
 * from another; when the client waits for bytes, the pipe runs the server
 * (its handshake, then its HTTP exchange) until the server waits in turn.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#if defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#include "board.h"
#include "cardkit/cardkit.h"
#include "ck_tls.h"
#include "tls_test_certs.h"

#if defined(CK_BOARD_TLS13)
#define TLS_BUILD "TLS 1.3 build"
#else
#define TLS_BUILD "TLS 1.2 build"
#endif

/** @brief The client's arena: the budget of `make size` (16 KiB). */
#ifndef CK_TLS_TEST_ARENA
#define CK_TLS_TEST_ARENA 16384u
#endif

#define PIPE_CAP 8192u
#define SRV_REQ_CAP 2048u

#define BASE_URL "https://localhost/card/issuance"
#define API_KEY "k-device-test"
#define TOKEN "t-device-test"
#define ENROLL_OK "HTTP/1.1 200 OK\r\nContent-Length: 44\r\nX-Request-Id: dev-1\r\n\r\n" \
                  "{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}"

/* ------------------------------------------------------------------------ */
/* Allocation: the client's arena, and the server's heap                    */
/* ------------------------------------------------------------------------ */

static unsigned char g_arena[CK_TLS_TEST_ARENA] __attribute__((aligned(8)));
static void *(*g_arena_calloc)(size_t, size_t);
static void (*g_arena_free)(void *);
static int g_in_server;            /* the pump is running the server */
static unsigned g_server_heap_allocs;

static int in_arena(const void *p)
{
    const unsigned char *c = (const unsigned char *)p;
    return c >= g_arena && c < g_arena + sizeof g_arena;
}

static void *side_calloc(size_t n, size_t size)
{
    if (g_in_server) {
        g_server_heap_allocs++;
        return calloc(n, size); /* the test server only */
    }
    return g_arena_calloc(n, size);
}

static void side_free(void *p)
{
    if (p == NULL) {
        return;
    }
    if (in_arena(p)) {
        g_arena_free(p);
    } else {
        free(p);
    }
}

/*
 * Linked with -Wl,--wrap=mbedtls_platform_set_calloc_free: when
 * mbedtls_memory_buffer_alloc_init() installs the arena's allocator, keep
 * it for the client and install the router above instead.
 */
int __real_mbedtls_platform_set_calloc_free(void *(*c)(size_t, size_t), void (*f)(void *));
int __wrap_mbedtls_platform_set_calloc_free(void *(*c)(size_t, size_t), void (*f)(void *));
int __wrap_mbedtls_platform_set_calloc_free(void *(*c)(size_t, size_t), void (*f)(void *))
{
    g_arena_calloc = c;
    g_arena_free = f;
    return __real_mbedtls_platform_set_calloc_free(side_calloc, side_free);
}

#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
/*
 * PSA's random source (TLS 1.3 key shares), which a board wires to its
 * TRNG. TEST ONLY: the board's fixed-seed generator, as QEMU has no TRNG.
 */
psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *context,
                                             uint8_t *output, size_t output_size, size_t *output_length);
psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *context,
                                             uint8_t *output, size_t output_size, size_t *output_length)
{
    (void)context;
    ck_board_test_random_bytes(output, output_size);
    *output_length = output_size;
    return PSA_SUCCESS;
}
#endif

/* ------------------------------------------------------------------------ */
/* The pipe                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct pipe_buf {
    uint8_t data[PIPE_CAP];
    size_t len;
} pipe_buf;

static pipe_buf g_c2s; /* client -> server */
static pipe_buf g_s2c; /* server -> client */
static int g_pipe_open;

static size_t pipe_put(pipe_buf *p, const uint8_t *buf, size_t len)
{
    size_t n = PIPE_CAP - p->len < len ? PIPE_CAP - p->len : len;
    memcpy(p->data + p->len, buf, n);
    p->len += n;
    return n;
}

static size_t pipe_get(pipe_buf *p, uint8_t *buf, size_t cap)
{
    size_t n = p->len < cap ? p->len : cap;
    memcpy(buf, p->data, n);
    memmove(p->data, p->data + n, p->len - n);
    p->len -= n;
    return n;
}

/* ------------------------------------------------------------------------ */
/* The server                                                               */
/* ------------------------------------------------------------------------ */

typedef enum srv_state { SRV_HANDSHAKE, SRV_REQUEST, SRV_FAILED } srv_state;

typedef struct server {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt cert;
    mbedtls_pk_context key;
    mbedtls_ctr_drbg_context drbg;
    srv_state state;
    char req[SRV_REQ_CAP];
    size_t req_len;
    unsigned handshakes;
    unsigned requests;
    int last_error;
    char last_path[96];
    int saw_card_id;
} server;

static server g_srv;

static int srv_entropy(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    ck_board_test_random_bytes(out, len); /* TEST ONLY */
    return 0;
}

static int srv_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    size_t n;
    (void)ctx;
    n = pipe_put(&g_s2c, buf, len);
    return n > 0u ? (int)n : MBEDTLS_ERR_SSL_WANT_WRITE;
}

static int srv_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    size_t n;
    (void)ctx;
    n = pipe_get(&g_c2s, buf, len);
    if (n == 0u) {
        return g_pipe_open ? MBEDTLS_ERR_SSL_WANT_READ : 0;
    }
    return (int)n;
}

static void server_init(void)
{
    int ret;
    g_in_server = 1;
    memset(&g_srv, 0, sizeof g_srv);
    mbedtls_ssl_init(&g_srv.ssl);
    mbedtls_ssl_config_init(&g_srv.conf);
    mbedtls_x509_crt_init(&g_srv.cert);
    mbedtls_pk_init(&g_srv.key);
    mbedtls_ctr_drbg_init(&g_srv.drbg);
    ret = mbedtls_ctr_drbg_seed(&g_srv.drbg, srv_entropy, NULL, (const unsigned char *)"srv", 3);
    assert_int_equal(ret, 0);
    ret = mbedtls_x509_crt_parse(&g_srv.cert, ck_test_server_pem, sizeof ck_test_server_pem);
    assert_int_equal(ret, 0);
    ret = mbedtls_pk_parse_key(&g_srv.key, ck_test_server_key_pem, sizeof ck_test_server_key_pem, NULL, 0,
                               mbedtls_ctr_drbg_random, &g_srv.drbg);
    assert_int_equal(ret, 0);
    ret = mbedtls_ssl_config_defaults(&g_srv.conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    assert_int_equal(ret, 0);
    mbedtls_ssl_conf_rng(&g_srv.conf, mbedtls_ctr_drbg_random, &g_srv.drbg);
    assert_int_equal(mbedtls_ssl_conf_own_cert(&g_srv.conf, &g_srv.cert, &g_srv.key), 0);
    assert_int_equal(mbedtls_ssl_setup(&g_srv.ssl, &g_srv.conf), 0);
    mbedtls_ssl_set_bio(&g_srv.ssl, NULL, srv_bio_send, srv_bio_recv, NULL);
    g_in_server = 0;
}

static void server_free(void)
{
    g_in_server = 1;
    mbedtls_ssl_free(&g_srv.ssl);
    mbedtls_ssl_config_free(&g_srv.conf);
    mbedtls_x509_crt_free(&g_srv.cert);
    mbedtls_pk_free(&g_srv.key);
    mbedtls_ctr_drbg_free(&g_srv.drbg);
    g_in_server = 0;
}

/** @brief A new connection: the server forgets the last one. */
static void server_accept(void)
{
    g_in_server = 1;
    assert_int_equal(mbedtls_ssl_session_reset(&g_srv.ssl), 0);
    g_in_server = 0;
    g_srv.state = SRV_HANDSHAKE;
    g_srv.req_len = 0;
}

/** @brief A whole request in g_srv.req: head and Content-Length body. */
static int request_complete(void)
{
    const char *end;
    const char *cl;
    size_t head;
    unsigned long body;
    g_srv.req[g_srv.req_len] = '\0';
    end = strstr(g_srv.req, "\r\n\r\n");
    if (end == NULL) {
        return 0;
    }
    head = (size_t)(end - g_srv.req) + 4u;
    cl = strstr(g_srv.req, "Content-Length: ");
    body = (cl != NULL && cl < end) ? strtoul(cl + 16, NULL, 10) : 0ul;
    return g_srv.req_len >= head + body;
}

static void server_answer(void)
{
    const char *sp = strchr(g_srv.req, ' ');
    const char *sp2 = sp != NULL ? strchr(sp + 1, ' ') : NULL;
    size_t n = (sp != NULL && sp2 != NULL) ? (size_t)(sp2 - sp - 1) : 0u;
    const unsigned char *out = (const unsigned char *)ENROLL_OK;
    size_t left = sizeof ENROLL_OK - 1u;

    if (n >= sizeof g_srv.last_path) {
        n = sizeof g_srv.last_path - 1u;
    }
    memcpy(g_srv.last_path, sp != NULL ? sp + 1 : "", n);
    g_srv.last_path[n] = '\0';
    g_srv.saw_card_id = strstr(g_srv.req, "\"card_id\":\"card-7\"") != NULL;
    g_srv.requests++;
    g_srv.req_len = 0;
    while (left > 0u) {
        int ret = mbedtls_ssl_write(&g_srv.ssl, out, left);
        if (ret <= 0) {
            g_srv.last_error = ret;
            g_srv.state = SRV_FAILED;
            return;
        }
        out += ret;
        left -= (size_t)ret;
    }
}

/** @brief Run the server until it waits for the client. */
static void server_pump(void)
{
    g_in_server = 1;
    for (;;) {
        int ret;
        if (g_srv.state == SRV_HANDSHAKE) {
            ret = mbedtls_ssl_handshake(&g_srv.ssl);
            if (ret == 0) {
                g_srv.handshakes++;
                g_srv.state = SRV_REQUEST;
                continue;
            }
        } else if (g_srv.state == SRV_REQUEST) {
            ret = mbedtls_ssl_read(&g_srv.ssl, (unsigned char *)g_srv.req + g_srv.req_len,
                                   SRV_REQ_CAP - 1u - g_srv.req_len);
            if (ret > 0) {
                g_srv.req_len += (size_t)ret;
                if (request_complete()) {
                    server_answer();
                }
                continue;
            }
        } else {
            break;
        }
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            g_srv.last_error = ret;
            g_srv.state = SRV_FAILED;
        }
        break;
    }
    g_in_server = 0;
}

/* ------------------------------------------------------------------------ */
/* The client's inner transport over the pipe                               */
/* ------------------------------------------------------------------------ */

static ck_err pipe_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    (void)ctx;
    (void)host;
    (void)port;
    (void)timeout_ms;
    g_c2s.len = 0;
    g_s2c.len = 0;
    g_pipe_open = 1;
    server_accept();
    return CK_OK;
}

static ck_err pipe_send(void *ctx, const uint8_t *buf, size_t len, size_t *out_sent, uint32_t timeout_ms)
{
    (void)ctx;
    (void)timeout_ms;
    *out_sent = 0;
    if (!g_pipe_open) {
        return CK_ERR_TRANSPORT;
    }
    *out_sent = pipe_put(&g_c2s, buf, len);
    return *out_sent > 0u ? CK_OK : CK_ERR_WOULD_BLOCK;
}

/*
 * The server runs on a stack of its own, so that the main stack's
 * high-water mark is the client's alone.
 */
static uint64_t g_srv_stack[2048]; /* 16 KiB, 8-byte aligned */

/** @brief Call @p fn with the stack pointer at @p top, then come back. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter" /* naked: the asm reads r0, r1 */
__attribute__((naked)) static void run_on_stack(void (*fn)(void), void *top)
{
    __asm__ volatile("mov r2, sp\n\t"
                     "mov sp, r1\n\t"
                     "push {r2, lr}\n\t"
                     "blx r0\n\t"
                     "pop {r2, r3}\n\t"
                     "mov sp, r2\n\t"
                     "bx r3\n\t");
}
#pragma GCC diagnostic pop

static ck_err pipe_recv(void *ctx, uint8_t *buf, size_t cap, size_t *out_received, uint32_t timeout_ms)
{
    (void)ctx;
    (void)timeout_ms;
    *out_received = 0;
    if (!g_pipe_open) {
        return CK_ERR_PEER_CLOSED;
    }
    if (g_s2c.len == 0u) {
        run_on_stack(server_pump, g_srv_stack + sizeof g_srv_stack / sizeof g_srv_stack[0]);
    }
    *out_received = pipe_get(&g_s2c, buf, cap);
    return *out_received > 0u ? CK_OK : CK_ERR_WOULD_BLOCK;
}

static void pipe_close(void *ctx)
{
    (void)ctx;
    g_pipe_open = 0;
}

static const ck_transport g_pipe = {NULL, false, pipe_connect, pipe_send, pipe_recv, pipe_close};

/* ------------------------------------------------------------------------ */
/* The client                                                               */
/* ------------------------------------------------------------------------ */

typedef struct client_side {
    ck_platform platform;
    ck_tls tls;
    ck_transport tls_transport;
    ck_buffers buffers;
    ck_client_config cfg;
    ck_client client;
} client_side;

static client_side g_cli;

static ck_err client_up(const unsigned char *ca, size_t ca_len, const char *base_url)
{
    ck_tls_config tc;
    ck_err e;
    memset(&tc, 0, sizeof tc);
    ck_board_test_platform(&g_cli.platform);
    tc.ca_pem = ca;
    tc.ca_pem_len = ca_len;
    tc.platform = &g_cli.platform;
    e = ck_tls_init(&g_cli.tls, &tc, &g_pipe);
    if (e != CK_OK) {
        return e;
    }
    ck_tls_transport(&g_cli.tls, &g_cli.tls_transport);
    ck_client_config_init(&g_cli.cfg);
    g_cli.cfg.base_url = base_url;
    g_cli.cfg.api_key = API_KEY;
    g_cli.cfg.access_token = TOKEN;
    g_cli.cfg.transport = &g_cli.tls_transport;
    g_cli.cfg.platform = &g_cli.platform;
    g_cli.cfg.max_attempts = 1;
    ck_client_config_set_buffers(&g_cli.cfg, &g_cli.buffers);
    return ck_client_init(&g_cli.client, &g_cli.cfg, NULL);
}

static void client_down(void)
{
    ck_client_close(&g_cli.client);
    ck_tls_free(&g_cli.tls);
}

static const ck_3ds_req g_enroll = {"card-7", "holder-9"};

/** @brief ck_3ds_enroll(), and what the server saw when it did not work. */
static ck_err enroll(ck_result *res)
{
    ck_err e = ck_3ds_enroll(&g_cli.client, &g_enroll, res);
    if (e != CK_OK) {
        print_message("enroll: %s (cause %s); server: state %d, last mbedTLS error -0x%04x\n",
                      ck_strerror(e), ck_strerror(res->cause), (int)g_srv.state, (unsigned)-g_srv.last_error);
    }
    return e;
}

/** @brief Room for the test server on newlib's heap (test scaffolding). */
#define SERVER_HEAP (512u * 1024u)

static int group_setup(void **state)
{
    void *reserve;
    (void)state;
    /*
     * newlib's _sbrk will not grow the heap while the stack pointer is
     * below it, as it is on the server's stack (in .bss): grow the heap once
     * here, on the main stack, and keep it (no trimming).
     */
    assert_int_equal(mallopt(M_TRIM_THRESHOLD, (int)(SERVER_HEAP * 2u)), 1);
    reserve = malloc(SERVER_HEAP);
    assert_non_null(reserve);
    free(reserve);
    mbedtls_memory_buffer_alloc_init(g_arena, sizeof g_arena);
#if defined(MBEDTLS_PSA_CRYPTO_C)
    /* Once per program, as a device does at boot (in the client's arena). */
    assert_int_equal(psa_crypto_init(), PSA_SUCCESS);
#endif
    server_init();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    server_free();
    mbedtls_memory_buffer_alloc_free();
    return 0;
}

static void report_arena(const char *what)
{
    size_t max_used = 0, max_blocks = 0, cur_used = 0, cur_blocks = 0;
    mbedtls_memory_buffer_alloc_max_get(&max_used, &max_blocks);
    mbedtls_memory_buffer_alloc_cur_get(&cur_used, &cur_blocks);
    print_message("ck-report: %s arena_size=%u arena_peak=%u arena_peak_blocks=%u arena_now=%u\n", what,
                  (unsigned)sizeof g_arena, (unsigned)max_used, (unsigned)max_blocks, (unsigned)cur_used);
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */
/* ------------------------------------------------------------------------ */

/* A full handshake and an enroll, all of the client's mbedTLS in the arena. */
static void test_handshake_and_enroll_in_static_arena(void **state)
{
    ck_result res;
    size_t cur_used = 0, cur_blocks = 0, max_used = 0, max_blocks = 0;
    size_t stack_before;
    uint32_t t0;
    uint32_t c0;
    (void)state;

    mbedtls_memory_buffer_alloc_max_reset();
    ck_board_stack_repaint();
    stack_before = ck_board_stack_depth();
    c0 = ck_board_host_centis();
    assert_int_equal(client_up(ck_test_ca_pem, sizeof ck_test_ca_pem, BASE_URL), CK_OK);
    t0 = ck_board_millis();
    assert_int_equal(enroll(&res), CK_OK);
    print_message("ck-report: tls_enroll_ms=%u host_cs=%u\n", (unsigned)(ck_board_millis() - t0),
                  (unsigned)(ck_board_host_centis() - c0));
    print_message("ck-report: tls_version=%s ciphersuite=%s (%s)\n", mbedtls_ssl_get_version(&g_srv.ssl),
                  mbedtls_ssl_get_ciphersuite(&g_srv.ssl), TLS_BUILD);
    print_message("ck-report: tls_stack_peak=%u (ck_tls_init + ck_3ds_enroll over TLS, mbedTLS included)\n",
                  (unsigned)(ck_board_stack_high_water() - stack_before));
    assert_int_equal(res.http_status, 200);
    assert_int_equal(res.progress, CK_PROGRESS_ANSWERED);
    assert_string_equal(res.request_id, "dev-1");
    assert_int_equal(g_srv.handshakes, 1);
    assert_int_equal(g_srv.requests, 1);
    assert_string_equal(g_srv.last_path, "/card/issuance" CK_V2_PATH_3DS_ENROLL);
    assert_true(g_srv.saw_card_id);
    report_arena("handshake+enroll");
    mbedtls_memory_buffer_alloc_max_get(&max_used, &max_blocks);
    assert_true(max_used > 0u);

    /* A second enroll on the kept-alive connection: no new handshake. */
    assert_int_equal(enroll(&res), CK_OK);
    assert_int_equal(g_srv.handshakes, 1);
    assert_int_equal(g_srv.requests, 2);
    report_arena("+second-enroll");

    client_down();
    /* Everything the client took from the arena went back. */
    mbedtls_memory_buffer_alloc_cur_get(&cur_used, &cur_blocks);
    assert_int_equal(cur_used, 0);
    assert_int_equal(cur_blocks, 0);
}

/* The wrong CA: CK_ERR_TLS_VERIFY, and not a byte of the request sent. */
static void test_wrong_ca_is_refused(void **state)
{
    ck_result res;
    size_t cur_used = 0, cur_blocks = 0;
    unsigned before = g_srv.requests;
    (void)state;

    assert_int_equal(client_up(ck_test_wrong_ca_pem, sizeof ck_test_wrong_ca_pem, BASE_URL), CK_OK);
    assert_int_equal(enroll(&res), CK_ERR_TLS_VERIFY);
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    assert_int_equal(g_srv.requests, before);
    client_down();
    mbedtls_memory_buffer_alloc_cur_get(&cur_used, &cur_blocks);
    assert_int_equal(cur_used, 0);
}

/* The right CA but another host name: CK_ERR_TLS_VERIFY too. */
static void test_wrong_host_is_refused(void **state)
{
    ck_result res;
    unsigned before = g_srv.requests;
    (void)state;

    assert_int_equal(client_up(ck_test_ca_pem, sizeof ck_test_ca_pem, "https://issuer.example/card/issuance"),
                     CK_OK);
    assert_int_equal(enroll(&res), CK_ERR_TLS_VERIFY);
    assert_int_equal(res.progress, CK_PROGRESS_NOT_SENT);
    assert_int_equal(g_srv.requests, before);
    client_down();
}

/* No CA at all: the board has no file system to fall back on. */
static void test_no_ca_without_file_system(void **state)
{
    ck_tls_config tc;
    ck_platform pf;
    (void)state;
    memset(&tc, 0, sizeof tc);
    ck_board_test_platform(&pf);
    tc.platform = &pf;
    assert_int_equal(ck_tls_init(&g_cli.tls, &tc, &g_pipe), CK_ERR_INVALID_ARG);
    ck_tls_free(&g_cli.tls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_and_enroll_in_static_arena),
        cmocka_unit_test(test_wrong_ca_is_refused),
        cmocka_unit_test(test_wrong_host_is_refused),
        cmocka_unit_test(test_no_ca_without_file_system),
    };
    int rc = cmocka_run_group_tests_name("tls on the device (" TLS_BUILD ")", tests, group_setup, group_teardown);
    print_message("ck-report: server_heap_allocations=%u (test server only)\n", g_server_heap_allocs);
    return rc;
}
