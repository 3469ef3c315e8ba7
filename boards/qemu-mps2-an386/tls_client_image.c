/**
 * @file tls_client_image.c
 * @brief A client image for the board, built to measure what a kiosk's
 * firmware carries for cardkit over TLS: the library (all four v2 calls and
 * the v1 calls), the TLS port and mbedTLS with the board's configuration,
 * its static arena, and newlib. `make size` prints its flash and RAM by
 * origin from the linker map (scripts/qemu_image_size.sh).
 *
 * It runs too (make qemu-image-run): the network below the TLS port is a
 * stub that refuses to connect, so every call ends in CK_ERR_CONNECT
 * before a byte is sent, which the program checks. Its random hook is the
 * board's TEST ONLY generator, since QEMU has no TRNG.
 */
#include <string.h>

#include <mbedtls/memory_buffer_alloc.h>

#include "board.h"
#include "cardkit/cardkit.h"
#include "ck_tls.h"

/** @brief The client's mbedTLS arena: the 16 KiB budget. */
static unsigned char g_arena[16384] __attribute__((aligned(8)));

/* The trust anchor: the throwaway test CA the build makes
 * (scripts/qemu_tls_certs.sh); a product embeds its issuer's CA. */
#include "tls_test_certs.h"

static ck_err net_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    (void)ctx;
    (void)host;
    (void)port;
    (void)timeout_ms;
    return CK_ERR_CONNECT;
}

static ck_err net_send(void *ctx, const uint8_t *buf, size_t len, size_t *out_sent, uint32_t timeout_ms)
{
    (void)ctx;
    (void)buf;
    (void)len;
    (void)timeout_ms;
    *out_sent = 0;
    return CK_ERR_TRANSPORT;
}

static ck_err net_recv(void *ctx, uint8_t *buf, size_t cap, size_t *out_received, uint32_t timeout_ms)
{
    (void)ctx;
    (void)buf;
    (void)cap;
    (void)timeout_ms;
    *out_received = 0;
    return CK_ERR_TRANSPORT;
}

static void net_close(void *ctx)
{
    (void)ctx;
}

static const ck_transport g_net = {NULL, false, net_connect, net_send, net_recv, net_close};

static ck_platform g_platform;
static ck_tls g_tls;
static ck_transport g_tls_transport;
static ck_buffers g_buffers;
static ck_client g_client;
static ck_result g_result;

int main(void)
{
    ck_tls_config tc;
    ck_client_config cfg;
    ck_card_apply_req apply;
    ck_card_apply_resp card;
    ck_contact_req contact;
    ck_v1_req v1;
    const ck_3ds_req enroll = {"card-1", "holder-1"};
    int bad = 0;

    mbedtls_memory_buffer_alloc_init(g_arena, sizeof g_arena);
    ck_board_test_platform(&g_platform);
    memset(&tc, 0, sizeof tc);
    tc.ca_pem = ck_test_ca_pem;
    tc.ca_pem_len = sizeof ck_test_ca_pem;
    tc.platform = &g_platform;
    if (ck_tls_init(&g_tls, &tc, &g_net) != CK_OK) {
        ck_tls_free(&g_tls);
        ck_board_puts("tls_client_image: ck_tls_init failed\n");
        return 3;
    }
    ck_tls_transport(&g_tls, &g_tls_transport);

    ck_client_config_init(&cfg);
    cfg.base_url = CK_V2_BASE_URL_STAGING;
    cfg.api_key = "k";
    cfg.access_token = "t";
    cfg.transport = &g_tls_transport;
    cfg.platform = &g_platform;
    cfg.max_attempts = 1;
    ck_client_config_set_buffers(&cfg, &g_buffers);
    if (ck_client_init(&g_client, &cfg, NULL) != CK_OK) {
        return 2;
    }

    memset(&apply, 0, sizeof apply);
    apply.card_product_code = "T1FBXO";
    apply.cardholder_id = "1";
    bad |= ck_card_apply(&g_client, &apply, &card, &g_result) != CK_ERR_CONNECT;
    bad |= ck_3ds_enroll(&g_client, &enroll, &g_result) != CK_ERR_CONNECT;
    bad |= ck_3ds_update(&g_client, &enroll, &g_result) != CK_ERR_CONNECT;
    memset(&contact, 0, sizeof contact);
    bad |= ck_contact_update(&g_client, &contact, &g_result) != CK_ERR_INVALID_ARG;
    memset(&v1, 0, sizeof v1);
    v1.product_id = "p";
    v1.cardholder_id = "c";
    v1.wallet_id = "w";
    v1.card_id = "k";
    v1.otp = CK_OTP_SMS;
    bad |= ck_v1_3ds_enroll(&g_client, &v1, &g_result) != CK_ERR_CONNECT;
    ck_client_close(&g_client);
    ck_tls_free(&g_tls);
    ck_board_puts(bad ? "tls_client_image: unexpected result\n" : "tls_client_image: ok\n");
    return bad ? 1 : 0;
}
