/**
 * @file lan9118_netif.c
 * @brief The LAN9118 (SMSC9220 family) as a polled lwIP netif; see
 * lan9118_netif.h. Register map and bit names follow the SMSC LAN9118
 * datasheet (section 5, "System Control and Status Registers").
 */
#include "lan9118_netif.h"

#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "netif/ethernet.h"

/* --- Registers (offsets from the base) ---------------------------------- */
#define R_RX_DATA 0x00u
#define R_TX_DATA 0x20u
#define R_RX_STATUS 0x40u
#define R_TX_STATUS 0x48u
#define R_ID_REV 0x50u
#define R_INT_STS 0x58u
#define R_INT_EN 0x5Cu
#define R_BYTE_TEST 0x64u
#define R_RX_CFG 0x6Cu
#define R_TX_CFG 0x70u
#define R_HW_CFG 0x74u
#define R_RX_FIFO_INF 0x7Cu
#define R_TX_FIFO_INF 0x80u
#define R_PMT_CTRL 0x84u
#define R_MAC_CSR_CMD 0xA4u
#define R_MAC_CSR_DATA 0xA8u

#define BYTE_TEST_VALUE 0x87654321u
#define HW_CFG_SRST 0x00000001u
#define HW_CFG_MBO 0x00100000u         /* must be one */
#define HW_CFG_TX_FIF_SZ(kb) ((uint32_t)(kb) << 16)
#define PMT_CTRL_READY 0x00000001u
#define TX_CFG_TX_ON 0x00000002u
#define TX_CFG_TXS_DUMP 0x00008000u
#define RX_CFG_RX_DUMP 0x00008000u
#define CSR_BUSY 0x80000000u
#define CSR_READ 0x40000000u

/* TX command A and B */
#define TXA_FIRST_SEG 0x00002000u
#define TXA_LAST_SEG 0x00001000u
#define TX_STATUS_ES 0x00008000u

/* RX status */
#define RXS_FILTER_FAIL 0x40000000u
#define RXS_LEN(s) (((s) >> 16) & 0x3FFFu)
#define RXS_ES 0x00008000u

/* MAC CSR registers, behind MAC_CSR_CMD/DATA */
#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_MII_ACC 6u
#define MAC_MII_DATA 7u
#define MAC_CR_FDPX 0x00100000u
#define MAC_CR_TXEN 0x00000008u
#define MAC_CR_RXEN 0x00000004u
#define MII_BUSY 0x00000001u
#define MII_WRITE 0x00000002u
#define PHY_ADDR 1u

/* PHY registers (IEEE 802.3 clause 22) */
#define PHY_BCR 0u
#define PHY_BSR 1u
#define PHY_ID1 2u
#define PHY_ID2 3u
#define PHY_ANAR 4u
#define BCR_RESET 0x8000u
#define BCR_AN_ENABLE 0x1000u
#define BCR_AN_RESTART 0x0200u
#define BSR_LINK 0x0004u
#define ANAR_ALL_10_100 0x01E1u

/* Frames: 14-byte header, up to 1500 bytes of payload, and the FCS the chip
 * appends to what it hands over. */
#define ETH_FRAME_MAX 1514u
#define ETH_FCS_LEN 4u
/** @brief Spins a register wait may take before it gives up. */
#define SPIN_LIMIT 100000u
/** @brief How often the PHY's link state is read. */
#define PHY_POLL_MS 50u

static inline volatile uint32_t *reg(const lan9118_if *d, uint32_t off)
{
    return (volatile uint32_t *)(d->base + off);
}

static inline uint32_t rd(const lan9118_if *d, uint32_t off)
{
    return *reg(d, off);
}

static inline void wr(const lan9118_if *d, uint32_t off, uint32_t v)
{
    *reg(d, off) = v;
}

/** @brief Wait while (register & mask) != 0; 0 when it cleared in time. */
static int wait_clear(const lan9118_if *d, uint32_t off, uint32_t mask)
{
    uint32_t n;
    for (n = 0; n < SPIN_LIMIT; n++) {
        if ((rd(d, off) & mask) == 0u) {
            return 0;
        }
    }
    return -1;
}

