/**
 * @file ck_tls.c
 * @brief TLS port: a TLS 1.2+ client on mbedTLS 2.28 or 3.6 over any
 * ::ck_transport. See ck_tls.h for the contract.
 *
 * Time: every operation (connect, send, recv) records when it started and
 * its budget in the ::ck_tls; the bio callbacks hand the inner transport
 * what is left of it, so a blocking inner transport never outlives the
 * caller's deadline. An inner WOULD_BLOCK becomes WANT_READ/WANT_WRITE,
 * and the loop stops when nothing is left.
 *
 * Errors: the bio callbacks keep the inner transport's ck_err in
 * ck_tls::inner_err so that a timeout, a reset or an EOF underneath comes
 * out as itself rather than as a TLS error.
 */
#include "ck_tls.h"

#include <limits.h>
#include <string.h>

#include <mbedtls/net_sockets.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

/**
 * @brief Set to 0 to keep mbedTLS 3.x at TLS 1.2 only. With 1 (default)
 * mbedTLS 3.x offers TLS 1.3 when it is built with it, TLS 1.2 otherwise.
 * mbedTLS 2.28 always stops at TLS 1.2.
 */
#ifndef CK_TLS_ALLOW_TLS13
#define CK_TLS_ALLOW_TLS13 1
#endif

#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_SSL_PROTO_TLS1_3) && \
    CK_TLS_ALLOW_TLS13
#define CK_TLS_TLS13 1
#else
#define CK_TLS_TLS13 0
#endif

#if CK_TLS_TLS13 && defined(MBEDTLS_SSL_SESSION_TICKETS)
#define CK_TLS_TLS13_TICKETS 1
#else
#define CK_TLS_TLS13_TICKETS 0
#endif

/**
 * @brief The ciphersuites offered, most preferred first (docs/performance.md
 * has the figures behind the order). The host default puts
 * ChaCha20-Poly1305 first: on Debian's mbedTLS 2.28 it costs fewer
 * instructions per keep-alive call than AES-128-GCM even with AES-NI, and
 * far fewer without. A board sets its own list
 * with -DCK_TLS_CIPHERSUITES=... (comma-separated MBEDTLS_TLS_* ids); a
 * build with its own MBEDTLS_CONFIG_FILE and no list keeps mbedTLS's
 * default, which its configuration already narrows.
 */
#if !defined(CK_TLS_CIPHERSUITES) && !defined(MBEDTLS_CONFIG_FILE)
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define CK_TLS_CIPHERSUITES_TLS13 MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS1_3_AES_128_GCM_SHA256, \
                                  MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
#else
#define CK_TLS_CIPHERSUITES_TLS13
#endif
#define CK_TLS_CIPHERSUITES                                                                                    \
    CK_TLS_CIPHERSUITES_TLS13 MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,                          \
        MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, \
        MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,       \
        MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
#endif
#if defined(CK_TLS_CIPHERSUITES)
static const int ck_tls_ciphersuites[] = {CK_TLS_CIPHERSUITES, 0};
#endif

/** Personalisation string for the DRBG (not secret). */
static const unsigned char ck_tls_pers[] = "cardkit tls client";

/* ------------------------------------------------------------------------ */
/* Version glue                                                             */
/* ------------------------------------------------------------------------ */

/**
 * @brief SHA-256 of @p len bytes at @p in (mbedtls_sha256_ret on 2.28,
 * mbedtls_sha256 on 3.x).
 * @return 0 or an mbedTLS error. Does not block.
 */
static int sha256(const unsigned char *in, size_t len, unsigned char out[32])
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_sha256(in, len, out, 0);
#else
    return mbedtls_sha256_ret(in, len, out, 0);
#endif
}

/* ------------------------------------------------------------------------ */
/* Time and the inner transport                                             */
/* ------------------------------------------------------------------------ */

/**
 * @brief Start the budget of one operation.
 * @param tls The TLS state.
 * @param timeout_ms The operation's budget. Does not block.
 */
static void budget_start(ck_tls *tls, uint32_t timeout_ms)
{
    tls->io_start_ms = tls->platform->now_ms(tls->platform->ctx);
    tls->io_timeout_ms = timeout_ms;
}

