# mk/tools.mk — ckctl, the kiosk examples (v2 and v1), `make demo`, and the tools' tests.
# Included by the top-level Makefile (-include mk/*.mk); uses its BUILD, CC,
# CPPFLAGS, CFLAGS, LDFLAGS, WARN, LIB_WARN, LIB, DEPS_STAMP, and from
# mk/ports.mk the port archives, MBEDTLS_LIBS and the mbedTLS 3.6 variables;
# the mock issuer comes from mk/mock.mk.
#
#   make demo          a fresh machine to the kiosk's four v2 steps and its four v1
#                      steps (enroll, get, update, unenroll) against the mock issuer
#   make tools         $(BUILD)/ckctl, $(BUILD)/kiosk, $(BUILD)/kiosk_v1 (on Debian's mbedTLS 2.28)
#   make tools-test    ckctl's unit tests, then ckctl and the kiosks against the mock
#                      over TLS, on 2.28 and (unless MBEDTLS3=0) on 3.6; part of `make test`
#   make install       also installs PREFIX/bin/ckctl
#
# mk/ports.mk must be read first (it is: -include mk/*.mk reads them sorted), as
# the rules below name its archives and mbedTLS 3.6 paths.
# Both programs use the public headers and the ports only, never lib/ internals.
# ck_tls embeds mbedTLS contexts, so whatever includes ck_tls.h is compiled once
# per mbedTLS version: $(BUILD)/... for 2.28, $(MBEDTLS3_BUILD)/... for 3.6.

CKCTL       := $(BUILD)/ckctl
KIOSK       := $(BUILD)/kiosk
KIOSK_V1    := $(BUILD)/kiosk_v1
CKCTL3      := $(MBEDTLS3_BUILD)/ckctl
KIOSK3      := $(MBEDTLS3_BUILD)/kiosk
KIOSK_V1_3  := $(MBEDTLS3_BUILD)/kiosk_v1

