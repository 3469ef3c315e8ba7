/**
 * @file net_kiosk.c
 * @brief The networked kiosk image: cardkit over TLS 1.2 (mbedTLS 3.6 in a
 * static arena) over lwIP's raw API (NO_SYS = 1, port/lwip/ck_lwip_raw.c)
 * over the board's LAN9118 (lan9118_netif.c), under QEMU's mps2-an386 with
 * its user-mode network.
 *
 * It boots, takes a DHCP lease, resolves the issuer's name through lwIP's
 * DNS (the name is put in lwIP's local host list, mapped to the DHCP
 * gateway: QEMU's address for the host, 10.0.2.2), opens TLS verifying the
 * issuer's certificate against that name, and runs the kiosk flows of
 * examples/kiosk (kiosk_flow.c): the four v2 steps at
 * https://NAME:PORT/card/issuance, then the four v1 steps at
 * https://NAME:PORT, each step printed with its result. Exit status: 0 when
 * every step succeeded, 1 when a step failed, 2 for a bad command line,
 * 3 when the network or TLS could not be set up.
 *
 * Run-time settings come from the host by semihosting, never from the
 * build: the command line (SYS_GET_CMDLINE, QEMU's -append) and files
 * (the CA bundle; the credentials, in a file the host writes for the run).
 *
 *   --issuer NAME:PORT     required
 *   --ca PATH              PEM CA bundle on the host; required
 *   --credentials PATH     file with CK_API_KEY=... and CK_ACCESS_TOKEN=...
 *                          lines (scripts/qemu_kiosk.sh writes it from its
 *                          environment); read once, wiped after the run
 *   --timeout-ms N         each call's deadline (default 15000)
 *   --flow both|v2|v1      which flows to run (default both)
 *   --again-after-ms N     after a failed step, keep the network running
 *                          for N ms and run that step once more (the
 *                          pulled-cable test: a bounded error, then the
 *                          next call once the link is back)
 *   --host-address A.B.C.D what NAME maps to (default: the DHCP gateway)
 *   --product, --cardholder, --other-cardholder (v2), --product-id,
 *   --cardholder-id, --wallet-id, --card-id (v1): as the host kiosks
 *
 * Figures: lines "figure NAME VALUE" at the end (scripts/qemu_net_size.sh
 * reads them): CPU from reset to the lease, per TLS handshake (and how much
 * of the first one P-256 scalar multiplication takes) and for one
 * keep-alive enroll, counted as virtual nanoseconds minus the time spent
 * idle in WFI, which under `-icount shift=0` are instructions; the
 * arena's peak; the stack's high-water mark; the driver's counters.
 *
 * Random numbers: the board's TEST ONLY generator (QEMU has no TRNG).
 * Time: no calendar, so certificate dates are not checked (see
 * mbedtls_config.h). Never prints a credential.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ecp.h>
#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/platform_util.h>

#include "board.h"
#include "cardkit/cardkit.h"
#include "ck_lwip_raw.h"
#include "ck_tls.h"
#include "kiosk_flow.h"
#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "net_board.h"

/** @brief The mbedTLS arena: the TLS 1.2 client's 16 KiB budget. */
#define NK_ARENA_SIZE 16384u
/** @brief Largest CA bundle (PEM) the image takes. */
#define NK_CA_MAX 2048u
#define NK_CMDLINE_MAX 768u
#define NK_ARGV_MAX 48
#define NK_SECRETS_MAX 512u
#define NK_NAME_MAX 127u
/** @brief How long the image waits for a DHCP lease. */
#define NK_LEASE_TIMEOUT_MS 15000u

/** @brief What the image was told to do. */
typedef struct nk_opts {
    char name[NK_NAME_MAX + 1u]; /**< the issuer's host name */
    uint16_t port;
    const char *ca_path;
    const char *credentials_path;
    unsigned long timeout_ms;
    int run_v2;
    int run_v1;
    unsigned long again_ms;
    const char *host_address;
    kiosk_v2_ids v2;
    kiosk_v1_ids v1;
} nk_opts;

