#!/usr/bin/env bash
# `make qemu-net-test`: the networked kiosk image (boards/qemu-mps2-an386/
# net_kiosk.c) under QEMU against ck-mock-issuer on the host's 127.0.0.1,
# which the guest reaches as 10.0.2.2 through QEMU's user-mode network.
#
#   scripts/qemu_net_test.sh IMAGE.elf MOCK_BINARY [--figures OUT]
#
# With --figures, only the flow runs, under `-icount shift=0,sleep=off`
# (one instruction per virtual nanosecond), and the image's output (its
# "figure" lines: CPU, arena, stack) goes to OUT for `make size-net`.
#
# Throwaway material in a temporary folder: a CA and a certificate for
# issuer.cardkit.test (scripts/make-test-certs.sh's CA, an unrelated CA for
# the wrong-CA check), random credentials. Every check starts its own mock
# (fresh state) on a free port and reads its counters (/__mock/state) after
# the run, so that what the image says is checked against what the issuer
# saw. The checks:
#   flow      the four v2 steps and the four v1 steps succeed; the issuer
#             saw 8 requests, 1 card, 1 v1 enrollment; neither credential
#             appears in the image's output
#   resume    the second connection (the v1 client's) resumed the first's
#             TLS session: the image says so and the issuer's cache hit once
#   drop-v2   the issuer applies the card request, then hangs up: the image
#             reports CK_ERR_OUTCOME_UNKNOWN after 1 attempt and stops; the
#             issuer saw that one request only (never resent)
#   drop-v1   the same for the v1 enroll: resent with the same key (2
#             attempts, CK_OK), and the issuer's ledger applied it once
#             (1 enrollment, 1 de-duplicated replay)
#   wrong-ca  a CA that did not sign the issuer's certificate:
#             CK_ERR_TLS_VERIFY, and the issuer saw no request
#   link      the cable pulled (QEMU monitor: set_link net0 off) while the
#             card request waits for its answer: the call ends within its
#             deadline with an error; with the link back (set_link on) the
#             step runs again and the flow completes
#   link-v1   the same for the v1 enroll: run again, it replays its key and
#             the ledger applies it once
# Each QEMU run is bounded (QEMU_TIMEOUT, 60 s). Exit status: 0 when every
# check passed, 1 otherwise.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=scripts/mock_lib.sh
. scripts/mock_lib.sh
elf=${1:?usage: qemu_net_test.sh IMAGE.elf MOCK_BINARY}
mock=${2:?usage: qemu_net_test.sh IMAGE.elf MOCK_BINARY}
figures=""
if [ "${3:-}" = --figures ]; then figures=${4:?--figures OUT}; fi
name=issuer.cardkit.test
export QEMU_TIMEOUT=${QEMU_TIMEOUT:-60}

say() { printf 'qemu-net-test: %s\n' "$*"; }
[ -f "$elf" ] || { say "no image $elf"; exit 1; }
[ -x "$mock" ] || { say "no mock issuer $mock"; exit 1; }

