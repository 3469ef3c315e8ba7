/**
 * @file lan9118_netif.h
 * @brief An lwIP network interface (NO_SYS = 1, polled) for the SMSC
 * LAN9118 / LAN9220 Ethernet controller, as the MPS2 boards carry it (and
 * QEMU's mps2-an385/an386/an500 model it) at 0x40200000 in 32-bit mode.
 *
 * What it does: checks the chip (BYTE_TEST, ID_REV), soft-resets it, takes
 * the MAC address the chip loaded (ADDRH/ADDRL through the MAC CSR port;
 * QEMU's default 52:54:00:12:34:56 when the chip holds none), resets the
 * PHY and starts auto-negotiation over MII, and enables the MAC in full
 * duplex. Frames go out through the TX data FIFO (command A and B, one
 * segment per frame) and come in through the RX status and data FIFOs,
 * polled: lan9118_netif_poll() moves every waiting frame into lwIP and
 * reports the PHY's link state with netif_set_link_up/down. A frame whose
 * status says error (ES: CRC, runt, too long, collision, MII error), that
 * failed the address filter, or that has an impossible length is read out
 * of the FIFO, dropped and counted; so is one no pbuf is left for.
 *
 * No interrupts: the chip's IRQ line stays masked (INT_EN = 0), so lwIP is
 * only ever entered from the superloop (SYS_LIGHTWEIGHT_PROT 0). Every wait
 * on the chip is bounded.
 */
#ifndef CK_LAN9118_NETIF_H
#define CK_LAN9118_NETIF_H

#include <stdint.h>

#include "lwip/err.h"
#include "lwip/netif.h"

/** @brief The controller's base address on MPS2 (AN385, AN386, AN500). */
#define LAN9118_MPS2_BASE 0x40200000u

/** @brief Counters of the driver, for reports and tests. */
typedef struct lan9118_stats {
    uint32_t rx_frames;     /**< frames handed to lwIP */
    uint32_t rx_errors;     /**< dropped: error status, filter failure or bad length */
    uint32_t rx_no_pbuf;    /**< dropped: no pbuf left in lwIP's pool */
    uint32_t tx_frames;     /**< frames written to the TX FIFO */
    uint32_t tx_errors;     /**< TX status with error, or frame too long */
    uint32_t tx_no_space;   /**< dropped: the TX FIFO stayed full */
    uint32_t link_changes;  /**< link up/down transitions seen on the PHY */
} lan9118_stats;

/** @brief The driver's state; one per controller, kept static by the caller. */
typedef struct lan9118_if {
    uintptr_t base;         /**< register base address */
    uint32_t last_phy_poll; /**< sys_now() of the last PHY read */
    uint8_t mac[6];
    uint8_t link_up;        /**< as last reported to lwIP */
    uint8_t reserved;
    uint32_t phy_id;        /**< PHY identifier (MII registers 2 and 3) */
    lan9118_stats stats;
} lan9118_if;

/**
 * @brief netif_add()'s init function: @p netif->state must point at a
 * ::lan9118_if whose base is set. Resets and configures the chip.
 * @return ERR_OK; ERR_IF when no LAN9118 answers at the base address or
 *         it does not come out of reset.
 */
err_t lan9118_netif_init(struct netif *netif);

/**
 * @brief Move every frame waiting in the RX FIFO into lwIP and, every
 * 50 ms, read the PHY's link state (netif_set_link_up/down on a change).
 * Call it from the superloop and while waiting on the network.
 */
void lan9118_netif_poll(struct netif *netif);

#endif /* CK_LAN9118_NETIF_H */