/** @brief A transport over the TLS transport that counts and times connections. */
typedef struct nk_meter {
    const ck_transport *inner;
    unsigned connections;
    unsigned resumed;
    uint64_t first_full;    /**< CPU of the first full handshake (connect included) */
    uint64_t first_resumed; /**< CPU of the first resumed one */
    uint64_t first_full_ecp; /**< of the first full handshake: P-256 scalar multiplications */
    unsigned first_full_ecp_calls;
} nk_meter;

static unsigned char g_arena[NK_ARENA_SIZE] __attribute__((aligned(8)));
static char g_cmdline[NK_CMDLINE_MAX];
static uint8_t g_ca[NK_CA_MAX + 1u];
static char g_secrets[NK_SECRETS_MAX];
static ck_platform g_platform;
static ck_lwip_raw_tcp g_tcp;
static ck_transport g_raw;
static ck_tls g_tls;
static ck_transport g_tls_transport;
static nk_meter g_meter;
static ck_transport g_meter_transport;
static ck_buffers g_buffers;
static ck_client g_client;
static char g_base_url[sizeof "https://" + NK_NAME_MAX + sizeof ":65535/card/issuance"];

/** @brief CPU used since reset: instructions under `-icount shift=0`. */
static uint64_t nk_cpu(void)
{
    return ck_board_virtual_ns() - ck_board_idle_ns();
}

/* ------------------------------------------------------------------------ */
/* Where the handshake's CPU goes: P-256 scalar multiplication              */
/* ------------------------------------------------------------------------ */

/* mbedTLS's two entry points for it (ECDH key generation and shared secret,
 * ECDSA verification) are routed here by the linker (-Wl,--wrap: see
 * mk/qemu_net.mk), which counts their CPU for the figures. */
static uint64_t g_ecp_cpu;
static unsigned g_ecp_calls;

int __real_mbedtls_ecp_mul_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                                       const mbedtls_ecp_point *P, mbedtls_f_rng_t *f_rng, void *p_rng,
                                       mbedtls_ecp_restart_ctx *rs_ctx);
int __wrap_mbedtls_ecp_mul_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                                       const mbedtls_ecp_point *P, mbedtls_f_rng_t *f_rng, void *p_rng,
                                       mbedtls_ecp_restart_ctx *rs_ctx);
int __real_mbedtls_ecp_muladd_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                                          const mbedtls_ecp_point *P, const mbedtls_mpi *n,
                                          const mbedtls_ecp_point *Q, mbedtls_ecp_restart_ctx *rs_ctx);
int __wrap_mbedtls_ecp_muladd_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                                          const mbedtls_ecp_point *P, const mbedtls_mpi *n,
                                          const mbedtls_ecp_point *Q, mbedtls_ecp_restart_ctx *rs_ctx);

int __wrap_mbedtls_ecp_mul_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                                       const mbedtls_ecp_point *P, mbedtls_f_rng_t *f_rng, void *p_rng,
                                       mbedtls_ecp_restart_ctx *rs_ctx)
{
    uint64_t t0 = nk_cpu();
    int r = __real_mbedtls_ecp_mul_restartable(grp, R, m, P, f_rng, p_rng, rs_ctx);
    g_ecp_cpu += nk_cpu() - t0;
    g_ecp_calls++;
    return r;
}

int __wrap_mbedtls_ecp_muladd_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R, const mbedtls_mpi *m,
                                          const mbedtls_ecp_point *P, const mbedtls_mpi *n,
                                          const mbedtls_ecp_point *Q, mbedtls_ecp_restart_ctx *rs_ctx)
{
    uint64_t t0 = nk_cpu();
    int r = __real_mbedtls_ecp_muladd_restartable(grp, R, m, P, n, Q, rs_ctx);
    g_ecp_cpu += nk_cpu() - t0;
    g_ecp_calls++;
    return r;
}

/* ------------------------------------------------------------------------ */
/* The metering transport                                                   */
/* ------------------------------------------------------------------------ */

