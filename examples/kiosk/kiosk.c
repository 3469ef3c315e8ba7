/**
 * @file kiosk.c
 * @brief A card-issuing kiosk's flow, written against cardkit's public API
 * and its POSIX and mbedTLS ports only:
 *
 *  1. create a card for a cardholder        (ck_card_apply)
 *  2. enroll the card for 3-D Secure        (ck_3ds_enroll)
 *  3. update the cardholder's contact data  (ck_contact_update)
 *  4. re-associate the card with another cardholder (ck_3ds_update)
 *
 * Each step prints its result and how much of each buffer it used. The
 * program exits 0 when all four succeed (or after --help), 1 when a step
 * fails, 2 on bad usage.
 *
 * Usage: kiosk [--base-url URL] [--ca-file PEM] [--timeout-ms N]
 *              [--product CODE] [--cardholder ID] [--other-cardholder ID]
 * Environment: CK_BASE_URL and CK_CA_FILE (when the options are not
 * given), CK_API_KEY and CK_ACCESS_TOKEN (required; credentials are never
 * taken from the command line). The defaults name the product and the two
 * cardholders of the provider's documents, which the mock issuer seeds.
 *
 * Memory: the client, the TLS state and the buffers are static; one
 * ::ck_client and one ::ck_buffers serve all four calls (and the connection
 * is kept alive between them). Nothing is allocated by cardkit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardkit/cardkit.h"
#include "ck_posix.h"
#include "ck_tls.h"

/** @brief Defaults: the product and cardholders of the provider's documents. */
#define KIOSK_DEFAULT_PRODUCT "T1FBXO"
#define KIOSK_DEFAULT_CARDHOLDER "273555991139442689"
#define KIOSK_DEFAULT_OTHER_CARDHOLDER "273555991139442690"

/** @brief What the kiosk was told to do. */
typedef struct kiosk_opts {
    const char *base_url;
    const char *ca_file;
    const char *product;
    const char *cardholder;
    const char *other_cardholder;
    unsigned long timeout_ms;
} kiosk_opts;

/** @brief The connection stack and the one buffer set (static: mbedTLS contexts are large). */
static ck_platform kiosk_platform;
static ck_posix_tcp kiosk_tcp;
static ck_transport kiosk_tcp_transport;
static ck_tls kiosk_tls;
static ck_transport kiosk_tls_transport;
static ck_buffers kiosk_buffers;
static ck_client kiosk_client;

/** @brief The usage text. */
static const char kiosk_usage_text[] =
    "usage: kiosk [--base-url URL] [--ca-file PEM] [--timeout-ms N]\n"
    "             [--product CODE] [--cardholder ID] [--other-cardholder ID]\n"
    "environment: CK_API_KEY, CK_ACCESS_TOKEN (required); CK_BASE_URL, CK_CA_FILE\n";

/** @brief Print why and the usage to stderr, and return 2. */
static int kiosk_usage(const char *why)
{
    fprintf(stderr, "kiosk: %s\n%s", why, kiosk_usage_text);
    return 2;
}

/** @brief Parse the command line over the environment's defaults: 0 to run, -1 after --help, 2 on bad usage. */
static int kiosk_parse(int argc, char **argv, kiosk_opts *o)
{
    int i;

    o->base_url = getenv("CK_BASE_URL");
    o->ca_file = getenv("CK_CA_FILE");
    o->product = KIOSK_DEFAULT_PRODUCT;
    o->cardholder = KIOSK_DEFAULT_CARDHOLDER;
    o->other_cardholder = KIOSK_DEFAULT_OTHER_CARDHOLDER;
    o->timeout_ms = CK_DEFAULT_TIMEOUT_MS;
    for (i = 1; i < argc; i += 2) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(kiosk_usage_text, stdout);
            return -1;
        }
        if (v == NULL) {
            return kiosk_usage("an option needs a value");
        }
        if (strcmp(argv[i], "--base-url") == 0) {
            o->base_url = v;
        } else if (strcmp(argv[i], "--ca-file") == 0) {
            o->ca_file = v;
        } else if (strcmp(argv[i], "--product") == 0) {
            o->product = v;
        } else if (strcmp(argv[i], "--cardholder") == 0) {
            o->cardholder = v;
        } else if (strcmp(argv[i], "--other-cardholder") == 0) {
            o->other_cardholder = v;
        } else if (strcmp(argv[i], "--timeout-ms") == 0) {
            char *end = NULL;
            o->timeout_ms = strtoul(v, &end, 10);
            if (end == v || *end != '\0' || o->timeout_ms < 100ul || o->timeout_ms > 600000ul) {
                return kiosk_usage("--timeout-ms: 100 to 600000");
            }
        } else {
            return kiosk_usage("unknown option");
        }
    }
    if (o->base_url == NULL || o->base_url[0] == '\0') {
        return kiosk_usage("no base URL (--base-url or CK_BASE_URL)");
    }
    return 0;
}