/**
 * @brief What is left of the current operation's budget (0 when spent).
 * @param tls The TLS state.
 * @return Milliseconds. Does not block.
 */
static uint32_t budget_left(const ck_tls *tls)
{
    uint32_t elapsed = tls->platform->now_ms(tls->platform->ctx) - tls->io_start_ms;
    return elapsed >= tls->io_timeout_ms ? 0u : tls->io_timeout_ms - elapsed;
}

/**
 * @brief After WANT_READ/WANT_WRITE (the inner transport moved nothing
 * within what was left): true when the budget is spent. Otherwise the inner
 * transport gave up early, which it should not; wait a millisecond so that
 * the caller's loop cannot spin, and let it try again.
 * @param tls The TLS state.
 * @return true when no time is left. Blocks about 1 ms when some is.
 */
static bool budget_spent(const ck_tls *tls)
{
    if (budget_left(tls) == 0u) {
        return true;
    }
    if (tls->platform->sleep_ms != NULL) {
        tls->platform->sleep_ms(tls->platform->ctx, 1u);
    }
    return false;
}

/**
 * @brief mbedTLS send callback: one inner send with what is left of the
 * budget.
 * @param ctx The ::ck_tls.
 * @return Bytes sent (> 0), MBEDTLS_ERR_SSL_WANT_WRITE when nothing went
 *         before the budget ran out, MBEDTLS_ERR_NET_SEND_FAILED on an inner
 *         error (kept in ck_tls::inner_err). Blocks up to what is left.
 */
static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    ck_tls *tls = (ck_tls *)ctx;
    size_t sent = 0;
    if (len > (size_t)INT_MAX) {
        len = (size_t)INT_MAX;
    }
    /* After the handshake a record is only written once mbedTLS has taken
     * the application's bytes: from here they may reach the server. */
    tls->out_held = tls->open;
    ck_err e = tls->inner->send(tls->inner->ctx, buf, len, &sent, budget_left(tls));
    if (e == CK_OK && sent > 0u && sent <= len) {
        return (int)sent;
    }
    if (e == CK_ERR_WOULD_BLOCK) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    tls->inner_err = (e == CK_OK) ? CK_ERR_TRANSPORT : e; /* CK_OK with 0 bytes breaks the contract */
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

/**
 * @brief mbedTLS receive callback: one inner recv with what is left of the
 * budget.
 * @param ctx The ::ck_tls.
 * @return Bytes received (> 0), 0 on EOF (mbedTLS's convention; inner_err
 *         says CK_ERR_PEER_CLOSED), MBEDTLS_ERR_SSL_WANT_READ when nothing
 *         came before the budget ran out, MBEDTLS_ERR_NET_RECV_FAILED on an
 *         inner error (kept in ck_tls::inner_err). Blocks up to what is left.
 */
static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    ck_tls *tls = (ck_tls *)ctx;
    size_t got = 0;
    if (len > (size_t)INT_MAX) {
        len = (size_t)INT_MAX;
    }
    ck_err e = tls->inner->recv(tls->inner->ctx, buf, len, &got, budget_left(tls));
    if (e == CK_OK && got > 0u && got <= len) {
        return (int)got;
    }
    if (e == CK_ERR_WOULD_BLOCK) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    if (e == CK_ERR_PEER_CLOSED) {
        tls->inner_err = CK_ERR_PEER_CLOSED;
        return 0;
    }
    tls->inner_err = (e == CK_OK) ? CK_ERR_TRANSPORT : e;
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* ------------------------------------------------------------------------ */
/* Entropy, verification, pinning, sessions                                 */
/* ------------------------------------------------------------------------ */

/**
 * @brief mbedTLS entropy callback for the CTR-DRBG: the platform's random
 * hook.
 * @param ctx The ::ck_tls.
 * @return 0, or MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED when the hook
 *         fails. May block briefly (as the hook may).
 */