static int mac_read(const lan9118_if *d, uint32_t index, uint32_t *out)
{
    if (wait_clear(d, R_MAC_CSR_CMD, CSR_BUSY) != 0) {
        return -1;
    }
    wr(d, R_MAC_CSR_CMD, CSR_BUSY | CSR_READ | (index & 0xFFu));
    if (wait_clear(d, R_MAC_CSR_CMD, CSR_BUSY) != 0) {
        return -1;
    }
    *out = rd(d, R_MAC_CSR_DATA);
    return 0;
}

static int mac_write(const lan9118_if *d, uint32_t index, uint32_t v)
{
    if (wait_clear(d, R_MAC_CSR_CMD, CSR_BUSY) != 0) {
        return -1;
    }
    wr(d, R_MAC_CSR_DATA, v);
    wr(d, R_MAC_CSR_CMD, CSR_BUSY | (index & 0xFFu));
    return wait_clear(d, R_MAC_CSR_CMD, CSR_BUSY);
}

/** @brief Wait for the MII port to be idle (MII_ACC's busy bit). */
static int mii_idle(const lan9118_if *d)
{
    uint32_t n;
    uint32_t acc = MII_BUSY;
    for (n = 0; n < SPIN_LIMIT / 16u; n++) {
        if (mac_read(d, MAC_MII_ACC, &acc) != 0) {
            return -1;
        }
        if ((acc & MII_BUSY) == 0u) {
            return 0;
        }
    }
    return -1;
}

static int phy_read(const lan9118_if *d, uint32_t r, uint16_t *out)
{
    uint32_t v;
    if (mii_idle(d) != 0 || mac_write(d, MAC_MII_ACC, (PHY_ADDR << 11) | (r << 6) | MII_BUSY) != 0 ||
        mii_idle(d) != 0 || mac_read(d, MAC_MII_DATA, &v) != 0) {
        return -1;
    }
    *out = (uint16_t)(v & 0xFFFFu);
    return 0;
}

static int phy_write(const lan9118_if *d, uint32_t r, uint16_t v)
{
    if (mii_idle(d) != 0 || mac_write(d, MAC_MII_DATA, v) != 0 ||
        mac_write(d, MAC_MII_ACC, (PHY_ADDR << 11) | (r << 6) | MII_WRITE | MII_BUSY) != 0) {
        return -1;
    }
    return mii_idle(d);
}

/** @brief ADDRL and ADDRH as the chip holds a MAC address: bytes 0-3 and 4-5, first byte lowest. */
static void mac_words(const uint8_t *mac, uint32_t *lo, uint32_t *hi)
{
    *lo = (uint32_t)mac[0] | ((uint32_t)mac[1] << 8) | ((uint32_t)mac[2] << 16) | ((uint32_t)mac[3] << 24);
    *hi = (uint32_t)mac[4] | ((uint32_t)mac[5] << 8);
}

/** @brief The MAC address the chip holds (loaded from its EEPROM), else QEMU's default. */
static void read_mac(lan9118_if *d)
{
    static const uint8_t fallback[6] = {0x52u, 0x54u, 0x00u, 0x12u, 0x34u, 0x56u};
    uint32_t lo = 0;
    uint32_t hi = 0;

    if (mac_read(d, MAC_ADDRL, &lo) == 0 && mac_read(d, MAC_ADDRH, &hi) == 0) {
        d->mac[0] = (uint8_t)lo;
        d->mac[1] = (uint8_t)(lo >> 8);
        d->mac[2] = (uint8_t)(lo >> 16);
        d->mac[3] = (uint8_t)(lo >> 24);
        d->mac[4] = (uint8_t)hi;
        d->mac[5] = (uint8_t)(hi >> 8);
    }
    /* None programmed (all 0 or all 1), or a multicast address: use the default. */
    if ((lo == 0u && (hi & 0xFFFFu) == 0u) || (lo == 0xFFFFFFFFu && (hi & 0xFFFFu) == 0xFFFFu) ||
        (d->mac[0] & 1u) != 0u) {
        memcpy(d->mac, fallback, sizeof d->mac);
        mac_words(fallback, &lo, &hi);
        (void)mac_write(d, MAC_ADDRL, lo);
        (void)mac_write(d, MAC_ADDRH, hi);
    }
}

