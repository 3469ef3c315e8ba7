#!/usr/bin/env bash
# ckctl against the mock issuer over real TLS on loopback: every exit code of
# the contract (issue 3), help, usage errors, and -v never leaking a secret.
#   tests/integration/ckctl_test.sh BUILD_DIR [TOOLS_DIR]
set -u
BUILD=${1:-build}
TOOLS_DIR=${2:-$BUILD}
# shellcheck source=tests/integration/tools_lib.sh
. "$(dirname "$0")/tools_lib.sh"

HOLDER=273555991139442689
OTHER_HOLDER=273555991139442690
SEED_CARD=card59202507231957437131
# Cardholder data used below; -v and every message must never show it.
MOBILE=4155550187
EMAIL=leak.check@example.com
DOB=1979-11-23
ANSWER=correct-horse-battery
ADDRESS="77 Secret Lane"

# ck PORT ARGS...: ckctl with the run's credentials and CA against the mock on PORT.
ck() {
  local port=$1
  shift
  CK_API_KEY=$API_KEY CK_ACCESS_TOKEN=$TOKEN \
    "$CKCTL" --base-url "https://localhost:$port" --ca-file "$CERTS/ca.pem" --timeout-ms 5000 "$@"
}

# A valid contact update with the data above (tests swap single values).
CONTACT=(contact update --cardholder "$HOLDER" --call-prefix +1 --mobile "$MOBILE" --email "$EMAIL"
         --dob "$DOB" --address "$ADDRESS" --city Springfield --state IL --post-code 62701 --country US
         --security-index 4 --security-answer "$ANSWER")

echo "# help"
expect_exit 0 "ckctl --help" "$CKCTL" --help
expect_in out 'Exit codes' "--help lists the exit codes"
expect_in out 'contact update --cardholder ID --call-prefix P' "--help gives every command's synopsis"
expect_in out 'CK_API_KEY' "--help names the credential variables"
for cmd in "card apply" "3ds enroll" "3ds update" "contact update"; do
  # shellcheck disable=SC2086
  expect_exit 0 "ckctl $cmd --help" "$CKCTL" $cmd --help
  expect_in out "^Usage: ckctl \[GLOBAL OPTIONS\] $cmd " "ckctl $cmd --help shows its usage"
done
expect_in out '--security-answer TEXT' "contact update --help lists its options"

start_mock main
MAIN=$MOCK_PORT

echo "# exit 2: usage and invalid input (nothing is sent)"
expect_exit 2 "no arguments" "$CKCTL"
expect_exit 2 "unknown command" ck "$MAIN" card issue --product T1FBXO
expect_exit 2 "unknown option" ck "$MAIN" card apply --product T1FBXO --coupon --colour red
expect_exit 2 "missing required option" ck "$MAIN" 3ds enroll --card "$SEED_CARD"
expect_in err 'missing --cardholder' "names the missing option"
expect_exit 2 "missing CK_API_KEY" env -u CK_API_KEY CK_ACCESS_TOKEN="$TOKEN" "$CKCTL" \
  --base-url "https://localhost:$MAIN" --ca-file "$CERTS/ca.pem" 3ds enroll --card C --cardholder H
expect_in err 'CK_API_KEY is not set' "says which credential is missing"
expect_exit 2 "empty CK_ACCESS_TOKEN" env CK_API_KEY="$API_KEY" CK_ACCESS_TOKEN= "$CKCTL" \
  --base-url "https://localhost:$MAIN" --ca-file "$CERTS/ca.pem" 3ds enroll --card C --cardholder H
expect_exit 2 "plain http:// base URL" env CK_API_KEY="$API_KEY" CK_ACCESS_TOKEN="$TOKEN" "$CKCTL" \
  --base-url "http://localhost:$MAIN" 3ds enroll --card C --cardholder H
expect_in err 'only https://' "explains that only https:// is accepted"
expect_exit 2 "invalid --mobile" ck "$MAIN" "${CONTACT[@]/$MOBILE/55x0100}"
expect_in err '^ckctl: contact\.update failed: CK_ERR_INVALID_ARG \(invalid --mobile: ' "names the option at fault"
expect_exit 2 "--dob in the future" ck "$MAIN" "${CONTACT[@]/$DOB/2999-01-01}"
expect_in err 'invalid --dob' "names --dob"
expect_exit 2 "--txn-limit with 3 decimals" ck "$MAIN" card apply --product T1FBXO --coupon --txn-limit 1.234
expect_in err 'invalid --txn-limit' "names --txn-limit"
expect_exit 2 "limits out of order" ck "$MAIN" card apply --product T1FBXO --coupon --txn-limit 100 --daily-limit 50
expect_exit 2 "unreadable --ca-file" env CK_API_KEY="$API_KEY" CK_ACCESS_TOKEN="$TOKEN" "$CKCTL" \
  --base-url "https://localhost:$MAIN" --ca-file "$T_TMP/no-such-ca.pem" 3ds enroll --card C --cardholder H
