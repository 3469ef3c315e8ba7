/**
 * @file lwipopts.h
 * @brief lwIP options of a Cortex-M kiosk board with an RTOS, as the lwIP
 * port of cardkit expects them: sockets (hence NO_SYS = 0), TCP, IPv4, DNS,
 * select and poll. Used to compile port/lwip for the target against
 * Debian's lwIP headers (`make lwip-cross`, and `make size` for its figures);
 * QEMU's mps2-an386 runs no lwIP, so nothing here is linked or run.
 */
#ifndef CK_BOARD_LWIPOPTS_H
#define CK_BOARD_LWIPOPTS_H

#define NO_SYS 0
#define LWIP_SOCKET 1
#define LWIP_NETCONN 1
#define LWIP_COMPAT_SOCKETS 0
#define LWIP_SOCKET_POLL 1
#define LWIP_SOCKET_SELECT 1
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_TCP 1
#define LWIP_UDP 1
#define LWIP_DNS 1
#define LWIP_SO_RCVTIMEO 0
#define LWIP_TCPIP_CORE_LOCKING 1
#define MEM_ALIGNMENT 4
#define MEM_SIZE (8 * 1024)
#define MEMP_NUM_NETCONN 4
#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (4 * TCP_MSS)

#endif /* CK_BOARD_LWIPOPTS_H */
