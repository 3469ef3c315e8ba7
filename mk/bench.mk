# mk/bench.mk — the benchmark (not a test) and its instruction-count check.
# Included by the top-level Makefile (-include mk/*.mk); uses its BUILD, CC,
# CPPFLAGS, CFLAGS, WARN, LDFLAGS, LIB, LOOPBACK_OBJS, DEPS_STAMP and, from
# mk/check.mk, TOOLS_DEPS_STAMP (valgrind).
#
#   make bench-check  cardkit's own instructions per keep-alive enroll, from
#                     callgrind over the loopback transport, held to
#                     bench/ceiling.txt (part of `make test`)

BENCH_DIR  := $(BUILD)/bench
BENCH_LOOP := $(BENCH_DIR)/ck_loop

.PHONY: bench-check

$(BENCH_DIR)/%.o: bench/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iport/loopback $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(BENCH_LOOP): $(BENCH_DIR)/ck_loop.o $(LOOPBACK_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^

bench-check: $(BENCH_LOOP) | $(TOOLS_DEPS_STAMP)
	@scripts/bench_check.sh $(BENCH_LOOP) bench/ceiling.txt

test: bench-check

-include $(BENCH_DIR)/ck_loop.d
