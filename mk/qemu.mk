# mk/qemu.mk — cardkit on a Cortex-M4 under QEMU (machine mps2-an386).
# Included by the top-level Makefile (-include mk/*.mk, sorted); uses its
# BUILD, CROSS, WARN, LIB_WARN, LIB_SRCS, TEST_SRCS, SUPPORT_SRCS,
# LOOPBACK_SRCS, TEST_CPPFLAGS and DEPS_STAMP.
#
#   make qemu-test       the unit suites tests/test_*.c (the same sources as on
#                        the host), cross-built with lib/, port/loopback and
#                        tests/support for the board, each run under QEMU; the
#                        device tests tests/device/test_*.c (TLS handshake +
#                        enroll against an in-process server, on a TLS 1.2 and
#                        a TLS 1.3 build of mbedTLS; stack use per call); the
#                        client image; the board's fault check. A failing test
#                        fails the command through QEMU's exit status.
#                        Part of `make test`.
#   make qemu-tls-report the TLS device tests alone; their reports (arena
#                        peak...) in $(BUILD)/qemu/tls*-report.txt (make size)
#   make qemu-mbedtls    mbedTLS 3.6 for the board, client only (the product's)
#   make $(BUILD)/qemu/tls_client_image.elf   a client image (lib + TLS port +
#                        mbedTLS), which `make size` measures and qemu-test runs
#
# Variables: QEMU_TIMEOUT (seconds per image, 60), QEMU (qemu-system-arm),
# QEMU_TLS13_ARENA (the TLS 1.3 test's arena, 20480).
# Board settings come from boards/qemu-mps2-an386/board.mk; the lwIP port's
# rules (make lwip, lwip-cross, lwip-test) from port/lwip/lwip.mk.

include boards/qemu-mps2-an386/board.mk

QEMU          ?= qemu-system-arm
QEMU_TIMEOUT  ?= 60
QEMU_DIR      := $(BUILD)/qemu
QEMU_CC       := $(CROSS)gcc
QEMU_AR       := $(CROSS)ar
CROSS_DEPS_STAMP := $(BUILD)/.deps-cross
QEMU_ENV      = QEMU="$(QEMU)" QEMU_MACHINE="$(QEMU_MACHINE)" QEMU_TIMEOUT="$(QEMU_TIMEOUT)"

# -Os as shipped; -g for addr2line on a fault's PC.
QEMU_CFLAGS   := -std=c99 -Os -g $(BOARD_ARCH) -ffunction-sections -fdata-sections
# jsmn's header only: the host's /usr/include must not reach the cross compiler.
QEMU_JSMN     := $(QEMU_DIR)/jsmn/jsmn.h
QEMU_CPPFLAGS := -Iinclude $(BOARD_CPPFLAGS) -isystem $(QEMU_DIR)/jsmn

# cmocka for the target: Debian's source (scripts/qemu_cmocka.sh), one file.
CMOCKA_DIR      := third_party/cmocka
CMOCKA_STAMP    := $(CMOCKA_DIR)/src/cmocka.c
CMOCKA_CPPFLAGS := -isystem $(CMOCKA_DIR)/include
# Test-only shims (tests/device/shim): <dirent.h> over an index file (newlib
# has no directories) and C99 printf length modifiers (below).
QEMU_SHIM_DIR   := tests/device/shim
QEMU_DIR_INDEX  := $(QEMU_DIR)/dirindex.txt
# Folders the suites list (test_json_suite.c's default corpus path).
QEMU_INDEXED_DIRS ?= ../shared/testdata/JSONTestSuite
QEMU_TEST_CPPFLAGS := -I$(QEMU_SHIM_DIR) $(TEST_CPPFLAGS) $(CMOCKA_CPPFLAGS) \
                      -DCK_SHIM_DIR_INDEX='"$(QEMU_DIR_INDEX)"'

QEMU_LIB_OBJS      := $(LIB_SRCS:%.c=$(QEMU_DIR)/%.o)
QEMU_LIB           := $(QEMU_DIR)/libcardkit.a
QEMU_LOOPBACK_OBJS := $(LOOPBACK_SRCS:%.c=$(QEMU_DIR)/%.o)
QEMU_SUPPORT_OBJS  := $(SUPPORT_SRCS:%.c=$(QEMU_DIR)/%.o)
QEMU_BOARD_OBJS    := $(BOARD_SRCS:%.c=$(QEMU_DIR)/%.o)
QEMU_HARNESS_OBJS  := $(QEMU_DIR)/cmocka/cmocka.o $(QEMU_DIR)/$(QEMU_SHIM_DIR)/dirent_shim.o \
                      $(QEMU_DIR)/$(QEMU_SHIM_DIR)/printf_c99.o
