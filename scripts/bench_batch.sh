#!/usr/bin/env bash
# make bench-batch: ckctl batch against the mock issuer over TLS on 127.0.0.1.
#   scripts/bench_batch.sh BUILD_DIR
# 10,000 3ds.enroll rows with --jobs 1 and --jobs 8 (a fresh mock each, so
# every row is a real enroll), the same operation as one `ckctl 3ds enroll`
# process per row (a shell loop, measured on LOOP_ROWS rows), the ratio, and
# max RSS of ckctl at 10,000 rows (run) and 1,000,000 rows (check).
# Prints a markdown table; exits 0 (a benchmark, not a test).
# ROWS (default 10000), LOOP_ROWS (default 300), BIG_ROWS (default 1000000).
set -u
build=${1:-build}
ROWS=${ROWS:-10000}
LOOP_ROWS=${LOOP_ROWS:-300}
BIG_ROWS=${BIG_ROWS:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/mock_lib.sh
. "$root/scripts/mock_lib.sh"
ckctl=$build/ckctl
mock=$build/ck-mock-issuer
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cardkit-bench-batch.XXXXXX")
pids=()
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$root/scripts/make-test-certs.sh" "$tmp/certs" >/dev/null
key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
holder=273555991139442689

# start_mock: a fresh mock with ROWS cards; sets port.
start_mock() {
  local started=0
  mock_start "$mock" "$tmp/ready" "$tmp/mock.log" --cert "$tmp/certs/server.pem" --key "$tmp/certs/server.key" \
    --api-key "$key" --token "$token" --idle-exit-ms 600000 --seed-cards "$ROWS" || started=$?
  pids+=("$MOCK_PID")
  [ "$started" -eq 0 ] || { echo "bench-batch: the mock did not start" >&2; exit 1; }
  port=$MOCK_PORT
}
stop_mock() { kill "${pids[-1]}" 2>/dev/null; wait "${pids[-1]}" 2>/dev/null; }

ck() {
  CK_API_KEY=$key CK_ACCESS_TOKEN=$token "$ckctl" --base-url "https://localhost:$port" --ca-file "$tmp/certs/ca.pem" "$@"
}

# now_ms: wall clock in milliseconds.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

{ echo "op,card,cardholder"; for i in $(seq 1 "$ROWS"); do echo "3ds.enroll,card-b$i,$holder"; done; } >"$tmp/rows.csv"

# run_batch JOBS: rows/s of one run on a fresh mock; sets rate.
run_batch() {
  local t0 t1 ok
  start_mock
  t0=$(now_ms)
  ck batch run "$tmp/rows.csv" --journal "$tmp/j$1" --out "$tmp/out$1" --jobs "$1" --progress never \
    2>"$tmp/err$1"
  t1=$(now_ms)
  stop_mock
  ok=$(grep -c '"outcome":"ok"' "$tmp/out$1")
  rate=$(awk -v n="$ok" -v ms=$((t1 - t0)) 'BEGIN { printf "%.0f", n * 1000 / (ms > 0 ? ms : 1) }')
  if [ "$ok" -ne "$ROWS" ]; then echo "bench-batch: --jobs $1: only $ok of $ROWS rows ok" >&2; fi
}

# rss_of CMD...: max RSS in KB of CMD (GNU time), its output discarded; 0 without GNU time.
rss_of() {
  if [ -x /usr/bin/time ]; then /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; else "$@" >/dev/null 2>&1; echo 0; fi
}

# mib KB: "3.5 MiB", or n/a without GNU time (Debian package "time").
mib() {
  if [ "$1" -gt 0 ]; then echo "$(($1 / 1024)).$((($1 % 1024) * 10 / 1024)) MiB"; else echo "n/a (install time)"; fi
}

run_batch 1
rate1=$rate
run_batch 8
rate8=$rate
start_mock
rss10k=$(rss_of env CK_API_KEY="$key" CK_ACCESS_TOKEN="$token" "$ckctl" --base-url "https://localhost:$port" \
  --ca-file "$tmp/certs/ca.pem" batch run "$tmp/rows.csv" --journal "$tmp/jr" --out "$tmp/outr" --jobs 8 --progress never)
stop_mock
start_mock # fresh cards: the loop enrolls as the batch did
t0=$(now_ms)
for i in $(seq 1 "$LOOP_ROWS"); do
  ck 3ds enroll --card "card-b$i" --cardholder "$holder" >/dev/null 2>&1 || true
done
t1=$(now_ms)
stop_mock
rate_loop=$(awk -v n="$LOOP_ROWS" -v ms=$((t1 - t0)) 'BEGIN { printf "%.1f", n * 1000 / (ms > 0 ? ms : 1) }')

awk -v n="$BIG_ROWS" -v h="$holder" 'BEGIN { print "op,card,cardholder"; for (i = 1; i <= n; i++) printf "3ds.enroll,card-b%d,%s\n", i, h }' >"$tmp/big.csv"
t0=$(now_ms)
rss1m=$(rss_of "$ckctl" batch check "$tmp/big.csv")
t1=$(now_ms)
check_rate=$(awk -v n="$BIG_ROWS" -v ms=$((t1 - t0)) 'BEGIN { printf "%.0f", n * 1000 / (ms > 0 ? ms : 1) }')
rss_check10k=$(rss_of "$ckctl" batch check "$tmp/rows.csv")

ratio=$(awk -v a="$rate8" -v b="$rate_loop" 'BEGIN { printf "%.0f", a / (b > 0 ? b : 1) }')
ratio1=$(awk -v a="$rate1" -v b="$rate_loop" 'BEGIN { printf "%.0f", a / (b > 0 ? b : 1) }')
cat <<TABLE
| $ROWS \`3ds.enroll\` rows, TLS on 127.0.0.1 | rows/s | vs one process per row | max RSS |
|---|---:|---:|---:|
| one \`ckctl 3ds enroll\` per row (shell loop, $LOOP_ROWS rows) | $rate_loop | 1× | — |
| \`ckctl batch run --jobs 1\` | $rate1 | ${ratio1}× | — |
| \`ckctl batch run --jobs 8\` | $rate8 | ${ratio}× | $(mib "$rss10k") |
| \`ckctl batch check\`, $ROWS rows | — | — | $(mib "$rss_check10k") |
| \`ckctl batch check\`, $BIG_ROWS rows | $check_rate | — | $(mib "$rss1m") |
TABLE
exit 0