tmp=$(umask 077 && mktemp -d "${TMPDIR:-/tmp}/cardkit-qemu-net.XXXXXX")
mock_pid=""
bg_pids=()
stop_mock() {
  if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  mock_pid=""
}
cleanup() {
  local status=$?
  stop_mock
  for p in "${bg_pids[@]:-}"; do
    if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; fi
  done
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- throwaway TLS material and credentials ---------------------------------
certs=$tmp/certs
scripts/make-test-certs.sh "$certs" >/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$certs/issuer.key" \
  -subj "/CN=$name" -out "$certs/issuer.csr" 2>/dev/null
printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$name" > "$certs/issuer.ext"
openssl x509 -req -in "$certs/issuer.csr" -CA "$certs/ca.pem" -CAkey "$certs/ca.key" -CAcreateserial \
  -days 2 -sha256 -extfile "$certs/issuer.ext" -out "$certs/issuer.pem" 2>/dev/null
random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
CK_API_KEY=$(random_hex 16)
CK_ACCESS_TOKEN=$(random_hex 24)
export CK_API_KEY CK_ACCESS_TOKEN

# --- the mock ---------------------------------------------------------------
port=""
start_mock() {
  local started=0
  mock_start "$mock" "$tmp/ready" "$tmp/mock.log" --cert "$certs/issuer.pem" --key "$certs/issuer.key" \
    --api-key "$CK_API_KEY" --token "$CK_ACCESS_TOKEN" --idle-exit-ms 90000 --log "$@" || started=$?
  mock_pid=$MOCK_PID
  [ "$started" -eq 0 ] || { say "the mock did not start"; exit 1; }
  port=$MOCK_PORT
}
# One counter of the mock's /__mock/state (over TLS, as the image sees it).
state_json=""
read_state() {
  state_json=$(curl -sS --max-time 5 --cacert "$certs/ca.pem" --resolve "$name:$port:127.0.0.1" \
    -H "x-api-key: $CK_API_KEY" -H "Authorization: Bearer $CK_ACCESS_TOKEN" \
    "https://$name:$port/__mock/state")
}
counter() { printf '%s' "$state_json" | grep -o "\"$1\":[0-9]*" | head -n1 | cut -d: -f2; }

# --- running the image ------------------------------------------------------
rc=0
run_image() { # OUT-NAME [IMAGE OPTIONS...]
  local out=$tmp/$1.out
  shift
  rc=0
  scripts/qemu_kiosk.sh "$elf" "$name:$port" "${CA_FILE:-$certs/ca.pem}" "$@" >"$out" 2>&1 || rc=$?
}

failures=0
check() { # NAME CONDITION-TEXT CONDITION...
  local what=$1 text=$2
  shift 2
  if "$@"; then
    say "ok    $what: $text"
  else
    say "FAIL  $what: $text"
    failures=$((failures + 1))
  fi
}
is() { [ "${1:-x}" = "$2" ]; }
has() { grep -qE -- "$2" "$tmp/$1.out"; }
not_in_output() { ! grep -qF -e "$2" -e "$3" "$tmp/$1.out"; }
show() { sed 's/^/    | /' "$tmp/$1.out"; sed 's/^/    mock| /' "$tmp/mock.log"; }
# One run against a fresh mock, its counters read after: NAME MOCK-OPTIONS [IMAGE OPTIONS...]
f0=0
scenario() {
  local n=$1 m=$2
  shift 2
  f0=$failures
  # shellcheck disable=SC2086 # the mock's options, split on purpose
  start_mock $m
  run_image "$n" "$@"
  read_state
  stop_mock
}
# The image's output and the mock's log when a check of NAME failed.
show_failed() { [ "$failures" -eq "$f0" ] || show "$1"; }

# Figures only: the flow under -icount, its output kept.
if [ -n "$figures" ]; then
  start_mock
  QEMU_ICOUNT=1 run_image figures
  stop_mock
  if [ "$rc" -ne 0 ]; then show figures; say "the flow failed under -icount (exit $rc)"; exit 1; fi
  cp "$tmp/figures.out" "$figures"
  exit 0
fi

# 1. The whole flow, and the resumed session of the second connection.
scenario flow ""
check flow "the image exits 0 after the 8 steps" is "$rc" 0
check flow "every step succeeded" has flow '^net_kiosk: every step succeeded'
check flow "DHCP lease and the name resolved in the guest" has flow "^dns       $name -> 10\\.0\\.2\\.2"
check flow "the issuer saw 8 requests, 1 card, 1 v1 enrollment" \
  is "$(counter requests)/$(counter cards_issued)/$(counter v1_enrollments)" 8/1/1
check flow "no credential in the image's output" \
  not_in_output flow "$CK_API_KEY" "$CK_ACCESS_TOKEN"
check resume "connection 2 resumed the TLS session" has flow 'connection 2 to .*: resumed handshake'
check resume "the issuer resumed one session" is "$(counter resumptions)" 1
show_failed flow

# 2. v2: the issuer applies the card request and hangs up.
scenario drop-v2 "--drop-after-request 1" --flow v2
check drop-v2 "the image exits 1" is "$rc" 1
check drop-v2 "CK_ERR_OUTCOME_UNKNOWN after 1 attempt" has drop-v2 'result   CK_ERR_OUTCOME_UNKNOWN .* 1 attempt '
check drop-v2 "it stopped at step 1" is "$(grep -c '^step ' "$tmp/drop-v2.out")" 1
check drop-v2 "the issuer saw 1 request, applied 1 card (never resent)" \
  is "$(counter requests)/$(counter cards_issued)/$(counter dropped)" 1/1/1
show_failed drop-v2

# 3. v1: the same for the enroll, which is resent with the same key.
scenario drop-v1 "--drop-after-request 1" --flow v1
check drop-v1 "the image exits 0" is "$rc" 0
check drop-v1 "the enroll succeeded on its 2nd attempt" has drop-v1 'result   CK_OK  HTTP 200  applied yes  2 attempts'
check drop-v1 "the ledger applied it once (1 enrollment, 1 replay de-duplicated)" \
  is "$(counter v1_enrollments)/$(counter v1_dedup_hits)/$(counter dropped)" 1/1/1
show_failed drop-v1

# 4. A CA that did not sign the issuer's certificate.
CA_FILE=$certs/wrong-ca.pem scenario wrong-ca "" --flow v2
check wrong-ca "the image exits 1" is "$rc" 1
check wrong-ca "CK_ERR_TLS_VERIFY" has wrong-ca 'result   CK_ERR_TLS_VERIFY'
check wrong-ca "the issuer saw no request" is "$(counter requests)" 0
show_failed wrong-ca

# 5. The cable pulled while the first request waits for its answer (the mock
#    holds it 3 s), put back once the call has failed; the step then runs
#    again: v2 makes a new card, v1 replays its key.
monitor() { printf '%s\n' "$2" > "$1.in"; }
pull_cable() { # NAME FLOW
  local n=$1 flow=$2 mon=$tmp/$1-monitor img_pid
  f0=$failures
  start_mock --delay-ms 3000 --delay-count 1
  mkfifo -m 600 "$mon.in" "$mon.out"
  cat "$mon.out" >/dev/null &
  bg_pids+=($!)
  QEMU_NET_MONITOR=$mon run_image "$n" --flow "$flow" --timeout-ms 6000 --again-after-ms 3000 &
  img_pid=$!
  bg_pids+=("$img_pid")
  pulled=0
  restored=0
  for _ in $(seq 1 200); do # the request reached the issuer: pull the cable
    read_state 2>/dev/null || true
    if [ "$(counter requests)" = 1 ]; then monitor "$mon" "set_link net0 off"; pulled=1; break; fi
    sleep 0.1
  done
  if [ "$pulled" = 1 ]; then
    for _ in $(seq 1 300); do # the call failed (the image pauses): put it back
      if grep -q 'again    keeping the network running' "$tmp/$n.out" 2>/dev/null; then
        monitor "$mon" "set_link net0 on"; restored=1; break
      fi
      sleep 0.1
    done
  fi
  wait "$img_pid" || true
  rc=$(grep -q '^net_kiosk: every step succeeded' "$tmp/$n.out" && echo 0 || echo 1)
  read_state
  stop_mock
  ms=$(grep -m1 '^          result' "$tmp/$n.out" | sed -n 's/.* \([0-9][0-9]*\) ms.*/\1/p' || true)
  check "$n" "the cable was pulled after the request went out, and put back" is "$pulled$restored" 11
  check "$n" "the call under the pulled cable failed" has "$n" '^          result   CK_ERR_(OUTCOME_UNKNOWN|TIMEOUT|TRANSPORT)'
  check "$n" "within its deadline (6000 ms + 1 s): ${ms:-?} ms" test "${ms:-99999}" -le 7000
  check "$n" "with the link back, the step ran again and the flow completed" is "$rc" 0
  check "$n" "the driver saw the link go down and up" has "$n" '^figure link_changes [3-9]'
}
pull_cable link v2
check link "the issuer applied 2 cards (the first before the cable went)" is "$(counter cards_issued)" 2
show_failed link
pull_cable link-v1 v1
check link-v1 "the enroll was replayed with its key" has link-v1 "key      .* \(the lost call's: replayed\)"
check link-v1 "the ledger applied it once (1 enrollment, 1 replay de-duplicated)" \
  is "$(counter v1_enrollments)/$(counter v1_dedup_hits)" 1/1
show_failed link-v1

if [ "$failures" -ne 0 ]; then
  say "$failures check(s) failed"
  exit 1
fi
say "all checks passed (flow, resume, drop-v2, drop-v1, wrong-ca, link, link-v1)"
