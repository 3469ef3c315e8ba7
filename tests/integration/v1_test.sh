#!/usr/bin/env bash
# ckctl's v1 3DS commands end to end against the mock issuer over real TLS on
# loopback (issue 4): the four methods, header validation, the GET array,
# error bodies, the resend with the same idempotency key, and the power-cut
# replay (a "reboot" between sending and the answer; the issuer applies the
# operation once).
#   tests/integration/v1_test.sh BUILD_DIR [TOOLS_DIR]
set -u
BUILD=${1:-build}
TOOLS_DIR=${2:-$BUILD}
# shellcheck source=tests/integration/tools_lib.sh
. "$(dirname "$0")/tools_lib.sh"

PRODUCT=VC-KIOSK
HOLDER=273555991139442689
WALLET=wallet-0001
CARD=card59202507231957437131
IDS=(--product-id "$PRODUCT" --cardholder-id "$HOLDER" --wallet-id "$WALLET" --card-id "$CARD")
UUID_RE='[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'

# ck1 PORT ARGS...: ckctl with the API key (no access token) and CA against the mock on PORT.
ck1() {
  local port=$1
  shift
  env -u CK_ACCESS_TOKEN CK_API_KEY="$API_KEY" \
    "$CKCTL" --base-url "https://localhost:$port" --ca-file "$CERTS/ca.pem" --timeout-ms 5000 "$@"
}

# ids_for CARD: the id options with another card (a fresh enrollment).
ids_for() { printf '%s\n' --product-id "$PRODUCT" --cardholder-id "$HOLDER" --wallet-id "$WALLET" --card-id "$1"; }

# number NAME: a numeric member of the last command's JSON output.
number() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$T_TMP/out"; }

echo "# help"
expect_exit 0 "ckctl --help" "$CKCTL" --help
expect_in out 'v1 3ds enroll --product-id ID --cardholder-id ID' "--help lists the v1 commands"
expect_in out 'optional for v1' "--help says the access token is optional for v1"
for verb in enroll get update unenroll; do
  expect_exit 0 "ckctl v1 3ds $verb --help" "$CKCTL" v1 3ds "$verb" --help
  expect_in out "^Usage: ckctl \\[GLOBAL OPTIONS\\] v1 3ds $verb --product-id ID" "v1 3ds $verb --help shows its usage"
done
expect_in out '--request-id KEY' "--help names --request-id"

start_mock main
MAIN=$MOCK_PORT

echo "# exit 2: usage and invalid input (nothing is sent)"
expect_exit 2 "v1 without --base-url" env CK_API_KEY="$API_KEY" "$CKCTL" --ca-file "$CERTS/ca.pem" \
  v1 3ds get "${IDS[@]}"
expect_in err 'need --base-url' "says v1 needs --base-url"
expect_exit 2 "v1 with --env" env CK_API_KEY="$API_KEY" "$CKCTL" --env staging v1 3ds get "${IDS[@]}"
expect_exit 2 "--base-url with the v1 path in it" env CK_API_KEY="$API_KEY" "$CKCTL" \
  --base-url "https://localhost:$MAIN/issuing/api/v1/card/3DS" v1 3ds get "${IDS[@]}"
expect_in err 'part before /issuing/api/v1' "says which part of the URL to give"
expect_exit 2 "missing CK_API_KEY" env -u CK_API_KEY -u CK_ACCESS_TOKEN "$CKCTL" \
  --base-url "https://localhost:$MAIN" --ca-file "$CERTS/ca.pem" v1 3ds get "${IDS[@]}"
expect_in err 'CK_API_KEY is not set' "names the missing key"
expect_exit 2 "enroll without --otp" ck1 "$MAIN" v1 3ds enroll "${IDS[@]}"
expect_in err 'missing --otp' "names --otp"
expect_exit 2 "get with --otp" ck1 "$MAIN" v1 3ds get "${IDS[@]}" --otp SMS
expect_in err "unknown option --otp for 'v1 3ds get'" "--otp is refused for get"
expect_exit 2 "unenroll with --otp" ck1 "$MAIN" v1 3ds unenroll "${IDS[@]}" --otp EMAIL
expect_exit 2 "--otp sms (lower case)" ck1 "$MAIN" v1 3ds enroll "${IDS[@]}" --otp sms
expect_in err 'invalid --otp: .*EMAIL or SMS' "names --otp and its values"
expect_exit 2 "missing --wallet-id" ck1 "$MAIN" v1 3ds get --product-id P --cardholder-id H --card-id C
expect_in err 'missing --wallet-id' "names --wallet-id"
expect_exit 2 "unknown v1 verb" ck1 "$MAIN" v1 3ds delete "${IDS[@]}"
nl_card=$(printf 'card\nx-injected: 1')
expect_exit 2 "--card-id holding a newline" ck1 "$MAIN" v1 3ds enroll --product-id "$PRODUCT" \
  --cardholder-id "$HOLDER" --wallet-id "$WALLET" --card-id "$nl_card" --otp SMS
