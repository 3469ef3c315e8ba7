#!/usr/bin/env bash
# The kiosk examples (v2 and v1) end to end against the mock issuer over real
# TLS, the v1 kiosk's journal across a power cut, and scripts/demo.sh (what
# `make demo` runs once it has built).
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

# kiosk_v1 PORT [ARGS...]: the v1 kiosk with the API key only and the CA against the mock on PORT.
kiosk_v1() {
  local port=$1
  shift
  env -u CK_ACCESS_TOKEN CK_API_KEY="$API_KEY" \
    "$KIOSK_V1" --base-url "https://localhost:$port" --ca-file "$CERTS/ca.pem" "$@"
}
UUID_RE='[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'

echo "# the v1 kiosk: enroll, get, update, unenroll"
start_mock kiosk_v1
expect_exit 0 "v1 kiosk flow (no journal)" kiosk_v1 "$MOCK_PORT"
for step in "step 1/4  enroll card card59202507231957437131 in the 3DS program, OTP by SMS  \\[POST " \
            "step 2/4  read the 3DS enrollment details of card card59202507231957437131  \\[GET " \
            "step 3/4  switch the OTP delivery method of card card59202507231957437131 to EMAIL  \\[PATCH " \
            "step 4/4  unenroll card card59202507231957437131 from the 3DS program  \\[DELETE "; do
  expect_in out "^$step" "prints: ${step%%  *}"
done
expect_eq "$(grep -c 'result   CK_OK  HTTP 200' "$T_TMP/out")" 4 "four results, each CK_OK with HTTP 200"
expect_eq "$(grep -Ec "^          key      $UUID_RE\$" "$T_TMP/out")" 4 "four keys, each a UUIDv4 made before sending"
expect_in out '^          entry 1/1  SMS  \+62\*+022  ACTIVE$' "get shows the entry, destination masked"
expect_not_in out "+628000110022" "the destination is never shown in full"
expect_in out '^  auth     x-api-key only$' "no access token: the API key only"
expect_in out '^kiosk_v1: all 4 v1 steps succeeded$' "ends with success"
for secret in "$API_KEY" "$TOKEN"; do
  expect_not_in out "$secret" "output holds no key or token (${#secret} chars)"
  expect_not_in err "$secret" "stderr holds no key or token (${#secret} chars)"
done
state=$(mock_state "$MOCK_PORT")
expect_eq "$(state_field "$state" v1_enrollments)" 1 "the mock enrolled the card"
expect_eq "$(state_field "$state" v1_gets)" 1 "read its details"
expect_eq "$(state_field "$state" v1_updates)" 1 "updated it"
expect_eq "$(state_field "$state" v1_unenrollments)" 1 "unenrolled it"
expect_eq "$(state_field "$state" v1_enrolled)" 0 "nothing is left enrolled"
CK_API_KEY=$API_KEY "$CKCTL" --base-url "https://localhost:$MOCK_PORT" --ca-file "$CERTS/ca.pem" \
  v1 3ds enroll --product-id VC-KIOSK --cardholder-id 273555991139442689 --wallet-id wallet-kiosk-0001 \
  --card-id card-taken --otp EMAIL >/dev/null 2>&1
expect_exit 1 "v1 kiosk: a card enrolled already stops the flow (409)" kiosk_v1 "$MOCK_PORT" \
  --card-id card-taken --journal "$T_TMP/taken.journal"
expect_in out 'result   CK_ERR_CONFLICT  HTTP 409' "step 1 reports the 409"
expect_in out 'server said: code 409, message "card already enrolled for 3DS"' "with the server's code and message"
expect_in out 'journal  record removed \(outcome settled\)' "a refusal the API documents settles the journal record"
if [ -e "$T_TMP/taken.journal" ]; then not_ok "the journal still holds a record"; else ok "the journal is empty"; fi
expect_exit 1 "v1 kiosk: wrong API key" env CK_API_KEY=wrong "$KIOSK_V1" \
  --base-url "https://localhost:$MOCK_PORT" --ca-file "$CERTS/ca.pem"