static ck_err meter_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    nk_meter *m = (nk_meter *)ctx;
    unsigned char offered[32];
    size_t offered_len = 0;
    uint64_t t0 = nk_cpu();
    uint64_t ecp0 = g_ecp_cpu;
    unsigned ecp_calls0 = g_ecp_calls;
    uint64_t cpu;
    ck_err e;
    int resumed;

    /* The session ck_tls will offer (ck_tls.h: kept after each handshake);
     * the server resumed it when the new session has the same id. Read
     * here for the report only. */
    if (g_tls.have_session) {
        offered_len = mbedtls_ssl_session_get_id_len(&g_tls.session);
        if (offered_len > sizeof offered) {
            offered_len = 0;
        }
        memcpy(offered, *mbedtls_ssl_session_get_id(&g_tls.session), offered_len);
    }
    e = m->inner->connect(m->inner->ctx, host, port, timeout_ms);
    cpu = nk_cpu() - t0;
    m->connections++;
    if (e != CK_OK) {
        printf("          tls      connection %u to %s:%u: %s after %lu instructions\n", m->connections, host,
               (unsigned)port, ck_strerror(e), (unsigned long)cpu);
        return e;
    }
    resumed = offered_len != 0u && g_tls.have_session &&
              mbedtls_ssl_session_get_id_len(&g_tls.session) == offered_len &&
              memcmp(*mbedtls_ssl_session_get_id(&g_tls.session), offered, offered_len) == 0;
    if (resumed) {
        m->resumed++;
        if (m->first_resumed == 0u) {
            m->first_resumed = cpu;
        }
    } else if (m->first_full == 0u) {
        m->first_full = cpu;
        m->first_full_ecp = g_ecp_cpu - ecp0;
        m->first_full_ecp_calls = g_ecp_calls - ecp_calls0;
    }
    printf("          tls      connection %u to %s:%u: %s handshake, %lu instructions\n", m->connections, host,
           (unsigned)port, resumed ? "resumed" : "full", (unsigned long)cpu);
    return CK_OK;
}

static ck_err meter_send(void *ctx, const uint8_t *buf, size_t len, size_t *out_sent, uint32_t timeout_ms)
{
    const nk_meter *m = (const nk_meter *)ctx;
    return m->inner->send(m->inner->ctx, buf, len, out_sent, timeout_ms);
}

static ck_err meter_recv(void *ctx, uint8_t *buf, size_t cap, size_t *out_received, uint32_t timeout_ms)
{
    const nk_meter *m = (const nk_meter *)ctx;
    return m->inner->recv(m->inner->ctx, buf, cap, out_received, timeout_ms);
}

static void meter_close(void *ctx)
{
    const nk_meter *m = (const nk_meter *)ctx;
    m->inner->close(m->inner->ctx);
}

/* ------------------------------------------------------------------------ */
/* Command line and files (semihosting)                                     */
/* ------------------------------------------------------------------------ */

static int nk_usage(const char *why)
{
    printf("net_kiosk: %s\n"
           "usage: --issuer NAME:PORT --ca PATH [--credentials PATH] [--timeout-ms N] [--flow both|v2|v1]\n"
           "       [--again-after-ms N] [--host-address A.B.C.D] [--product CODE] [--cardholder ID]\n"
           "       [--other-cardholder ID] [--product-id ID] [--cardholder-id ID] [--wallet-id ID] [--card-id ID]\n",
           why);
    return 2;
}

/** @brief A decimal number in [lo, hi]; 0 when it is one. */
static int nk_number(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || *end != '\0' || v < lo || v > hi) {
        return -1;
    }
    *out = v;
    return 0;
}

