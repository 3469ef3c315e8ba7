# mk/batch.mk — `ckctl batch` (issue 12): its libraries, its tests and its benchmark.
# Included by the top-level Makefile (-include mk/*.mk); uses BUILD, CC, CPPFLAGS,
# CFLAGS, WARN, LDFLAGS, TEST_LIBS, DEPS_STAMP; the binaries are built by the
# rules of mk/tools.mk and mk/mock.mk.
#
#   make batch-test    the CSV/JSONL reader unit tests (cmocka), then ckctl batch
#                      against the mock issuer over TLS: validation, results, journal,
#                      kill -9 / resume, Ctrl-C, --jobs, --resolved; part of `make test`
#   make bench-batch   10,000 3ds.enroll rows over TLS: --jobs 1 and 8 against one
#                      ckctl process per row, max RSS at 10,000 and 1,000,000 rows;
#                      prints a markdown table (a benchmark, not a test)

# ckctl links Debian's libcsv (CSV) and cJSON (JSON Lines) and runs jobs on pthreads.
CKCTL_LIBS := -lcsv -lcjson -pthread

# The readers' unit tests: the reader files alone (and the library, for its
# UTF-8 check), no network, no mbedTLS.
BATCH_READ_OBJS := $(addprefix $(BUILD)/tools/ckctl/,ckctl_batch_read.o ckctl_batch_csv.o ckctl_batch_jsonl.o)
BATCH_TEST      := $(BUILD)/tools/tests/test_batch_read
BATCH_TEST_OBJ  := $(BUILD)/tools/tests/test_batch_read.o

.PHONY: batch-test bench-batch

$(BATCH_TEST_OBJ): tests/integration/test_batch_read.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itools/ckctl $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(BATCH_TEST): $(BATCH_TEST_OBJ) $(BATCH_READ_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ -lcsv -lcjson $(TEST_LIBS)

# This file is read before mk/mock.mk and mk/tools.mk (-include sorts), whose
# variables are not set yet when prerequisites are read: name the binaries.
batch-test: $(BATCH_TEST) $(BUILD)/ckctl $(BUILD)/kiosk $(BUILD)/kiosk_v1 $(BUILD)/ck-mock-issuer
	@tests/integration/batch_test.sh $(BUILD)

bench-batch: $(BUILD)/ckctl $(BUILD)/ck-mock-issuer
	@scripts/bench_batch.sh $(BUILD)

test: batch-test

-include $(BATCH_TEST_OBJ:.o=.d)