/** @brief Build TCP -> TLS -> client. Prints what failed. */
static int kiosk_connect_stack(const kiosk_opts *o, const char *api_key, const char *token)
{
    ck_tls_config tc;
    ck_client_config cc;
    const char *field = NULL;
    ck_err e;

    ck_posix_platform(&kiosk_platform);
    ck_posix_tcp_transport(&kiosk_tcp, &kiosk_tcp_transport);
    memset(&tc, 0, sizeof tc);
    tc.ca_file = o->ca_file;
    tc.platform = &kiosk_platform;
    e = ck_tls_init(&kiosk_tls, &tc, &kiosk_tcp_transport);
    if (e != CK_OK) {
        fprintf(stderr, "kiosk: TLS set-up failed: %s (CA bundle %s)\n", ck_strerror(e),
                o->ca_file != NULL ? o->ca_file : CK_TLS_DEFAULT_CA_FILE);
        ck_tls_free(&kiosk_tls);
        return 1;
    }
    ck_tls_transport(&kiosk_tls, &kiosk_tls_transport);

    ck_client_config_init(&cc);
    cc.base_url = o->base_url;
    cc.api_key = api_key;
    cc.access_token = token;
    cc.transport = &kiosk_tls_transport;
    cc.platform = &kiosk_platform;
    cc.timeout_ms = (uint32_t)o->timeout_ms;
    ck_client_config_set_buffers(&cc, &kiosk_buffers);
    e = ck_client_init(&kiosk_client, &cc, &field);
    if (e != CK_OK) {
        fprintf(stderr, "kiosk: client set-up failed: %s (%s)\n", ck_strerror(e),
                field != NULL ? field : "?");
        ck_tls_free(&kiosk_tls);
        return 1;
    }
    return 0;
}

/**
 * @brief Print text that came from the server (ids, codes, messages) with
 * every control character, C1 controls included, shown as '?', so that an
 * answer cannot forge lines or drive the kiosk's terminal.
 */
static void kiosk_print_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    for (; *p != '\0'; p++) {
        if (*p < 0x20u || *p == 0x7Fu) {
            putchar('?');
        } else if (*p == 0xC2u && p[1] >= 0x80u && p[1] <= 0x9Fu) {
            putchar('?');
            p++;
        } else {
            putchar(*p);
        }
    }
}

/** @brief Print the outcome of one step and the buffers it used; returns 0 on success. */
static int kiosk_report(const ck_result *r, const char *card_id)
{
    printf("          result   %s  HTTP %u  %u attempt%s  %lu ms", ck_strerror(r->err),
           (unsigned)r->http_status, (unsigned)r->attempts, r->attempts == 1u ? "" : "s",
           (unsigned long)r->elapsed_ms);
    if (card_id != NULL && card_id[0] != '\0') {
        printf("  card ");
        kiosk_print_text(card_id);
    }
    if (r->request_id[0] != '\0') {
        printf("  request-id ");
        kiosk_print_text(r->request_id);
    }
    printf("\n          buffers  request %lu/%lu B, response %lu/%lu B of the work buffer; "
           "%u/%u JSON tokens\n",
           (unsigned long)r->request_bytes, (unsigned long)CK_WORK_BUF_SIZE,
           (unsigned long)r->response_bytes, (unsigned long)CK_WORK_BUF_SIZE,
           (unsigned)r->tokens_used, (unsigned)CK_JSON_MAX_TOKENS);
    if (r->err == CK_OK) {
        return 0;
    }
    if (r->field != NULL) {
        printf("          invalid field: %s\n", r->field);
    }
    if (r->cause != CK_OK && r->cause != r->err) {
        printf("          cause: %s\n", ck_strerror(r->cause));
    }
    if (r->api_code[0] != '\0' || r->api_message[0] != '\0') {
        printf("          server said: code ");
        kiosk_print_text(r->api_code[0] != '\0' ? r->api_code : "-");
        printf(", message \"");
        kiosk_print_text(r->api_message);
        printf("\"\n");
    }
    if (r->err == CK_ERR_OUTCOME_UNKNOWN) {
        printf("          the request was sent but no answer came back: check before repeating it\n");
    }
    return 1;
}

