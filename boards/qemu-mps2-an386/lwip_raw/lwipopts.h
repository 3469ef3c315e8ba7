/**
 * @file lwipopts.h
 * @brief lwIP options of the networked kiosk image (net_kiosk.c): a
 * bare-metal superloop, no RTOS (NO_SYS = 1), the raw API only, IPv4 with
 * ARP, DHCP, DNS and TCP over the board's LAN9118 (lan9118_netif.c).
 *
 * Memory: lwIP's own static pools and its static heap (MEM_SIZE), never
 * the C library's malloc (MEM_LIBC_MALLOC 0, MEMP_MEM_MALLOC 0). One TLS
 * connection at a time, so the pools are sized for one TCP PCB plus the
 * ones lwIP needs in passing (a closing PCB in TIME_WAIT, DHCP and DNS on
 * UDP). `make size-net` prints what they add up to.
 *
 * The other lwip/ folder beside this one is the socket port's (NO_SYS = 0)
 * compile check; this one is what the networked image runs.
 */
#ifndef CK_BOARD_LWIP_RAW_OPTS_H
#define CK_BOARD_LWIP_RAW_OPTS_H

/* --- System: superloop, raw API -------------------------------------------- */
#define NO_SYS 1
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define SYS_LIGHTWEIGHT_PROT 0 /* no interrupt handler touches lwIP: RX is polled */
#define LWIP_TIMERS 1

/* --- Memory: static pools and lwIP's own static heap ----------------------- */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 4
/* lwIP's heap: outgoing TCP segments (PBUF_RAM) up to TCP_SND_BUF, plus headers. */
#define MEM_SIZE (4 * 1024)
#define MEMP_NUM_PBUF 8
#define MEMP_NUM_RAW_PCB 0
#define MEMP_NUM_UDP_PCB 2     /* DHCP, DNS */
#define MEMP_NUM_TCP_PCB 2     /* the issuer's connection + one closing */
#define MEMP_NUM_TCP_PCB_LISTEN 0
#define MEMP_NUM_TCP_SEG 12    /* >= TCP_SND_QUEUELEN */
#define MEMP_NUM_REASSDATA 0
#define MEMP_NUM_FRAG_PBUF 0
#define MEMP_NUM_ARP_QUEUE 4
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 1)
/* Incoming frames: pool buffers of one full TCP segment each. */
#define PBUF_POOL_SIZE 4
#define PBUF_POOL_BUFSIZE LWIP_MEM_ALIGN_SIZE(TCP_MSS + 40 + PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN)

/* --- IPv4, ARP, DHCP, DNS -------------------------------------------------- */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define ETHARP_TABLE_SIZE 4
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define IP_REASSEMBLY 0
#define IP_FRAG 0
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_DHCP 1
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define DHCP_DOES_ARP_CHECK 0 /* QEMU's user network: nobody else on the link */
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_UDP 1
#define LWIP_DNS 1
#define DNS_TABLE_SIZE 1
#define DNS_MAX_NAME_LENGTH 128
/* Names the image is told at run time (net_kiosk.c: the issuer's name,
 * mapped to QEMU's host address); anything else goes to the DHCP lease's
 * DNS server. */
#define DNS_LOCAL_HOSTLIST 1
#define DNS_LOCAL_HOSTLIST_IS_DYNAMIC 1
#define MEMP_NUM_LOCALHOSTLIST 1

/* --- TCP: one connection, TLS records of up to 4 KiB ----------------------- */
#define LWIP_TCP 1
#define TCP_MSS 1460
#define TCP_WND (2 * TCP_MSS)
#define TCP_SND_BUF (2 * TCP_MSS)
#define TCP_SND_QUEUELEN ((4 * (TCP_SND_BUF) + (TCP_MSS - 1)) / (TCP_MSS))
#define TCP_QUEUE_OOSEQ 0
#define LWIP_TCP_KEEPALIVE 0
#define LWIP_TCP_TIMESTAMPS 0
#define LWIP_WND_SCALE 0
#define LWIP_ALTCP 0

/* --- Interface ------------------------------------------------------------- */
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_SINGLE_NETIF 1
#define LWIP_NETIF_LOOPBACK 0
#define LWIP_HAVE_LOOPIF 0
#define ETH_PAD_SIZE 0

/* --- Checks and statistics ------------------------------------------------- */
#define LWIP_STATS 0
#define LWIP_STATS_DISPLAY 0
#define LWIP_NOASSERT 1
#define LWIP_DEBUG 0
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_CHECK_IP 1

#endif /* CK_BOARD_LWIP_RAW_OPTS_H */