static int tls_entropy(void *ctx, unsigned char *out, size_t len)
{
    const ck_tls *tls = (const ck_tls *)ctx;
    ck_err e = tls->platform->random(tls->platform->ctx, out, len);
    return e == CK_OK ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

/**
 * @brief True when the SHA-256 of @p crt's SubjectPublicKeyInfo (DER, as
 * it appears in the certificate) is the pin.
 * @param tls The TLS state (pin_sha256 set).
 * @param crt The server's certificate.
 * @return true on a match. Does not block.
 */
static bool pin_matches(const ck_tls *tls, const mbedtls_x509_crt *crt)
{
    unsigned char digest[32];
    if (crt->pk_raw.p == NULL || crt->pk_raw.len == 0u ||
        sha256(crt->pk_raw.p, crt->pk_raw.len, digest) != 0) {
        return false;
    }
    unsigned char diff = 0;
    for (size_t i = 0; i < sizeof digest; i++) {
        diff |= (unsigned char)(digest[i] ^ tls->pin_sha256[i]);
    }
    return diff == 0u;
}

/**
 * @brief mbedTLS verify callback, called for each certificate of the chain
 * during the handshake: at depth 0 (the server's own certificate) it checks
 * the pin, so that a pin mismatch fails the handshake itself.
 * @param ctx The ::ck_tls.
 * @param crt The certificate at @p depth.
 * @param depth 0 for the server's certificate.
 * @param flags mbedTLS's verification flags; a mismatch adds
 *        MBEDTLS_X509_BADCERT_OTHER.
 * @return 0 (the flags carry the verdict). Does not block.
 */
static int tls_verify(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    ck_tls *tls = (ck_tls *)ctx;
    if (depth == 0 && tls->pin_sha256 != NULL && !pin_matches(tls, crt)) {
        tls->pin_failed = true;
        *flags |= MBEDTLS_X509_BADCERT_OTHER;
    }
    return 0;
}

/**
 * @brief Forget the saved session, wiping it.
 * @param tls The TLS state. Does not block.
 */
static void session_drop(ck_tls *tls)
{
    mbedtls_ssl_session_free(&tls->session); /* zeroises the master secret */
    mbedtls_ssl_session_init(&tls->session);
    tls->have_session = false;
}

/**
 * @brief Save the current connection's session for resumption, replacing
 * the saved one. On TLS 1.2 that works right after the handshake; on TLS
 * 1.3 only once a ticket has come (mbedtls_ssl_read reports it).
 * @param tls The TLS state (open). Does not block.
 */
static void session_save(ck_tls *tls)
{
    mbedtls_ssl_session fresh;
    mbedtls_ssl_session_init(&fresh);
    if (mbedtls_ssl_get_session(&tls->ssl, &fresh) == 0) {
        session_drop(tls);
        tls->session = fresh; /* moves the session's own allocations */
        tls->have_session = true;
    } else {
        mbedtls_ssl_session_free(&fresh);
    }
}

/**
 * @brief The identity of a connection's peer for resumption: SHA-256 of
 * the host name and the port.
 * @param host NUL-terminated host.
 * @param port TCP port.
 * @param out 32 bytes.
 * @return 0 or an mbedTLS error. Does not block.
 */
static int peer_id(const char *host, uint16_t port, unsigned char out[32])
{
    /* SHA-256(SHA-256(host) || port): two small steps instead of a copy of
     * the host name on the stack (the connect path is the deepest one). */
    unsigned char buf[32 + 2];
    size_t n = strlen(host);
    int ret;
    if (n > 255u) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    ret = sha256((const unsigned char *)host, n, buf);
    if (ret != 0) {
        return ret;
    }
    buf[32] = (unsigned char)(port >> 8);
    buf[33] = (unsigned char)(port & 0xFFu);
    return sha256(buf, sizeof buf, out);
}

/* ------------------------------------------------------------------------ */
/* Error mapping                                                            */
/* ------------------------------------------------------------------------ */

/**
 * @brief The ck_err for a failed handshake.
 * @param tls The TLS state.
 * @param ret mbedtls_ssl_handshake()'s result.
 * @return CK_ERR_TLS_VERIFY, CK_ERR_TIMEOUT, CK_ERR_TRANSPORT or
 *         CK_ERR_TLS. Does not block.
 */
static ck_err handshake_error(const ck_tls *tls, int ret)
{
    uint32_t flags = mbedtls_ssl_get_verify_result(&tls->ssl);
    if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || tls->pin_failed ||
        (flags != 0u && flags != 0xFFFFFFFFu)) {
        return CK_ERR_TLS_VERIFY;
    }
#if defined(MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME)
    if (ret == MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME) {
        return CK_ERR_TLS_VERIFY;
    }
#endif
    switch (tls->inner_err) {
    case CK_OK:
        return CK_ERR_TLS;
    case CK_ERR_TIMEOUT:
        return CK_ERR_TIMEOUT;
    case CK_ERR_PEER_CLOSED:
        return CK_ERR_TLS; /* the server hung up on the handshake */
    default:
        return CK_ERR_TRANSPORT;
    }
}