/** @brief Read the PHY's link bit and tell lwIP when it changed. */
static void poll_link(struct netif *netif, lan9118_if *d)
{
    uint16_t bsr = 0;
    uint8_t up;

    /* BSR's link bit latches low: read twice for the current state. */
    if (phy_read(d, PHY_BSR, &bsr) != 0 || phy_read(d, PHY_BSR, &bsr) != 0) {
        return;
    }
    up = (bsr & BSR_LINK) != 0u ? 1u : 0u;
    if (up == d->link_up) {
        return;
    }
    d->link_up = up;
    d->stats.link_changes++;
    if (up) {
        netif_set_link_up(netif);
    } else {
        netif_set_link_down(netif);
    }
}

/** @brief netif->linkoutput: one frame, one TX FIFO segment. */
static err_t lan9118_output(struct netif *netif, struct pbuf *p)
{
    lan9118_if *d = (lan9118_if *)netif->state;
    const struct pbuf *q;
    uint32_t len = p->tot_len;
    uint32_t word = 0;
    uint32_t nbytes = 0;
    uint32_t n;
    uint32_t status_count;

    if (len > ETH_FRAME_MAX) {
        d->stats.tx_errors++;
        return ERR_BUF;
    }
    /* Room for the two command words and the data, rounded up to words. */
    for (n = 0; (rd(d, R_TX_FIFO_INF) & 0xFFFFu) < ((len + 3u) & ~3u) + 8u; n++) {
        if (n >= SPIN_LIMIT) {
            d->stats.tx_no_space++;
            return ERR_MEM;
        }
    }
    wr(d, R_TX_DATA, TXA_FIRST_SEG | TXA_LAST_SEG | len);
    wr(d, R_TX_DATA, ((d->stats.tx_frames & 0xFFFFu) << 16) | len); /* tag: frame number */
    for (q = p; q != NULL; q = q->next) {
        const uint8_t *b = (const uint8_t *)q->payload;
        for (n = 0; n < q->len; n++) {
            word |= (uint32_t)b[n] << (8u * nbytes);
            if (++nbytes == 4u) {
                wr(d, R_TX_DATA, word);
                word = 0;
                nbytes = 0;
            }
        }
    }
    if (nbytes != 0u) {
        wr(d, R_TX_DATA, word);
    }
    d->stats.tx_frames++;
    /* Collect the TX status words (one per frame sent) and count errors. */
    status_count = (rd(d, R_TX_FIFO_INF) >> 16) & 0xFFu;
    while (status_count-- > 0u) {
        if ((rd(d, R_TX_STATUS) & TX_STATUS_ES) != 0u) {
            d->stats.tx_errors++;
        }
    }
    return ERR_OK;
}

/** @brief Read and drop @p words words of the current RX frame. */
static void rx_discard(const lan9118_if *d, uint32_t words)
{
    while (words-- > 0u) {
        (void)rd(d, R_RX_DATA);
    }
}

/** @brief Take one frame of @p len bytes (FCS included) out of the RX data FIFO into lwIP. */
static void rx_frame(struct netif *netif, lan9118_if *d, uint32_t status)
{
    uint32_t len = RXS_LEN(status);
    uint32_t words = (len + 3u) / 4u;
    uint32_t data_len;
    uint32_t taken = 0;
    uint32_t word = 0;
    uint32_t avail = 0;
    struct pbuf *p;
    struct pbuf *q;

    if ((status & (RXS_ES | RXS_FILTER_FAIL)) != 0u || len < 14u + ETH_FCS_LEN ||
        len > ETH_FRAME_MAX + ETH_FCS_LEN) {
        rx_discard(d, words);
        d->stats.rx_errors++;
        return;
    }
    data_len = len - ETH_FCS_LEN;
    p = pbuf_alloc(PBUF_RAW, (u16_t)data_len, PBUF_POOL);
    if (p == NULL) {
        rx_discard(d, words);
        d->stats.rx_no_pbuf++;
        return;
    }
    for (q = p; q != NULL; q = q->next) {
        uint8_t *b = (uint8_t *)q->payload;
        uint32_t i;
        for (i = 0; i < q->len; i++) {
            if (avail == 0u) {
                word = rd(d, R_RX_DATA);
                taken++;
                avail = 4u;
            }
            b[i] = (uint8_t)word;
            word >>= 8;
            avail--;
        }
    }
    rx_discard(d, words - taken); /* the FCS */
    d->stats.rx_frames++;
    if (netif->input(p, netif) != ERR_OK) {
        pbuf_free(p);
    }
}