static int nk_parse(int argc, char **argv, nk_opts *o)
{
    const char *issuer = NULL;
    const char *flow = "both";
    int i;

    memset(o, 0, sizeof *o);
    o->timeout_ms = CK_DEFAULT_TIMEOUT_MS;
    o->v2.product = KIOSK_V2_DEFAULT_PRODUCT;
    o->v2.cardholder = KIOSK_V2_DEFAULT_CARDHOLDER;
    o->v2.other_cardholder = KIOSK_V2_DEFAULT_OTHER_CARDHOLDER;
    o->v1.product = KIOSK_V1_DEFAULT_PRODUCT;
    o->v1.cardholder = KIOSK_V1_DEFAULT_CARDHOLDER;
    o->v1.wallet = KIOSK_V1_DEFAULT_WALLET;
    o->v1.card = KIOSK_V1_DEFAULT_CARD;
    for (i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i];
        const char *v = argv[i + 1];
        const char **str = NULL;

        if (strcmp(k, "--issuer") == 0) {
            issuer = v;
        } else if (strcmp(k, "--ca") == 0) {
            o->ca_path = v;
        } else if (strcmp(k, "--credentials") == 0) {
            o->credentials_path = v;
        } else if (strcmp(k, "--flow") == 0) {
            flow = v;
        } else if (strcmp(k, "--host-address") == 0) {
            o->host_address = v;
        } else if (strcmp(k, "--timeout-ms") == 0) {
            if (nk_number(v, 100u, 600000u, &o->timeout_ms) != 0) {
                return nk_usage("--timeout-ms: 100 to 600000");
            }
        } else if (strcmp(k, "--again-after-ms") == 0) {
            if (nk_number(v, 0u, 600000u, &o->again_ms) != 0) {
                return nk_usage("--again-after-ms: 0 to 600000");
            }
        } else {
            str = strcmp(k, "--product") == 0            ? &o->v2.product
                  : strcmp(k, "--cardholder") == 0       ? &o->v2.cardholder
                  : strcmp(k, "--other-cardholder") == 0 ? &o->v2.other_cardholder
                  : strcmp(k, "--product-id") == 0       ? &o->v1.product
                  : strcmp(k, "--cardholder-id") == 0    ? &o->v1.cardholder
                  : strcmp(k, "--wallet-id") == 0        ? &o->v1.wallet
                  : strcmp(k, "--card-id") == 0          ? &o->v1.card
                                                         : NULL;
            if (str == NULL) {
                printf("net_kiosk: unknown option %s\n", k);
                return nk_usage("unknown option");
            }
            *str = v;
        }
    }
    if (i < argc) {
        return nk_usage("an option needs a value");
    }
    if (issuer == NULL || o->ca_path == NULL) {
        return nk_usage("--issuer and --ca are required");
    }
    {
        const char *colon = strrchr(issuer, ':');
        unsigned long port = 0;
        size_t n = colon == NULL ? 0u : (size_t)(colon - issuer);
        if (colon == NULL || n == 0u || n > NK_NAME_MAX || nk_number(colon + 1, 1u, 65535u, &port) != 0) {
            return nk_usage("--issuer: NAME:PORT");
        }
        memcpy(o->name, issuer, n);
        o->name[n] = '\0';
        o->port = (uint16_t)port;
    }
    o->run_v2 = strcmp(flow, "both") == 0 || strcmp(flow, "v2") == 0;
    o->run_v1 = strcmp(flow, "both") == 0 || strcmp(flow, "v1") == 0;
    if (!o->run_v2 && !o->run_v1) {
        return nk_usage("--flow: both, v2 or v1");
    }
    if (strlen(o->v1.product) > KIOSK_V1_ID_MAX || strlen(o->v1.cardholder) > KIOSK_V1_ID_MAX ||
        strlen(o->v1.wallet) > KIOSK_V1_ID_MAX || strlen(o->v1.card) > KIOSK_V1_ID_MAX) {
        return nk_usage("v1 ids are at most 64 characters");
    }
    return 0;
}

/** @brief Split the host's command line on blanks (no quoting: ids and paths hold none). */
static int nk_split(char *line, char **argv, int max)
{
    int argc = 0;
    char *p = line;

    while (*p != '\0' && argc < max) {
        while (*p == ' ' || *p == '\t' || *p == '\n') {
            *p++ = '\0';
        }
        if (*p == '\0') {
            break;
        }
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n') {
            p++;
        }
    }
    return argc;
}

/** @brief Read the host file @p path into @p buf (NUL added); its length, or -1. */
static long nk_read_file(const char *path, void *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    int more;

    if (f == NULL) {
        return -1;
    }
    n = fread(buf, 1, cap - 1u, f);
    more = fgetc(f) != EOF;
    (void)fclose(f);
    if (more) {
        return -1; /* too large for the buffer */
    }
    ((char *)buf)[n] = '\0';
    return (long)n;
}

/**
 * @brief Split the credentials text into lines (in place) and point
 * @p api_key and @p token at the values of its CK_API_KEY= and
 * CK_ACCESS_TOKEN= lines (NULL when missing).
 */
