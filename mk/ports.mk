# mk/ports.mk — the POSIX and mbedTLS ports, and their integration tests.
# Included by the top-level Makefile (-include mk/*.mk), which gives BUILD,
# CC, AR, CPPFLAGS, CFLAGS, LDFLAGS, WARN, LIB_WARN, DEPS_STAMP, TEST_LIBS.
#
#   make ports               $(BUILD)/libcardkit-posix.a, $(BUILD)/libcardkit-mbedtls.a
#                            (the TLS port on Debian's mbedTLS 2.28)
#   make mbedtls3            mbedTLS 3.6 from Debian's source package, built into
#                            third_party/mbedtls-3.6 (scripts/mbedtls3.sh; not committed)
#   make ports-mbedtls3      $(BUILD)/mbedtls3/libcardkit-mbedtls.a (the TLS port on 3.6)
#   make integration-test    real sockets and TLS on 127.0.0.1: 2.28, then 3.6
#                            (MBEDTLS3=0 leaves 3.6 out); part of `make test`
#   make install             also installs the port archives and headers

MBEDTLS3     ?= 1
MBEDTLS_LIBS ?= -lmbedtls -lmbedx509 -lmbedcrypto

PORT_POSIX_SRCS := $(call ck_sources,CARDKIT_POSIX_SOURCES)
PORT_POSIX_OBJS := $(PORT_POSIX_SRCS:%.c=$(BUILD)/%.o)
PORT_POSIX_LIB  := $(BUILD)/libcardkit-posix.a

PORT_TLS_SRCS := $(call ck_sources,CARDKIT_MBEDTLS_SOURCES)
PORT_TLS_OBJS := $(PORT_TLS_SRCS:%.c=$(BUILD)/%.o)
PORT_TLS_LIB  := $(BUILD)/libcardkit-mbedtls.a

# mbedTLS 3.6, built by scripts/mbedtls3.sh (static, -O2, library only).
MBEDTLS3_DIR      ?= third_party/mbedtls-3.6
MBEDTLS3_ARCHIVES := $(MBEDTLS3_DIR)/library/libmbedtls.a $(MBEDTLS3_DIR)/library/libmbedx509.a \
                     $(MBEDTLS3_DIR)/library/libmbedcrypto.a
MBEDTLS3_STAMP    := $(MBEDTLS3_DIR)/library/libmbedcrypto.a
MBEDTLS3_BUILD    := $(BUILD)/mbedtls3
MBEDTLS3_CPPFLAGS := -isystem $(MBEDTLS3_DIR)/include
PORT_TLS3_OBJS    := $(PORT_TLS_SRCS:%.c=$(MBEDTLS3_BUILD)/%.o)
PORT_TLS3_LIB     := $(MBEDTLS3_BUILD)/libcardkit-mbedtls.a

INTEG_DIR      := $(BUILD)/integration
INTEG_CPPFLAGS := -Iport/posix -Iport/mbedtls
INTEG_BINS     := $(INTEG_DIR)/test_posix $(INTEG_DIR)/test_tls
ifneq ($(MBEDTLS3),0)
INTEG_BINS     += $(INTEG_DIR)/test_tls-mbedtls3
endif

.PHONY: ports ports-mbedtls3 mbedtls3 integration-test install-ports heap-check-ports

ports: $(PORT_POSIX_LIB) $(PORT_TLS_LIB)
ports-mbedtls3: $(PORT_TLS3_LIB)

$(PORT_POSIX_LIB): $(PORT_POSIX_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(PORT_TLS_LIB): $(PORT_TLS_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# The objects of port/ come from the top-level rule $(BUILD)/port/%.o
# (with $(LIB_WARN)); the same sources against 3.6 come from this one.
mbedtls3: $(MBEDTLS3_STAMP)
$(MBEDTLS3_STAMP):
	scripts/mbedtls3.sh $(MBEDTLS3_DIR)
# The script makes all three archives: name the other two as its products, or
# make (which read the folder before the script ran) finds no rule for them.
$(filter-out $(MBEDTLS3_STAMP),$(MBEDTLS3_ARCHIVES)): $(MBEDTLS3_STAMP) ;

$(MBEDTLS3_BUILD)/port/%.o: port/%.c $(MBEDTLS3_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(MBEDTLS3_CPPFLAGS) $(CPPFLAGS) $(CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(PORT_TLS3_LIB): $(PORT_TLS3_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# Integration tests: objects for 2.28 from the top-level $(BUILD)/tests/%.o
# rule (plus the port headers), for 3.6 from the rule below.
$(BUILD)/tests/integration/%.o: CPPFLAGS += $(INTEG_CPPFLAGS)

$(MBEDTLS3_BUILD)/tests/integration/%.o: tests/integration/%.c $(MBEDTLS3_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(MBEDTLS3_CPPFLAGS) $(CPPFLAGS) $(INTEG_CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(INTEG_DIR)/test_posix: $(BUILD)/tests/integration/test_posix.o $(PORT_POSIX_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -Wl,--wrap=getaddrinfo -o $@ $^ $(TEST_LIBS)

$(INTEG_DIR)/test_tls: $(BUILD)/tests/integration/test_tls.o $(PORT_TLS_LIB) $(PORT_POSIX_LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS) $(TEST_LIBS)

$(INTEG_DIR)/test_tls-mbedtls3: $(MBEDTLS3_BUILD)/tests/integration/test_tls.o $(PORT_TLS3_LIB) \
                                $(PORT_POSIX_LIB) $(MBEDTLS3_ARCHIVES)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

integration-test: $(INTEG_BINS)
	@scripts/run_tests.sh $(INTEG_BINS)

test: integration-test

# Zero heap in the ports too (mbedTLS allocates inside itself; the port does not).
heap-check-ports: $(PORT_POSIX_LIB) $(PORT_TLS_LIB)
	@scripts/heap_check.sh $(PORT_POSIX_LIB)
	@scripts/heap_check.sh $(PORT_TLS_LIB)

heap-check: heap-check-ports

install-ports: $(PORT_POSIX_LIB) $(PORT_TLS_LIB)
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/cardkit
	install -m 644 $(PORT_POSIX_LIB) $(PORT_TLS_LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 port/posix/ck_posix.h port/mbedtls/ck_tls.h $(DESTDIR)$(PREFIX)/include/cardkit/

install: install-ports

-include $(PORT_POSIX_OBJS:.o=.d) $(PORT_TLS_OBJS:.o=.d) $(PORT_TLS3_OBJS:.o=.d)
-include $(BUILD)/tests/integration/test_posix.d $(BUILD)/tests/integration/test_tls.d
-include $(MBEDTLS3_BUILD)/tests/integration/test_tls.d
