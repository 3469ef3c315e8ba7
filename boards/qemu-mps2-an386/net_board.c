/**
 * @file net_board.c
 * @brief lwIP (NO_SYS = 1) on the board: sys_now(), LWIP_RAND(), the
 * LAN9118 netif with DHCP, and the poll hook; see net_board.h.
 */
#include "net_board.h"

#include <string.h>

#include "board.h"
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define SYST_CVR (*(volatile const uint32_t *)0xE000E018u)
#define SYST_RVR (*(volatile const uint32_t *)0xE000E014u)
#define SCB_ICSR (*(volatile const uint32_t *)0xE000ED04u)
#define ICSR_PENDSTSET 0x04000000u
#define NS_PER_TICK (1000000000u / CK_BOARD_SYSCLK_HZ)

static struct netif g_netif;
static lan9118_if g_eth;
static uint64_t g_idle_ns;

u32_t sys_now(void);

u32_t sys_now(void)
{
    return ck_board_millis();
}

uint32_t ck_board_net_rand(void)
{
    uint8_t b[4];
    ck_board_test_random_bytes(b, sizeof b); /* TEST ONLY: no TRNG on QEMU */
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

uint64_t ck_board_virtual_ns(void)
{
    uint32_t ms;
    uint32_t cvr;
    uint32_t again;

    do { /* a SysTick between the two reads: read again */
        ms = ck_board_millis();
        cvr = SYST_CVR;
        again = ck_board_millis();
    } while (ms != again || (SCB_ICSR & ICSR_PENDSTSET) != 0u);
    /* The count reaching 0 ends the millisecond (the tick is then counted
     * in ms, or pending: read again above), so 0 is the start of the next. */
    return (uint64_t)ms * 1000000u + (uint64_t)(cvr == 0u ? 0u : SYST_RVR - cvr) * NS_PER_TICK;
}

uint64_t ck_board_idle_ns(void)
{
    return g_idle_ns;
}

int ck_board_net_start(void)
{
    ck_board_clock_start();
    lwip_init();
    memset(&g_eth, 0, sizeof g_eth);
    g_eth.base = LAN9118_MPS2_BASE;
    if (netif_add(&g_netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, &g_eth, lan9118_netif_init,
                  ethernet_input) == NULL) {
        return -1;
    }
    netif_set_hostname(&g_netif, "cardkit-kiosk");
    netif_set_default(&g_netif);
    netif_set_up(&g_netif);
    /* The link comes up from the PHY on the first poll; DHCP waits for it. */
    return dhcp_start(&g_netif) == ERR_OK ? 0 : -1;
}

void ck_board_net_poll(void *ctx)
{
    uint32_t rx_before = g_eth.stats.rx_frames;
    (void)ctx;
    lan9118_netif_poll(&g_netif);
    sys_check_timeouts();
    if (g_eth.stats.rx_frames == rx_before) {
        /* Nothing came in: sleep to the next SysTick (1 ms), and count it as idle. */
        uint64_t t0 = ck_board_virtual_ns();
        __asm__ volatile("wfi");
        g_idle_ns += ck_board_virtual_ns() - t0;
    }
}

int ck_board_net_wait_lease(uint32_t timeout_ms)
{
    uint32_t start = ck_board_millis();
    while (!dhcp_supplied_address(&g_netif)) {
        if (ck_board_millis() - start >= timeout_ms) {
            return -1;
        }
        ck_board_net_poll(NULL);
    }
    return 0;
}

struct netif *ck_board_netif(void)
{
    return &g_netif;
}

const lan9118_stats *ck_board_net_stats(void)
{
    return &g_eth.stats;
}

static void net_sleep_ms(void *ctx, uint32_t ms)
{
    uint32_t start = ck_board_millis();
    (void)ctx;
    while (ck_board_millis() - start < ms) {
        ck_board_net_poll(NULL);
    }
}

void ck_board_net_platform(ck_platform *out)
{
    ck_board_test_platform(out); /* TEST ONLY random, SysTick clock */
    out->sleep_ms = net_sleep_ms;
}