expect_in err '^ckctl: v1\.3ds\.enroll failed: CK_ERR_INVALID_ARG \(invalid --card-id: ' "names --card-id"
expect_exit 2 "--product-id holding a CR" ck1 "$MAIN" v1 3ds get --product-id "$(printf 'P\r')" \
  --cardholder-id "$HOLDER" --wallet-id "$WALLET" --card-id "$CARD"
expect_in err 'invalid --product-id' "names --product-id"
expect_exit 2 "--client-id holding a newline" ck1 "$MAIN" v1 3ds get "${IDS[@]}" --client-id "$(printf 'a\nb')"
expect_in err 'invalid --client-id' "names --client-id"
expect_exit 2 "empty --cardholder-id" ck1 "$MAIN" v1 3ds get --product-id "$PRODUCT" --cardholder-id "" \
  --wallet-id "$WALLET" --card-id "$CARD"
expect_in err 'invalid --cardholder-id' "names --cardholder-id"
expect_exit 2 "--request-id with a space" ck1 "$MAIN" v1 3ds enroll "${IDS[@]}" --otp SMS --request-id "a b"
expect_in err 'invalid --request-id' "names --request-id"
expect_exit 2 "--request-id of 37 characters" ck1 "$MAIN" v1 3ds enroll "${IDS[@]}" --otp SMS \
  --request-id "$(printf 'k%.0s' $(seq 37))"
state=$(mock_state "$MAIN")
expect_eq "$(state_field "$state" requests)" 0 "no invalid input sent a request"

echo "# the four methods (exit 0)"
expect_exit 5 "get before enrolling: 404" ck1 "$MAIN" v1 3ds get "${IDS[@]}"
expect_in err '^ckctl: v1\.3ds\.get failed: CK_ERR_NOT_FOUND \(.*\): HTTP 404: server said "card not enrolled for 3DS": request id ' \
  "the 404 line has the status, the server's message and the key"
expect_exit 0 "enroll (SMS) with a given key" ck1 "$MAIN" v1 3ds enroll "${IDS[@]}" --otp SMS --request-id enroll-key-0001
expect_in out "^\\{\"ok\":true,\"operation\":\"v1\\.3ds\\.enroll\",\"product_id\":\"$PRODUCT\",\"cardholder_id\":\"$HOLDER\",\"wallet_id\":\"$WALLET\",\"card_id\":\"$CARD\",\"otp_delivery_method\":\"SMS\",\"http_status\":200,\"request_id\":\"enroll-key-0001\",\"server_request_id\":\"mock-[0-9]+\",\"attempts\":1,\"elapsed_ms\":[0-9]+\\}$" \
  "enroll prints one JSON object with the key it used"
expect_eq "$(wc -l <"$T_TMP/out" | tr -d ' ')" 1 "stdout is exactly one line"
expect_exit 0 "get: one entry" ck1 "$MAIN" v1 3ds get "${IDS[@]}"
expect_in out '"entries":\[\{"otp_delivery_method":"SMS","destination":"\+628000110022","status":"ACTIVE"\}\]' \
  "get prints the entries as a JSON array"
expect_in out "\"request_id\":\"$UUID_RE\"" "without --request-id the key is a fresh UUIDv4"
expect_exit 0 "update to EMAIL (with --client-id)" ck1 "$MAIN" v1 3ds update "${IDS[@]}" --otp EMAIL --client-id kiosk-7
expect_in out '"operation":"v1\.3ds\.update",.*"otp_delivery_method":"EMAIL","http_status":200' "update prints its JSON object"
expect_exit 0 "get after the update" ck1 "$MAIN" v1 3ds get "${IDS[@]}"
expect_in out '"entries":\[\{"otp_delivery_method":"EMAIL","destination":"cardholder@example\.com","status":"ACTIVE"\}\]' \
  "the update changed the method and the destination"
