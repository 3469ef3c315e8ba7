# mk/qemu_net.mk — the networked kiosk image: cardkit over TLS (mbedTLS 3.6)
# over lwIP's raw API (NO_SYS = 1) over the board's LAN9118, under QEMU's
# mps2-an386 with its user-mode network (the host is 10.0.2.2).
# Included by the top-level Makefile after mk/qemu.mk (-include mk/*.mk,
# sorted), whose variables it uses.
#
#   make qemu-kiosk ISSUER=NAME:PORT CA=ca.pem [KIOSK_ARGS="--product ..."]
#                       the kiosk flow (four v2 steps, four v1 steps) against
#                       an issuer the host reaches on 127.0.0.1:PORT with a
#                       certificate for NAME; CK_API_KEY and CK_ACCESS_TOKEN
#                       from the environment (handed over by semihosting)
#   make qemu-net-test  the image against ck-mock-issuer: the flow, dropped
#                       v2 and v1 requests, a wrong CA, the link pulled in
#                       the middle of a call, TLS session resumption.
#                       Part of `make test`.
#   make size-net       flash and RAM by origin, CPU figures (-icount), the
#                       budgets (flash <= 128 KiB, RAM <= 48 KiB); part of
#                       `make size`
#
# lwIP 2.1.3 comes from Debian's source (LWIP_SRC_DIR, fetched by the rule
# of port/lwip/lwip.mk) and is built here with the board's options
# (boards/qemu-mps2-an386/lwip_raw/).

NET_DIR        := $(QEMU_DIR)/net
NET_LWIP_OPTS  := $(BOARD_DIR)/lwip_raw
NET_LWIP_CPPFLAGS := -I$(NET_LWIP_OPTS) -isystem $(LWIP_SRC_DIR)/include

# lwIP for the board: IPv4, ARP, DHCP, DNS, UDP, TCP (the raw API only).
NET_LWIP_SRCS := $(addprefix $(LWIP_SRC_DIR)/core/,init.c def.c dns.c inet_chksum.c ip.c mem.c memp.c \
                   netif.c pbuf.c stats.c sys.c tcp.c tcp_in.c tcp_out.c timeouts.c udp.c) \
                 $(addprefix $(LWIP_SRC_DIR)/core/ipv4/,dhcp.c etharp.c icmp.c ip4.c ip4_addr.c ip4_frag.c) \
                 $(LWIP_SRC_DIR)/netif/ethernet.c
NET_LWIP_OBJS := $(NET_LWIP_SRCS:$(LWIP_SRC_DIR)/%.c=$(NET_DIR)/lwip/%.o)
NET_LWIP_LIB  := $(NET_DIR)/liblwip-board.a

# The image's own objects: the driver, the board's network glue, the
# program, the raw-API transport, the kiosk flows shared with examples/kiosk.
NET_BOARD_SRCS := $(BOARD_DIR)/lan9118_netif.c $(BOARD_DIR)/net_board.c
NET_BOARD_OBJS := $(NET_BOARD_SRCS:%.c=$(NET_DIR)/%.o)
NET_PORT_OBJ   := $(NET_DIR)/port/lwip/ck_lwip_raw.o
NET_FLOW_OBJ   := $(NET_DIR)/examples/kiosk/kiosk_flow.o
# Stack of the image (painted at reset; make size-net prints its high-water mark).
NET_STACK_SIZE ?= 6144

# What depends on mbedTLS's configuration (the program, the TLS port, the
# image) goes to NET_VAR_DIR: the board's configuration by default; a
# variant (scripts/qemu_net_ecp.sh) names its own folder, its own mbedTLS
# build and MBEDTLS_USER_CONFIG_FILE in NET_MBEDTLS_DEFS.
NET_VAR_DIR      ?= $(NET_DIR)
NET_MBEDTLS_DIR  ?= $(BOARD_MBEDTLS_DIR)
NET_MBEDTLS_DEFS ?=
NET_MBEDTLS_LIB  := $(NET_MBEDTLS_DIR)/lib/libmbedtls-board.a
NET_MBEDTLS_CPPFLAGS := $(NET_MBEDTLS_DEFS) -isystem $(NET_MBEDTLS_DIR)/include $(QEMU_MBEDTLS_DEF)
ifneq ($(NET_MBEDTLS_DIR),$(BOARD_MBEDTLS_DIR))
$(eval $(call QEMU_MBEDTLS_RULE,$(NET_MBEDTLS_DIR),$(NET_MBEDTLS_DEFS)))
endif
NET_MAIN_OBJ   := $(NET_VAR_DIR)/$(BOARD_DIR)/net_kiosk.o
NET_TLS_OBJ    := $(NET_VAR_DIR)/port/mbedtls/ck_tls.o
NET_ELF        := $(NET_VAR_DIR)/net_kiosk.elf
NET_MAP        := $(NET_VAR_DIR)/net_kiosk.map

.PHONY: qemu-net qemu-net-lwip qemu-kiosk qemu-net-test size-net
qemu-net: $(NET_ELF)
qemu-net-lwip: $(NET_LWIP_LIB)

# lwIP itself: third-party code, its warnings are not ours to fix.
$(NET_DIR)/lwip/%.o: $(LWIP_SRC_DIR)/%.c $(NET_LWIP_OPTS)/lwipopts.h $(NET_LWIP_OPTS)/arch/cc.h | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) $(NET_LWIP_CPPFLAGS) $(QEMU_CFLAGS) -w -c $< -o $@
$(NET_LWIP_OBJS): | $(LWIP_SRC_STAMP)
$(NET_LWIP_SRCS): | $(LWIP_SRC_STAMP)

$(NET_LWIP_LIB): $(NET_LWIP_OBJS)
	@rm -f $@
	$(QEMU_AR) rcs $@ $^

