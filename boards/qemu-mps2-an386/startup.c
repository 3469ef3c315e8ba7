/**
 * @file startup.c
 * @brief Reset and exceptions for QEMU's mps2-an386 (Cortex-M4).
 *
 * The 16-entry vector table sits at address 0 (section .vectors, placed by
 * mps2_an386.ld). Reset copies .data, clears .bss, paints the stack, makes
 * code memory read-only with the MPU (as flash would be), bounds newlib's
 * heap below the stack, opens the semihosting console and runs main();
 * main's result is the exit status QEMU returns. Every fault
 * and every exception nobody asked for prints the faulting PC and the fault
 * status registers and exits with CK_BOARD_EXIT_FAULT, so that a crash
 * fails the test run instead of hanging it.
 *
 * Built with newlib's rdimon.specs and -nostartfiles: newlib's own _start
 * would move the stack to wherever the semihosting host suggests.
 */
#include <stdint.h>
#include <stdlib.h>

#include "board.h"

/* From mps2_an386.ld. */
extern uint32_t __data_load[];
extern uint32_t __data_start[];
extern uint32_t __data_end[];
extern uint32_t __bss_start__[];
extern uint32_t __bss_end__[];
extern uint32_t __stack_top[];
extern uint32_t __stack_limit[];

/* From newlib: rdimon's heap ceiling, the semihosting console, constructors. */
extern uint32_t __heap_limit;
extern void initialise_monitor_handles(void);
extern void __libc_init_array(void);

extern int main(void);

void ck_board_reset(void) __attribute__((noreturn));
void ck_board_fault(const uint32_t *frame, uint32_t exc_return) __attribute__((noreturn, used));
void ck_board_systick(void);
void _init(void);
void _fini(void);

/** @brief Stack paint: a word no frame is likely to hold. */
#define CK_STACK_PAINT 0xC0DEFACEu

/** @brief Words left unpainted below the painter's own frame. */
#define CK_STACK_MARGIN_WORDS 16u

/* ------------------------------------------------------------------------ */
/* Stack                                                                    */
/* ------------------------------------------------------------------------ */

static inline uint32_t *current_sp(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/** @brief Paint from the stack's limit up to below the current frame. */
static void paint_below(uint32_t *sp)
{
    uint32_t *p = __stack_limit;
    uint32_t *stop = sp - CK_STACK_MARGIN_WORDS;
    while (p < stop) {
        *p++ = CK_STACK_PAINT;
    }
}

size_t ck_board_stack_size(void)
{
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)__stack_limit);
}

size_t ck_board_stack_high_water(void)
{
    const uint32_t *p = __stack_limit;
    while (p < __stack_top && *p == CK_STACK_PAINT) {
        p++;
    }
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)p);
}

void ck_board_stack_repaint(void)
{
    paint_below(current_sp());
}

size_t ck_board_stack_depth(void)
{
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)current_sp());
}

/* ------------------------------------------------------------------------ */
/* MPU: code memory read-only                                              */
/* ------------------------------------------------------------------------ */

#define MPU_TYPE (*(volatile const uint32_t *)0xE000ED90u)
#define MPU_CTRL (*(volatile uint32_t *)0xE000ED94u)
#define MPU_RNR (*(volatile uint32_t *)0xE000ED98u)
#define MPU_RBAR (*(volatile uint32_t *)0xE000ED9Cu)
#define MPU_RASR (*(volatile uint32_t *)0xE000EDA0u)
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)

/**
 * @brief Make the 4 MiB of code memory at 0 read-only, as flash is on a
 * product: a stray write there (a NULL pointer plus an offset, say) is a
 * MemManage fault instead of a silently rewritten vector table or code.
 * Everything else keeps the default memory map (PRIVDEFENA).
 */