expect_in err 'invalid --ca-file' "names --ca-file"
state=$(mock_state "$MAIN")
expect_eq "$(state_field "$state" requests)" 0 "no usage error sent a request"

echo "# exit 0: the four operations"
expect_exit 0 "card apply" ck "$MAIN" card apply --product T1FBXO --no-coupon --cardholder "$HOLDER" \
  --remark 'kiosk "7" — café' --txn-limit 50 --daily-limit 100.5
expect_in out '^\{"ok":true,"operation":"card\.apply","card_id":"card[0-9]+","http_status":200,"request_id":"mock-[0-9]+","attempts":1,"elapsed_ms":[0-9]+\}$' \
  "card apply prints one JSON object with the card id"
expect_eq "$(wc -l <"$T_TMP/out" | tr -d ' ')" 1 "stdout is exactly one line"
CARD=$(sed -n 's/.*"card_id":"\([^"]*\)".*/\1/p' "$T_TMP/out")
expect_exit 0 "3ds enroll" ck "$MAIN" 3ds enroll --card "$CARD" --cardholder "$HOLDER"
expect_in out "^\\{\"ok\":true,\"operation\":\"3ds\\.enroll\",\"card_id\":\"$CARD\",\"cardholder_id\":\"$HOLDER\"" \
  "3ds enroll prints its JSON object"
expect_exit 0 "3ds update" ck "$MAIN" 3ds update --card "$CARD" --cardholder "$OTHER_HOLDER"
expect_in out '"operation":"3ds\.update"' "3ds update prints its JSON object"
expect_exit 0 "contact update (-v)" ck "$MAIN" -v "${CONTACT[@]}"
expect_in out '^\{"ok":true,"operation":"contact\.update","cardholder_id":"273555991139442689"' \
  "contact update prints its JSON object"
expect_in err "> POST localhost /api/issuing/cardholders/v2/update \\(attempt 1\\)" "-v logs the request line"
expect_in err '< HTTP 200' "-v logs the status"
expect_in err 'done: CK_OK, HTTP 200, 1 attempt' "-v logs the outcome and timing"
for secret in "$API_KEY" "$TOKEN" "$MOBILE" "$EMAIL" "$DOB" "$ANSWER" "$ADDRESS"; do
  expect_not_in err "$secret" "-v stderr holds no key, token or cardholder data (${#secret} chars)"
  expect_not_in out "$secret" "stdout holds no key, token or cardholder data (${#secret} chars)"
done
state=$(mock_state "$MAIN")
expect_eq "$(state_field "$state" contact_updates)" 1 "the mock applied the contact update"
to_full() { "$@" >/dev/full; }
expect_exit 1 "a success whose JSON cannot be written (stdout full)" to_full ck "$MAIN" \
  3ds update --card "$CARD" --cardholder "$HOLDER"
expect_in err 'succeeded but its result could not be written' "says the operation succeeded"

echo "# exit 3..8: the server's answers"
expect_exit 3 "wrong API key (401)" env CK_API_KEY=wrong-key CK_ACCESS_TOKEN="$TOKEN" "$CKCTL" \
  --base-url "https://localhost:$MAIN" --ca-file "$CERTS/ca.pem" 3ds enroll --card "$CARD" --cardholder "$HOLDER"
expect_in err '^ckctl: 3ds\.enroll failed: CK_ERR_UNAUTHORIZED \(.*\): HTTP 401: server said "missing or invalid credentials"$' \
  "the failure line has the error, status and server message"
expect_not_in err "wrong-key" "the failure line does not echo the key"
expect_exit 5 "enroll an unknown card (404)" ck "$MAIN" 3ds enroll --card card000 --cardholder "$HOLDER"
expect_in err 'CK_ERR_NOT_FOUND .*: HTTP 404: server said "card not found"' "names the 404"
expect_exit 5 "apply with an unknown budget (404)" ck "$MAIN" card apply --product T1FBXO --coupon --budget ci-nope
expect_exit 5 "3ds update of a card never enrolled (404)" ck "$MAIN" 3ds update --card "$SEED_CARD" --cardholder "$HOLDER"
expect_exit 6 "enroll the same card twice (409)" ck "$MAIN" 3ds enroll --card "$CARD" --cardholder "$HOLDER"
expect_in err 'CK_ERR_CONFLICT .*: HTTP 409: server said "card already enrolled for 3DS"' "names the 409"
long_address=$(printf 'A%.0s' $(seq 300))
expect_exit 7 "an address the server finds too long (400)" ck "$MAIN" "${CONTACT[@]/$ADDRESS/$long_address}"
expect_in err 'CK_ERR_BAD_REQUEST .*: HTTP 400: server said "address_line: too long"' "names the 400"

