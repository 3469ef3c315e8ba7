# mk/size.mk — what `make size` needs besides the compiler (the top-level
# Makefile's `size` target runs scripts/size.sh): the board's client-only
# mbedTLS (the TLS port's size, sizeof(ck_tls)); the TLS device tests'
# reports (arena peak on TLS 1.2, the budget, and on TLS 1.3, printed); the
# stack-painting device test's report; the client image's linker map (flash
# and RAM by origin); the flags to cross-compile the lwIP port. Included
# after mk/qemu.mk (-include mk/*.mk reads them sorted), whose variables it
# uses.
#
#   make size        prints the budget table; fails when a budget is broken
#                    (lib/ .text 14,336 B on Cortex-M4, call RAM, stack, TLS
#                    arena); part of `make test`

QEMU_STACK_ELF    := $(QEMU_DIR)/tests/device/test_stack_device.elf
QEMU_STACK_REPORT := $(QEMU_DIR)/stack-report.txt

.PHONY: qemu-stack-report
qemu-stack-report: $(QEMU_STACK_REPORT)
$(QEMU_STACK_REPORT): $(QEMU_STACK_ELF)
	@$(QEMU_ENV) scripts/qemu_run.sh $< > $@.tmp 2>&1 || { cat $@.tmp; rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@

size: $(QEMU_MBEDTLS_LIB) $(QEMU_TLS_REPORT) $(QEMU_TLS13_REPORT) $(QEMU_STACK_REPORT) $(QEMU_IMAGE_ELF)
size: export CK_SIZE_MBEDTLS_INC := $(BOARD_MBEDTLS_DIR)/include
size: export CK_SIZE_MBEDTLS_CONFIG := $(BOARD_MBEDTLS_CONFIG)
size: export CK_SIZE_TLS_REPORT := $(QEMU_TLS_REPORT)
size: export CK_SIZE_TLS13_REPORT := $(QEMU_TLS13_REPORT)
size: export CK_SIZE_STACK_REPORT := $(QEMU_STACK_REPORT)
size: export CK_SIZE_LWIP_CPPFLAGS := $(LWIP_CROSS_CPPFLAGS)
size: export CK_SIZE_IMAGE_MAP := $(QEMU_IMAGE_ELF:.elf=.map)

test: size
