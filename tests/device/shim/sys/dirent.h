/**
 * @file sys/dirent.h
 * @brief Test shim for the QEMU board: newlib for arm-none-eabi has no
 * directory API (its own sys/dirent.h is an #error), and semihosting has
 * no call to list a folder. This header comes first on the include path of
 * the device test builds only; newlib's <dirent.h> includes it and declares
 * opendir/readdir/closedir, which tests/device/shim/dirent_shim.c
 * implements over an index file that the build writes on the host (one
 * "DIR/NAME" per line, see mk/qemu.mk). The files themselves are then
 * opened through semihosting as usual. A folder missing from the index is
 * ENOENT, as on the host when it does not exist.
 */
#ifndef CK_SHIM_SYS_DIRENT_H
#define CK_SHIM_SYS_DIRENT_H

/** @brief What readdir() returns: the name only. */
struct dirent {
    char d_name[256];
};

/** @brief An open folder (opaque). */
typedef struct ck_shim_dir DIR;

#endif /* CK_SHIM_SYS_DIRENT_H */
