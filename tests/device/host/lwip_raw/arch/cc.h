/**
 * @file arch/cc.h
 * @brief lwIP's compiler and C library glue for the raw-API transport's
 * host test (glibc) and its Cortex-M4 compile check (newlib): the C
 * library's stdint and limits, rand() for lwIP's ISNs and ports, and an
 * assertion that stops the test.
 */
#ifndef CK_TEST_LWIP_RAW_ARCH_CC_H
#define CK_TEST_LWIP_RAW_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#define LWIP_RAND() ((u32_t)rand())
#define LWIP_PLATFORM_DIAG(x) do { (void)printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) \
    do { (void)fprintf(stderr, "lwIP assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__); \
         abort(); } while (0)

#endif /* CK_TEST_LWIP_RAW_ARCH_CC_H */
