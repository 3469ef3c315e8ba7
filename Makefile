# cardkit — top-level build.
#   make            libcardkit.a for the host
#   make test       every suite, the heap check (installs missing Debian packages)
#   make size       the memory budget for Cortex-M (lib/ .text, call RAM, stack), in make test
#   make install PREFIX=DIR
#   make clean
# Components with their own rules live in mk/*.mk.

PREFIX   ?= /usr/local
BUILD    ?= build
CC       ?= cc
AR       ?= ar
CROSS    ?= arm-none-eabi-

CSTD     := -std=c99
WARN     := -Wall -Wextra -Wpedantic -Werror
LIB_WARN := $(WARN) -Wshadow -Wconversion -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes
OPT      ?= -O2 -g
SAN      ?=
CPPFLAGS += -Iinclude
CFLAGS   += $(CSTD) $(OPT) $(SAN)
LDFLAGS  += $(SAN)

# Source lists: cardkit.cmake, shared with CMakeLists.txt (one edit per new file).
# $(call ck_sources,NAME): the paths of its `set(NAME` block.
CK_SOURCES_AWK := $$1 == ")" { f = 0 } f { print $$1 } $$1 == "set(" n { f = 1 }
ck_sources = $(shell awk -v n=$(1) '$(CK_SOURCES_AWK)' cardkit.cmake)

LIB_SRCS  := $(call ck_sources,CARDKIT_LIB_SOURCES)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libcardkit.a

LOOPBACK_SRCS := $(call ck_sources,CARDKIT_LOOPBACK_SOURCES)
LOOPBACK_OBJS := $(LOOPBACK_SRCS:%.c=$(BUILD)/%.o)

TEST_SRCS    := $(sort $(wildcard tests/test_*.c))
TEST_BINS    := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
SUPPORT_SRCS := $(sort $(wildcard tests/support/*.c))
SUPPORT_OBJS := $(SUPPORT_SRCS:%.c=$(BUILD)/%.o)
TEST_CPPFLAGS := -Iport/loopback -Itests/support -Ilib
TEST_LIBS     := -lcmocka

DEPS_STAMP := $(BUILD)/.deps-host

.PHONY: all lib test unit-test heap-check install size clean deps
# Keep object files made on the way to test binaries (no rebuild next time).
.SECONDARY:
all: lib
lib: $(LIB)

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/deps.sh
	@scripts/deps.sh host
	@mkdir -p $(@D) && touch $@

$(BUILD)/lib/%.o: lib/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(BUILD)/port/%.o: port/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(TEST_CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(SUPPORT_OBJS) $(LOOPBACK_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

unit-test: $(TEST_BINS)
	@scripts/run_tests.sh $(TEST_BINS)

heap-check: $(LIB)
	@scripts/heap_check.sh $(LIB)

test: heap-check unit-test

install: $(LIB)
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/cardkit
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/cardkit/*.h $(DESTDIR)$(PREFIX)/include/cardkit/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(shell sed -n 's/.*CK_VERSION_STRING "\(.*\)"/\1/p' include/cardkit/ck_client.h)|' \
	    cardkit.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/cardkit.pc

size:
	@scripts/deps.sh cross
	@scripts/size.sh "$(CROSS)" $(LIB_SRCS)

clean:
	rm -rf $(BUILD)

-include mk/*.mk
-include $(LIB_OBJS:.o=.d) $(LOOPBACK_OBJS:.o=.d) $(SUPPORT_OBJS:.o=.d) $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%.d)