# printf_c99.o: newlib's printf lacks %zu/%jd; the test images get them through --wrap.
QEMU_TEST_LDFLAGS  := $(BOARD_LDFLAGS) \
  $(foreach f,printf fprintf sprintf snprintf vprintf vfprintf vsprintf vsnprintf,-Wl,--wrap=$(f))
QEMU_UNIT_ELFS     := $(TEST_SRCS:tests/%.c=$(QEMU_DIR)/tests/%.elf)

# Device tests: tests/device/test_*.c, the TLS one apart (built per variant below).
QEMU_DEVICE_SRCS   := $(filter-out tests/device/test_tls_device.c,$(sort $(wildcard tests/device/test_*.c)))
QEMU_DEVICE_ELFS   := $(QEMU_DEVICE_SRCS:%.c=$(QEMU_DIR)/%.elf)
QEMU_RUN_DIR       := $(QEMU_DIR)/run

# mbedTLS 3.6 for the board (board.mk names the folder and the config): the
# product's, client only. The TLS tests build their own (with the server).
QEMU_MBEDTLS_DEF      := -DMBEDTLS_CONFIG_FILE='"$(CURDIR)/$(BOARD_MBEDTLS_CONFIG)"'
QEMU_MBEDTLS_LIB      := $(BOARD_MBEDTLS_DIR)/lib/libmbedtls-board.a
QEMU_MBEDTLS_CPPFLAGS := -isystem $(BOARD_MBEDTLS_DIR)/include $(QEMU_MBEDTLS_DEF)
QEMU_TLS_PORT_OBJ     := $(QEMU_DIR)/port/mbedtls/ck_tls.o
# The TLS test's throwaway server certificate, as C arrays (never committed).
QEMU_TLS_CERTS_DIR    := $(QEMU_DIR)/tls-certs
QEMU_TLS_CERTS_H      := $(QEMU_TLS_CERTS_DIR)/tls_test_certs.h
QEMU_TLS13_ARENA      ?= 20480

.PHONY: qemu-test qemu-unit-test qemu-device-test qemu-tls-report qemu-mbedtls qemu-cmocka \
        qemu-deps qemu-dir-index

qemu-deps: $(CROSS_DEPS_STAMP)
$(CROSS_DEPS_STAMP): scripts/deps.sh
	@scripts/deps.sh host cross
	@mkdir -p $(@D) && touch $@

qemu-cmocka: $(CMOCKA_STAMP)
$(CMOCKA_STAMP): scripts/qemu_cmocka.sh
	scripts/qemu_cmocka.sh $(CMOCKA_DIR)
	@touch $@

# An mbedTLS build for the board: $(1) its folder, $(2) extra defines. The
# script runs every time and rebuilds only when the source, the config or
# the flags changed (DEST/build-id); the archive's date then tells make.
define QEMU_MBEDTLS_RULE
$(1)/lib/libmbedtls-board.a: qemu-force | $(CROSS_DEPS_STAMP)
	@QEMU_MBEDTLS_CC="$(QEMU_CC)" QEMU_MBEDTLS_AR="$(QEMU_AR)" QEMU_MBEDTLS_CFLAGS="$(QEMU_CFLAGS)" \
	  scripts/qemu_mbedtls.sh $(1) $(BOARD_MBEDTLS_CONFIG) $(2)
endef
.PHONY: qemu-force
qemu-force:
$(eval $(call QEMU_MBEDTLS_RULE,$(BOARD_MBEDTLS_DIR),))
qemu-mbedtls: $(QEMU_MBEDTLS_LIB)

$(QEMU_JSMN): | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	cp -f /usr/include/jsmn.h $@

# --- objects ----------------------------------------------------------------
# lib/ and port/: the project's strict warnings, as on the host.
$(QEMU_DIR)/lib/%.o: lib/%.c $(QEMU_JSMN) | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) $(QEMU_CPPFLAGS) $(QEMU_CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(QEMU_DIR)/port/loopback/%.o: port/loopback/%.c $(QEMU_JSMN) | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) $(QEMU_CPPFLAGS) $(QEMU_CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(QEMU_TLS_PORT_OBJ): port/mbedtls/ck_tls.c $(QEMU_MBEDTLS_LIB) $(QEMU_JSMN) | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) $(QEMU_MBEDTLS_CPPFLAGS) $(QEMU_CPPFLAGS) $(QEMU_CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(QEMU_DIR)/$(BOARD_DIR)/%.o: $(BOARD_DIR)/%.c | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) $(QEMU_CPPFLAGS) $(QEMU_CFLAGS) $(WARN) -Wshadow -Wconversion -MMD -MP -c $< -o $@