static void nk_secrets(char *text, const char **api_key, const char **token)
{
    char *line = text;

    *api_key = NULL;
    *token = NULL;
    while (line != NULL && *line != '\0') {
        char *next = strchr(line, '\n');
        size_t len;
        if (next != NULL) {
            *next++ = '\0';
        }
        len = strlen(line);
        if (len > 0u && line[len - 1u] == '\r') {
            line[len - 1u] = '\0';
        }
        if (strncmp(line, "CK_API_KEY=", 11) == 0) {
            *api_key = line + 11;
        } else if (strncmp(line, "CK_ACCESS_TOKEN=", 16) == 0) {
            *token = line + 16;
        }
        line = next;
    }
}

/* ------------------------------------------------------------------------ */
/* The run                                                                  */
/* ------------------------------------------------------------------------ */

/** @brief Keep the network running for @p ms (the pulled-cable test's pause). */
static void nk_pause(unsigned long ms)
{
    if (ms > 0u) {
        printf("          again    keeping the network running %lu ms, then running the step once more\n", ms);
        fflush(stdout);
        g_platform.sleep_ms(g_platform.ctx, (uint32_t)ms);
    }
}

/** @brief (Re)configure the client for @p base_url; 0 when ready. */
static int nk_client(const nk_opts *o, const char *path, const char *api_key, const char *token)
{
    ck_client_config cfg;
    const char *field = NULL;
    ck_err e;

    (void)snprintf(g_base_url, sizeof g_base_url, "https://%s:%u%s", o->name, (unsigned)o->port, path);
    ck_client_config_init(&cfg);
    cfg.base_url = g_base_url;
    cfg.api_key = api_key;
    cfg.access_token = token;
    cfg.transport = &g_meter_transport;
    cfg.platform = &g_platform;
    cfg.timeout_ms = (uint32_t)o->timeout_ms;
    ck_client_config_set_buffers(&cfg, &g_buffers);
    e = ck_client_init(&g_client, &cfg, &field);
    if (e != CK_OK) {
        printf("net_kiosk: client set-up failed: %s (%s)\n", ck_strerror(e), field != NULL ? field : "?");
        return -1;
    }
    return 0;
}

/** @brief The v2 flow, measuring the keep-alive enroll (step 2); 0 when every step succeeded. */
static int nk_v2(const nk_opts *o, uint64_t *enroll_cpu)
{
    char card_id[CK_ID_MAX] = "";
    int failed = 0;
    int rc;
    uint64_t t0;

    printf("\nv2: https://%s:%u/card/issuance\n", o->name, (unsigned)o->port);
    rc = kiosk_v2_flow(&g_client, &o->v2, 1, 1, card_id, &failed);
    if (rc == 0) {
        t0 = nk_cpu();
        rc = kiosk_v2_flow(&g_client, &o->v2, 2, 2, card_id, &failed);
        *enroll_cpu = nk_cpu() - t0;
        if (rc == 0) {
            printf("          cpu      %lu instructions (a keep-alive call)\n", (unsigned long)*enroll_cpu);
            rc = kiosk_v2_flow(&g_client, &o->v2, 3, 4, card_id, &failed);
        }
    }
    if (rc != 0 && o->again_ms > 0u) {
        nk_pause(o->again_ms);
        rc = kiosk_v2_flow(&g_client, &o->v2, failed, 4, card_id, &failed);
    }
    return rc;
}

/** @brief The v1 flow; 0 when every step succeeded. A step run again replays its key. */
static int nk_v1(const nk_opts *o)
{
    char key[CK_V1_REQUEST_ID_SIZE] = "";
    int failed = -1;
    int rc;

    printf("\nv1: https://%s:%u (3DS program API v1)\n", o->name, (unsigned)o->port);
    rc = kiosk_v1_flow(&g_client, &o->v1, KIOSK_V1_ENROLL, key, &failed);
    if (rc != 0 && o->again_ms > 0u) {
        nk_pause(o->again_ms);
        rc = kiosk_v1_flow(&g_client, &o->v1, failed, key, &failed);
    }
    return rc;
}