void lan9118_netif_poll(struct netif *netif)
{
    lan9118_if *d = (lan9118_if *)netif->state;
    uint32_t now = sys_now();

    while (((rd(d, R_RX_FIFO_INF) >> 16) & 0xFFu) != 0u) {
        rx_frame(netif, d, rd(d, R_RX_STATUS));
    }
    if (now - d->last_phy_poll >= PHY_POLL_MS) {
        d->last_phy_poll = now;
        poll_link(netif, d);
    }
}

err_t lan9118_netif_init(struct netif *netif)
{
    lan9118_if *d = (lan9118_if *)netif->state;
    uint16_t id1 = 0;
    uint16_t id2 = 0;
    uint32_t n;

    if (d == NULL || rd(d, R_BYTE_TEST) != BYTE_TEST_VALUE) {
        return ERR_IF;
    }
    /* ID_REV: chip id in the upper half (0x0118 LAN9118, 0x9220 LAN9220...). */
    if ((rd(d, R_ID_REV) >> 16) == 0u) {
        return ERR_IF;
    }
    wr(d, R_HW_CFG, HW_CFG_SRST);
    if (wait_clear(d, R_HW_CFG, HW_CFG_SRST) != 0) {
        return ERR_IF;
    }
    for (n = 0; (rd(d, R_PMT_CTRL) & PMT_CTRL_READY) == 0u; n++) {
        if (n >= SPIN_LIMIT) {
            return ERR_IF;
        }
    }
    wr(d, R_INT_EN, 0u);          /* polled: no interrupts */
    wr(d, R_INT_STS, 0xFFFFFFFFu);
    wr(d, R_HW_CFG, HW_CFG_MBO | HW_CFG_TX_FIF_SZ(5u)); /* 5 KiB TX FIFO, the rest RX */
    read_mac(d);

    /* PHY: reset, advertise 10/100 half/full, auto-negotiate. */
    if (phy_write(d, PHY_BCR, BCR_RESET) != 0) {
        return ERR_IF;
    }
    for (n = 0; n < SPIN_LIMIT / 64u; n++) {
        uint16_t bcr = BCR_RESET;
        if (phy_read(d, PHY_BCR, &bcr) != 0) {
            return ERR_IF;
        }
        if ((bcr & BCR_RESET) == 0u) {
            break;
        }
    }
    if (phy_read(d, PHY_ID1, &id1) != 0 || phy_read(d, PHY_ID2, &id2) != 0 ||
        phy_write(d, PHY_ANAR, ANAR_ALL_10_100) != 0 ||
        phy_write(d, PHY_BCR, BCR_AN_ENABLE | BCR_AN_RESTART) != 0) {
        return ERR_IF;
    }
    d->phy_id = ((uint32_t)id1 << 16) | id2;

    /* FIFOs empty, transmitter on, MAC receiving and sending (full duplex). */
    wr(d, R_RX_CFG, RX_CFG_RX_DUMP);
    wr(d, R_TX_CFG, TX_CFG_TXS_DUMP);
    wr(d, R_TX_CFG, TX_CFG_TX_ON);
    if (mac_write(d, MAC_CR, MAC_CR_FDPX | MAC_CR_TXEN | MAC_CR_RXEN) != 0) {
        return ERR_IF;
    }

    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, d->mac, ETH_HWADDR_LEN);
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
    netif->linkoutput = lan9118_output;
    d->link_up = 0;
    d->last_phy_poll = sys_now() - PHY_POLL_MS;
    return ERR_OK;
}