CKCTL_SRCS  := $(sort $(wildcard tools/ckctl/*.c))
CKCTL_OBJS  := $(CKCTL_SRCS:%.c=$(BUILD)/%.o)
CKCTL3_OBJS := $(CKCTL_SRCS:%.c=$(MBEDTLS3_BUILD)/%.o)
# Both kiosks link kiosk_common.o, their shared plumbing (options, credentials,
# the TCP -> TLS -> client stack), and kiosk_flow.o (the flows, result printing;
# the board image links it too); kiosk_common.o includes ck_tls.h, so both
# are built once per mbedTLS version.
KIOSK_COMMON_OBJ   := $(BUILD)/examples/kiosk/kiosk_common.o $(BUILD)/examples/kiosk/kiosk_flow.o
KIOSK_COMMON3_OBJ  := $(MBEDTLS3_BUILD)/examples/kiosk/kiosk_common.o $(MBEDTLS3_BUILD)/examples/kiosk/kiosk_flow.o
KIOSK_OBJS  := $(BUILD)/examples/kiosk/kiosk.o $(KIOSK_COMMON_OBJ)
KIOSK3_OBJS := $(MBEDTLS3_BUILD)/examples/kiosk/kiosk.o $(KIOSK_COMMON3_OBJ)
KIOSK_V1_OBJS  := $(BUILD)/examples/kiosk/kiosk_v1.o $(KIOSK_COMMON_OBJ)
KIOSK_V1_3_OBJS := $(MBEDTLS3_BUILD)/examples/kiosk/kiosk_v1.o $(KIOSK_COMMON3_OBJ)
# ckctl's pure parts (no network, no mbedTLS): what its unit tests link.
CKCTL_CORE_OBJS := $(addprefix $(BUILD)/tools/ckctl/,ckctl_args.o ckctl_commands.o ckctl_exit.o ckctl_help.o ckctl_output.o ckctl_table.o)

CKCTL_TEST     := $(BUILD)/tools/tests/test_ckctl_args
CKCTL_TEST_OBJ := $(BUILD)/tools/tests/test_ckctl_args.o

TOOLS_CPPFLAGS := -Iport/posix -Iport/mbedtls
TOOLS_BINS     := $(CKCTL) $(KIOSK) $(KIOSK_V1)
TOOLS_DIRS     := $(BUILD)
ifneq ($(MBEDTLS3),0)
TOOLS_BINS     += $(CKCTL3) $(KIOSK3) $(KIOSK_V1_3)
TOOLS_DIRS     += $(MBEDTLS3_BUILD)
endif

.PHONY: demo tools tools-test install-ckctl

tools: $(CKCTL) $(KIOSK) $(KIOSK_V1)

# On Debian's mbedTLS 2.28.
$(BUILD)/tools/ckctl/%.o: tools/ckctl/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(TOOLS_CPPFLAGS) $(CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(BUILD)/examples/kiosk/%.o: examples/kiosk/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(TOOLS_CPPFLAGS) $(CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(CKCTL): $(CKCTL_OBJS) $(PORT_TLS_LIB) $(PORT_POSIX_LIB) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS) $(CKCTL_LIBS)

$(KIOSK): $(KIOSK_OBJS) $(PORT_TLS_LIB) $(PORT_POSIX_LIB) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS)

$(KIOSK_V1): $(KIOSK_V1_OBJS) $(PORT_TLS_LIB) $(PORT_POSIX_LIB) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS)

# On mbedTLS 3.6 (scripts/mbedtls3.sh via mk/ports.mk).
$(MBEDTLS3_BUILD)/tools/ckctl/%.o: tools/ckctl/%.c $(MBEDTLS3_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(MBEDTLS3_CPPFLAGS) $(CPPFLAGS) $(TOOLS_CPPFLAGS) $(CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(MBEDTLS3_BUILD)/examples/kiosk/%.o: examples/kiosk/%.c $(MBEDTLS3_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(MBEDTLS3_CPPFLAGS) $(CPPFLAGS) $(TOOLS_CPPFLAGS) $(CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(CKCTL3): $(CKCTL3_OBJS) $(PORT_TLS3_LIB) $(PORT_POSIX_LIB) $(LIB) $(MBEDTLS3_ARCHIVES)
	$(CC) $(LDFLAGS) -o $@ $^ $(CKCTL_LIBS)

$(KIOSK3): $(KIOSK3_OBJS) $(PORT_TLS3_LIB) $(PORT_POSIX_LIB) $(LIB) $(MBEDTLS3_ARCHIVES)
	$(CC) $(LDFLAGS) -o $@ $^

$(KIOSK_V1_3): $(KIOSK_V1_3_OBJS) $(PORT_TLS3_LIB) $(PORT_POSIX_LIB) $(LIB) $(MBEDTLS3_ARCHIVES)
	$(CC) $(LDFLAGS) -o $@ $^

# ckctl's unit tests (cmocka).
$(CKCTL_TEST_OBJ): tests/integration/test_ckctl_args.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itools/ckctl $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(CKCTL_TEST): $(CKCTL_TEST_OBJ) $(CKCTL_CORE_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# The main job: from a fresh machine to the kiosks' steps (v2, then v1) against the mock.
demo: $(KIOSK) $(KIOSK_V1) $(MOCK_BIN) | $(DEPS_STAMP)
	@scripts/demo.sh $(BUILD)

tools-test: $(TOOLS_BINS) $(MOCK_BIN) $(CKCTL_TEST)
	@tests/integration/tools_test.sh $(BUILD) $(TOOLS_DIRS)

test: tools-test

install-ckctl: $(CKCTL)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(CKCTL) $(DESTDIR)$(PREFIX)/bin/ckctl

install: install-ckctl

-include $(CKCTL_OBJS:.o=.d) $(CKCTL3_OBJS:.o=.d)
-include $(sort $(KIOSK_OBJS:.o=.d) $(KIOSK3_OBJS:.o=.d) $(KIOSK_V1_OBJS:.o=.d) $(KIOSK_V1_3_OBJS:.o=.d))
-include $(CKCTL_TEST_OBJ:.o=.d)