# The suites and their support: the host's test warnings.
$(QEMU_DIR)/tests/%.o: tests/%.c $(QEMU_JSMN) $(CMOCKA_STAMP) | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) $(QEMU_CPPFLAGS) $(QEMU_TEST_CPPFLAGS) $(QEMU_CFLAGS) $(WARN) -MMD -MP -c $< -o $@

# cmocka itself: third-party code, its own warnings are not ours to fix.
# newlib's printf (Debian's build) has no %zd: cmocka's summary line
# "[  FAILED  ] N test(s)" takes PRIdS from the command line instead
# (size_t is unsigned int on arm-none-eabi).
$(QEMU_DIR)/cmocka/cmocka.o: $(CMOCKA_STAMP) tests/device/cmocka/config.h | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) -DHAVE_CONFIG_H -DPRIdS='"d"' -Itests/device/cmocka $(CMOCKA_CPPFLAGS) $(QEMU_CFLAGS) \
	  -std=gnu99 -w -c $< -o $@

$(QEMU_LIB): $(QEMU_LIB_OBJS)
	@rm -f $@
	$(QEMU_AR) rcs $@ $^

# --- images -----------------------------------------------------------------
$(QEMU_DIR)/tests/test_%.elf: $(QEMU_DIR)/tests/test_%.o $(QEMU_SUPPORT_OBJS) $(QEMU_LOOPBACK_OBJS) \
                              $(QEMU_LIB) $(QEMU_HARNESS_OBJS) $(QEMU_BOARD_OBJS) $(BOARD_LDSCRIPT)
	$(QEMU_CC) $(QEMU_TEST_LDFLAGS) -Wl,-Map=$(@:.elf=.map) -o $@ $(filter %.o %.a,$^)

$(QEMU_DIR)/tests/device/test_%.elf: $(QEMU_DIR)/tests/device/test_%.o $(QEMU_SUPPORT_OBJS) \
        $(QEMU_LOOPBACK_OBJS) $(QEMU_LIB) $(QEMU_HARNESS_OBJS) $(QEMU_BOARD_OBJS) $(BOARD_LDSCRIPT)
	$(QEMU_CC) $(QEMU_TEST_LDFLAGS) -Wl,-Map=$(@:.elf=.map) -o $@ $(filter %.o %.a,$^)

# The TLS device test, once per mbedTLS build: $(1) variant (folder under
# $(QEMU_DIR)), $(2) defines, $(3) its mbedTLS folder, $(4) the client's
# arena in bytes. Each has its own mbedTLS, TLS port object and test object
# (the config changes mbedTLS's structs). The image routes its in-process
# server's allocations away from the client's arena (--wrap).
define QEMU_TLS_VARIANT
$(call QEMU_MBEDTLS_RULE,$(3),$(2))

$(QEMU_DIR)/$(1)/port/mbedtls/ck_tls.o: port/mbedtls/ck_tls.c $(3)/lib/libmbedtls-board.a $(QEMU_JSMN) \
        | $(CROSS_DEPS_STAMP)
	@mkdir -p $$(@D)
	$(QEMU_CC) $(2) -isystem $(3)/include $(QEMU_MBEDTLS_DEF) $(QEMU_CPPFLAGS) $(QEMU_CFLAGS) $(LIB_WARN) \
	  -MMD -MP -c $$< -o $$@

$(QEMU_DIR)/$(1)/tests/device/test_tls_device.o: tests/device/test_tls_device.c $(3)/lib/libmbedtls-board.a \
        $(QEMU_TLS_CERTS_H) $(QEMU_JSMN) $(CMOCKA_STAMP) | $(CROSS_DEPS_STAMP)
	@mkdir -p $$(@D)
	$(QEMU_CC) $(2) -DCK_TLS_TEST_ARENA=$(4)u -isystem $(3)/include $(QEMU_MBEDTLS_DEF) $(QEMU_CPPFLAGS) \
	  $(QEMU_TEST_CPPFLAGS) -Iport/mbedtls -I$(QEMU_TLS_CERTS_DIR) $(QEMU_CFLAGS) $(WARN) -MMD -MP -c $$< -o $$@