/** @brief Bring up the network and name the issuer; 0 when ready. */
static int nk_network(const nk_opts *o, uint64_t *lease_cpu)
{
    struct netif *nif;
    ip_addr_t addr;
    const lan9118_if *eth;

    if (ck_board_net_start() != 0) {
        printf("net_kiosk: no LAN9118 at 0x%08lx (run with -nic user,model=lan9118)\n",
               (unsigned long)LAN9118_MPS2_BASE);
        return -1;
    }
    nif = ck_board_netif();
    eth = (const lan9118_if *)nif->state;
    printf("net       LAN9118 MAC %02x:%02x:%02x:%02x:%02x:%02x, PHY id 0x%08lx\n", eth->mac[0], eth->mac[1],
           eth->mac[2], eth->mac[3], eth->mac[4], eth->mac[5], (unsigned long)eth->phy_id);
    fflush(stdout);
    if (ck_board_net_wait_lease(NK_LEASE_TIMEOUT_MS) != 0) {
        printf("net_kiosk: no DHCP lease within %u ms\n", (unsigned)NK_LEASE_TIMEOUT_MS);
        return -1;
    }
    *lease_cpu = nk_cpu();
    printf("dhcp      lease %s", ip4addr_ntoa(netif_ip4_addr(nif)));
    printf(" mask %s", ip4addr_ntoa(netif_ip4_netmask(nif)));
    printf(" gateway %s (%lu instructions from reset)\n", ip4addr_ntoa(netif_ip4_gw(nif)), (unsigned long)*lease_cpu);

    /* The issuer's name: lwIP's local host list, so that dns_gethostbyname
     * (the transport's connect) answers it without a query. */
    if (o->host_address != NULL) {
        if (ipaddr_aton(o->host_address, &addr) == 0) {
            printf("net_kiosk: --host-address: not an IPv4 address\n");
            return -1;
        }
    } else {
        ip_addr_copy_from_ip4(addr, *netif_ip4_gw(nif));
    }
    if (dns_local_addhost(o->name, ip_2_ip4(&addr)) != ERR_OK) {
        printf("net_kiosk: cannot add %s to the DNS host list\n", o->name);
        return -1;
    }
    if (dns_gethostbyname(o->name, &addr, NULL, NULL) != ERR_OK) {
        printf("net_kiosk: %s does not resolve\n", o->name);
        return -1;
    }
    printf("dns       %s -> %s\n", o->name, ipaddr_ntoa(&addr));
    fflush(stdout);
    return 0;
}

/** @brief TLS over the raw transport, in the arena; 0 when ready. */
static int nk_tls(const nk_opts *o, long ca_len)
{
    ck_tls_config tc;
    ck_err e;

    mbedtls_memory_buffer_alloc_init(g_arena, sizeof g_arena);
    ck_lwip_raw_transport(&g_tcp, ck_board_net_poll, NULL, &g_raw);
    memset(&tc, 0, sizeof tc);
    tc.ca_pem = g_ca;
    tc.ca_pem_len = (size_t)ca_len + 1u; /* the NUL counted */
    tc.platform = &g_platform;
    e = ck_tls_init(&g_tls, &tc, &g_raw);
    if (e != CK_OK) {
        printf("net_kiosk: TLS set-up failed: %s (CA %s)\n", ck_strerror(e), o->ca_path);
        return -1;
    }
    ck_tls_transport(&g_tls, &g_tls_transport);
    g_meter.inner = &g_tls_transport;
    g_meter_transport.ctx = &g_meter;
    g_meter_transport.secure = g_tls_transport.secure;
    g_meter_transport.connect = meter_connect;
    g_meter_transport.send = meter_send;
    g_meter_transport.recv = meter_recv;
    g_meter_transport.close = meter_close;
    return 0;
}

