/**
 * @file kiosk_common.h
 * @brief The plumbing both kiosk examples share: the command line over the
 * environment's defaults, the credentials, the TCP -> TLS -> client stack on
 * the POSIX and mbedTLS ports. The flows and the printing of each call's
 * result are in kiosk_flow.c (shared with the board's networked image).
 *
 * Like the programs, it uses cardkit's public API and its ports only.
 * ck_tls embeds mbedTLS contexts, so this file is compiled once per mbedTLS
 * version, with the program it is linked into.
 */
#ifndef KIOSK_COMMON_H
#define KIOSK_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "cardkit/cardkit.h"
#include "ck_posix.h"
#include "ck_tls.h"
#include "kiosk_flow.h"

/** @brief What tells one kiosk program from the other in the shared code. */
typedef struct kiosk_program {
    const char *name;        /**< prefix of its messages on stderr ("kiosk") */
    const char *usage_text;  /**< printed after --help, and after a usage error */
    const char *no_base_url; /**< the usage error when no base URL is given */
    bool token_required;     /**< CK_ACCESS_TOKEN must be set (else optional) */
} kiosk_program;

/** @brief The connection options every kiosk takes. */
typedef struct kiosk_conn_opts {
    const char *base_url;     /**< --base-url, else CK_BASE_URL */
    const char *ca_file;      /**< --ca-file, else CK_CA_FILE, else NULL (the default bundle) */
    unsigned long timeout_ms; /**< --timeout-ms, 100 to 600000 */
} kiosk_conn_opts;

/** @brief One of a program's own options, each taking one string value. */
typedef struct kiosk_option {
    const char *name;   /**< "--product" */
    const char **value; /**< set to the argument when given; holds the default before */
} kiosk_option;

/** @brief The credentials, from the environment only (never the command line). */
typedef struct kiosk_creds {
    const char *api_key; /**< CK_API_KEY */
    const char *token;   /**< CK_ACCESS_TOKEN; may be NULL or "" when not required */
} kiosk_creds;

/**
 * @brief The connection stack and the one buffer set a kiosk uses for all
 * its calls. Keep it static: the mbedTLS contexts in ::ck_tls are large.
 */
typedef struct kiosk_stack {
    ck_platform platform;
    ck_posix_tcp tcp;
    ck_transport tcp_transport;
    ck_tls tls;
    ck_transport tls_transport;
    ck_buffers buffers;
    ck_client client;
} kiosk_stack;

/**
 * @brief Print "<name>: @p why" and the usage text to stderr.
 * @return 2, the exit status for bad usage.
 */
int kiosk_usage(const kiosk_program *p, const char *why);

/**
 * @brief Parse the command line over the environment's defaults.
 *
 * Sets @p conn from CK_BASE_URL, CK_CA_FILE and the default timeout, then
 * reads option/value pairs: --base-url, --ca-file, --timeout-ms and the
 * program's own options in @p own (whose values hold their defaults on
 * entry). --help or -h prints the usage text to stdout.
 *
 * @return 0 to run, -1 after --help, 2 on bad usage (printed to stderr).
 */
int kiosk_parse(const kiosk_program *p, int argc, char **argv, kiosk_conn_opts *conn, const kiosk_option *own,
                size_t own_count);

/**
 * @brief Read CK_API_KEY and CK_ACCESS_TOKEN into @p c and check that the
 * ones the program needs are set.
 * @return 0 when they are, 2 on bad usage (printed to stderr).
 */
int kiosk_credentials(const kiosk_program *p, kiosk_creds *c);

/** @brief The CA bundle the TLS layer will use: --ca-file or CK_CA_FILE, else its default. */
const char *kiosk_ca_file(const kiosk_conn_opts *conn);

/**
 * @brief Build TCP -> TLS -> client in @p s, the client using @p s's
 * buffers. Prints what failed to stderr.
 * @return 0 when the client is ready, 1 otherwise (nothing is left to free).
 */
int kiosk_stack_open(kiosk_stack *s, const kiosk_program *p, const kiosk_conn_opts *conn, const kiosk_creds *c);

/** @brief Close the client's connection and free the TLS state. */
void kiosk_stack_close(kiosk_stack *s);

#endif /* KIOSK_COMMON_H */
