# mk/qemu.mk — cardkit on a Cortex-M4 under QEMU (machine mps2-an386).
# Included by the top-level Makefile (-include mk/*.mk; after mk/ports.mk,
# whose mbedTLS 3.6 variables it uses); uses its BUILD, CROSS, WARN,
# LIB_WARN, LIB_SRCS, TEST_SRCS, SUPPORT_SRCS, LOOPBACK_SRCS and
# TEST_CPPFLAGS.
#
#   make qemu-test       the unit suites tests/test_*.c (the same sources as on
#                        the host), cross-built with lib/, port/loopback and
#                        tests/support for the board, each run under QEMU; then
#                        the device tests tests/device/test_*.c (TLS handshake
#                        + enroll against an in-process server, stack use per
#                        call). A failing test fails the command through QEMU's
#                        exit status. Part of `make test`.
#   make qemu-tls-report the TLS device test alone; its report (arena peak...)
#                        in $(QEMU_DIR)/tls-report.txt (used by `make size`)
#   make qemu-mbedtls    mbedTLS 3.6 for the board (scripts/qemu_mbedtls.sh)
#
# Variables: QEMU_TIMEOUT (seconds per image, 60), QEMU (qemu-system-arm).
# Board settings come from boards/qemu-mps2-an386/board.mk; the lwIP port's
# rules (make lwip, lwip-cross, lwip-test) from port/lwip/lwip.mk.

include boards/qemu-mps2-an386/board.mk

QEMU          ?= qemu-system-arm
QEMU_TIMEOUT  ?= 60
QEMU_DIR      := $(BUILD)/qemu
QEMU_CC       := $(CROSS)gcc
QEMU_AR       := $(CROSS)ar
CROSS_DEPS_STAMP := $(BUILD)/.deps-cross

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

# Device tests: tests/device/test_*.c. The TLS one links mbedTLS for the board.
QEMU_DEVICE_SRCS   := $(sort $(wildcard tests/device/test_*.c))
QEMU_DEVICE_ELFS   := $(QEMU_DEVICE_SRCS:%.c=$(QEMU_DIR)/%.elf)
QEMU_TLS_ELF       := $(QEMU_DIR)/tests/device/test_tls_device.elf
QEMU_TLS_REPORT    := $(QEMU_DIR)/tls-report.txt
QEMU_RUN_DIR       := $(QEMU_DIR)/run

# mbedTLS 3.6 for the board (board.mk names the folder and the config).
QEMU_MBEDTLS_LIB      := $(BOARD_MBEDTLS_DIR)/lib/libmbedtls-board.a
QEMU_MBEDTLS_CPPFLAGS := -isystem $(BOARD_MBEDTLS_DIR)/include \
                         -DMBEDTLS_CONFIG_FILE='"$(CURDIR)/$(BOARD_MBEDTLS_CONFIG)"'
QEMU_TLS_PORT_OBJ     := $(QEMU_DIR)/port/mbedtls/ck_tls.o
# The TLS test's throwaway server certificate, as C arrays (never committed).
QEMU_TLS_CERTS_DIR    := $(QEMU_DIR)/tls-certs
QEMU_TLS_CERTS_H      := $(QEMU_TLS_CERTS_DIR)/tls_test_certs.h

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

qemu-mbedtls: $(QEMU_MBEDTLS_LIB)
# Rebuilt when the board's config changes (the script also checks a stamp).
$(QEMU_MBEDTLS_LIB): scripts/qemu_mbedtls.sh $(BOARD_MBEDTLS_CONFIG) | $(CROSS_DEPS_STAMP)
	QEMU_MBEDTLS_CC="$(QEMU_CC)" QEMU_MBEDTLS_AR="$(QEMU_AR)" \
	QEMU_MBEDTLS_CFLAGS="$(QEMU_CFLAGS)" \
	  scripts/qemu_mbedtls.sh $(BOARD_MBEDTLS_DIR) $(BOARD_MBEDTLS_CONFIG)
	@touch $@

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

# The TLS device test also sees mbedTLS, the TLS port and its generated certificates.
$(QEMU_DIR)/tests/device/test_tls_device.o: QEMU_TEST_CPPFLAGS += $(QEMU_MBEDTLS_CPPFLAGS) \
        -Iport/mbedtls -I$(QEMU_TLS_CERTS_DIR)
$(QEMU_DIR)/tests/device/test_tls_device.o: $(QEMU_MBEDTLS_LIB) $(QEMU_TLS_CERTS_H)

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

# The test routes its server's allocations away from the client's arena.
$(QEMU_TLS_ELF): QEMU_TEST_LDFLAGS += -Wl,--wrap=mbedtls_platform_set_calloc_free
$(QEMU_DIR)/tests/device/test_tls_device.elf: $(QEMU_DIR)/tests/device/test_tls_device.o \
        $(QEMU_TLS_PORT_OBJ) $(QEMU_SUPPORT_OBJS) $(QEMU_LOOPBACK_OBJS) $(QEMU_LIB) $(QEMU_MBEDTLS_LIB) \
        $(QEMU_HARNESS_OBJS) $(QEMU_BOARD_OBJS) $(BOARD_LDSCRIPT)
	$(QEMU_CC) $(QEMU_TEST_LDFLAGS) -Wl,-Map=$(@:.elf=.map) -o $@ $(filter %.o %.a,$^)

