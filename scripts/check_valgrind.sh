#!/usr/bin/env bash
# Run test binaries once each under valgrind memcheck: any memory error, any
# definite or indirect leak, or a failing test fails the run.
#   scripts/check_valgrind.sh BIN...        (make check-valgrind)
# Env: VALGRIND (valgrind). Logs in BIN.valgrind.log next to each binary.
set -uo pipefail
vg=${VALGRIND:-valgrind}
command -v "$vg" >/dev/null || { echo "check-valgrind: $vg not found (scripts/deps.sh tools)" >&2; exit 1; }
status=0
total_p=0
for bin in "$@"; do
  log=$bin.valgrind.log
  out=$("$vg" --tool=memcheck --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --track-origins=yes --quiet --log-file="$log" "$bin" 2>&1)
  rc=$?
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
  total_p=$((total_p + ${p:-0}))
  if [ "$rc" -ne 0 ]; then
    status=1
    if [ "$rc" -eq 99 ]; then
      echo "check-valgrind: $bin: memcheck errors:"
      sed 's/^/  /' "$log" | head -n 60
    else
      echo "check-valgrind: $bin: exit $rc"
      printf '%s\n' "$out" | grep -E 'FAILED|ERROR|LINE' | head -n 20 | sed 's/^/  /'
    fi
  fi
done
if [ "$status" -eq 0 ]; then
  echo "check-valgrind: $# suites, $total_p tests, 0 memcheck errors, 0 leaks"
fi
exit "$status"
