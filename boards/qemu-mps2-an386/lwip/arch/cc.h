/**
 * @file arch/cc.h
 * @brief lwIP's compiler and C library glue for arm-none-eabi with newlib
 * (compile check of port/lwip; see ../lwipopts.h).
 */
#ifndef CK_BOARD_LWIP_ARCH_CC_H
#define CK_BOARD_LWIP_ARCH_CC_H

#include <stdlib.h>

/* newlib provides errno and its values. */
#define LWIP_ERRNO_STDINCLUDE 1
/* newlib provides struct timeval (for lwip_select). */
#define LWIP_TIMEVAL_PRIVATE 0
#include <sys/time.h>

#define LWIP_RAND() ((u32_t)rand())
#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) abort()

#endif /* CK_BOARD_LWIP_ARCH_CC_H */