/** @brief The four steps, stopping at the first failure. */
static int kiosk_flow(const kiosk_opts *o)
{
    ck_card_apply_req apply;
    ck_card_apply_resp card;
    ck_3ds_req enroll;
    ck_3ds_req update;
    ck_contact_req contact;
    ck_result r;

    memset(&apply, 0, sizeof apply);
    apply.card_product_code = o->product;
    apply.apply_coupon = false;
    apply.remark = "kiosk example: card for a walk-in cardholder";
    apply.transaction_amount_limit = "500.00";
    apply.daily_limit = "1000.00";
    apply.cardholder_id = o->cardholder;
    printf("step 1/4  create a card (product %s) for cardholder %s\n", o->product, o->cardholder);
    (void)ck_card_apply(&kiosk_client, &apply, &card, &r);
    if (kiosk_report(&r, r.err == CK_OK ? card.card_id : NULL) != 0) {
        return 1;
    }

    enroll.card_id = card.card_id;
    enroll.cardholder_id = o->cardholder;
    printf("step 2/4  enroll card ");
    kiosk_print_text(card.card_id);
    printf(" for 3-D Secure (cardholder %s)\n", o->cardholder);
    (void)ck_3ds_enroll(&kiosk_client, &enroll, &r);
    if (kiosk_report(&r, NULL) != 0) {
        return 1;
    }

    /* Sample contact details; the kiosk never prints them. */
    contact.cardholder_id = o->cardholder;
    contact.call_prefix = "+1";
    contact.mobile = "4155550132";
    contact.email = "walk-in.cardholder@example.com";
    contact.date_of_birth = "1988-07-14";
    contact.address_line = "1 Market Street";
    contact.city = "San Francisco";
    contact.state = "CA";
    contact.post_code = "94105";
    contact.country_code = "US";
    contact.security_index = "2";
    contact.security_answer = "kiosk-demo-answer";
    printf("step 3/4  update the 3DS contact details of cardholder %s (12 fields)\n", o->cardholder);
    (void)ck_contact_update(&kiosk_client, &contact, &r);
    if (kiosk_report(&r, NULL) != 0) {
        return 1;
    }

    update.card_id = card.card_id;
    update.cardholder_id = o->other_cardholder;
    printf("step 4/4  re-associate card ");
    kiosk_print_text(card.card_id);
    printf(" with cardholder %s\n", o->other_cardholder);
    (void)ck_3ds_update(&kiosk_client, &update, &r);
    return kiosk_report(&r, NULL);
}

int main(int argc, char **argv)
{
    kiosk_opts o;
    const char *api_key = getenv("CK_API_KEY");
    const char *token = getenv("CK_ACCESS_TOKEN");
    int rc = kiosk_parse(argc, argv, &o);

    if (rc != 0) {
        return rc < 0 ? 0 : rc; /* -1: help was printed */
    }
    if (api_key == NULL || api_key[0] == '\0' || token == NULL || token[0] == '\0') {
        return kiosk_usage("CK_API_KEY and CK_ACCESS_TOKEN must be set");
    }
    printf("cardkit %s kiosk example\n", CK_VERSION_STRING);
    printf("  issuer   %s\n", o.base_url);
    printf("  CA       %s\n", o.ca_file != NULL ? o.ca_file : CK_TLS_DEFAULT_CA_FILE);
    printf("  memory   sizeof(ck_client) %lu B, sizeof(ck_buffers) %lu B "
           "(work buffer %lu B + %lu JSON tokens x %lu B), sizeof(ck_result) %lu B\n\n",
           (unsigned long)sizeof(ck_client), (unsigned long)sizeof(ck_buffers),
           (unsigned long)CK_WORK_BUF_SIZE, (unsigned long)CK_JSON_MAX_TOKENS,
           (unsigned long)sizeof(ck_json_tok), (unsigned long)sizeof(ck_result));
    fflush(stdout);
    if (kiosk_connect_stack(&o, api_key, token) != 0) {
        return 1;
    }
    rc = kiosk_flow(&o);
    ck_client_close(&kiosk_client);
    ck_tls_free(&kiosk_tls);
    printf("\nkiosk: %s\n", rc == 0 ? "all 4 steps succeeded" : "stopped at the failed step");
    return rc;
}
