#!/usr/bin/env bash
# `make demo`: the kiosk examples against the mock issuer, over real TLS on loopback.
#   scripts/demo.sh [BUILD_DIR]      (make demo builds BUILD_DIR/kiosk, kiosk_v1 and
#                                     ck-mock-issuer first)
# Makes a throwaway CA and server certificate and throwaway credentials in a
# temporary folder, starts the mock on 127.0.0.1 with a free port, runs the
# kiosk's four v2 steps (card, 3DS enroll, contact details, re-associate),
# then the v1 kiosk's four steps (3DS program: enroll, get, update,
# unenroll, each with an idempotency key journaled first), stops the mock and
# removes the folder. Exit status: 0 when all eight steps succeeded;
# non-zero on any failure.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=scripts/mock_lib.sh
. scripts/mock_lib.sh
build=${1:-build}
kiosk=$build/kiosk
kiosk_v1=$build/kiosk_v1
mock=$build/ck-mock-issuer
ready_timeout_s=${DEMO_READY_TIMEOUT_S:-15}

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }

for bin in "$kiosk" "$kiosk_v1" "$mock"; do
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
started=0
MOCK_READY_TIMEOUT_S=$ready_timeout_s mock_start "$mock" "$tmp/ready" "$tmp/mock.log" \
  --cert "$tmp/certs/server.pem" --key "$tmp/certs/server.key" \
  --api-key "$api_key" --token "$access_token" --idle-exit-ms 120000 --log || started=$?
mock_pid=$MOCK_PID
[ "$started" -eq 0 ] || die "the mock issuer did not start within ${ready_timeout_s}s (its log above)"
port=$MOCK_PORT
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

# 4. The v1 kiosk: the 3DS program API v1 on the provider's {{baseUrl}} (here the
#    mock's root), API key only, every call's idempotency key journaled first.
say "running the v1 kiosk against https://localhost:$port (3DS program API v1)"
echo
CK_API_KEY=$api_key \
  "$kiosk_v1" --base-url "https://localhost:$port" --ca-file "$tmp/certs/ca.pem" \
  --journal "$tmp/kiosk_v1.journal" || status=$?
echo
if [ "$status" -ne 0 ]; then
  say "the mock issuer's log:"
  sed 's/^/  /' "$tmp/mock.log" >&2 || true
  die "the v1 kiosk failed (exit $status)"
fi
say "the mock issuer saw:"
sed 's/^/  /' "$tmp/mock.log"
say "done: all four v2 steps and all four v1 steps succeeded; stopping the mock issuer"
