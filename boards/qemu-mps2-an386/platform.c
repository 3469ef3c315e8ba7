/**
 * @file platform.c
 * @brief A millisecond clock on SysTick, and a ::ck_platform for tests on
 * QEMU's mps2-an386.
 *
 * The random hook here is a fixed-seed generator, for tests only: QEMU's
 * mps2-an386 has no TRNG. A product board fills ck_platform::random from
 * its TRNG (and, for mbedTLS, its entropy hook from the same source).
 */
#include "board.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CSR_ENABLE 0x1u
#define SYST_CSR_TICKINT 0x2u
#define SYST_CSR_CLKSOURCE 0x4u

void ck_board_systick(void);

static volatile uint32_t g_millis;

void ck_board_systick(void)
{
    g_millis = g_millis + 1u;
}

void ck_board_clock_start(void)
{
    if ((SYST_CSR & SYST_CSR_ENABLE) != 0u) {
        return;
    }
    SYST_RVR = CK_BOARD_SYSCLK_HZ / 1000u - 1u;
    SYST_CVR = 0u;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
}

uint32_t ck_board_millis(void)
{
    return g_millis;
}

/* ------------------------------------------------------------------------ */
/* Test platform                                                            */
/* ------------------------------------------------------------------------ */

static uint32_t plat_now_ms(void *ctx)
{
    (void)ctx;
    return ck_board_millis();
}

static void plat_sleep_ms(void *ctx, uint32_t ms)
{
    uint32_t start = ck_board_millis();
    (void)ctx;
    while (ck_board_millis() - start < ms) {
        __asm__ volatile("wfi");
    }
}

/* TEST ONLY: xorshift64 from a fixed seed. Not random, not secret. */
static uint64_t g_test_rng = 0x2545F4914F6CDD1Dull;

void ck_board_test_random_bytes(uint8_t *buf, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        g_test_rng ^= g_test_rng << 13;
        g_test_rng ^= g_test_rng >> 7;
        g_test_rng ^= g_test_rng << 17;
        buf[i] = (uint8_t)(g_test_rng >> 32);
    }
}

static ck_err plat_random_test_only(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    ck_board_test_random_bytes(buf, len);
    return CK_OK;
}

void ck_board_test_platform(ck_platform *out)
{
    ck_board_clock_start();
    out->ctx = NULL;
    out->now_ms = plat_now_ms;
    out->sleep_ms = plat_sleep_ms;
    out->random = plat_random_test_only;
    out->today = NULL;
}
