/**
 * @file arch/cc.h
 * @brief lwIP's compiler and C library glue for arm-none-eabi with newlib,
 * NO_SYS = 1 (the networked kiosk image; see ../lwipopts.h).
 */
#ifndef CK_BOARD_LWIP_RAW_ARCH_CC_H
#define CK_BOARD_LWIP_RAW_ARCH_CC_H

#include <stdint.h>

/* newlib provides errno and its values. */
#define LWIP_ERRNO_STDINCLUDE 1
/* No sockets: lwIP's own struct timeval is never needed. */
#define LWIP_TIMEVAL_PRIVATE 0

/* lwIP's random numbers (DHCP transaction ids, DNS query ids, TCP initial
 * sequence numbers and local ports): the board's generator
 * (lan9118_netif.c). TEST ONLY on QEMU (no TRNG); a product wires its TRNG. */
uint32_t ck_board_net_rand(void);
#define LWIP_RAND() ck_board_net_rand()

#define LWIP_PLATFORM_DIAG(x) do { } while (0)
/* Unreachable with LWIP_NOASSERT; should it be enabled, stop hard. */
#define LWIP_PLATFORM_ASSERT(x) do { for (;;) { } } while (0)

#endif /* CK_BOARD_LWIP_RAW_ARCH_CC_H */
