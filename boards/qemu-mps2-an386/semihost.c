/**
 * @file semihost.c
 * @brief Arm semihosting calls the board needs outside newlib's stdio:
 * the fault path (stdio may be what broke) and the exit status.
 *
 * On M-profile a semihosting call is `bkpt 0xab` with the operation in r0
 * and its argument in r1; the result comes back in r0. QEMU runs it when
 * started with `-semihosting-config enable=on,target=native`; without a
 * debugger or QEMU the bkpt faults, so these are for test images only.
 */
#include "board.h"

#define SH_SYS_WRITE0 0x04u
#define SH_SYS_CLOCK 0x10u
#define SH_SYS_GET_CMDLINE 0x15u
#define SH_SYS_EXIT 0x18u
#define SH_SYS_EXIT_EXTENDED 0x20u
#define SH_ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define SH_ADP_STOPPED_RUNTIME_ERROR 0x20023u

/** @brief One semihosting call. */
static uint32_t sh_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void ck_board_puts(const char *s)
{
    (void)sh_call(SH_SYS_WRITE0, s);
}

void ck_board_exit(int status)
{
    /* SYS_EXIT_EXTENDED: {reason, subcode}; QEMU exits with subcode. */
    uint32_t block[2];
    block[0] = SH_ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)status;
    (void)sh_call(SH_SYS_EXIT_EXTENDED, block);
    /* Older hosts: SYS_EXIT with a reason only (0 or 1 as exit status). */
    (void)sh_call(SH_SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? SH_ADP_STOPPED_APPLICATION_EXIT
                                                                      : SH_ADP_STOPPED_RUNTIME_ERROR));
    for (;;) {
        __asm__ volatile("wfi");
    }
}

uint32_t ck_board_host_centis(void)
{
    return sh_call(SH_SYS_CLOCK, NULL);
}

int ck_board_cmdline(char *buf, size_t cap)
{
    /* SYS_GET_CMDLINE: {buffer, its size} in, {buffer, length} out. */
    uint32_t block[2];
    if (buf == NULL || cap < 2u) {
        return -1;
    }
    block[0] = (uint32_t)(uintptr_t)buf;
    block[1] = (uint32_t)(cap > 0xFFFFu ? 0xFFFFu : cap);
    if (sh_call(SH_SYS_GET_CMDLINE, block) != 0u || block[1] >= cap) {
        buf[0] = '\0';
        return -1;
    }
    buf[block[1]] = '\0';
    return (int)block[1];
}