start_mock forbidden --fail-first 1000 --fail-status 403
expect_exit 4 "feature not enabled (403)" ck "$MOCK_PORT" card apply --product T1FBXO --coupon
expect_in err 'CK_ERR_FORBIDDEN .*: HTTP 403' "names the 403"
stop_pid "$MOCK_PID"
start_mock ratelimited --fail-first 1000 --fail-status 429
expect_exit 7 "rate limited (429)" ck "$MOCK_PORT" card apply --product T1FBXO --coupon
expect_in err 'CK_ERR_RATE_LIMITED .*: HTTP 429' "names the 429"
stop_pid "$MOCK_PID"
start_mock unavailable --fail-first 1000 --fail-status 503
expect_exit 10 "server unavailable (503 without Retry-After): may have been applied" ck "$MOCK_PORT" 3ds enroll --card "$SEED_CARD" --cardholder "$HOLDER"
expect_in err 'CK_ERR_OUTCOME_UNKNOWN .*cause: CK_ERR_HTTP_5XX.*: HTTP 503: server said "injected failure' "names the 5xx as the cause"
stop_pid "$MOCK_PID"
start_mock broken --fail-first 1000 --fail-status 500
expect_exit 10 "server error (500): may have been applied" ck "$MOCK_PORT" card apply --product T1FBXO --coupon
stop_pid "$MOCK_PID"

echo "# exit 9: nothing was sent (connection, TLS, certificate)"
start_mock gone
GONE=$MOCK_PORT
stop_pid "$MOCK_PID"
expect_exit 9 "connection refused" ck "$GONE" card apply --product T1FBXO --coupon
expect_in err 'CK_ERR_CONNECT \(.*nothing was sent\)' "names the connect failure"
before=$(state_field "$(mock_state "$MAIN")" requests)
expect_exit 9 "server certificate from another CA" env CK_API_KEY="$API_KEY" CK_ACCESS_TOKEN="$TOKEN" "$CKCTL" \
  --base-url "https://localhost:$MAIN" --ca-file "$CERTS/wrong-ca.pem" card apply --product T1FBXO --coupon
expect_in err 'CK_ERR_TLS_VERIFY' "names the verification failure"
after=$(state_field "$(mock_state "$MAIN")" requests)
expect_eq "$after" "$before" "a certificate that does not verify gets no request"
T_CERT=other start_mock otherhost
expect_exit 9 "certificate for another host" ck "$MOCK_PORT" card apply --product T1FBXO --coupon
expect_in err 'CK_ERR_TLS_VERIFY' "names the verification failure"
stop_pid "$MOCK_PID"

echo "# exit 10: sent, no complete answer"
start_mock dropper --drop-after-request 1
expect_exit 10 "connection dropped after the request" ck "$MOCK_PORT" card apply --product T1FBXO --coupon
expect_in err 'CK_ERR_OUTCOME_UNKNOWN \(.*may have been applied' "says the outcome is unknown"
state=$(mock_state "$MOCK_PORT")
expect_eq "$(state_field "$state" cards_issued)" 1 "the dropped request was applied (which is why it is 10, not 9)"
stop_pid "$MOCK_PID"
start_mock slow --delay-ms 3000
expect_exit 10 "deadline passed after sending" env CK_API_KEY="$API_KEY" CK_ACCESS_TOKEN="$TOKEN" "$CKCTL" \
  --base-url "https://localhost:$MOCK_PORT" --ca-file "$CERTS/ca.pem" --timeout-ms 600 \
  card apply --product T1FBXO --coupon
expect_in err 'CK_ERR_OUTCOME_UNKNOWN .*cause: CK_ERR_TIMEOUT' "gives the timeout as the cause"
stop_pid "$MOCK_PID"

echo "# exit 11: malformed or unexpected answers"
start_mock notenrolled --enroll-false
expect_exit 11 "enroll answered isSuccess:false" ck "$MOCK_PORT" 3ds enroll --card "$SEED_CARD" --cardholder "$HOLDER"
expect_in err 'CK_ERR_API_FAILURE' "names the API failure"
stop_pid "$MOCK_PID"
# Not HTTP at all: openssl's test server echoes each request line reversed.
openssl s_server -accept 127.0.0.1:0 -naccept 1 -rev -cert "$CERTS/server.pem" -key "$CERTS/server.key" \
  >"$T_TMP/rev.out" 2>&1 </dev/null &
REV_PID=$!
T_PIDS+=("$REV_PID")
deadline=$((SECONDS + READY_TIMEOUT_S))
until grep -q '^ACCEPT' "$T_TMP/rev.out" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.05; done
REV_PORT=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$T_TMP/rev.out")
expect_exit 10 "an answer that is not HTTP: may have been applied" ck "${REV_PORT:-1}" card apply --product T1FBXO --coupon
expect_in err 'CK_ERR_HTTP_MALFORMED|CK_ERR_HTTP_' "names the malformed response"
stop_pid "$REV_PID"

echo "# the wire's shapes: chunked and split answers"
start_mock chunked --chunked
expect_exit 0 "chunked answer" ck "$MOCK_PORT" card apply --product T1FBXO --coupon
stop_pid "$MOCK_PID"
start_mock split --split 7 --split-pause-ms 1
expect_exit 0 "answer in 7-byte pieces" ck "$MOCK_PORT" card apply --product T1FBXO --coupon
stop_pid "$MOCK_PID"

summary ckctl
