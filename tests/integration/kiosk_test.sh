#!/usr/bin/env bash
# The kiosk example end to end against the mock issuer over real TLS, and
# scripts/demo.sh (what `make demo` runs once it has built).
#   tests/integration/kiosk_test.sh BUILD_DIR [TOOLS_DIR]
set -u
BUILD=${1:-build}
TOOLS_DIR=${2:-$BUILD}
# shellcheck source=tests/integration/tools_lib.sh
. "$(dirname "$0")/tools_lib.sh"

# kiosk PORT [ARGS...]: the kiosk with the run's credentials and CA against the mock on PORT.
kiosk() {
  local port=$1
  shift
  CK_API_KEY=$API_KEY CK_ACCESS_TOKEN=$TOKEN \
    "$KIOSK" --base-url "https://localhost:$port/card/issuance" --ca-file "$CERTS/ca.pem" "$@"
}

echo "# the four steps"
start_mock kiosk
expect_exit 0 "kiosk flow" kiosk "$MOCK_PORT"
for step in "step 1/4  create a card" "step 2/4  enroll card card[0-9]+ for 3-D Secure" \
            "step 3/4  update the 3DS contact details" "step 4/4  re-associate card card[0-9]+ with cardholder 273555991139442690"; do
  expect_in out "^$step" "prints: ${step%%  *}"
done
expect_eq "$(grep -c 'result   CK_OK  HTTP 200' "$T_TMP/out")" 4 "four results, each CK_OK with HTTP 200"
expect_eq "$(grep -Ec 'buffers  request [0-9]+/[0-9]+ B, response [0-9]+/[0-9]+ B of the work buffer; [0-9]+/[0-9]+ JSON tokens' "$T_TMP/out")" 4 \
  "four buffer reports"
expect_in out 'sizeof\(ck_client\) [0-9]+ B, sizeof\(ck_buffers\) [0-9]+ B' "prints the context sizes"
expect_in out '^kiosk: all 4 steps succeeded$' "ends with success"
for secret in "$API_KEY" "$TOKEN" "4155550132" "walk-in.cardholder@example.com" "1988-07-14" "kiosk-demo-answer"; do
  expect_not_in out "$secret" "output holds no key, token or cardholder data (${#secret} chars)"
  expect_not_in err "$secret" "stderr holds no key, token or cardholder data (${#secret} chars)"
done
state=$(mock_state "$MOCK_PORT")
expect_eq "$(state_field "$state" cards_issued)" 1 "the mock issued one card"
expect_eq "$(state_field "$state" enrollments)" 1 "the mock enrolled it"
expect_eq "$(state_field "$state" contact_updates)" 1 "the mock updated the contact details"
expect_eq "$(state_field "$state" enrollment_updates)" 1 "the mock re-associated the enrollment"
expect_eq "$(state_field "$state" cards_enrolled)" 1 "the card is enrolled"

echo "# failures stop the flow"
expect_exit 1 "wrong credentials" env CK_API_KEY=wrong CK_ACCESS_TOKEN="$TOKEN" "$KIOSK" \
  --base-url "https://localhost:$MOCK_PORT" --ca-file "$CERTS/ca.pem"
expect_in out 'result   CK_ERR_UNAUTHORIZED  HTTP 401' "step 1 reports the 401"
expect_not_in out "step 2/4" "no step runs after a failure"
stop_pid "$MOCK_PID"
start_mock notenrolled --enroll-false
expect_exit 1 "enroll answered isSuccess:false" kiosk "$MOCK_PORT"
expect_in out 'result   CK_ERR_API_FAILURE  HTTP 200' "step 2 reports the API failure"
expect_not_in out "step 3/4" "step 3 does not run"
expect_exit 1 "wrong CA" env CK_API_KEY="$API_KEY" CK_ACCESS_TOKEN="$TOKEN" "$KIOSK" \
  --base-url "https://localhost:$MOCK_PORT" --ca-file "$CERTS/wrong-ca.pem"
expect_in out 'result   CK_ERR_TLS_VERIFY' "step 1 reports the certificate failure"
stop_pid "$MOCK_PID"
expect_exit 2 "no credentials" env -u CK_API_KEY -u CK_ACCESS_TOKEN "$KIOSK" --base-url https://localhost:1
expect_exit 0 "kiosk --help" "$KIOSK" --help
expect_in out '^usage: kiosk ' "kiosk --help prints its usage"

if [ "$TOOLS_DIR" = "$BUILD" ]; then
  echo "# make demo's script"
  expect_exit 0 "scripts/demo.sh" "$T_ROOT/scripts/demo.sh" "$BUILD"
  expect_in out '^kiosk: all 4 steps succeeded$' "the demo runs the four steps"
  expect_in out '^demo: done' "the demo ends cleanly"
fi

summary kiosk