static void nk_figures(uint64_t lease_cpu, uint64_t enroll_cpu)
{
    const lan9118_stats *st = ck_board_net_stats();
    size_t peak = 0;
    size_t blocks = 0;

    mbedtls_memory_buffer_alloc_max_get(&peak, &blocks);
    printf("\nfigure cpu_lease %lu\n", (unsigned long)lease_cpu);
    printf("figure cpu_handshake_full %lu\n", (unsigned long)g_meter.first_full);
    printf("figure cpu_handshake_full_ecp %lu\n", (unsigned long)g_meter.first_full_ecp);
    printf("figure ecp_mults_full %u\n", g_meter.first_full_ecp_calls);
    printf("figure cpu_handshake_resumed %lu\n", (unsigned long)g_meter.first_resumed);
    printf("figure cpu_enroll_keepalive %lu\n", (unsigned long)enroll_cpu);
    printf("figure tls_connections %u\n", g_meter.connections);
    printf("figure tls_resumed %u\n", g_meter.resumed);
    printf("figure arena_size %lu\n", (unsigned long)sizeof g_arena);
    printf("figure arena_peak %lu\n", (unsigned long)peak);
    printf("figure stack_size %lu\n", (unsigned long)ck_board_stack_size());
    printf("figure stack_peak %lu\n", (unsigned long)ck_board_stack_high_water());
    printf("figure rx_frames %lu\n", (unsigned long)st->rx_frames);
    printf("figure rx_errors %lu\n", (unsigned long)st->rx_errors);
    printf("figure rx_no_pbuf %lu\n", (unsigned long)st->rx_no_pbuf);
    printf("figure tx_frames %lu\n", (unsigned long)st->tx_frames);
    printf("figure tx_errors %lu\n", (unsigned long)(st->tx_errors + st->tx_no_space));
    printf("figure link_changes %lu\n", (unsigned long)st->link_changes);
}

int main(void)
{
    char *argv[NK_ARGV_MAX];
    int argc;
    nk_opts o;
    long ca_len;
    long sec_len;
    const char *api_key;
    const char *token;
    uint64_t lease_cpu = 0;
    uint64_t enroll_cpu = 0;
    int rc = 0;

    if (ck_board_cmdline(g_cmdline, sizeof g_cmdline) < 0) {
        return nk_usage("no command line from the host (semihosting)");
    }
    argc = nk_split(g_cmdline, argv, NK_ARGV_MAX);
    rc = nk_parse(argc, argv, &o);
    if (rc != 0) {
        return rc;
    }
    printf("cardkit %s networked kiosk on %s (Cortex-M4, lwIP %s raw API, LAN9118)\n", CK_VERSION_STRING,
           "qemu-mps2-an386", LWIP_VERSION_STRING);
    printf("  issuer   %s port %u\n  CA       %s\n", o.name, (unsigned)o.port, o.ca_path);
    ca_len = nk_read_file(o.ca_path, g_ca, sizeof g_ca);
    if (ca_len <= 0) {
        printf("net_kiosk: cannot read the CA bundle %s (at most %u bytes)\n", o.ca_path, (unsigned)NK_CA_MAX);
        return 3;
    }
    sec_len = o.credentials_path != NULL ? nk_read_file(o.credentials_path, g_secrets, sizeof g_secrets) : -1;
    api_key = NULL;
    token = NULL;
    if (sec_len > 0) {
        nk_secrets(g_secrets, &api_key, &token);
    }
    if (api_key == NULL || api_key[0] == '\0' || (o.run_v2 && (token == NULL || token[0] == '\0'))) {
        mbedtls_platform_zeroize(g_secrets, sizeof g_secrets);
        printf("net_kiosk: CK_API_KEY and CK_ACCESS_TOKEN must be given (--credentials)\n");
        return 2;
    }
    ck_board_net_platform(&g_platform);

    if (nk_network(&o, &lease_cpu) != 0 || nk_tls(&o, ca_len) != 0) {
        rc = 3;
    }
    if (rc == 0 && o.run_v2) {
        rc = nk_client(&o, "/card/issuance", api_key, token) != 0 ? 3 : nk_v2(&o, &enroll_cpu);
        ck_client_close(&g_client);
    }
    if (rc == 0 && o.run_v1) {
        /* A second client, a second connection: it offers the TLS session of the first. */
        rc = nk_client(&o, "", api_key, token) != 0 ? 3 : nk_v1(&o);
        ck_client_close(&g_client);
    }
    ck_tls_free(&g_tls);
    mbedtls_platform_zeroize(g_secrets, sizeof g_secrets);
    mbedtls_platform_zeroize(&g_client, sizeof g_client);
    nk_figures(lease_cpu, enroll_cpu);
    printf("\nnet_kiosk: %s\n", rc == 0 ? "every step succeeded" : "stopped at the failed step");
    return rc;
}