expect_in out 'result   CK_ERR_UNAUTHORIZED  HTTP 401' "step 1 reports the 401"
expect_not_in out "step 2/4" "no step runs after a failure"
stop_pid "$MOCK_PID"
expect_exit 2 "v1 kiosk: no API key" env -u CK_API_KEY "$KIOSK_V1" --base-url https://localhost:1
expect_exit 0 "kiosk_v1 --help" "$KIOSK_V1" --help
expect_in out '^usage: kiosk_v1 ' "kiosk_v1 --help prints its usage"

echo "# the v1 kiosk across a power cut (its journal)"
# The first enroll is answered only after 8 s (--delay-count 1: later requests at
# once). The kiosk is killed (SIGKILL: no chance to clean up) once the mock has
# applied the enrollment and before the answer: a power cut between sending and
# the answer. The next start finds the journal's record and replays the call.
start_mock powercut --delay-ms 8000 --delay-count 1
JOURNAL=$T_TMP/kiosk_v1.journal
rm -f "$JOURNAL"
kiosk_v1 "$MOCK_PORT" --journal "$JOURNAL" >"$T_TMP/run1.out" 2>"$T_TMP/run1.err" </dev/null &
KV1_PID=$!
T_PIDS+=("$KV1_PID")
deadline=$((SECONDS + 10))
applied=0
while [ "$SECONDS" -lt "$deadline" ]; do
  applied=$(state_field "$(mock_state "$MOCK_PORT")" v1_enrollments)
  [ "${applied:-0}" -ge 1 ] && break
  sleep 0.05
done
# (Braces: bash's "Killed" notice goes to /dev/null too.)
{ kill -9 "$KV1_PID"; wait "$KV1_PID"; } 2>/dev/null
expect_eq "${applied:-0}" 1 "the mock applied the enrollment before the power cut"
if grep -q 'written to the journal before sending' "$T_TMP/run1.out"; then ok "the key was journaled before sending"; else not_ok "no journal line in run 1"; fi
expect_not_in_file() { if grep -Fq -- "$2" "$1"; then not_ok "$3"; else ok "$3"; fi; }
expect_not_in_file "$T_TMP/run1.out" "result" "the killed kiosk never saw an answer"
PC_KEY=$(sed -n 's/^key=//p' "$JOURNAL" 2>/dev/null)
expect_eq "$(sed -n 's/^step=//p' "$JOURNAL" 2>/dev/null)" enroll "after the power cut the journal holds the enroll"
if printf '%s' "$PC_KEY" | grep -Eq "^$UUID_RE\$"; then ok "and its key"; else not_ok "journal key missing: '$PC_KEY'"; fi
expect_exit 0 "after the reboot: the kiosk replays the enroll and finishes" kiosk_v1 "$MOCK_PORT" --journal "$JOURNAL"
expect_in out "^recovery: the journal holds step 1/4 \\(enroll\\) with key $PC_KEY" "it found the pending enroll"
expect_in out "^          key      $PC_KEY \\(from the journal\\)\$" "and replayed it with the stored key"
expect_in out '^kiosk_v1: all 4 v1 steps succeeded$' "then ran the remaining steps"
if [ -e "$JOURNAL" ]; then not_ok "the journal still holds a record"; else ok "the journal is empty at the end"; fi
state=$(mock_state "$MOCK_PORT")
expect_eq "$(state_field "$state" v1_enrollments)" 1 "the enrollment was applied exactly once"
expect_eq "$(state_field "$state" v1_dedup_hits)" 1 "the replay was answered from the key table"
expect_eq "$(state_field "$state" v1_unenrollments)" 1 "and the flow went on to unenroll"
stop_pid "$MOCK_PID"

if [ "$TOOLS_DIR" = "$BUILD" ]; then
  echo "# make demo's script"
  expect_exit 0 "scripts/demo.sh" "$T_ROOT/scripts/demo.sh" "$BUILD"
  expect_in out '^kiosk: all 4 steps succeeded$' "the demo runs the four v2 steps"
  expect_in out '^kiosk_v1: all 4 v1 steps succeeded$' "the demo runs the four v1 steps"
  expect_in out '^demo: done' "the demo ends cleanly"
fi

summary kiosk