/**
 * @brief The ck_err for a failed read or write after the handshake.
 * @param tls The TLS state.
 * @param for_send true for send (which never reports PEER_CLOSED).
 * @return The inner error when there was one, else CK_ERR_TLS. Does not block.
 */
static ck_err io_error(const ck_tls *tls, bool for_send)
{
    switch (tls->inner_err) {
    case CK_OK:
        return CK_ERR_TLS;
    case CK_ERR_TIMEOUT:
    case CK_ERR_TRANSPORT:
        return tls->inner_err;
    case CK_ERR_PEER_CLOSED:
        return for_send ? CK_ERR_TRANSPORT : CK_ERR_PEER_CLOSED;
    default:
        return CK_ERR_TRANSPORT;
    }
}

/* ------------------------------------------------------------------------ */
/* The transport                                                            */
/* ------------------------------------------------------------------------ */

/**
 * @brief ck_transport::close for TLS: a close_notify if the session is up
 * and no record of application data is held (without waiting), then the
 * inner close. Safe to call twice. Does not block.
 * @param ctx The ::ck_tls.
 */
static void tls_close(void *ctx)
{
    ck_tls *tls = (ck_tls *)ctx;
    if (tls == NULL || tls->inner == NULL) {
        return;
    }
    if (tls->open && !tls->out_held) {
        budget_start(tls, 0u);
        tls->inner_err = CK_OK;
        (void)mbedtls_ssl_close_notify(&tls->ssl);
    }
    /* With a record held, close_notify would first flush it: a request the
     * caller was already told about would still go out. Drop instead. */
    tls->open = false;
    tls->out_held = false;
    tls->inner->close(tls->inner->ctx);
}

/**
 * @brief ck_transport::connect for TLS: the inner connect, then the
 * handshake, the verification of the server (CA, name, pin), all within
 * @p timeout_ms. Offers the saved session when it belongs to the same host
 * and port.
 * @return CK_OK, CK_ERR_TIMEOUT, CK_ERR_CONNECT, CK_ERR_TRANSPORT,
 *         CK_ERR_TLS, CK_ERR_TLS_VERIFY. Blocks up to @p timeout_ms.
 */
static ck_err tls_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    ck_tls *tls = (ck_tls *)ctx;
    if (!tls->ready) {
        return CK_ERR_TLS; /* ck_tls_init() failed or ck_tls_free() ran */
    }
    tls_close(tls);
    budget_start(tls, timeout_ms);
    tls->pin_failed = false;
    tls->inner_err = CK_OK;

    unsigned char peer[32];
    if (host == NULL || host[0] == '\0' || peer_id(host, port, peer) != 0) {
        return CK_ERR_CONNECT;
    }
    if (mbedtls_ssl_session_reset(&tls->ssl) != 0) {
        return CK_ERR_TLS;
    }
    /* Always: without it 2.28 skips the name check. Also the SNI. */
    if (mbedtls_ssl_set_hostname(&tls->ssl, host) != 0) {
        return CK_ERR_CONNECT;
    }
    if (tls->have_session) {
        if (memcmp(peer, tls->session_peer, sizeof peer) != 0 ||
            mbedtls_ssl_set_session(&tls->ssl, &tls->session) != 0) {
            session_drop(tls); /* another server, or unusable: full handshake */
        }
    }

    ck_err e = tls->inner->connect(tls->inner->ctx, host, port, budget_left(tls));
    if (e != CK_OK) {
        tls->inner->close(tls->inner->ctx);
        return e == CK_ERR_WOULD_BLOCK ? CK_ERR_TIMEOUT : e;
    }

    for (;;) {
        tls->inner_err = CK_OK;
        int ret = mbedtls_ssl_handshake(&tls->ssl);
        if (ret == 0) {
            break;
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            if (budget_spent(tls)) {
                e = CK_ERR_TIMEOUT;
                break;
            }
            continue;
        }
#if CK_TLS_TLS13_TICKETS
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            continue; /* saved once the handshake is over */
        }
