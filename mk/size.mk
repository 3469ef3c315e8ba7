# mk/size.mk — what `make size` needs besides the compiler (the top-level
# Makefile's `size` target runs scripts/size.sh): the board's mbedTLS, for
# the TLS port's size and sizeof(ck_tls); the TLS device test's report, for
# the arena peak; the stack-painting device test's report. Included after
# mk/qemu.mk (-include mk/*.mk reads them sorted), whose variables it uses.
#
#   make size    prints the budget table; fails when a budget is broken

QEMU_STACK_ELF    := $(QEMU_DIR)/tests/device/test_stack_device.elf
QEMU_STACK_REPORT := $(QEMU_DIR)/stack-report.txt

.PHONY: qemu-stack-report
qemu-stack-report: $(QEMU_STACK_REPORT)
$(QEMU_STACK_REPORT): $(QEMU_STACK_ELF)
	@QEMU="$(QEMU)" QEMU_MACHINE="$(QEMU_MACHINE)" QEMU_TIMEOUT="$(QEMU_TIMEOUT)" \
	  scripts/qemu_run.sh $< > $@.tmp 2>&1 || { cat $@.tmp; rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@

size: $(QEMU_MBEDTLS_LIB) $(QEMU_TLS_REPORT) $(QEMU_STACK_REPORT)
size: export CK_SIZE_MBEDTLS_INC := $(BOARD_MBEDTLS_DIR)/include
size: export CK_SIZE_MBEDTLS_CONFIG := $(BOARD_MBEDTLS_CONFIG)
size: export CK_SIZE_TLS_REPORT := $(QEMU_TLS_REPORT)
size: export CK_SIZE_STACK_REPORT := $(QEMU_STACK_REPORT)
size: export CK_SIZE_LWIP_CPPFLAGS := $(LWIP_CROSS_CPPFLAGS)