# Ours: the project's warnings (the port with lib/'s).
$(NET_PORT_OBJ): port/lwip/ck_lwip_raw.c | $(LWIP_SRC_STAMP) $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) $(NET_LWIP_CPPFLAGS) $(QEMU_CPPFLAGS) $(QEMU_CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

NET_CFLAGS := $(NET_LWIP_CPPFLAGS) $(QEMU_CPPFLAGS) -Iport/mbedtls -Iport/lwip -Iexamples/kiosk $(QEMU_CFLAGS)
$(NET_DIR)/$(BOARD_DIR)/%.o: $(BOARD_DIR)/%.c | $(LWIP_SRC_STAMP) $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) $(NET_CFLAGS) $(WARN) -Wshadow -Wconversion -MMD -MP -c $< -o $@

$(NET_MAIN_OBJ): $(BOARD_DIR)/net_kiosk.c $(NET_MBEDTLS_LIB) $(QEMU_JSMN) | $(LWIP_SRC_STAMP) $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) $(NET_MBEDTLS_CPPFLAGS) $(NET_CFLAGS) $(WARN) -Wshadow -Wconversion -MMD -MP -c $< -o $@

$(NET_TLS_OBJ): port/mbedtls/ck_tls.c $(NET_MBEDTLS_LIB) $(QEMU_JSMN) | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) $(NET_MBEDTLS_CPPFLAGS) $(QEMU_CPPFLAGS) $(QEMU_CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

$(NET_FLOW_OBJ): examples/kiosk/kiosk_flow.c $(QEMU_JSMN) | $(CROSS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(QEMU_CC) $(QEMU_CPPFLAGS) $(QEMU_CFLAGS) $(LIB_WARN) -MMD -MP -c $< -o $@

# newlib-nano: printf and stdio at a third of full newlib's flash. The two
# wraps let the program count the CPU of P-256 scalar multiplication.
NET_LDFLAGS := $(BOARD_LDFLAGS) --specs=nano.specs -Wl,--defsym=__stack_size=$(NET_STACK_SIZE) \
               -Wl,--wrap=mbedtls_ecp_mul_restartable -Wl,--wrap=mbedtls_ecp_muladd_restartable
$(NET_ELF): $(NET_MAIN_OBJ) $(NET_BOARD_OBJS) $(NET_FLOW_OBJ) $(NET_PORT_OBJ) $(NET_TLS_OBJ) $(QEMU_LIB) \
            $(NET_LWIP_LIB) $(NET_MBEDTLS_LIB) $(QEMU_BOARD_OBJS) $(BOARD_LDSCRIPT)
	$(QEMU_CC) $(NET_LDFLAGS) -Wl,-Map=$(NET_MAP) -o $@ $(filter %.o %.a,$^)

# Our objects see lwIP's options through its (system) headers: named by hand.
$(NET_PORT_OBJ) $(NET_BOARD_OBJS) $(NET_MAIN_OBJ): $(NET_LWIP_OPTS)/lwipopts.h $(NET_LWIP_OPTS)/arch/cc.h

-include $(NET_BOARD_OBJS:.o=.d) $(NET_PORT_OBJ:.o=.d) $(NET_FLOW_OBJ:.o=.d) $(NET_MAIN_OBJ:.o=.d) $(NET_TLS_OBJ:.o=.d)

# --- running ----------------------------------------------------------------
QEMU_NET_TIMEOUT ?= 120
qemu-kiosk: $(NET_ELF)
	@if [ -z "$(ISSUER)" ] || [ -z "$(CA)" ]; then \
	  echo 'usage: make qemu-kiosk ISSUER=NAME:PORT CA=ca.pem [KIOSK_ARGS="--product CODE ..."]' >&2; \
	  echo '       (CK_API_KEY and CK_ACCESS_TOKEN in the environment)' >&2; exit 2; fi
	@QEMU="$(QEMU)" QEMU_TIMEOUT="$(QEMU_NET_TIMEOUT)" scripts/qemu_kiosk.sh $(NET_ELF) "$(ISSUER)" "$(CA)" $(KIOSK_ARGS)

qemu-net-test: $(NET_ELF) $(MOCK_BIN) | $(MOCK_DEPS_STAMP)
	@NM=$(CROSS)nm scripts/heap_check.sh $(NET_LWIP_LIB)
	@for o in $(NET_MAIN_OBJ) $(NET_BOARD_OBJS) $(NET_PORT_OBJ) $(NET_FLOW_OBJ); do \
	  NM=$(CROSS)nm scripts/heap_check.sh $$o >/dev/null || exit 1; done
	@QEMU="$(QEMU)" scripts/qemu_net_test.sh $(NET_ELF) $(MOCK_BIN)

test: qemu-net-test

# --- figures (make size runs them) --------------------------------------------
NET_FIGURES := $(NET_VAR_DIR)/net-figures.txt
$(NET_FIGURES): $(NET_ELF) $(MOCK_BIN) | $(MOCK_DEPS_STAMP)
	@QEMU="$(QEMU)" scripts/qemu_net_test.sh $(NET_ELF) $(MOCK_BIN) --figures $@.tmp
	@mv $@.tmp $@
size-net: $(NET_FIGURES)
	@NM=$(CROSS)nm scripts/qemu_net_size.sh $(NET_ELF) $(NET_MAP) $(NET_FIGURES)
size: size-net

# The P-256 settings of mbedTLS, measured (six mbedTLS builds: minutes).
.PHONY: size-net-ecp
size-net-ecp: $(MOCK_BIN) | $(MOCK_DEPS_STAMP)
	@MAKE="$(MAKE)" BUILD="$(BUILD)" scripts/qemu_net_ecp.sh $(ECP_VARIANTS)
