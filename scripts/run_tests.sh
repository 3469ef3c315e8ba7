#!/usr/bin/env bash
# Run cmocka test binaries, show their output, and end with one total line:
#   "tests: N passed, N failed"
# Exits non-zero when any test failed or any binary crashed.
set -u
passed=0; failed=0; broken=0
for bin in "$@"; do
  out=$("$bin" 2>&1); rc=$?
  printf '%s\n' "$out"
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
    echo "run_tests: $bin exited with $rc without a cmocka summary" >&2
    broken=$((broken + 1)); failed=$((failed + 1))
  fi
done
echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$broken" -eq 0 ]
