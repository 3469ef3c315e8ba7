# port/lwip/lwip.mk — the lwIP port: built and tested on the host against
# Debian's liblwip-dev, and compiled for the Cortex-M board against the same
# lwIP headers with the board's lwipopts.h. Read by mk/qemu.mk (after its
# variables); uses the top-level BUILD, CC, AR, CPPFLAGS, CFLAGS, LDFLAGS,
# WARN, LIB_WARN, LIB, TEST_LIBS, mk/ports.mk's PORT_POSIX_LIB and
# mk/qemu.mk's QEMU_CC, BOARD_* and CROSS_DEPS_STAMP.
#
#   make lwip            $(BUILD)/libcardkit-lwip.a (host, Debian's lwIP headers)
#   make lwip-cross      port/lwip compiled for the board (Cortex-M4), warnings as errors
#   make lwip-test       the port against Debian's lwIP in-process (loopback
#                        interface of its own; no host network): part of `make test`
#
# The raw-API port (ck_lwip_raw.c, NO_SYS = 1 boards) is built against lwIP
# 2.1.3's own source (third_party/lwip-2.1.3, fetched by scripts/lwip_src.sh):
#   make lwip-raw        $(BUILD)/libcardkit-lwip-raw.a (host, the test's lwipopts.h)
#   make lwip-raw-cross  ck_lwip_raw.c compiled for the board (Cortex-M4, -Os),
#                        warnings as errors, with LWIP_RAW_CROSS_OPTS's lwipopts.h
#   make lwip-raw-test   the heap check of the port, the cross compile, and the
#                        host test: lwIP's core built with NO_SYS = 1 and the
#                        test's options (tests/device/host/lwip_raw), a scripted
#                        raw-API server on its loopback interface, a fake clock;
#                        run under valgrind when it is installed. Part of `make test`
#   make lwip-raw-asan   the same test built by clang with ASan + UBSan in
#                        $(BUILD)/asan-raw, and run (not part of `make test`)

LWIP_INC          ?= /usr/include/lwip
LWIP_LIBS         ?= -llwip -lpthread
LWIP_HOST_CPPFLAGS := -isystem $(LWIP_INC)
# The board's lwipopts.h and arch/ come first; lwIP's own headers after.
LWIP_CROSS_CPPFLAGS := -I$(BOARD_DIR)/lwip -isystem $(LWIP_INC)

PORT_LWIP_SRCS  := $(call ck_sources,CARDKIT_LWIP_SOURCES)
PORT_LWIP_OBJS  := $(PORT_LWIP_SRCS:%.c=$(BUILD)/lwip/%.o)
PORT_LWIP_LIB   := $(BUILD)/libcardkit-lwip.a
LWIP_CROSS_OBJS := $(PORT_LWIP_SRCS:%.c=$(QEMU_DIR)/lwip/%.o)
LWIP_TEST       := $(BUILD)/lwip/test_lwip
LWIP_TEST_OBJ   := $(BUILD)/lwip/tests/device/host/test_lwip.o

.PHONY: lwip lwip-cross lwip-test lwip-raw lwip-raw-cross lwip-raw-test lwip-raw-asan

lwip: $(PORT_LWIP_LIB)

$(BUILD)/lwip/port/lwip/%.o: port/lwip/%.c | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(LWIP_HOST_CPPFLAGS) $(CPPFLAGS) $(CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(PORT_LWIP_LIB): $(PORT_LWIP_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

lwip-cross: $(LWIP_CROSS_OBJS)
$(QEMU_DIR)/lwip/port/lwip/%.o: port/lwip/%.c | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) $(LWIP_CROSS_CPPFLAGS) -Iinclude -std=c99 -Os $(BOARD_ARCH) $(LIB_WARN) -MMD -MP -c $< -o $@

$(LWIP_TEST_OBJ): tests/device/host/test_lwip.c | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(LWIP_HOST_CPPFLAGS) $(CPPFLAGS) -Iport/lwip -Iport/posix $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(LWIP_TEST): $(LWIP_TEST_OBJ) $(PORT_LWIP_LIB) $(PORT_POSIX_LIB) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LWIP_LIBS) $(TEST_LIBS)

lwip-test: $(LWIP_TEST) $(LWIP_CROSS_OBJS)
	@scripts/heap_check.sh $(PORT_LWIP_LIB)
	@scripts/run_tests.sh $(LWIP_TEST)

test: lwip-test

# --- lwIP 2.1.3's own source -------------------------------------------------
# Fetched from Debian's source package at build time (scripts/lwip_src.sh),
# once: the raw port's host test builds lwIP's core from it below, the
# networked image (mk/qemu_net.mk) builds it for the board. Each names its
# source files as order-only targets of LWIP_SRC_STAMP, so that make knows
# they can be made before they exist (a fresh clone).
LWIP_SRC_DIR   := third_party/lwip-2.1.3/src
LWIP_SRC_STAMP := $(LWIP_SRC_DIR)/include/lwip/init.h

$(LWIP_SRC_STAMP):
	@scripts/lwip_src.sh

