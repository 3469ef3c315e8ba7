/**
 * @file mbedtls_config.h
 * @brief mbedTLS 3.6 configuration for a constrained cardkit client on a
 * Cortex-M board (used as MBEDTLS_CONFIG_FILE; see board.mk and
 * scripts/qemu_mbedtls.sh).
 *
 * What it is for: one TLS 1.2 connection to the issuer, verifying the
 * server against a CA in memory, with
 *   - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 on P-256 only;
 *   - records of 4 KiB each way (MBEDTLS_SSL_IN/OUT_CONTENT_LEN) and the
 *     max_fragment_length extension asking the server for the same;
 *   - every mbedTLS allocation from a static arena
 *     (MBEDTLS_MEMORY_BUFFER_ALLOC_C: the application calls
 *     mbedtls_memory_buffer_alloc_init() with its array before ck_tls_init);
 *   - no file system (CA as PEM in memory: ck_tls_config::ca_pem), no
 *     sockets module (the TLS port runs over any ck_transport);
 *   - randomness from the platform: ck_tls seeds its CTR-DRBG from
 *     ck_platform::random, so no mbedTLS entropy module and no platform
 *     entropy (MBEDTLS_NO_PLATFORM_ENTROPY): a board wires its TRNG there.
 *
 * What it leaves out, and what that means:
 *   - no clock (MBEDTLS_HAVE_TIME off): certificate validity dates are not
 *     checked. A board with a trusted real-time clock should enable
 *     MBEDTLS_HAVE_TIME and MBEDTLS_HAVE_TIME_DATE (with
 *     MBEDTLS_PLATFORM_MS_TIME_ALT / gmtime_r) so expired certificates fail;
 *   - no RSA, no other curve, no SHA-384/512: the issuer's chain must be
 *     ECDSA P-256 with SHA-256 signatures, and fit one 4 KiB handshake
 *     message (add SHA-384 for a P-384 CA);
 *   - no session tickets, no renegotiation, no peer certificate kept after
 *     the handshake (MBEDTLS_SSL_KEEP_PEER_CERTIFICATE off saves about
 *     1 KiB; cardkit's pin is still checked on every full handshake).
 *
 * Variants (defines on the command line, see mk/qemu.mk):
 *   CK_BOARD_TLS_TEST_SERVER adds MBEDTLS_SSL_SRV_C, for the in-process
 *     server of tests/device/test_tls_device.c only (a client image with it
 *     links about 3 KiB of server handshake code it never runs);
 *   CK_BOARD_TLS13 adds TLS 1.3: PSA Crypto with its own RNG hook
 *     (MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG: the board's TRNG) and the peer
 *     certificate kept (mbedTLS 3.6 requires it). Measured under QEMU: the
 *     client's arena peaks at about 17 KB (about 19 KB with block headers)
 *     for a handshake and an enroll, over the 16 KiB budget; TLS 1.2 alone
 *     peaks at about 12 KB.
 */
#ifndef CK_BOARD_MBEDTLS_CONFIG_H
#define CK_BOARD_MBEDTLS_CONFIG_H

/* --- System ------------------------------------------------------------- */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
/* Peak and current use of the arena (mbedtls_memory_buffer_alloc_max_get),
 * which `make size` publishes; a few counters. A product may drop it. */
#define MBEDTLS_MEMORY_DEBUG
#define MBEDTLS_NO_PLATFORM_ENTROPY
/* Alignment of arena blocks (Cortex-M: 4 is enough, 8 for 64-bit loads). */
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 8

/* --- Symmetric crypto and hashes ----------------------------------------- */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES     /* tables in flash, not 8 KiB of RAM */
#define MBEDTLS_AES_FEWER_TABLES   /* 2 KiB of tables instead of 8 KiB */
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA224_C           /* mbedTLS 3.6 builds SHA-256 with SHA-224 */
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER     /* smaller code, a little slower */
#define MBEDTLS_CTR_DRBG_C

/* --- Public key: ECDSA and ECDHE on P-256 -------------------------------- */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 2          /* fewer precomputed points: less RAM */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0    /* no comb table for the generator: less RAM */
#define MBEDTLS_MPI_MAX_SIZE 64
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

/* --- X.509: the server's chain against a CA in memory (PEM) -------------- */
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_REMOVE_INFO   /* no text dumps of certificates */
#define MBEDTLS_X509_MAX_INTERMEDIATE_CA 3

/* --- TLS ---------------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#if defined(CK_BOARD_TLS_TEST_SERVER)
#define MBEDTLS_SSL_SRV_C          /* the device test's in-process server only */
#endif
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_IN_CONTENT_LEN 4096
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256

/* --- TLS 1.3 (variant: -DCK_BOARD_TLS13) ---------------------------------- */
#if defined(CK_BOARD_TLS13)
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG   /* mbedtls_psa_external_get_random(): the TRNG */
#define MBEDTLS_USE_PSA_CRYPTO
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE /* TLS 1.3 in mbedTLS 3.6 requires it */
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_HKDF_C
#define MBEDTLS_CIPHER_C
#undef MBEDTLS_SSL_CIPHERSUITES
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS1_3_AES_128_GCM_SHA256, \
                                 MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
#endif

#endif /* CK_BOARD_MBEDTLS_CONFIG_H */