$(QEMU_DIR)/$(1)/tests/device/test_tls_device.elf: $(QEMU_DIR)/$(1)/tests/device/test_tls_device.o \
        $(QEMU_DIR)/$(1)/port/mbedtls/ck_tls.o $(QEMU_LIB) $(3)/lib/libmbedtls-board.a $(QEMU_HARNESS_OBJS) \
        $(QEMU_BOARD_OBJS) $(BOARD_LDSCRIPT)
	$(QEMU_CC) $(QEMU_TEST_LDFLAGS) -Wl,--wrap=mbedtls_platform_set_calloc_free -Wl,-Map=$$(@:.elf=.map) \
	  -o $$@ $$(filter %.o %.a,$$^)

-include $(QEMU_DIR)/$(1)/port/mbedtls/ck_tls.d $(QEMU_DIR)/$(1)/tests/device/test_tls_device.d
endef

# TLS 1.2 (the board's configuration): the client in a 16 KiB arena (the budget).
$(eval $(call QEMU_TLS_VARIANT,tls12,-DCK_BOARD_TLS_TEST_SERVER,$(BOARD_MBEDTLS_DIR)-test,16384))
# TLS 1.3 (CK_BOARD_TLS13: PSA Crypto, TLS 1.3 and 1.2): it needs more than the
# budget (PSA keys, the peer certificate kept); `make size` prints its peak.
$(eval $(call QEMU_TLS_VARIANT,tls13,-DCK_BOARD_TLS13 -DCK_BOARD_TLS_TEST_SERVER,$(BOARD_MBEDTLS_DIR)-tls13,$(QEMU_TLS13_ARENA)))
QEMU_TLS_ELFS := $(QEMU_DIR)/tls12/tests/device/test_tls_device.elf \
                 $(QEMU_DIR)/tls13/tests/device/test_tls_device.elf

# The TLS test's server key and certificate: made here with openssl, embedded
# as C arrays. Throwaway, in the build folder only.
$(QEMU_TLS_CERTS_H): scripts/qemu_tls_certs.sh | $(DEPS_STAMP)
	scripts/qemu_tls_certs.sh $(QEMU_TLS_CERTS_DIR)

# A client image (library + TLS port + the product's mbedTLS + arena),
# measured by `make size` and run by qemu-test.
QEMU_IMAGE_ELF := $(QEMU_DIR)/tls_client_image.elf
QEMU_IMAGE_OBJ := $(QEMU_DIR)/$(BOARD_DIR)/tls_client_image.o
$(QEMU_IMAGE_OBJ): QEMU_CPPFLAGS += $(QEMU_MBEDTLS_CPPFLAGS) -Iport/mbedtls -I$(QEMU_TLS_CERTS_DIR)
$(QEMU_IMAGE_OBJ): $(QEMU_MBEDTLS_LIB) $(QEMU_TLS_CERTS_H)
$(QEMU_IMAGE_ELF): $(QEMU_IMAGE_OBJ) $(QEMU_TLS_PORT_OBJ) $(QEMU_LIB) $(QEMU_MBEDTLS_LIB) $(QEMU_BOARD_OBJS) \
                   $(BOARD_LDSCRIPT)
	$(QEMU_CC) $(BOARD_LDFLAGS) -Wl,-Map=$(@:.elf=.map) -o $@ $(filter %.o %.a,$^)

# The board's fault handling: a NULL write must exit CK_BOARD_EXIT_FAULT (139).
QEMU_FAULT_ELF := $(QEMU_DIR)/fault_check.elf
$(QEMU_FAULT_ELF): $(QEMU_DIR)/$(BOARD_DIR)/fault_check.o $(QEMU_BOARD_OBJS) $(BOARD_LDSCRIPT)
	$(QEMU_CC) $(BOARD_LDFLAGS) -o $@ $(filter %.o %.a,$^)

# --- running ----------------------------------------------------------------
# One wrapper per image, so that scripts/run_tests.sh runs them as it runs
# host binaries (and totals the cmocka lines the same way).
$(QEMU_RUN_DIR)/%: $(QEMU_DIR)/%.elf
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nexec env $(QEMU_ENV) scripts/qemu_run.sh %s "$$@"\n' '$<' > $@
	@chmod +x $@

# The listing the <dirent.h> shim reads (regenerated on every run).
qemu-dir-index:
	@mkdir -p $(QEMU_DIR)
	@for d in $(QEMU_INDEXED_DIRS); do \
	  if [ -d "$$d" ]; then find "$$d" -maxdepth 1 -type f | LC_ALL=C sort; fi; \
	done > $(QEMU_DIR_INDEX)