$(QEMU_DIR)/tests/device/test_%.elf: $(QEMU_DIR)/tests/device/test_%.o $(QEMU_SUPPORT_OBJS) \
        $(QEMU_LOOPBACK_OBJS) $(QEMU_LIB) $(QEMU_HARNESS_OBJS) $(QEMU_BOARD_OBJS) $(BOARD_LDSCRIPT)
	$(QEMU_CC) $(QEMU_TEST_LDFLAGS) -Wl,-Map=$(@:.elf=.map) -o $@ $(filter %.o %.a,$^)

# The TLS test's server key and certificate: made here with openssl, embedded
# as C arrays. Throwaway, in the build folder only.
$(QEMU_TLS_CERTS_H): scripts/qemu_tls_certs.sh | $(DEPS_STAMP)
	scripts/qemu_tls_certs.sh $(QEMU_TLS_CERTS_DIR)

# --- running ----------------------------------------------------------------
# One wrapper per image, so that scripts/run_tests.sh runs them as it runs
# host binaries (and totals the cmocka lines the same way).
$(QEMU_RUN_DIR)/%: $(QEMU_DIR)/%.elf
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nexec env QEMU="$(QEMU)" QEMU_MACHINE="$(QEMU_MACHINE)" QEMU_TIMEOUT="$(QEMU_TIMEOUT)" scripts/qemu_run.sh %s "$$@"\n' '$<' > $@
	@chmod +x $@

# The listing the <dirent.h> shim reads (regenerated on every run).
qemu-dir-index:
	@mkdir -p $(QEMU_DIR)
	@for d in $(QEMU_INDEXED_DIRS); do \
	  if [ -d "$$d" ]; then find "$$d" -maxdepth 1 -type f | LC_ALL=C sort; fi; \
	done > $(QEMU_DIR_INDEX)

QEMU_UNIT_RUNS   := $(QEMU_UNIT_ELFS:$(QEMU_DIR)/%.elf=$(QEMU_RUN_DIR)/%)
QEMU_DEVICE_RUNS := $(QEMU_DEVICE_ELFS:$(QEMU_DIR)/%.elf=$(QEMU_RUN_DIR)/%)

qemu-unit-test: $(QEMU_UNIT_RUNS) qemu-dir-index
	@echo "qemu-test: $(words $(QEMU_UNIT_RUNS)) unit suites on $(QEMU_MACHINE) (Cortex-M4), $(CURDIR)"
	@scripts/run_tests.sh $(QEMU_UNIT_RUNS)

qemu-device-test: $(QEMU_DEVICE_RUNS)
	@echo "qemu-test: $(words $(QEMU_DEVICE_RUNS)) device tests on $(QEMU_MACHINE)"
	@scripts/run_tests.sh $(QEMU_DEVICE_RUNS)

qemu-test: $(QEMU_UNIT_RUNS) $(QEMU_DEVICE_RUNS) qemu-dir-index
	@echo "qemu-test: $(words $(QEMU_UNIT_RUNS)) unit suites and $(words $(QEMU_DEVICE_RUNS)) device tests on $(QEMU_MACHINE) (Cortex-M4)"
	@scripts/run_tests.sh $(QEMU_UNIT_RUNS) $(QEMU_DEVICE_RUNS)

# The TLS test's output, kept for `make size` (arena peak, handshake time).
qemu-tls-report: $(QEMU_TLS_REPORT)
$(QEMU_TLS_REPORT): $(QEMU_TLS_ELF)
	@QEMU="$(QEMU)" QEMU_MACHINE="$(QEMU_MACHINE)" QEMU_TIMEOUT="$(QEMU_TIMEOUT)" \
	  scripts/qemu_run.sh $< > $@.tmp 2>&1 || { cat $@.tmp; rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@

test: qemu-test

# Keep the images and objects that only pattern rules make.
.SECONDARY: $(QEMU_UNIT_ELFS) $(QEMU_DEVICE_ELFS) $(QEMU_UNIT_ELFS:.elf=.o) $(QEMU_DEVICE_ELFS:.elf=.o)

# The lwIP port (host build and test, cross compile check): port/lwip/lwip.mk.
include port/lwip/lwip.mk

-include $(QEMU_LIB_OBJS:.o=.d) $(QEMU_LOOPBACK_OBJS:.o=.d) $(QEMU_SUPPORT_OBJS:.o=.d)
-include $(QEMU_BOARD_OBJS:.o=.d) $(QEMU_TLS_PORT_OBJ:.o=.d)
-include $(QEMU_UNIT_ELFS:.elf=.d) $(QEMU_DEVICE_ELFS:.elf=.d)
