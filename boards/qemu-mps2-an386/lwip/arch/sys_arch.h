/**
 * @file arch/sys_arch.h
 * @brief lwIP's OS types, as an RTOS port declares them (compile check of
 * port/lwip; see ../lwipopts.h). A real board takes its RTOS's sys_arch.
 */
#ifndef CK_BOARD_LWIP_ARCH_SYS_ARCH_H
#define CK_BOARD_LWIP_ARCH_SYS_ARCH_H

#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL NULL

typedef void *sys_sem_t;
typedef void *sys_mutex_t;
typedef void *sys_mbox_t;
typedef void *sys_thread_t;
typedef unsigned int sys_prot_t;

#define sys_sem_valid(sem) (((sem) != NULL) && (*(sem) != NULL))
#define sys_sem_set_invalid(sem) do { if ((sem) != NULL) { *(sem) = NULL; } } while (0)
#define sys_mutex_valid(m) sys_sem_valid(m)
#define sys_mutex_set_invalid(m) sys_sem_set_invalid(m)
#define sys_mbox_valid(mbox) sys_sem_valid(mbox)
#define sys_mbox_set_invalid(mbox) sys_sem_set_invalid(mbox)

#endif /* CK_BOARD_LWIP_ARCH_SYS_ARCH_H */
