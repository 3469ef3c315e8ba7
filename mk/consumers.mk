# mk/consumers.mk — cardkit used from other builds: the consumer projects of
# tests/consumers/, driven by scripts/consumers_test.sh.
# Included by the top-level Makefile (-include mk/*.mk); uses its BUILD,
# CROSS, LIB_SRCS, LOOPBACK_SRCS, the targets lib, ports, tools and install,
# and in the recipe the source lists of mk/ports.mk and port/lwip/lwip.mk
# (all of them read from cardkit.cmake).
#
#   make consumers-test  part of `make test`: add_subdirectory(cardkit) on the
#                        host; cmake --install and find_package(cardkit);
#                        pkg-config over both installs (CMake's, and `make
#                        install`'s); a Cortex-M4 image with the toolchain file
#                        cmake/arm-none-eabi.cmake, run under QEMU, whose lib/
#                        .text must be within 1 % of `make size`'s. Each runs
#                        one ck_3ds_enroll over the loopback transport. It also
#                        checks that cardkit.cmake lists every source of lib/
#                        and port/ (a file left out is built by neither build).

CONSUMERS_DIR        := $(BUILD)/consumers
CONSUMERS_DEPS_STAMP := $(BUILD)/.deps-consumers
# Every .c of lib/ and port/ that no list of cardkit.cmake names.
CONSUMERS_LISTED      = $(shell awk '/^set\(/ { f = 1; next } $$1 == ")" { f = 0 } f { print $$1 }' cardkit.cmake)
CONSUMERS_UNLISTED    = $(filter-out $(CONSUMERS_LISTED),$(wildcard lib/*.c port/*/*.c))

.PHONY: consumers-test

# After qemu-deps (host and cross, mk/qemu.mk): one apt-get at a time.
$(CONSUMERS_DEPS_STAMP): scripts/deps.sh | qemu-deps
	@scripts/deps.sh host cross cmake
	@mkdir -p $(@D) && touch $@

# `lib ports tools` first: what `make install` installs is then built, so the
# `make install` below only copies (nothing built twice at once under -j).
consumers-test: lib ports tools | $(CONSUMERS_DEPS_STAMP)
	@if [ -n "$(strip $(CONSUMERS_UNLISTED))" ]; then \
	  echo "consumers-test: cardkit.cmake does not list $(strip $(CONSUMERS_UNLISTED))" >&2; exit 1; fi
	@rm -rf $(CONSUMERS_DIR)/make-install
	@$(MAKE) --no-print-directory install PREFIX=$(abspath $(CONSUMERS_DIR))/make-install > /dev/null
	@CROSS="$(CROSS)" scripts/consumers_test.sh $(CONSUMERS_DIR) $(abspath $(CONSUMERS_DIR))/make-install $(LIB_SRCS)

test: consumers-test
