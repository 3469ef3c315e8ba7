/**
 * @file board.h
 * @brief Board glue for QEMU's `mps2-an386` (Arm MPS2 + AN386, Cortex-M4):
 * reset and fault handling, the semihosting console and exit code, a
 * millisecond clock on SysTick, and the stack's high-water mark.
 *
 * A program for this board is an ordinary `int main(void)` linked with
 * startup.c, semihost.c and platform.c, newlib's `--specs=rdimon.specs
 * -nostartfiles` and mps2_an386.ld (see board.mk). printf goes to QEMU's
 * stdout through semihosting; main's return value (or exit()'s argument)
 * becomes QEMU's exit status; a fault prints what happened and exits with
 * CK_BOARD_EXIT_FAULT.
 */
#ifndef CK_BOARD_H
#define CK_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "cardkit/ck_platform.h"

/** @brief Exit status after a fault (HardFault, BusFault, ...), as a shell shows SIGSEGV. */
#define CK_BOARD_EXIT_FAULT 139

/** @brief The core clock of the MPS2 FPGA images (SysTick counts it). */
#define CK_BOARD_SYSCLK_HZ 25000000u

/* ------------------------------------------------------------------------ */
/* Semihosting (semihost.c): usable before stdio is up and from faults.    */
/* ------------------------------------------------------------------------ */

/** @brief Write a NUL-terminated string to the host's stdout (SYS_WRITE0). */
void ck_board_puts(const char *s);

/**
 * @brief End the program with @p status as QEMU's exit status
 * (SYS_EXIT_EXTENDED; SYS_EXIT as a fallback, which only tells 0 from
 * non-zero). Does not return.
 */
void ck_board_exit(int status) __attribute__((noreturn));

/**
 * @brief The program's command line from the host (SYS_GET_CMDLINE: under
 * QEMU, the image's path and then -append's text), NUL-terminated in @p buf.
 * @return its length, or -1 when the host gives none or it does not fit.
 */
int ck_board_cmdline(char *buf, size_t cap);

/** @brief Centiseconds since QEMU started (SYS_CLOCK); for reports only. */
uint32_t ck_board_host_centis(void);

/* ------------------------------------------------------------------------ */
/* Stack (startup.c)                                                        */
/* ------------------------------------------------------------------------ */

/** @brief Size of the main stack in bytes (mps2_an386.ld, __stack_size). */
size_t ck_board_stack_size(void);

/**
 * @brief Deepest use of the stack since reset or the last
 * ck_board_stack_repaint(), in bytes from its top, found by looking for
 * the paint that reset laid down.
 */
size_t ck_board_stack_high_water(void);

/**
 * @brief Paint the unused part of the stack again (below the caller's
 * frame), so that ck_board_stack_high_water() measures what follows.
 */
void ck_board_stack_repaint(void);

/** @brief The current stack pointer, as a distance in bytes from the stack's top. */
size_t ck_board_stack_depth(void);

/* ------------------------------------------------------------------------ */
/* Clock and platform (platform.c)                                          */
/* ------------------------------------------------------------------------ */

/** @brief Start SysTick at 1 kHz (idempotent). */
void ck_board_clock_start(void);

/** @brief Milliseconds since ck_board_clock_start(), wrapping at 2^32. */
uint32_t ck_board_millis(void);

/**
 * @brief A ::ck_platform for tests on this board: now_ms and sleep_ms on
 * SysTick, no calendar date.
 *
 * TEST ONLY: its random hook is a fixed-seed generator, because QEMU's
 * mps2-an386 has no TRNG. Predictable random bytes break TLS (keys,
 * nonces) and idempotency keys: a product board must fill ck_platform::random
 * from its TRNG instead. Starts the clock.
 */
void ck_board_test_platform(ck_platform *out);

/**
 * @brief The fixed-seed generator behind ck_board_test_platform(), for test
 * code that needs more of it (the in-process TLS server). TEST ONLY.
 */
void ck_board_test_random_bytes(uint8_t *buf, size_t len);

#endif /* CK_BOARD_H */