static void protect_code(void)
{
    if ((MPU_TYPE & 0xFF00u) == 0u) {
        return; /* no MPU */
    }
    MPU_RNR = 0u;
    MPU_RBAR = 0x00000000u;
    /* AP = 0b110 (read-only for all), C = 1 (normal memory, cacheable),
     * SIZE = 21 (2^22 bytes), ENABLE. */
    MPU_RASR = (6u << 24) | (1u << 17) | (21u << 1) | 1u;
    SCB_SHCSR |= 1u << 16; /* MemManage faults reported as such */
    MPU_CTRL = (1u << 2) | 1u; /* PRIVDEFENA | ENABLE */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* ------------------------------------------------------------------------ */
/* Reset                                                                    */
/* ------------------------------------------------------------------------ */

void _init(void)
{
}

void _fini(void)
{
}

void ck_board_reset(void)
{
    const uint32_t *src = __data_load;
    uint32_t *dst = __data_start;
    while (dst < __data_end) {
        *dst++ = *src++;
    }
    for (dst = __bss_start__; dst < __bss_end__; dst++) {
        *dst = 0u;
    }
    paint_below(current_sp());
    protect_code();
    /* newlib's _sbrk stops at this ceiling (and at the live SP). */
    __heap_limit = (uint32_t)(uintptr_t)__stack_limit;

    initialise_monitor_handles();
    __libc_init_array();
    exit(main());
}

/* ------------------------------------------------------------------------ */
/* Faults                                                                   */
/* ------------------------------------------------------------------------ */

#define SCB_CFSR (*(volatile const uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile const uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile const uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile const uint32_t *)0xE000ED38u)

static void put_hex(const char *label, uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    char buf[16];
    unsigned i;
    buf[0] = ' ';
    buf[1] = '0';
    buf[2] = 'x';
    for (i = 0; i < 8u; i++) {
        buf[3u + i] = digits[(v >> (28u - 4u * i)) & 0xFu];
    }
    buf[11] = '\0';
    ck_board_puts(label);
    ck_board_puts(buf);
}

static const char *exception_name(uint32_t n)
{
    switch (n) {
    case 2u:
        return "NMI";
    case 3u:
        return "HardFault";
    case 4u:
        return "MemManage";
    case 5u:
        return "BusFault";
    case 6u:
        return "UsageFault";
    case 11u:
        return "SVCall";
    case 12u:
        return "DebugMonitor";
    case 14u:
        return "PendSV";
    default:
        return "unexpected exception";
    }
}

/**
 * @brief Report a fault and exit. @p frame is the exception frame the core
 * stacked (r0-r3, r12, lr, pc, xpsr); @p exc_return the handler's LR.
 */
void ck_board_fault(const uint32_t *frame, uint32_t exc_return)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    ipsr &= 0x1FFu;
    ck_board_puts("\nqemu-mps2-an386: ");
    ck_board_puts(exception_name(ipsr));
    put_hex(" at pc", frame[6]);
    put_hex(" lr", frame[5]);
    put_hex(" exc_return", exc_return);
    put_hex("\n  cfsr", SCB_CFSR);
    put_hex(" hfsr", SCB_HFSR);
    put_hex(" mmfar", SCB_MMFAR);
    put_hex(" bfar", SCB_BFAR);
    ck_board_puts("\n");
    ck_board_exit(CK_BOARD_EXIT_FAULT);
}

/** @brief Every fault vector: find the stacked frame, then ck_board_fault(). */
__attribute__((naked)) static void fault_entry(void)
{
    __asm__ volatile("tst lr, #4\n\t"
                     "ite eq\n\t"
                     "mrseq r0, msp\n\t"
                     "mrsne r0, psp\n\t"
                     "mov r1, lr\n\t"
                     "b ck_board_fault\n\t");
}

/* ------------------------------------------------------------------------ */
/* Vector table                                                             */
/* ------------------------------------------------------------------------ */

typedef void (*ck_vector)(void);

/** @brief The architectural part of the table: initial SP, then 15 vectors. */
typedef struct ck_vector_table {
    uint32_t *initial_sp;
    ck_vector vectors[15];
} ck_vector_table;

__attribute__((section(".vectors"), used)) const ck_vector_table ck_board_vectors = {
    __stack_top,
    {
        ck_board_reset,   /*  1 Reset */
        fault_entry,      /*  2 NMI */
        fault_entry,      /*  3 HardFault */
        fault_entry,      /*  4 MemManage */
        fault_entry,      /*  5 BusFault */
        fault_entry,      /*  6 UsageFault */
        fault_entry,      /*  7 reserved */
        fault_entry,      /*  8 reserved */
        fault_entry,      /*  9 reserved */
        fault_entry,      /* 10 reserved */
        fault_entry,      /* 11 SVCall */
        fault_entry,      /* 12 DebugMonitor */
        fault_entry,      /* 13 reserved */
        fault_entry,      /* 14 PendSV */
        ck_board_systick, /* 15 SysTick */
    },
};