# --- the raw-API port (NO_SYS = 1) --------------------------------------------
# The test's lwipopts.h and arch/cc.h (glibc and newlib alike). A board's own
# NO_SYS = 1 options folder may be named for the cross compile instead.
LWIP_RAW_OPTS       := tests/device/host/lwip_raw
LWIP_RAW_CROSS_OPTS ?= $(LWIP_RAW_OPTS)
LWIP_RAW_CPPFLAGS   := -I$(LWIP_RAW_OPTS) -isystem $(LWIP_SRC_DIR)/include
LWIP_RAW_DIR        := $(BUILD)/lwip-raw
# lwIP's core as the test's options need it: IPv4, TCP, UDP (DNS), loopback.
LWIP_RAW_CORE_SRCS := $(addprefix $(LWIP_SRC_DIR)/core/,init.c def.c dns.c inet_chksum.c ip.c \
                        mem.c memp.c netif.c pbuf.c stats.c sys.c tcp.c tcp_in.c tcp_out.c \
                        timeouts.c udp.c ipv4/icmp.c ipv4/ip4.c ipv4/ip4_addr.c ipv4/ip4_frag.c)
LWIP_RAW_CORE_OBJS := $(LWIP_RAW_CORE_SRCS:$(LWIP_SRC_DIR)/%.c=$(LWIP_RAW_DIR)/lwip/%.o)
PORT_LWIP_RAW_SRCS := $(call ck_sources,CARDKIT_LWIP_RAW_SOURCES)
PORT_LWIP_RAW_OBJS := $(PORT_LWIP_RAW_SRCS:%.c=$(LWIP_RAW_DIR)/%.o)
PORT_LWIP_RAW_LIB  := $(BUILD)/libcardkit-lwip-raw.a
LWIP_RAW_CROSS_OBJS := $(PORT_LWIP_RAW_SRCS:%.c=$(QEMU_DIR)/lwip-raw/%.o)
LWIP_RAW_TEST      := $(LWIP_RAW_DIR)/test_lwip_raw
LWIP_RAW_TEST_OBJ  := $(LWIP_RAW_DIR)/tests/device/host/test_lwip_raw.o
VALGRIND           ?= valgrind

$(LWIP_RAW_CORE_SRCS): | $(LWIP_SRC_STAMP)
# The static check covers the raw port against the same source.
check-static: | $(LWIP_SRC_STAMP)

# -MMD leaves out what lwIP's (system) headers include: the options, by hand.
$(LWIP_RAW_CORE_OBJS) $(PORT_LWIP_RAW_OBJS) $(LWIP_RAW_TEST_OBJ): $(LWIP_RAW_OPTS)/lwipopts.h \
                                                                  $(LWIP_RAW_OPTS)/arch/cc.h
$(LWIP_RAW_CROSS_OBJS): $(wildcard $(LWIP_RAW_CROSS_OPTS)/lwipopts.h $(LWIP_RAW_CROSS_OPTS)/arch/cc.h)

lwip-raw: $(PORT_LWIP_RAW_LIB)

$(LWIP_RAW_DIR)/port/lwip/%.o: port/lwip/%.c | $(LWIP_SRC_STAMP) $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(LWIP_RAW_CPPFLAGS) $(CPPFLAGS) $(CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(PORT_LWIP_RAW_LIB): $(PORT_LWIP_RAW_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# lwIP itself: its own code, not held to cardkit's warnings.
$(LWIP_RAW_DIR)/lwip/%.o: $(LWIP_SRC_DIR)/%.c | $(LWIP_SRC_STAMP)
	@mkdir -p $(@D)
	$(CC) $(LWIP_RAW_CPPFLAGS) $(CFLAGS) -w -MMD -MP -c $< -o $@

$(LWIP_RAW_TEST_OBJ): tests/device/host/test_lwip_raw.c | $(LWIP_SRC_STAMP) $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(LWIP_RAW_CPPFLAGS) $(CPPFLAGS) -Iport/lwip $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(LWIP_RAW_TEST): $(LWIP_RAW_TEST_OBJ) $(PORT_LWIP_RAW_LIB) $(LIB) $(LWIP_RAW_CORE_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

lwip-raw-cross: $(LWIP_RAW_CROSS_OBJS)
$(QEMU_DIR)/lwip-raw/port/lwip/%.o: port/lwip/%.c | $(LWIP_SRC_STAMP) $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) -I$(LWIP_RAW_CROSS_OPTS) -isystem $(LWIP_SRC_DIR)/include -Iinclude -std=c99 -Os \
	  $(BOARD_ARCH) $(LIB_WARN) -MMD -MP -c $< -o $@

# Under valgrind when there is one: a callback reaching freed state fails.
lwip-raw-test: $(LWIP_RAW_TEST) $(LWIP_RAW_CROSS_OBJS)
	@scripts/heap_check.sh $(PORT_LWIP_RAW_LIB)
	@if command -v $(VALGRIND) >/dev/null; then VALGRIND=$(VALGRIND) scripts/check_valgrind.sh $(LWIP_RAW_TEST); \
	 else echo "lwip-raw-test: no $(VALGRIND): run without it"; fi
	@scripts/run_tests.sh $(LWIP_RAW_TEST)

test: lwip-raw-test

LWIP_RAW_ASAN_BUILD := $(BUILD)/asan-raw
lwip-raw-asan:
	@$(MAKE) --no-print-directory BUILD=$(LWIP_RAW_ASAN_BUILD) CC=clang OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  $(LWIP_RAW_ASAN_BUILD)/lwip-raw/test_lwip_raw
	@scripts/run_tests.sh $(LWIP_RAW_ASAN_BUILD)/lwip-raw/test_lwip_raw

-include $(PORT_LWIP_OBJS:.o=.d) $(LWIP_CROSS_OBJS:.o=.d) $(LWIP_TEST_OBJ:.o=.d)
-include $(PORT_LWIP_RAW_OBJS:.o=.d) $(LWIP_RAW_CROSS_OBJS:.o=.d) $(LWIP_RAW_TEST_OBJ:.o=.d) \
         $(LWIP_RAW_CORE_OBJS:.o=.d)