expect_exit 0 "unenroll" ck1 "$MAIN" v1 3ds unenroll "${IDS[@]}" -v
expect_in out '"operation":"v1\.3ds\.unenroll",.*"http_status":200' "unenroll prints its JSON object"
expect_in err '> DELETE localhost /issuing/api/v1/card/3DS \(attempt 1\)' "-v logs the DELETE"
expect_not_in err "$API_KEY" "-v never shows the API key"
expect_exit 5 "get after unenrolling: 404" ck1 "$MAIN" v1 3ds get "${IDS[@]}"
expect_exit 5 "update when not enrolled: 404" ck1 "$MAIN" v1 3ds update "${IDS[@]}" --otp SMS
expect_exit 5 "unenroll when not enrolled: 404" ck1 "$MAIN" v1 3ds unenroll "${IDS[@]}"
expect_exit 0 "enroll again (EMAIL)" ck1 "$MAIN" v1 3ds enroll "${IDS[@]}" --otp EMAIL
expect_exit 6 "enroll twice: 409" ck1 "$MAIN" v1 3ds enroll "${IDS[@]}" --otp EMAIL
expect_in err 'CK_ERR_CONFLICT \(.*\): HTTP 409: server said "card already enrolled for 3DS"' "names the 409"
# State is per (product, cardholder, wallet, card): another wallet is another enrollment.
expect_exit 5 "the same card in another wallet is not enrolled" ck1 "$MAIN" v1 3ds get \
  --product-id "$PRODUCT" --cardholder-id "$HOLDER" --wallet-id wallet-0002 --card-id "$CARD"
state=$(mock_state "$MAIN")
expect_eq "$(state_field "$state" v1_enrollments)" 2 "the mock applied two enrollments"
expect_eq "$(state_field "$state" v1_updates)" 1 "one update"
expect_eq "$(state_field "$state" v1_unenrollments)" 1 "one unenrollment"
expect_eq "$(state_field "$state" v1_enrolled)" 1 "one enrollment is left"
expect_eq "$(state_field "$state" v1_dedup_hits)" 0 "no key was seen twice"

echo "# credentials: the access token is optional in v1"
expect_exit 0 "with the right CK_ACCESS_TOKEN" env CK_API_KEY="$API_KEY" CK_ACCESS_TOKEN="$TOKEN" "$CKCTL" \
  --base-url "https://localhost:$MAIN" --ca-file "$CERTS/ca.pem" v1 3ds get "${IDS[@]}"
expect_exit 0 "with an empty CK_ACCESS_TOKEN (no Authorization is sent)" env CK_API_KEY="$API_KEY" CK_ACCESS_TOKEN= \
  "$CKCTL" --base-url "https://localhost:$MAIN" --ca-file "$CERTS/ca.pem" v1 3ds get "${IDS[@]}"
expect_exit 3 "with a wrong CK_ACCESS_TOKEN (it is sent, and checked): 401" env CK_API_KEY="$API_KEY" \
  CK_ACCESS_TOKEN=wrong-token "$CKCTL" --base-url "https://localhost:$MAIN" --ca-file "$CERTS/ca.pem" \
  v1 3ds get "${IDS[@]}"
expect_exit 3 "with a wrong CK_API_KEY: 401" env CK_API_KEY=wrong-key "$CKCTL" \
  --base-url "https://localhost:$MAIN" --ca-file "$CERTS/ca.pem" v1 3ds get "${IDS[@]}"
expect_in err 'CK_ERR_UNAUTHORIZED .*: HTTP 401: server said "missing or invalid credentials"' "names the 401"
expect_not_in err "wrong-key" "the failure line does not echo the key"

echo "# idempotency keys"
mapfile -t K_IDS < <(ids_for card-key-reuse)
expect_exit 0 "enroll with key K" ck1 "$MAIN" v1 3ds enroll "${K_IDS[@]}" --otp SMS --request-id reuse-key-K
expect_exit 0 "the same call with key K again: the stored answer" ck1 "$MAIN" v1 3ds enroll "${K_IDS[@]}" --otp SMS --request-id reuse-key-K
expect_in out '"request_id":"reuse-key-K"' "prints the key"
expect_exit 10 "key K for another request: 422 (not a refusal the API documents)" ck1 "$MAIN" v1 3ds update "${K_IDS[@]}" --otp EMAIL --request-id reuse-key-K
expect_in err 'CK_ERR_OUTCOME_UNKNOWN .*cause: CK_ERR_HTTP_4XX.*: HTTP 422: server said "x-request-id already used for a different request"' "names the reuse"
state=$(mock_state "$MAIN")
expect_eq "$(state_field "$state" v1_enrollments)" 3 "key K was applied once"
expect_eq "$(state_field "$state" v1_dedup_hits)" 1 "and answered once from the key table"
expect_eq "$(state_field "$state" v1_key_conflicts)" 1 "and refused once for another request"
expect_eq "$(state_field "$state" v1_updates)" 1 "the refused update was not applied"

