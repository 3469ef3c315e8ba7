#!/usr/bin/env bash
# `make demo`: the kiosk example against the mock issuer, over real TLS on loopback.
#   scripts/demo.sh [BUILD_DIR]      (make demo builds BUILD_DIR/kiosk and ck-mock-issuer first)
# Makes a throwaway CA and server certificate and throwaway credentials in a
# temporary folder, starts the mock on 127.0.0.1 with a free port, runs the
# kiosk's four steps, stops the mock and removes the folder. Exit status: the
# kiosk's (0 when all four steps succeeded); non-zero on any failure.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build}
kiosk=$build/kiosk
mock=$build/ck-mock-issuer
ready_timeout_s=${DEMO_READY_TIMEOUT_S:-15}

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }

for bin in "$kiosk" "$mock"; do
  [ -x "$bin" ] || die "$bin is missing (run 'make demo')"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cardkit-demo.XXXXXX")
mock_pid=""
cleanup() {
  local status=$?
  if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Throwaway TLS material and credentials (nothing here outlives the run).
scripts/make-test-certs.sh "$tmp/certs" >/dev/null
say "throwaway CA and localhost certificate made in $tmp/certs"
random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
api_key=$(random_hex 16)
access_token=$(random_hex 24)

# 2. The mock issuer on 127.0.0.1, any free port; wait (bounded) for its ready file.
"$mock" --port 0 --ready-file "$tmp/ready" --cert "$tmp/certs/server.pem" --key "$tmp/certs/server.key" \
  --api-key "$api_key" --token "$access_token" --idle-exit-ms 120000 --log \
  >"$tmp/mock.out" 2>"$tmp/mock.log" &
mock_pid=$!
deadline=$((SECONDS + ready_timeout_s))
until [ -s "$tmp/ready" ]; do
  if ! kill -0 "$mock_pid" 2>/dev/null; then
    cat "$tmp/mock.log" >&2 || true
    die "the mock issuer exited during start-up"
  fi
  [ "$SECONDS" -lt "$deadline" ] || die "the mock issuer was not ready within ${ready_timeout_s}s"
  sleep 0.1
done
port=$(tr -dc '0-9' <"$tmp/ready")
[ -n "$port" ] || die "the mock issuer's ready file holds no port"
base_url="https://localhost:$port/card/issuance"
say "mock issuer listening on 127.0.0.1:$port (pid $mock_pid)"
say "running the kiosk against $base_url"
echo

# 3. The kiosk: credentials by environment only, the throwaway CA as trust anchor.
status=0
CK_API_KEY=$api_key CK_ACCESS_TOKEN=$access_token \
  "$kiosk" --base-url "$base_url" --ca-file "$tmp/certs/ca.pem" || status=$?
echo
if [ "$status" -ne 0 ]; then
  say "the mock issuer's log:"
  sed 's/^/  /' "$tmp/mock.log" >&2 || true
  die "the kiosk failed (exit $status)"
fi
say "the mock issuer saw:"
sed 's/^/  /' "$tmp/mock.log"
say "done: all four steps succeeded; stopping the mock issuer"