QEMU_UNIT_RUNS   := $(QEMU_UNIT_ELFS:$(QEMU_DIR)/%.elf=$(QEMU_RUN_DIR)/%)
QEMU_DEVICE_RUNS := $(QEMU_DEVICE_ELFS:$(QEMU_DIR)/%.elf=$(QEMU_RUN_DIR)/%) \
                    $(QEMU_TLS_ELFS:$(QEMU_DIR)/%.elf=$(QEMU_RUN_DIR)/%)

qemu-unit-test: $(QEMU_UNIT_RUNS) qemu-dir-index
	@echo "qemu-test: $(words $(QEMU_UNIT_RUNS)) unit suites on $(QEMU_MACHINE) (Cortex-M4)"
	@scripts/run_tests.sh $(QEMU_UNIT_RUNS)

qemu-device-test: $(QEMU_DEVICE_RUNS)
	@echo "qemu-test: $(words $(QEMU_DEVICE_RUNS)) device tests on $(QEMU_MACHINE) (Cortex-M4)"
	@scripts/run_tests.sh $(QEMU_DEVICE_RUNS)

qemu-test: $(QEMU_UNIT_RUNS) $(QEMU_DEVICE_RUNS) $(QEMU_IMAGE_ELF) $(QEMU_FAULT_ELF) qemu-dir-index
	@echo "qemu-test: $(words $(QEMU_UNIT_RUNS)) unit suites and $(words $(QEMU_DEVICE_RUNS)) device tests on $(QEMU_MACHINE) (Cortex-M4)"
	@scripts/run_tests.sh $(QEMU_UNIT_RUNS) $(QEMU_DEVICE_RUNS)
	@$(QEMU_ENV) scripts/qemu_run.sh $(QEMU_IMAGE_ELF)
	@rc=0; QEMU="$(QEMU)" QEMU_MACHINE="$(QEMU_MACHINE)" QEMU_TIMEOUT=20 \
	  scripts/qemu_run.sh $(QEMU_FAULT_ELF) > $(QEMU_DIR)/fault_check.out 2>&1 || rc=$$?; \
	if [ $$rc -eq 139 ] && grep -q 'MemManage at pc' $(QEMU_DIR)/fault_check.out; then \
	  echo "qemu-test: a NULL write faults and exits 139 (board fault handler): ok"; \
	else cat $(QEMU_DIR)/fault_check.out; echo "qemu-test: fault_check exited $$rc, not 139" >&2; exit 1; fi

# The TLS tests' output, kept for `make size` (arena peak, handshake time).
QEMU_TLS_REPORT   := $(QEMU_DIR)/tls-report.txt
QEMU_TLS13_REPORT := $(QEMU_DIR)/tls13-report.txt
qemu-tls-report: $(QEMU_TLS_REPORT) $(QEMU_TLS13_REPORT)
$(QEMU_TLS_REPORT): $(QEMU_DIR)/tls12/tests/device/test_tls_device.elf
$(QEMU_TLS13_REPORT): $(QEMU_DIR)/tls13/tests/device/test_tls_device.elf
$(QEMU_TLS_REPORT) $(QEMU_TLS13_REPORT):
	@$(QEMU_ENV) scripts/qemu_run.sh $< > $@.tmp 2>&1 || { cat $@.tmp; rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@

test: qemu-test

# Keep the images and objects that only pattern rules make (.PRECIOUS by
# pattern: a `.SECONDARY: list` would cancel the top-level `.SECONDARY:`).
.PRECIOUS: $(QEMU_DIR)/lib/%.o $(QEMU_DIR)/port/loopback/%.o $(QEMU_DIR)/$(BOARD_DIR)/%.o \
           $(QEMU_DIR)/tests/%.o $(QEMU_DIR)/tests/test_%.elf $(QEMU_DIR)/tests/device/test_%.elf

# The lwIP port (host build and test, cross compile check): port/lwip/lwip.mk.
include port/lwip/lwip.mk

-include $(QEMU_LIB_OBJS:.o=.d) $(QEMU_LOOPBACK_OBJS:.o=.d) $(QEMU_SUPPORT_OBJS:.o=.d)
-include $(QEMU_BOARD_OBJS:.o=.d) $(QEMU_TLS_PORT_OBJ:.o=.d) $(QEMU_IMAGE_OBJ:.o=.d)
-include $(QEMU_UNIT_ELFS:.elf=.d) $(QEMU_DEVICE_ELFS:.elf=.d)
