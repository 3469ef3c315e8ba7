#!/usr/bin/env bash
# make bench-check: cardkit's own instructions per keep-alive enroll, from
# callgrind (deterministic: the loopback transport, no TLS, no clock), held
# to the ceiling kept in bench/ceiling.txt.
#   scripts/bench_check.sh BUILD/bench/ck_loop [CEILING_FILE]
# Env: CK_BENCH_N1, CK_BENCH_N2 (20, 120): the two runs whose difference,
#      divided by N2 - N1, is the cost of one call (start-up, connect and
#      close cancel out). CK_BENCH_CEILING overrides the file's figure.
# "cardkit's own" = code compiled from lib/ (jsmn's header included, it is
# compiled into lib/json_read.c); libc and the loopback port are not counted.
set -euo pipefail
bin=${1:?usage: bench_check.sh CK_LOOP [CEILING_FILE]}
ceiling_file=${2:-bench/ceiling.txt}
n1=${CK_BENCH_N1:-20}
n2=${CK_BENCH_N2:-120}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(dirname "$bin")/check
mkdir -p "$out"

ceiling=${CK_BENCH_CEILING:-$(sed -n 's/^\([0-9][0-9]*\).*/\1/p' "$ceiling_file" | head -n1)}
[ -n "$ceiling" ] || { echo "bench-check: no ceiling in $ceiling_file" >&2; exit 1; }

own() { # N -> Ir of cardkit's own code for N calls
  local f="$out/callgrind.$1"
  valgrind --tool=callgrind --compress-strings=no --compress-pos=no --callgrind-out-file="$f" \
    "$bin" "$1" > "$out/valgrind.$1.log" 2>&1 || { cat "$out/valgrind.$1.log" >&2; return 1; }
  awk -f "$here/bench/cg_split.awk" "$f" | awk -F '\t' '
    $1 != "TOTAL" && ($3 ~ /(^|\/)lib\/[^\/]*\.[ch]$/ || $3 ~ /(^|\/)jsmn\.h$/) { s += $1 }
    END { print s + 0 }'
}

a=$(own "$n1")
b=$(own "$n2")
per=$(( (b - a) / (n2 - n1) ))
if [ "$per" -le "$ceiling" ]; then
  echo "bench-check: cardkit's own code: $per instructions per keep-alive enroll (ceiling $ceiling): OK"
else
  echo "bench-check: cardkit's own code: $per instructions per keep-alive enroll, over the ceiling of $ceiling (bench/ceiling.txt)" >&2
  exit 1
fi
