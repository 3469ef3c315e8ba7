/**
 * @file ck_tls.h
 * @brief TLS port: TLS 1.2+ over any ::ck_transport, on mbedTLS 2.28 or 3.6.
 *
 * The server's certificate is always verified against a CA bundle and its
 * name checked against the host given to connect (SNI set): there is no
 * switch to turn verification off. A failed verification is
 * CK_ERR_TLS_VERIFY and nothing is sent. Optionally the server's public key
 * is pinned. The session is kept and offered again when the transport
 * reconnects (resumption). Entropy comes from the platform's random hook.
 *
 * Name check: against the certificate's DNS names; an IP address given as
 * host is matched against its IP addresses on 3.x only (2.28 then fails
 * with CK_ERR_TLS_VERIFY).
 *
 * Protocol: TLS 1.2 on 2.28; TLS 1.2 or 1.3 on 3.x (build with
 * -DCK_TLS_ALLOW_TLS13=0 to keep 3.x at 1.2). On 3.x, TLS 1.3 key shares
 * come from PSA's own RNG (psa_crypto_init(), seeded by the system), not
 * from the platform hook.
 *
 * Time: connect's timeout covers the inner connect and the whole handshake;
 * each send/recv hands the inner transport what is left of its own timeout.
 * Errors of the inner transport come through as themselves (TIMEOUT,
 * TRANSPORT; PEER_CLOSED from recv); a server that hangs up during the
 * handshake is CK_ERR_TLS.
 *
 * Resumption: the saved session is offered only to the same host and port
 * (a TLS 1.3 session once its ticket has come, i.e. after the first recv).
 * A verification failure forgets it.
 *
 * send: after CK_ERR_WOULD_BLOCK, send the same bytes again (mbedTLS may
 * already hold them in a record), as with any TLS library.
 */
#ifndef CK_TLS_H
#define CK_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/version.h>
#if MBEDTLS_VERSION_NUMBER < 0x03000000
#include <mbedtls/config.h>
#endif
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "cardkit/ck_platform.h"
#include "cardkit/ck_transport.h"

/** @brief The system CA bundle used when no CA is named. */
#define CK_TLS_DEFAULT_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

/** @brief TLS settings. Zero-initialise, then set what you need. */
typedef struct ck_tls_config {
    /** PEM CA bundle file; NULL (and no ca_pem) means CK_TLS_DEFAULT_CA_FILE. */
    const char *ca_file;
    /** Or: a PEM CA bundle in memory (boards without a file system), NUL included in ca_pem_len. */
    const uint8_t *ca_pem;
    size_t ca_pem_len;
    /** Optional: SHA-256 of the server's SubjectPublicKeyInfo (DER), 32 bytes. NULL: no pinning. */
    const uint8_t *pin_sha256;
    /** Entropy source (platform->random). Required. */
    const ck_platform *platform;
} ck_tls_config;

/**
 * @brief TLS state. Place it anywhere; fields are private. mbedTLS itself
 * allocates its record buffers (about 2 x 16 KiB on the host defaults) and
 * the CA chain on the heap in ck_tls_init(); ck_tls_free() releases them.
 */
typedef struct ck_tls {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_session session;
    bool ready;               /* ck_tls_init() succeeded and ck_tls_free() has not run */
    bool have_session;
    bool open;
    bool pin_failed;
    bool out_held;            /* mbedTLS took application data into a record not yet delivered whole */
    const ck_transport *inner;
    const ck_platform *platform;
    const uint8_t *pin_sha256;
    uint32_t io_start_ms;     /* when the current operation started (platform->now_ms) */
    uint32_t io_timeout_ms;   /* and its budget: the bio callbacks give the inner transport what is left */
    ck_err inner_err;         /* the inner transport's error behind the last mbedTLS failure */
    uint8_t session_peer[32]; /* SHA-256 of the host and port the saved session belongs to */
} ck_tls;

/**
 * @brief Load the CA bundle, seed the DRBG and set up TLS over @p inner.
 * @return CK_OK; CK_ERR_INVALID_ARG (no platform, unreadable or empty CA
 *         bundle); CK_ERR_RANDOM; CK_ERR_TLS. Does not block (reads a file).
 *         Whatever it returns, ck_tls_free() must follow.
 */
ck_err ck_tls_init(ck_tls *tls, const ck_tls_config *cfg, const ck_transport *inner);

/** @brief A secure transport over @p tls. Does not block. */
void ck_tls_transport(ck_tls *tls, ck_transport *out);

/** @brief Close and free every mbedTLS context in @p tls (and wipe the saved session). */
void ck_tls_free(ck_tls *tls);

#endif /* CK_TLS_H */
