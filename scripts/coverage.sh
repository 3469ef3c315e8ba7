#!/usr/bin/env bash
# gcov line and branch coverage of lib/ from the host unit suites.
#   scripts/coverage.sh [DIR]        (make coverage; DIR: build/coverage)
# Builds the unit suites in DIR with --coverage at -O0, runs them, then
# prints per file and in total: lines executed, and branches taken at least
# once (gcov -b -c), followed by every line never run and every branch never
# taken (file:line), so each can be explained or tested.
# Env: COVERAGE_MIN_LINES, COVERAGE_MIN_BRANCHES (percent; fail below them,
# default 0: report only).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
dir=${1:-build/coverage}
min_lines=${COVERAGE_MIN_LINES:-0}
min_branches=${COVERAGE_MIN_BRANCHES:-0}

find "$dir" -name '*.gcda' -delete 2>/dev/null || true
if ! make --no-print-directory BUILD="$dir" SAN=--coverage OPT="-O0 -g" unit-test >"$dir.log" 2>&1; then
  cat "$dir.log"
  echo "coverage: the unit suites failed (above)"
  exit 1
fi
grep -E '^tests:' "$dir.log" | sed 's/^/coverage: /'

out=$dir/gcov
rm -rf "$out" && mkdir -p "$out"
ln -s "$root/lib" "$out/lib" # the objects name their sources lib/*.c
(cd "$out" && gcov -b -c -o "$root/$dir/lib" "$root"/lib/*.c >summary.txt 2>&1)

awk -v min_l="$min_lines" -v min_b="$min_branches" '
  /^File / { f = $2; gsub(/\047/, "", f); sub(/.*\//, "", f); keep = (f ~ /\.c$/) }
  keep && /^Lines executed:/ && !(f in L) { split($0, a, /[:% ]+/); pl = a[3]; nl = a[5]; names[++n] = f; L[f] = pl; NL[f] = nl; tl += nl; el += pl * nl / 100 }
  keep && /^Taken at least once:/ && !(f in B) { split($0, a, /[:% ]+/); pb = a[5]; nb = a[7]; B[f] = pb; NB[f] = nb; tb += nb; eb += pb * nb / 100 }
  keep && /^No branches/ && !(f in B) { B[f] = "-"; NB[f] = 0 }
  END {
    printf "%-16s %8s %7s %10s %7s\n", "lib/", "lines", "", "branches", ""
    for (i = 1; i <= n; i++) { f = names[i]; printf "%-16s %7.2f%% %7d %9s%% %7d\n", f, L[f], NL[f], B[f], NB[f] }
    lp = tl ? 100 * el / tl : 100; bp = tb ? 100 * eb / tb : 100
    printf "%-16s %7.2f%% %7d %9.2f%% %7d\n", "TOTAL", lp, tl, bp, tb
    printf "coverage: lib/ lines %.2f%% of %d, branches taken %.2f%% of %d\n", lp, tl, bp, tb
    if (lp + 1e-9 < min_l || bp + 1e-9 < min_b) { printf "coverage: below the minimum (lines %s%%, branches %s%%)\n", min_l, min_b; exit 1 }
  }' "$out/summary.txt"
status=$?

echo
echo "Never run (file:line):"
for g in "$out"/*.c.gcov; do
  awk -v f="$(basename "$g" .gcov)" -F: '$1 ~ /#####/ { gsub(/ /, "", $2); printf "  %s:%s:%s\n", f, $2, $3 }' "$g"
done
echo "Branches never taken (file:line: branch):"
for g in "$out"/*.c.gcov; do
  awk -v f="$(basename "$g" .gcov)" '
    /^ *[-0-9#=]+\*?:/ { split($0, a, ":"); line = a[2]; gsub(/ /, "", line); src = substr($0, index($0, a[3])) }
    /^branch/ && ($3 == "never" || ($3 == "taken" && $4 + 0 == 0)) { printf "  %s:%s: branch %s (%s) | %s\n", f, line, $2, ($3 == "never" ? "never executed" : "not taken"), src }
  ' "$g"
done
exit "$status"
