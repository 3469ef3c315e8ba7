/**
 * @file net_board.h
 * @brief The board's network for the NO_SYS = 1 lwIP build: lwIP's clock
 * and random numbers, the LAN9118 netif, DHCP, and the poll hook that keeps
 * the stack running while cardkit waits (see port/lwip/ck_lwip_raw.h).
 *
 * Superloop model: nothing in lwIP runs from an interrupt. Whoever waits on
 * the network calls ck_board_net_poll(), which moves received frames into
 * lwIP, reads the PHY's link state and runs lwIP's timers.
 */
#ifndef CK_NET_BOARD_H
#define CK_NET_BOARD_H

#include <stdint.h>

#include "cardkit/ck_platform.h"
#include "lan9118_netif.h"
#include "lwip/ip_addr.h"

/** @brief Bring up lwIP and the LAN9118 netif and start DHCP. 0 on success, -1 when no chip answers. */
int ck_board_net_start(void);

/** @brief The poll hook: driver input, link state, lwIP's timers. @p ctx is unused. */
void ck_board_net_poll(void *ctx);

/**
 * @brief Poll until DHCP has bound an address, at most @p timeout_ms.
 * @return 0 with a lease, -1 on timeout.
 */
int ck_board_net_wait_lease(uint32_t timeout_ms);

/** @brief The interface (address, gateway, driver counters through its state). */
struct netif *ck_board_netif(void);

/** @brief The driver's counters. */
const lan9118_stats *ck_board_net_stats(void);

/**
 * @brief A ::ck_platform for the networked image: now_ms on SysTick, and a
 * sleep_ms that keeps polling the network (a back-off between retries must
 * not stall TCP, ARP or DHCP). TEST ONLY random (no TRNG on QEMU), as
 * ck_board_test_platform().
 */
void ck_board_net_platform(ck_platform *out);

/**
 * @brief Virtual nanoseconds since reset, from SysTick (25 MHz): under QEMU
 * with `-icount shift=0`, one instruction per nanosecond.
 */
uint64_t ck_board_virtual_ns(void);

/**
 * @brief Virtual nanoseconds spent idle (in WFI inside ck_board_net_poll())
 * since reset: subtracted from ck_board_virtual_ns() it leaves the
 * instructions executed.
 */
uint64_t ck_board_idle_ns(void);

#endif /* CK_NET_BOARD_H */