echo "# GET: zero, one, several, too many entries"
for n in 0 1 3; do
  start_mock "entries$n" --v1-entries "$n"
  ck1 "$MOCK_PORT" v1 3ds enroll "${IDS[@]}" --otp SMS >/dev/null 2>&1
  expect_exit 0 "get with $n entries" ck1 "$MOCK_PORT" v1 3ds get "${IDS[@]}"
  got=$(grep -o '"destination":' "$T_TMP/out" | wc -l | tr -d ' ')
  expect_eq "$got" "$n" "get prints $n entries"
  case $n in
    0) expect_in out '"entries":\[\],' "zero entries print an empty array" ;;
    3) expect_in out '"entries":\[\{"otp_delivery_method":"SMS","destination":"\+628000110022","status":"ACTIVE"\},\{"otp_delivery_method":"EMAIL","destination":"cardholder@example\.com","status":"INACTIVE"\},\{"otp_delivery_method":"SMS","destination":"\+628000110022","status":"INACTIVE"\}\],' \
         "several entries keep their order" ;;
  esac
  stop_pid "$MOCK_PID"
done
start_mock entries9 --v1-entries 9
ck1 "$MOCK_PORT" v1 3ds enroll "${IDS[@]}" --otp SMS >/dev/null 2>&1
expect_exit 11 "get with more entries than the buffers hold: not a silent drop" ck1 "$MOCK_PORT" v1 3ds get "${IDS[@]}"
expect_in err 'CK_ERR_(JSON_TOO_MANY_TOKENS|BUFFER_TOO_SMALL)' "names the overflow"
expect_eq "$(wc -c <"$T_TMP/out" | tr -d ' ')" 0 "and prints no partial result"
stop_pid "$MOCK_PID"

echo "# a lost answer is resent with the same key and applied once"
start_mock drop --drop-after-request 1
expect_exit 0 "enroll whose first answer is dropped" ck1 "$MOCK_PORT" v1 3ds enroll "${IDS[@]}" --otp SMS -v
expect_eq "$(number attempts)" 2 "two attempts"
expect_in out "\"request_id\":\"$UUID_RE\"" "one generated key"
expect_in err 'attempt 1 failed with CK_ERR_PEER_CLOSED: retrying' "-v shows the resend"
state=$(mock_state "$MOCK_PORT")
expect_eq "$(state_field "$state" requests)" 2 "the mock saw two requests"
expect_eq "$(state_field "$state" dropped)" 1 "it dropped the first answer"
expect_eq "$(state_field "$state" v1_enrollments)" 1 "it applied the enrollment once"
expect_eq "$(state_field "$state" v1_dedup_hits)" 1 "the resend carried the same key (one dedup hit)"
if grep -q 'seen before' "$T_TMP/drop.log"; then ok "the mock's log shows the resend answered from the key table"; else not_ok "mock log lacks the dedup note"; fi
stop_pid "$MOCK_PID"
start_mock dropdelete --drop-after-request 2
ck1 "$MOCK_PORT" v1 3ds enroll "${IDS[@]}" --otp SMS >/dev/null 2>&1
expect_exit 0 "unenroll whose first answer is dropped" ck1 "$MOCK_PORT" v1 3ds unenroll "${IDS[@]}"
expect_eq "$(number attempts)" 2 "two attempts"
state=$(mock_state "$MOCK_PORT")
expect_eq "$(state_field "$state" v1_unenrollments)" 1 "unenrolled once (a second DELETE would have been a 404)"
expect_eq "$(state_field "$state" v1_dedup_hits)" 1 "the resend was a dedup hit"
stop_pid "$MOCK_PID"
start_mock unavailable --fail-first 1 --fail-status 503
expect_exit 0 "a 503 first (not applied), then the answer" ck1 "$MOCK_PORT" v1 3ds enroll "${IDS[@]}" --otp SMS
expect_eq "$(number attempts)" 2 "--fail-first 1: enroll made two attempts"
state=$(mock_state "$MOCK_PORT")
expect_eq "$(state_field "$state" failed_injected)" 1 "one injected 503"
expect_eq "$(state_field "$state" v1_enrollments)" 1 "applied once"
stop_pid "$MOCK_PID"

