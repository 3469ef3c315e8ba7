# shellcheck shell=bash
# Shared by the tools' integration suites (sourced, not run): a scratch
# folder with throwaway certificates and credentials, mock issuers started on
# free ports and always stopped, and pass/fail bookkeeping.
#   BUILD must be set (the build folder holding ck-mock-issuer); TOOLS_DIR
#   (default BUILD) holds the ckctl, kiosk and kiosk_v1 under test, so the
#   same suites run on each mbedTLS version.
# Every wait is bounded; nothing listens on a fixed port.

# shellcheck source=scripts/mock_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/mock_lib.sh"

T_PASS=0
T_FAIL=0
T_PIDS=()
T_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cardkit-tools-test.XXXXXX")
TOOLS_DIR=${TOOLS_DIR:-$BUILD}
CKCTL=$TOOLS_DIR/ckctl
KIOSK=$TOOLS_DIR/kiosk
KIOSK_V1=$TOOLS_DIR/kiosk_v1
MOCK=$BUILD/ck-mock-issuer
CERTS=$T_TMP/certs
READY_TIMEOUT_S=${READY_TIMEOUT_S:-15}

t_cleanup() {
  local pid
  for pid in "${T_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${T_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$T_TMP"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

for bin in "$CKCTL" "$KIOSK" "$KIOSK_V1" "$MOCK"; do
  [ -x "$bin" ] || { echo "tools test: $bin is missing" >&2; exit 1; }
done
"$T_ROOT/scripts/make-test-certs.sh" "$CERTS" >/dev/null

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
API_KEY=$(random_hex 16)
TOKEN=$(random_hex 24)

ok() {
  T_PASS=$((T_PASS + 1))
  printf 'ok   - %s\n' "$1"
}

# not_ok DESCRIPTION: counts a failure and shows the last command's output.
not_ok() {
  T_FAIL=$((T_FAIL + 1))
  printf 'FAIL - %s\n' "$1"
  [ -s "$T_TMP/out" ] && sed 's/^/       stdout: /' "$T_TMP/out"
  [ -s "$T_TMP/err" ] && sed 's/^/       stderr: /' "$T_TMP/err"
  return 0
}

# expect_exit CODE DESCRIPTION CMD...: run CMD (stdout, stderr to $T_TMP/out, err).
expect_exit() {
  local want=$1 desc=$2 rc=0
  shift 2
  "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null || rc=$?
  if [ "$rc" -eq "$want" ]; then
    ok "$desc (exit $rc)"
  else
    not_ok "$desc: exit $rc, expected $want"
  fi
}

# expect_in FILE(out|err) ERE DESCRIPTION: the last command's output matches ERE.
expect_in() {
  if grep -Eq -- "$2" "$T_TMP/$1"; then
    ok "$3"
  else
    not_ok "$3: $1 does not match /$2/"
  fi
}

# expect_not_in FILE(out|err) FIXED-STRING DESCRIPTION
expect_not_in() {
  if grep -Fq -- "$2" "$T_TMP/$1"; then
    not_ok "$3: $1 contains what it must not"
  else
    ok "$3"
  fi
}

# expect_eq ACTUAL EXPECTED DESCRIPTION
expect_eq() {
  if [ "$1" = "$2" ]; then
    ok "$3"
  else
    T_FAIL=$((T_FAIL + 1))
    printf 'FAIL - %s: got "%s", expected "%s"\n' "$3" "$1" "$2"
  fi
}

# start_mock NAME [MOCK OPTION...]: start a mock issuer on 127.0.0.1 (any
# free port) with the run's credentials. Sets MOCK_PORT and MOCK_PID.
# T_CERT=other picks the certificate for another host.
start_mock() {
  local name=$1 cert=${T_CERT:-server} started=0
  shift
  MOCK_READY_TIMEOUT_S=$READY_TIMEOUT_S mock_start "$MOCK" "$T_TMP/$name.ready" "$T_TMP/$name.log" \
    --cert "$CERTS/$cert.pem" --key "$CERTS/$cert.key" --api-key "$API_KEY" --token "$TOKEN" \
    --idle-exit-ms 300000 --log "$@" || started=$?
  T_PIDS+=("$MOCK_PID")
  [ "$started" -eq 0 ] || { echo "tools test: mock '$name' did not start (its log above)" >&2; exit 1; }
}

# stop_pid PID: stop a process this suite started and reap it.
stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# mock_state PORT: the mock's counters (GET /__mock/state) as one line of JSON.
mock_state() {
  printf 'GET /__mock/state HTTP/1.1\r\nHost: localhost\r\nx-api-key: %s\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n' \
    "$API_KEY" "$TOKEN" |
    timeout 10 openssl s_client -quiet -connect "127.0.0.1:$1" -servername localhost \
      -CAfile "$CERTS/ca.pem" -verify_return_error 2>/dev/null | tail -n 1
}

# state_field JSON NAME: one numeric counter of mock_state's answer.
state_field() {
  printf '%s\n' "$1" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
}

# summary NAME: the suite's last line, which tools_test.sh adds up.
summary() {
  echo
  echo "$1: $T_PASS passed, $T_FAIL failed"
  [ "$T_FAIL" -eq 0 ]
}
