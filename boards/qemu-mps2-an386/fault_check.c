/**
 * @file fault_check.c
 * @brief The board's own check (run by `make qemu-test`): a write through a
 * NULL pointer must end the program with CK_BOARD_EXIT_FAULT and a register
 * dump, never a hang or a silently rewritten vector table.
 */
#include <stdint.h>

#include "board.h"

int main(void)
{
    volatile uint32_t *volatile null_ptr = (volatile uint32_t *)0;
    ck_board_puts("fault_check: writing through a NULL pointer\n");
    *null_ptr = 0xDEADBEEFu; /* code memory is read-only: MemManage */
    ck_board_puts("fault_check: the write did not fault\n");
    return 0;
}
