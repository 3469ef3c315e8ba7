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
 *
 * The option parsing, credentials and connection stack are shared with
 * kiosk_v1.c (kiosk_common.c); the flow and the result printing with the
 * board's networked image (kiosk_flow.c).
 */
#include <stdio.h>
#include <string.h>

#include "kiosk_common.h"

/** @brief What the kiosk was told to do. */
typedef struct kv2_opts {
    kiosk_conn_opts conn;
    const char *product;
    const char *cardholder;
    const char *other_cardholder;
} kv2_opts;

/** @brief The connection stack and the one buffer set (static: mbedTLS contexts are large). */
static kiosk_stack kv2_stack;

/** @brief This program, for the shared parsing and messages. */
static const kiosk_program kv2_program = {
    "kiosk",
    "usage: kiosk [--base-url URL] [--ca-file PEM] [--timeout-ms N]\n"
    "             [--product CODE] [--cardholder ID] [--other-cardholder ID]\n"
    "environment: CK_API_KEY, CK_ACCESS_TOKEN (required); CK_BASE_URL, CK_CA_FILE\n",
    "no base URL (--base-url or CK_BASE_URL)",
    true,
};

/** @brief Parse the command line over the defaults: 0 to run, -1 after --help, 2 on bad usage. */
static int kv2_parse(int argc, char **argv, kv2_opts *o)
{
    const kiosk_option own[] = {
        {"--product", &o->product},
        {"--cardholder", &o->cardholder},
        {"--other-cardholder", &o->other_cardholder},
    };

    o->product = KIOSK_V2_DEFAULT_PRODUCT;
    o->cardholder = KIOSK_V2_DEFAULT_CARDHOLDER;
    o->other_cardholder = KIOSK_V2_DEFAULT_OTHER_CARDHOLDER;
    return kiosk_parse(&kv2_program, argc, argv, &o->conn, own, sizeof own / sizeof own[0]);
}

/** @brief The four steps (kiosk_flow.c), stopping at the first failure. */
static int kv2_flow(const kv2_opts *o)
{
    kiosk_v2_ids ids;
    char card_id[CK_ID_MAX] = "";
    int failed_step;

    ids.product = o->product;
    ids.cardholder = o->cardholder;
    ids.other_cardholder = o->other_cardholder;
    return kiosk_v2_flow(&kv2_stack.client, &ids, 1, 4, card_id, &failed_step);
}

int main(int argc, char **argv)
{
    kv2_opts o;
    kiosk_creds creds;
    int rc = kv2_parse(argc, argv, &o);

    if (rc != 0) {
        return rc < 0 ? 0 : rc; /* -1: help was printed */
    }
    rc = kiosk_credentials(&kv2_program, &creds);
    if (rc != 0) {
        return rc;
    }
    printf("cardkit %s kiosk example\n", CK_VERSION_STRING);
    printf("  issuer   %s\n", o.conn.base_url);
    printf("  CA       %s\n", kiosk_ca_file(&o.conn));
    printf("  memory   sizeof(ck_client) %lu B, sizeof(ck_buffers) %lu B "
           "(work buffer %lu B + %lu JSON tokens x %lu B), sizeof(ck_result) %lu B\n\n",
           (unsigned long)sizeof(ck_client), (unsigned long)sizeof(ck_buffers),
           (unsigned long)CK_WORK_BUF_SIZE, (unsigned long)CK_JSON_MAX_TOKENS,
           (unsigned long)sizeof(ck_json_tok), (unsigned long)sizeof(ck_result));
    fflush(stdout);
    if (kiosk_stack_open(&kv2_stack, &kv2_program, &o.conn, &creds) != 0) {
        return 1;
    }
    rc = kv2_flow(&o);
    kiosk_stack_close(&kv2_stack);
    printf("\nkiosk: %s\n", rc == 0 ? "all 4 steps succeeded" : "stopped at the failed step");
    return rc;
}