#endif
        e = handshake_error(tls, ret);
        break;
    }
    if (e == CK_OK) {
        /* Belt and braces: VERIFY_REQUIRED already fails the handshake. */
        if (mbedtls_ssl_get_verify_result(&tls->ssl) != 0u) {
            e = CK_ERR_TLS_VERIFY;
        }
#if defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
        /* Also after a resumed handshake, where no certificate came. */
        if (e == CK_OK && tls->pin_sha256 != NULL) {
            const mbedtls_x509_crt *crt = mbedtls_ssl_get_peer_cert(&tls->ssl);
            if (crt == NULL || !pin_matches(tls, crt)) {
                tls->pin_failed = true;
                e = CK_ERR_TLS_VERIFY;
            }
        }
#endif
    }
    if (e != CK_OK) {
        if (e == CK_ERR_TLS_VERIFY) {
            session_drop(tls);
        }
        tls->inner->close(tls->inner->ctx); /* nothing sent, not even an alert of ours */
        return e;
    }

    tls->open = true;
    memcpy(tls->session_peer, peer, sizeof peer);
    session_save(tls); /* TLS 1.2; on TLS 1.3 this waits for a ticket */
    return CK_OK;
}

/**
 * @brief ck_transport::send for TLS: mbedtls_ssl_write. Once mbedTLS has
 * taken the bytes into a record they may reach the server, so a write that
 * then fails or runs out of time reports them in *out_sent with its error
 * (CK_ERR_TIMEOUT instead of CK_ERR_WOULD_BLOCK), and tls_close() drops the
 * connection instead of flushing the record with a close_notify.
 * @return CK_OK with *out_sent > 0; CK_ERR_WOULD_BLOCK (nothing taken);
 *         CK_ERR_TRANSPORT, CK_ERR_TIMEOUT, CK_ERR_TLS, each with
 *         *out_sent > 0 when a record was held; CK_ERR_INVALID_ARG.
 *         Blocks up to @p timeout_ms.
 */
static ck_err tls_send(void *ctx, const uint8_t *buf, size_t len, size_t *out_sent,
                       uint32_t timeout_ms)
{
    ck_tls *tls = (ck_tls *)ctx;
    if (out_sent != NULL) {
        *out_sent = 0;
    }
    if (out_sent == NULL || buf == NULL || len == 0u) {
        return CK_ERR_INVALID_ARG;
    }
    if (!tls->open) {
        return CK_ERR_TRANSPORT;
    }
    if (len > (size_t)INT_MAX) {
        len = (size_t)INT_MAX;
    }
    budget_start(tls, timeout_ms);
    ck_err e;
    for (;;) {
        tls->inner_err = CK_OK;
        int ret = mbedtls_ssl_write(&tls->ssl, buf, len);
        if (ret > 0) {
            tls->out_held = false;
            *out_sent = (size_t)ret;
            return CK_OK;
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_WRITE || ret == MBEDTLS_ERR_SSL_WANT_READ) {
            if (budget_spent(tls)) {
                e = CK_ERR_WOULD_BLOCK;
                break;
            }
            continue;
        }
#if CK_TLS_TLS13_TICKETS
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            session_save(tls);
            continue;
        }
#endif
        e = io_error(tls, true);
        break;
    }
    if (tls->out_held) {
        int room = mbedtls_ssl_get_max_out_record_payload(&tls->ssl);
        *out_sent = room > 0 && (size_t)room < len ? (size_t)room : len;
        return e == CK_ERR_WOULD_BLOCK ? CK_ERR_TIMEOUT : e;
    }
    return e;
}

