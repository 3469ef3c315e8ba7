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

.PHONY: lwip lwip-cross lwip-test

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

-include $(PORT_LWIP_OBJS:.o=.d) $(LWIP_CROSS_OBJS:.o=.d) $(LWIP_TEST_OBJ:.o=.d)
