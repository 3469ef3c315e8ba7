# boards/qemu-mps2-an386/board.mk — build settings of the QEMU mps2-an386
# board (Arm MPS2 + AN386, Cortex-M4), read by mk/qemu.mk.
#
# A program for the board: its objects + $(BOARD_OBJS), linked with
# $(BOARD_LDFLAGS); run with scripts/qemu_run.sh (QEMU's exit status is the
# program's). Library code for the board is compiled with $(BOARD_ARCH)
# and $(BOARD_CPPFLAGS) (the board's ck_config.h).

BOARD          := qemu-mps2-an386
BOARD_DIR      := boards/$(BOARD)
QEMU_MACHINE   := mps2-an386

# Soft-float: cardkit uses no floating point, and the image then runs on
# an M4 without the FPU (and on QEMU without enabling CP10/CP11).
BOARD_ARCH     := -mcpu=cortex-m4 -mthumb -mfloat-abi=soft
BOARD_CPPFLAGS := -I$(BOARD_DIR) -DCK_CONFIG_FILE='"ck_config.h"'
BOARD_SRCS     := $(BOARD_DIR)/startup.c $(BOARD_DIR)/semihost.c $(BOARD_DIR)/platform.c
BOARD_LDSCRIPT := $(BOARD_DIR)/mps2_an386.ld
# newlib with semihosting (rdimon): printf, files and the exit status go to
# the host; our own reset handler instead of newlib's _start.
BOARD_LDFLAGS  := $(BOARD_ARCH) --specs=rdimon.specs -nostartfiles -T$(BOARD_LDSCRIPT) \
                  -Wl,--gc-sections -Wl,--no-warn-rwx-segments

# mbedTLS for the board: configuration and where scripts/qemu_mbedtls.sh
# builds it (from the same Debian trixie source as scripts/mbedtls3.sh).
BOARD_MBEDTLS_CONFIG := $(BOARD_DIR)/mbedtls_config.h
BOARD_MBEDTLS_DIR    := third_party/mbedtls-3.6-$(BOARD)