/**
 * @brief ck_transport::recv for TLS: mbedtls_ssl_read. With @p timeout_ms 0
 * it returns what mbedTLS holds already, or makes one non-blocking inner
 * read (the kept-alive check). A TLS 1.3 session ticket that comes is saved.
 * @return CK_OK with *out_received > 0, CK_ERR_WOULD_BLOCK,
 *         CK_ERR_PEER_CLOSED (close_notify or EOF), CK_ERR_TRANSPORT,
 *         CK_ERR_TIMEOUT (from the inner transport), CK_ERR_TLS,
 *         CK_ERR_INVALID_ARG. Blocks up to @p timeout_ms.
 */
static ck_err tls_recv(void *ctx, uint8_t *buf, size_t cap, size_t *out_received,
                       uint32_t timeout_ms)
{
    ck_tls *tls = (ck_tls *)ctx;
    if (out_received != NULL) {
        *out_received = 0;
    }
    if (out_received == NULL || buf == NULL || cap == 0u) {
        return CK_ERR_INVALID_ARG;
    }
    if (!tls->open) {
        return CK_ERR_TRANSPORT;
    }
    if (cap > (size_t)INT_MAX) {
        cap = (size_t)INT_MAX;
    }
    /* Bytes mbedTLS has decrypted already are returned without any I/O,
     * whatever the timeout. */
    budget_start(tls, mbedtls_ssl_get_bytes_avail(&tls->ssl) > 0u ? 0u : timeout_ms);
    for (;;) {
        tls->inner_err = CK_OK;
        int ret = mbedtls_ssl_read(&tls->ssl, buf, cap);
        if (ret > 0) {
            *out_received = (size_t)ret;
            return CK_OK;
        }
        if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF) {
            return CK_ERR_PEER_CLOSED;
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            if (budget_spent(tls)) {
                return CK_ERR_WOULD_BLOCK;
            }
            continue;
        }
#if CK_TLS_TLS13_TICKETS
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            session_save(tls);
            continue;
        }
#endif
        return io_error(tls, false);
    }
}

/* ------------------------------------------------------------------------ */
/* Public                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * @brief Load the CA, seed the DRBG from the platform, configure a TLS
 * client that always verifies (see ck_tls.h). Reads the CA file.
 */
