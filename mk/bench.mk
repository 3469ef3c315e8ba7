# mk/bench.mk — the benchmark (not a test) and its instruction-count check.
# Included by the top-level Makefile (-include mk/*.mk); uses its BUILD, CC,
# CPPFLAGS, CFLAGS, WARN, LIB_WARN, LDFLAGS, LIB, LOOPBACK_OBJS, DEPS_STAMP;
# from mk/check.mk TOOLS_DEPS_STAMP (valgrind), from mk/ports.mk (in
# recipes) MBEDTLS_LIBS and the port archives, from mk/mock.mk the mock.
#
#   make bench        cardkit against libcurl + cJSON over TLS, against a
#                     local nginx and ck-mock-issuer: one markdown table
#                     (scripts/bench.sh; a benchmark: exits 0 whatever the figures)
#   make bench-check  cardkit's own instructions per keep-alive enroll, from
#                     callgrind over the loopback transport, held to
#                     bench/ceiling.txt (part of `make test`)

BENCH_DIR  := $(BUILD)/bench
BENCH_LOOP := $(BENCH_DIR)/ck_loop
BENCH_CK   := $(BENCH_DIR)/ck_bench
BENCH_PEER := $(BENCH_DIR)/peer_bench
BENCH_DEPS_STAMP := $(BUILD)/.deps-bench

.PHONY: bench bench-check

$(BENCH_DEPS_STAMP): scripts/deps.sh
	@scripts/deps.sh host bench
	@mkdir -p $(@D) && touch $@

$(BENCH_DIR)/ck_bench.o: CPPFLAGS += -Iport/posix -Iport/mbedtls
$(BENCH_DIR)/peer_bench.o: | $(BENCH_DEPS_STAMP)

$(BENCH_CK): $(BENCH_DIR)/ck_bench.o $(BUILD)/libcardkit-mbedtls.a $(BUILD)/libcardkit-posix.a $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS)

$(BENCH_PEER): $(BENCH_DIR)/peer_bench.o
	$(CC) $(LDFLAGS) -o $@ $^ -lcurl -lcjson

# The TLS port built with one ciphersuite, for the record-cost table.
BENCH_SUITES  := AES_128_GCM CHACHA20_POLY1305
BENCH_CS_BINS := $(BENCH_SUITES:%=$(BENCH_DIR)/cs_%/ck_bench)
BENCH_NOAESNI := $(BENCH_DIR)/no_aesni.so

$(BENCH_DIR)/cs_%/ck_tls.o: port/mbedtls/ck_tls.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_WARN) -DCK_TLS_CIPHERSUITES=MBEDTLS_TLS_ECDHE_ECDSA_WITH_$*_SHA256 -c $< -o $@

$(BENCH_DIR)/cs_%/ck_bench: $(BENCH_DIR)/ck_bench.o $(BENCH_DIR)/cs_%/ck_tls.o $(BUILD)/libcardkit-posix.a $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS)

$(BENCH_NOAESNI): bench/no_aesni.c
	@mkdir -p $(@D)
	$(CC) -shared -fPIC $(CFLAGS) $(WARN) -o $@ $<

bench: $(BENCH_CK) $(BENCH_PEER) $(BUILD)/ck-mock-issuer $(BENCH_CS_BINS) $(BENCH_NOAESNI) | $(BENCH_DEPS_STAMP)
	@scripts/bench.sh $(BUILD)

$(BENCH_DIR)/%.o: bench/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iport/loopback $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(BENCH_LOOP): $(BENCH_DIR)/ck_loop.o $(LOOPBACK_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^

bench-check: $(BENCH_LOOP) | $(TOOLS_DEPS_STAMP)
	@scripts/bench_check.sh $(BENCH_LOOP) bench/ceiling.txt

test: bench-check

-include $(BENCH_DIR)/ck_loop.d $(BENCH_DIR)/ck_bench.d $(BENCH_DIR)/peer_bench.d
