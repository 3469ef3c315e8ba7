# ck-mock-issuer: the mock issuer used by the integration tests and `make demo`.
#   make mock         build $(BUILD)/ck-mock-issuer
#   make mock-test    build it and run tests/integration/test_mock_issuer.sh
# Included by the top-level Makefile (-include mk/*.mk); uses its BUILD, CC,
# CPPFLAGS, CFLAGS, WARN, LDFLAGS, LIB and DEPS_STAMP.

MOCK_SRCS     := $(sort $(wildcard tools/mock-issuer/*.c))
MOCK_OBJS     := $(MOCK_SRCS:%.c=$(BUILD)/%.o)
MOCK_BIN      := $(BUILD)/ck-mock-issuer
MOCK_CPPFLAGS := -D_POSIX_C_SOURCE=200809L
MOCK_LIBS     := -lmbedtls -lmbedx509 -lmbedcrypto
MOCK_TEST     := tests/integration/test_mock_issuer.sh
# Packages the smoke test needs besides the host set (curl drives the mock).
MOCK_DEPS_STAMP := $(BUILD)/.deps-mock

.PHONY: mock mock-test
mock: $(MOCK_BIN)

$(BUILD)/tools/mock-issuer/%.o: tools/mock-issuer/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(MOCK_CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(MOCK_BIN): $(MOCK_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(MOCK_OBJS) $(LIB) $(MOCK_LIBS)

$(MOCK_DEPS_STAMP): mk/mock.mk | $(DEPS_STAMP)
	@missing=""; \
	for p in curl openssl; do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "mock-test needs:$$missing" >&2; \
	    echo "run as root:   apt-get update && apt-get install -y --no-install-recommends$$missing" >&2; \
	    exit 1; \
	  fi; \
	  echo "mock.mk: installing$$missing" >&2; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@mkdir -p $(@D) && touch $@

mock-test: $(MOCK_BIN) | $(MOCK_DEPS_STAMP)
	@$(MOCK_TEST) $(MOCK_BIN)

test: mock-test

-include $(MOCK_OBJS:.o=.d)