# The answer is lost, then the mock is gone (--max-requests 1): the resend cannot
# connect. The first attempt was applied, so this is "outcome unknown" (10), never
# "nothing was sent" (9). (The library reports the last attempt's CK_ERR_CONNECT
# here; ckctl notes from its log hook that an earlier attempt went unanswered.)
start_mock dropgone --drop-after-request 1 --max-requests 1
expect_exit 10 "answer lost, then the resend cannot connect" ck1 "$MOCK_PORT" v1 3ds enroll "${IDS[@]}" \
  --otp SMS --request-id lost-then-gone
expect_in err 'CK_ERR_OUTCOME_UNKNOWN .*cause: CK_ERR_[A-Z_]+.*: request id lost-then-gone$' \
  "reports the outcome as unknown, with the key to replay"
stop_pid "$MOCK_PID"
if grep -q 'POST /issuing/api/v1/card/3DS -> 200, dropped' "$T_TMP/dropgone.log"; then
  ok "the mock had applied it (its log)"
else
  not_ok "the mock's log does not show the applied, dropped request"
fi
start_mock gone
GONE=$MOCK_PORT
stop_pid "$MOCK_PID"
expect_exit 9 "no server at all: nothing was sent" ck1 "$GONE" v1 3ds enroll "${IDS[@]}" --otp SMS
expect_in err 'CK_ERR_CONNECT \(.*nothing was sent\)' "names the connect failure"

echo "# the power-cut replay: a reboot between sending and the answer"
# The kiosk writes the key (and the operation) to non-volatile storage, then
# calls; the power goes before the answer. Here the mock answers after 3 s
# and ckctl gives up after 1 s, having sent the request: outcome unknown.
start_mock powercut --delay-ms 3000
PC_KEY=kiosk-7-enroll-000042
expect_exit 10 "enroll, then no answer before the deadline (the 'power cut')" env -u CK_ACCESS_TOKEN \
  CK_API_KEY="$API_KEY" "$CKCTL" --base-url "https://localhost:$MOCK_PORT" --ca-file "$CERTS/ca.pem" \
  --timeout-ms 1000 v1 3ds enroll "${IDS[@]}" --otp SMS --request-id "$PC_KEY"
expect_in err "CK_ERR_OUTCOME_UNKNOWN .*repeat it with the same --request-id.*: request id $PC_KEY\$" \
  "says the outcome is unknown and gives the key to replay"
state=$(mock_state "$MOCK_PORT")
expect_eq "$(state_field "$state" v1_enrollments)" 1 "the mock applied it although no answer came back"
# "After the reboot": the stored key is found, the same call is made with it.
expect_exit 0 "after the reboot: the same enroll with the same key" ck1 "$MOCK_PORT" v1 3ds enroll "${IDS[@]}" \
  --otp SMS --request-id "$PC_KEY"
expect_in out "\"request_id\":\"$PC_KEY\"" "the replay used the stored key"
state=$(mock_state "$MOCK_PORT")
expect_eq "$(state_field "$state" v1_enrollments)" 1 "the enrollment was applied exactly once"
dedup=$(state_field "$state" v1_dedup_hits)
if [ "${dedup:-0}" -ge 1 ]; then ok "the replay was answered from the key table ($dedup dedup hit(s))"; else not_ok "no dedup hit: $state"; fi
expect_eq "$(state_field "$state" v1_enrolled)" 1 "one enrollment exists"
# Without the stored key, a new key would be a new request: 409, not the original answer.
expect_exit 6 "a replay with a new key is a new request (409)" ck1 "$MOCK_PORT" v1 3ds enroll "${IDS[@]}" --otp SMS
stop_pid "$MOCK_PID"

echo "# the wire's shapes"
start_mock chunked --chunked
ck1 "$MOCK_PORT" v1 3ds enroll "${IDS[@]}" --otp EMAIL >/dev/null 2>&1
expect_exit 0 "get with a chunked answer" ck1 "$MOCK_PORT" v1 3ds get "${IDS[@]}"
expect_in out '"destination":"cardholder@example\.com"' "the chunked answer is decoded"
stop_pid "$MOCK_PID"
start_mock prefixed --path-prefix /card/issuance
expect_exit 0 "a base URL with a path prefix" env CK_API_KEY="$API_KEY" "$CKCTL" \
  --base-url "https://localhost:$MOCK_PORT/card/issuance" --ca-file "$CERTS/ca.pem" \
  v1 3ds enroll "${IDS[@]}" --otp SMS
stop_pid "$MOCK_PID"

summary v1
