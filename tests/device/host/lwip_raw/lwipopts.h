/**
 * @file lwipopts.h
 * @brief lwIP options of the raw-API transport's host test (and of its
 * compile check for the Cortex-M4, `make lwip-raw-cross`): a bare-metal
 * build, NO_SYS = 1, raw API only, lwIP's static pools only (no C library
 * heap), IPv4 + TCP + UDP for DNS with a local host list, and the loopback
 * interface (127.0.0.1) whose packets the test's poll hook delivers
 * (netif_poll_all).
 */
#ifndef CK_TEST_LWIP_RAW_LWIPOPTS_H
#define CK_TEST_LWIP_RAW_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_TCP 1
#define LWIP_UDP 1
#define LWIP_ARP 0
#define LWIP_ETHERNET 0
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0

/* Names: a DNS client, and a static host list (no lookup on the wire). */
#define LWIP_DNS 1
#define DNS_LOCAL_HOSTLIST 1
#define DNS_LOCAL_HOSTLIST_IS_DYNAMIC 0
#define DNS_LOCAL_HOSTLIST_INIT \
    { DNS_LOCAL_HOSTLIST_ELEM("issuer.test", IPADDR4_INIT_BYTES(127, 0, 0, 1)) }

/* The loopback interface, polled from the superloop. */
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_LOOPBACK_MAX_PBUFS 64

/* Memory: lwIP's own heap and pools, in static arrays. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
/* Pointer-aligned pools: 8 on a 64-bit host (UBSan checks it), 4 on the M4. */
#if defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ > 4
#define MEM_ALIGNMENT 8
#else
#define MEM_ALIGNMENT 4
#endif
#define MEM_SIZE (48 * 1024)
#define MEMP_NUM_PBUF 32
#define MEMP_NUM_TCP_PCB 8
#define MEMP_NUM_TCP_PCB_LISTEN 4
#define MEMP_NUM_TCP_SEG 64
#define PBUF_POOL_SIZE 32

/* TCP: a 4-segment window and send buffer (the sizes of a small board). */
#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (4 * TCP_MSS)
#define TCP_SND_QUEUELEN 16
#define LWIP_WND_SCALE 0
/* The test's server rebinds its port while older connections sit in TIME_WAIT. */
#define SO_REUSE 1

/* Statistics: the test checks that pools are back to empty. */
#define LWIP_STATS 1
#define MEMP_STATS 1
#define MEM_STATS 1
#define LWIP_STATS_DISPLAY 0
#define LINK_STATS 0
#define IP_STATS 0
#define ICMP_STATS 0
#define UDP_STATS 0
#define TCP_STATS 0
#define SYS_STATS 0

#endif /* CK_TEST_LWIP_RAW_LWIPOPTS_H */
