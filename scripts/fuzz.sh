#!/usr/bin/env bash
# Run libFuzzer harnesses for a fixed time each and report the executions.
#   scripts/fuzz.sh FUZZ_DIR SECONDS NAME...     (make fuzz / make fuzz-short)
# Each NAME runs FUZZ_DIR/fuzz_NAME with its growing corpus in
# FUZZ_DIR/corpus/NAME, seeded from fuzz/seeds/* and the JSONTestSuite
# corpus where it lies (../shared/testdata/JSONTestSuite, or the folder named
# by CK_JSON_SUITE_DIR; read in place, never copied into the project; skipped
# with a note when absent). A crash, leak, timeout or failed check stops that
# harness; its reproducer is FUZZ_DIR/crash-NAME-* and the script exits 1
# after running the others. Env: FUZZ_MAX_LEN (8192), FUZZ_TIMEOUT_S (10, per
# input), FUZZ_JOBS (harnesses run at once, 1).
set -uo pipefail

dir=${1:?usage: fuzz.sh FUZZ_DIR SECONDS NAME...}
secs=${2:?usage: fuzz.sh FUZZ_DIR SECONDS NAME...}
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
suite=${CK_JSON_SUITE_DIR:-$root/../shared/testdata/JSONTestSuite}
max_len=${FUZZ_MAX_LEN:-8192}
per_input=${FUZZ_TIMEOUT_S:-10}
jobs=${FUZZ_JOBS:-1}

if [ -d "$suite" ]; then
  suite_seeds=("$suite")
else
  echo "fuzz: JSONTestSuite not found at $suite (set CK_JSON_SUITE_DIR): seeding from fuzz/seeds only"
  suite_seeds=()
fi

# seeds NAME: the seed folders of one harness.
seeds() {
  case "$1" in
    http_parse) echo "$root/fuzz/seeds/http $root/fuzz/seeds/v2 $root/fuzz/seeds/v1" ;;
    json) echo "$root/fuzz/seeds/json ${suite_seeds[*]:-}" ;;
    v2_decode) echo "$root/fuzz/seeds/v2 $root/fuzz/seeds/http $root/fuzz/seeds/json ${suite_seeds[*]:-}" ;;
    v1_decode) echo "$root/fuzz/seeds/v1 $root/fuzz/seeds/json ${suite_seeds[*]:-}" ;;
    *) echo "$root/fuzz/seeds/$1" ;;
  esac
}

run_one() {
  local name=$1 bin=$dir/fuzz_$1 corpus=$dir/corpus/$1 log=$dir/$1.log rc
  [ -x "$bin" ] || { echo "fuzz: $bin is missing (make fuzz-build)"; return 1; }
  mkdir -p "$corpus"
  # shellcheck disable=SC2046
  "$bin" -max_total_time="$secs" -max_len="$max_len" -timeout="$per_input" -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/crash-$name-" "$corpus" $(seeds "$name") >"$log" 2>&1
  rc=$?
  local execs units
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n1)
  units=$(find "$corpus" -type f | wc -l)
  if [ "$rc" -ne 0 ]; then
    echo "fuzz: $name: FAILED (exit $rc) after ${execs:-?} executions; the report:"
    grep -E 'ERROR|SUMMARY|==[0-9]+==|Test unit written|runtime error|deadly signal' "$log" | head -n 20 | sed 's/^/  /'
    return 1
  fi
  echo "fuzz: $name: ${execs:-?} executions in ${secs}s, clean (corpus: $units inputs)"
}

status=0
if [ "$jobs" -gt 1 ]; then
  pids=()
  for name in "$@"; do run_one "$name" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
else
  for name in "$@"; do run_one "$name" || status=1; done
fi
exit "$status"