ck_err ck_tls_init(ck_tls *tls, const ck_tls_config *cfg, const ck_transport *inner)
{
    if (tls == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    memset(tls, 0, sizeof *tls);
    mbedtls_ssl_init(&tls->ssl);
    mbedtls_ssl_config_init(&tls->conf);
    mbedtls_x509_crt_init(&tls->ca);
    mbedtls_ctr_drbg_init(&tls->drbg);
    mbedtls_ssl_session_init(&tls->session);
    tls->inner_err = CK_OK;
    /* From here on ck_tls_free() is valid, whatever this returns. */

    if (cfg == NULL || inner == NULL || cfg->platform == NULL ||
        cfg->platform->now_ms == NULL || cfg->platform->random == NULL ||
        inner->connect == NULL || inner->send == NULL || inner->recv == NULL ||
        inner->close == NULL || (cfg->ca_pem != NULL && cfg->ca_pem_len == 0u)) {
        return CK_ERR_INVALID_ARG;
    }
    tls->platform = cfg->platform;
    tls->inner = inner;
    tls->pin_sha256 = cfg->pin_sha256;

#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
    /* mbedTLS 3.x: TLS 1.3 and parts of X.509 go through PSA. Idempotent. */
    psa_status_t st = psa_crypto_init();
    if (st != PSA_SUCCESS) {
        return st == PSA_ERROR_INSUFFICIENT_ENTROPY ? CK_ERR_RANDOM : CK_ERR_TLS;
    }
#endif

    int ret;
    if (cfg->ca_pem != NULL) {
        ret = mbedtls_x509_crt_parse(&tls->ca, cfg->ca_pem, cfg->ca_pem_len);
    } else {
#if defined(MBEDTLS_FS_IO)
        ret = mbedtls_x509_crt_parse_file(&tls->ca, cfg->ca_file != NULL ? cfg->ca_file
                                                                         : CK_TLS_DEFAULT_CA_FILE);
#else
        return CK_ERR_INVALID_ARG; /* mbedTLS without a file system: give ca_pem */
#endif
    }
    /* ret > 0: that many certificates of a bundle did not parse; the rest did. */
    if (ret < 0 || tls->ca.version == 0) {
        return CK_ERR_INVALID_ARG;
    }

    ret = mbedtls_ctr_drbg_seed(&tls->drbg, tls_entropy, tls, ck_tls_pers, sizeof ck_tls_pers - 1u);
    if (ret != 0) {
        return ret == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED ? CK_ERR_RANDOM : CK_ERR_TLS;
    }

    if (mbedtls_ssl_config_defaults(&tls->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
        return CK_ERR_TLS;
    }
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH) && MBEDTLS_SSL_IN_CONTENT_LEN < 16384
    /* Small record buffers (a constrained board): ask the server for records
     * that fit them (RFC 6066 max_fragment_length). */
    if (mbedtls_ssl_conf_max_frag_len(&tls->conf, MBEDTLS_SSL_IN_CONTENT_LEN >= 4096   ? MBEDTLS_SSL_MAX_FRAG_LEN_4096
                                                  : MBEDTLS_SSL_IN_CONTENT_LEN >= 2048 ? MBEDTLS_SSL_MAX_FRAG_LEN_2048
                                                  : MBEDTLS_SSL_IN_CONTENT_LEN >= 1024 ? MBEDTLS_SSL_MAX_FRAG_LEN_1024
                                                                                       : MBEDTLS_SSL_MAX_FRAG_LEN_512) != 0) {
        return CK_ERR_TLS;
    }
#endif
#if defined(CK_TLS_CIPHERSUITES)
    mbedtls_ssl_conf_ciphersuites(&tls->conf, ck_tls_ciphersuites);
#endif
    mbedtls_ssl_conf_authmode(&tls->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&tls->conf, &tls->ca, NULL);
    mbedtls_ssl_conf_rng(&tls->conf, mbedtls_ctr_drbg_random, &tls->drbg);
    mbedtls_ssl_conf_verify(&tls->conf, tls_verify, tls);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_ssl_conf_min_tls_version(&tls->conf, MBEDTLS_SSL_VERSION_TLS1_2);
#if CK_TLS_TLS13
    mbedtls_ssl_conf_max_tls_version(&tls->conf, MBEDTLS_SSL_VERSION_TLS1_3);
#else
    mbedtls_ssl_conf_max_tls_version(&tls->conf, MBEDTLS_SSL_VERSION_TLS1_2);
#endif
#if CK_TLS_TLS13_TICKETS
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &tls->conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
#else
    mbedtls_ssl_conf_min_version(&tls->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(&tls->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif

    if (mbedtls_ssl_setup(&tls->ssl, &tls->conf) != 0) {
        return CK_ERR_TLS;
    }
    mbedtls_ssl_set_bio(&tls->ssl, tls, bio_send, bio_recv, NULL);
    tls->ready = true;
    return CK_OK;
}

/** @brief Fill @p out with the secure transport over @p tls (see ck_tls.h). Does not block. */
void ck_tls_transport(ck_tls *tls, ck_transport *out)
{
    out->ctx = tls;
    out->secure = true;
    out->connect = tls_connect;
    out->send = tls_send;
    out->recv = tls_recv;
    out->close = tls_close;
}

/** @brief Close, release every mbedTLS context and wipe @p tls (see ck_tls.h). Safe twice. */
void ck_tls_free(ck_tls *tls)
{
    if (tls == NULL) {
        return;
    }
    if (tls->platform != NULL) {
        tls_close(tls);
    }
    session_drop(tls);
    mbedtls_ssl_free(&tls->ssl);
    mbedtls_ssl_config_free(&tls->conf);
    mbedtls_x509_crt_free(&tls->ca);
    mbedtls_ctr_drbg_free(&tls->drbg);
    mbedtls_platform_zeroize(tls, sizeof *tls);
}
