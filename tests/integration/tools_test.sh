#!/usr/bin/env bash
# `make tools-test`: ckctl's unit tests, then ckctl (v2: ckctl_test.sh, v1:
# v1_test.sh) and the kiosk examples (kiosk_test.sh) against the mock issuer
# over real TLS on loopback, once per TOOLS_DIR (one per mbedTLS version).
# Ends with one line: "tools: N passed, N failed".
#   tests/integration/tools_test.sh BUILD_DIR [TOOLS_DIR...]
# BUILD_DIR holds ck-mock-issuer and the unit tests; each TOOLS_DIR holds a
# ckctl, a kiosk and a kiosk_v1 (default: BUILD_DIR).
set -u
build=${1:-build}
shift || true
[ $# -gt 0 ] || set -- "$build"
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp "${TMPDIR:-/tmp}/cardkit-tools-run.XXXXXX")
trap 'rm -f "$log"' EXIT
passed=0
failed=0

# add_counts P F: add a suite's counts.
add_counts() {
  passed=$((passed + ${1:-0}))
  failed=$((failed + ${2:-0}))
}

echo "== ckctl unit tests"
"$build/tools/tests/test_ckctl_args" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
p=$(sed -n 's/^.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
f=$(sed -n 's/^.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
if [ "$rc" -ne 0 ] && [ -z "$f" ]; then f=1; fi
add_counts "$p" "$f"

# The bash suites end with "NAME: N passed, N failed".
for dir in "$@"; do
  for suite in ckctl_test.sh v1_test.sh kiosk_test.sh; do
    echo
    echo "== $suite with $dir/"
    "$here/$suite" "$build" "$dir" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    line=$(grep -E '^[a-z0-9_]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -z "$line" ]; then
      echo "tools_test.sh: $suite ended (exit $rc) without its summary line" >&2
      add_counts 0 1
      continue
    fi
    read -r _ p _ f _ <<<"$line"
    add_counts "$p" "$f"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then add_counts 0 1; fi
  done
done

echo
echo "tools: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
