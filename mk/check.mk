# mk/check.mk — hardening checks: sanitizers, valgrind, static analysis,
# fuzzing, the hostile-server suite over TLS, and coverage.
# Included by the top-level Makefile (-include mk/*.mk, read first of the
# fragments, so the paths of the other fragments' outputs are spelt out
# here); uses its BUILD, CC, CPPFLAGS, WARN, LIB_WARN, LIB_SRCS, TEST_BINS,
# TEST_CPPFLAGS, TEST_LIBS, DEPS_STAMP, and in recipes MBEDTLS_LIBS from
# mk/ports.mk.
#
#   make check             all of the below but coverage; part of `make test`
#   make check-asan        the host unit suites built in $(BUILD)/asan by clang
#                          with ASan + UBSan (-fno-sanitize-recover=all), and run
#   make check-valgrind    the host unit suites once under valgrind memcheck
#                          (any error, any leak: failure)
#   make check-static      cppcheck and clang-tidy on lib/ and port/ (.clang-tidy)
#   make fuzz-short        every libFuzzer harness for FUZZ_SHORT_SECONDS (30) each
#   make fuzz              every harness for FUZZ_SECONDS (300) each
#   make fuzz-build        the harnesses only ($(BUILD)/fuzz/fuzz_*)
#   make hostile-tls-test  the client against the mock issuer's faults over TLS
#   make coverage          gcov line and branch coverage of lib/ from the unit
#                          suites ($(BUILD)/coverage; per file and total, then
#                          every line and branch never run); fails under
#                          COVERAGE_MIN_LINES (100) / COVERAGE_MIN_BRANCHES (95)
#
# Tools come from scripts/deps.sh's `tools` group (clang, libFuzzer's
# runtime, valgrind, cppcheck, clang-tidy).

TOOLS_DEPS_STAMP := $(BUILD)/.deps-tools
SAN_FLAGS        := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# --- sanitizers ---------------------------------------------------------------
# clang's UBSan: it also checks array bounds on pointer arithmetic
# (`array + i`), which gcc's does not (and the host build is gcc's).
ASAN_BUILD := $(BUILD)/asan
ASAN_CC    ?= clang

# --- fuzzing ------------------------------------------------------------------
FUZZ_CC      ?= clang
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_SECONDS ?= 300
FUZZ_SHORT_SECONDS ?= 30
FUZZ_NAMES   := http_parse json v2_decode v1_decode
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_CFLAGS  := -std=c99 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_DIR)/%.o)
FUZZ_SUP_OBJS := $(FUZZ_DIR)/port/loopback/ck_loopback.o $(FUZZ_DIR)/tests/support/ck_fixture.o

# --- hostile server over TLS (the mock issuer's faults) -------------------------
HOSTILE_TLS_BIN := $(BUILD)/integration/test_hostile_tls
HOSTILE_TLS_OBJ := $(BUILD)/tests/integration/test_hostile_tls.o
CHECK_MOCK_BIN  := $(BUILD)/ck-mock-issuer
CHECK_PORT_LIBS := $(BUILD)/libcardkit-mbedtls.a $(BUILD)/libcardkit-posix.a

.PHONY: check check-asan check-valgrind check-static fuzz fuzz-short fuzz-build hostile-tls-test \
        coverage check-deps

check-deps: $(TOOLS_DEPS_STAMP)
$(TOOLS_DEPS_STAMP): scripts/deps.sh
	@scripts/deps.sh host tools
	@mkdir -p $(@D) && touch $@

# A separate build of the unit suites with ASan + UBSan (same sources, same rules).
check-asan: | $(TOOLS_DEPS_STAMP)
	@mkdir -p $(BUILD)
	@$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) CC=$(ASAN_CC) SAN="$(SAN_FLAGS)" OPT="-O1 -g" unit-test \
	  > $(BUILD)/check-asan.log 2>&1 || { cat $(BUILD)/check-asan.log; echo "check-asan: FAILED"; exit 1; }
	@grep -E '^tests:' $(BUILD)/check-asan.log | sed 's/^/check-asan: /'

check-valgrind: $(TEST_BINS) | $(TOOLS_DEPS_STAMP)
	@scripts/check_valgrind.sh $(TEST_BINS)

check-static: | $(TOOLS_DEPS_STAMP)
	@scripts/check_static.sh

# --- libFuzzer ----------------------------------------------------------------
$(FUZZ_DIR)/lib/%.o: lib/%.c | $(TOOLS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(LIB_WARN) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/port/%.o: port/%.c | $(TOOLS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(LIB_WARN) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/tests/%.o: tests/%.c | $(TOOLS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(TEST_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(WARN) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_%.o: fuzz/fuzz_%.c | $(TOOLS_DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(TEST_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(WARN) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/fuzz_%.o $(FUZZ_SUP_OBJS) $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-short: $(FUZZ_BINS)
	@scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SHORT_SECONDS) $(FUZZ_NAMES)

# --- the hostile-server suite against the mock issuer over TLS ------------------
$(HOSTILE_TLS_BIN): $(HOSTILE_TLS_OBJ) $(BUILD)/tests/support/ck_fixture.o $(BUILD)/port/loopback/ck_loopback.o \
                    $(CHECK_PORT_LIBS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS) $(TEST_LIBS)

hostile-tls-test: $(HOSTILE_TLS_BIN) $(CHECK_MOCK_BIN)
	@CK_MOCK_BIN=$(CHECK_MOCK_BIN) scripts/run_tests.sh $(HOSTILE_TLS_BIN)

# --- coverage (not part of `make test`) ---------------------------------------
# Fails below these (percent of lib/'s lines, and of its branches taken).
COVERAGE_MIN_LINES    ?= 100
COVERAGE_MIN_BRANCHES ?= 95

coverage: | $(DEPS_STAMP)
	@COVERAGE_MIN_LINES=$(COVERAGE_MIN_LINES) COVERAGE_MIN_BRANCHES=$(COVERAGE_MIN_BRANCHES) \
	  scripts/coverage.sh $(BUILD)/coverage

check: check-asan check-valgrind check-static fuzz-short hostile-tls-test

test: check

# (the top-level `.SECONDARY:` already keeps these objects)

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_SUP_OBJS:.o=.d) $(FUZZ_BINS:%=%.d) $(HOSTILE_TLS_OBJ:.o=.d)
