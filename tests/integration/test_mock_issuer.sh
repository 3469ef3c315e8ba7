#!/usr/bin/env bash
# Smoke test of ck-mock-issuer: every endpoint, its errors, and each fault switch.
#   tests/integration/test_mock_issuer.sh [path/to/ck-mock-issuer]
# Needs curl and openssl. Generates throwaway certificates in a temporary
# directory, starts mocks on port 0 (never a fixed port), waits for their
# ready files with a timeout, and kills every mock it started on exit.
# Ends with one line: "mock: N passed, N failed"; exits non-zero on failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BIN=${1:-$root/build/ck-mock-issuer}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac

passed=0
failed=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ck-mock-test.XXXXXX")
PIDS=()

cleanup() {
  local p
  for p in "${PIDS[@]}"; do
    kill "$p" 2>/dev/null
  done
  for p in "${PIDS[@]}"; do
    wait "$p" 2>/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok()   { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1${2:+ ($2)}"; }
# check NAME COMMAND...: pass when the command succeeds.
check() {
  local n=$1; shift
  if "$@"; then ok "$n"; else fail "$n" "status=${STATUS:-} body=${BODY:-} raw=${out:-}"; fi
}
has()   { case $1 in *"$2"*) return 0 ;; esac; return 1; }

for tool in curl openssl timeout; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test_mock_issuer: $tool is missing" >&2; echo "mock: 0 passed, 1 failed"; exit 1; }
done
if [ ! -x "$BIN" ]; then
  echo "test_mock_issuer: $BIN not built" >&2
  echo "mock: 0 passed, 1 failed"
  exit 1
fi

CERTS=$WORK/certs
"$root/scripts/make-test-certs.sh" "$CERTS" || { echo "mock: 0 passed, 1 failed"; exit 1; }

# Test credentials, unlike anything else in the output so a leak is visible.
KEY="key-$$-QZXK"
TOKEN="tok-$$-WVYJ"
CARD_RE='"card_id":"card[0-9][0-9]*"'

# start_mock NAME ARGS...: start a mock, wait (max 10 s) for its ready file.
# Sets PORT and MOCK_PID; the log goes to $WORK/NAME.log.
start_mock() {
  local name=$1 _
  shift
  rm -f "$WORK/$name.port"
  "$BIN" --port 0 --ready-file "$WORK/$name.port" --idle-exit-ms 60000 \
    --api-key "$KEY" --token "$TOKEN" --cert "$CERTS/server.pem" --key "$CERTS/server.key" \
    "$@" >"$WORK/$name.out" 2>"$WORK/$name.log" &
  MOCK_PID=$!
  PIDS+=("$MOCK_PID")
  for _ in $(seq 200); do
    [ -s "$WORK/$name.port" ] && break
    kill -0 "$MOCK_PID" 2>/dev/null || break
    sleep 0.05
  done
  PORT=$(cat "$WORK/$name.port" 2>/dev/null)
  if [ -z "$PORT" ]; then
    fail "$name: mock started" "$(cat "$WORK/$name.log")"
    return 1
  fi
  BASE="https://127.0.0.1:$PORT"
  return 0
}

# stop_mock: SIGTERM the current mock and wait for it (bounded); sets STOP_RC.
stop_mock() {
  kill "$MOCK_PID" 2>/dev/null
  if wait_exit "$MOCK_PID" 5; then
    STOP_RC=$EXIT_RC
  else
    kill -9 "$MOCK_PID" 2>/dev/null
    wait "$MOCK_PID" 2>/dev/null
    STOP_RC=killed
  fi
}

# wait_exit PID SECONDS: true when the process ends in time; sets EXIT_RC.
wait_exit() {
  local _
  for _ in $(seq $(($2 * 20))); do
    if ! kill -0 "$1" 2>/dev/null; then
      wait "$1" 2>/dev/null; EXIT_RC=$?
      return 0
    fi
    sleep 0.05
  done
  return 1
}

# call METHOD PATH [BODY [CURL_ARGS...]]: one request with the right credentials.
# Sets STATUS, BODY, HEAD, CURL_RC.
AUTH=1
call() {
  local method=$1 path=$2 body=${3-}
  shift; shift; [ $# -gt 0 ] && shift
  local args=(-sS --max-time 10 --cacert "$CERTS/ca.pem" -o "$WORK/body" -D "$WORK/head"
              -w '%{http_code}' -X "$method")
  [ "$AUTH" = 1 ] && args+=(-H "x-api-key: $KEY" -H "Authorization: Bearer $TOKEN")
  [ -n "$body" ] && args+=(-H "Content-Type: ${CTYPE:-application/json}" --data-binary "$body")
  : >"$WORK/body"; : >"$WORK/head"
  STATUS=$(curl "${args[@]}" "$@" "$BASE$path" 2>"$WORK/curl.err")
  CURL_RC=$?
  BODY=$(cat "$WORK/body")
  HEAD=$(tr -d '\r' <"$WORK/head")
}
post() { call POST "$@"; }

# state_of FIELD: a counter from /__mock/state.
state_of() {
  local s
  s=$(curl -sS --max-time 10 --cacert "$CERTS/ca.pem" -H "x-api-key: $KEY" \
        -H "Authorization: Bearer $TOKEN" "$BASE/__mock/state")
  printf '%s' "$s" | sed -n "s/.*\"$1\":\([0-9][0-9]*\).*/\1/p"
}

# raw PORT BYTES: send BYTES (printf %b escapes) over plain TCP, print the answer.
raw() {
  local port=$1 data=$2
  (
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf '%b' "$data" >&3
    timeout 5 cat <&3
  ) 2>/dev/null
}

APPLY='{"card_product_code":"T1FBXO","apply_coupon":true}'
CH1=273555991139442689
CH2=273555991139442690
contact() { # contact FIELD VALUE: a valid contact update body with FIELD replaced (or removed when VALUE is -)
  local out="{" first=1 k
  local -A d=([cardholder_id]=471041678120300545 [call_prefix]=+1 [mobile]=2125551234
    [email]=emma.johnson.updated@example.com [date_of_birth]=1996-10-31 [state]=Illinois
    [city]=Chicago [address_line]="789 Oak Street" [post_code]=60601 [country_code]=US
    [security_index]=2 [security_answer]=Smith)
  [ $# -eq 2 ] && { if [ "$2" = - ]; then unset "d[$1]"; else d[$1]=$2; fi; }
  for k in cardholder_id call_prefix mobile email date_of_birth address_line city state \
           post_code country_code security_index security_answer; do
    [ -n "${d[$k]+x}" ] || continue
    [ $first = 1 ] || out+=","
    first=0
    out+="\"$k\":\"${d[$k]}\""
  done
  printf '%s}' "$out"
}

# ---------------------------------------------------------------------------
echo "# start-up and command line"
"$BIN" --help >"$WORK/help" 2>&1; rc=$?
check "--help exits 0 and lists the seed data" test $rc = 0 -a -n "$(grep -e T1FBXO -e ci202008281528472924 "$WORK/help")"
"$BIN" --bogus >/dev/null 2>&1; rc=$?
check "unknown option exits 2" test $rc = 2
"$BIN" --port 0 --cert "$WORK/none.pem" --key "$CERTS/server.key" --idle-exit-ms 1000 >/dev/null 2>&1; rc=$?
check "missing certificate exits 1" test $rc = 1
"$BIN" --port 0 --cert "$CERTS/server.pem" --key "$CERTS/other.key" --idle-exit-ms 1000 >/dev/null 2>&1; rc=$?
check "key not matching the certificate exits 1" test $rc = 1

# ---------------------------------------------------------------------------
echo "# endpoints (default mock)"
if start_mock main --log; then
  check "prints the bound port" grep -q "127.0.0.1:$PORT" "$WORK/main.out"

  post /api/issuing/card/v2/apply "$APPLY"
  check "apply: 200 with a card id" test "$STATUS" = 200 -a -n "$(printf '%s' "$BODY" | grep -E "^\{\"code\":\"SUCCESS\",\"data\":\{$CARD_RE\}\}$")"
  check "every answer has X-Request-Id: mock-<n>" has "$HEAD" "X-Request-Id: mock-1"
  check "answer has Content-Length and keep-alive" has "$HEAD" "Content-Length: ${#BODY}"

  curl -sS --max-time 10 --cacert "$CERTS/ca.pem" -o /dev/null -w '%{http_code}' \
    -H "x-api-key: $KEY" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "$APPLY" "https://localhost:$PORT/api/issuing/card/v2/apply" >"$WORK/st" 2>/dev/null
  check "TLS name localhost verifies against the test CA" test "$(cat "$WORK/st")" = 200

  AUTH=0
  post /api/issuing/card/v2/apply "$APPLY"
  check "no credentials: 401 UNAUTHORIZED" test "$STATUS" = 401 -a -n "$(has "$BODY" '"code":"UNAUTHORIZED"' && echo y)"
  post /api/issuing/card/v2/apply "$APPLY" -H "x-api-key: $KEY" -H "Authorization: Bearer wrong"
  check "wrong token: 401" test "$STATUS" = 401
  post /api/issuing/card/v2/apply "$APPLY" -H "x-api-key: wrong" -H "Authorization: Bearer $TOKEN"
  check "wrong api key: 401" test "$STATUS" = 401
  post /api/issuing/card/v2/apply "$APPLY" -H "x-api-key: $KEY" -H "Authorization: $TOKEN"
  check "token without Bearer: 401" test "$STATUS" = 401
  call GET /__mock/state
  check "/__mock/state needs credentials" test "$STATUS" = 401
  AUTH=1

  post /nope/at/all '{}'
  check "unknown path: 404 NOT_FOUND" test "$STATUS" = 404 -a -n "$(has "$BODY" '"code":"NOT_FOUND"' && echo y)"
  call GET /api/issuing/card/v2/apply
  check "GET on a POST endpoint: 405 with Allow: POST" test "$STATUS" = 405 -a -n "$(has "$HEAD" 'Allow: POST' && echo y)"
  post /card/issuance/api/issuing/card/v2/apply "$APPLY"
  check "the documented /card/issuance prefix works too" test "$STATUS" = 200

  post /api/issuing/card/v2/apply '{"card_product_code":"NOPE","apply_coupon":true}'
  check "apply: unknown product 404 PRODUCT_NOT_FOUND" test "$STATUS" = 404 -a -n "$(has "$BODY" PRODUCT_NOT_FOUND && echo y)"
  post /api/issuing/card/v2/apply '{"card_product_code":"T1FBXO","apply_coupon":true,"budget_id":"ci0"}'
  check "apply: unknown budget 404" test "$STATUS" = 404 -a -n "$(has "$BODY" BUDGET_NOT_FOUND && echo y)"
  post /api/issuing/card/v2/apply '{"card_product_code":"T1FBXO","apply_coupon":true,"cardholder_id":"1"}'
  check "apply: unknown cardholder 404" test "$STATUS" = 404 -a -n "$(has "$BODY" CARDHOLDER_NOT_FOUND && echo y)"
  post /api/issuing/card/v2/apply '{"card_product_code":"T1FBXO","apply_coupon":"true"}'
  check "apply: apply_coupon as a string is 400" test "$STATUS" = 400 -a -n "$(has "$BODY" apply_coupon && echo y)"
  post /api/issuing/card/v2/apply '{"apply_coupon":true}'
  check "apply: missing card_product_code is 400" test "$STATUS" = 400 -a -n "$(has "$BODY" card_product_code && echo y)"
  post /api/issuing/card/v2/apply '{"card_product_code":"T1FBXO","apply_coupon":true,"daily_limit":"1.234"}'
  check "apply: 3 decimals is 400" test "$STATUS" = 400 -a -n "$(has "$BODY" daily_limit && echo y)"
  post /api/issuing/card/v2/apply '{"card_product_code":"T1FBXO","apply_coupon":true,"daily_limit":500}'
  check "apply: a numeric limit is 400" test "$STATUS" = 400
  post /api/issuing/card/v2/apply '{"card_product_code":"T1FBXO","apply_coupon":true,"transaction_amount_limit":"500.00","monthly_limit":"100"}'
  check "apply: limit hierarchy is 400" test "$STATUS" = 400 -a -n "$(has "$BODY" 'limit hierarchy' && echo y)"
  post /api/issuing/card/v2/apply '{"card_product_code":"T1FBXO","apply_coupon":true,"transaction_amount_limit":"500.00","daily_limit":"2000","weekly_limit":"8000.5","monthly_limit":"30000.00","lifetime_limit":"200000.00","budget_id":"ci202008281528472924"}'
  check "apply: every limit in order and a budget is 200" test "$STATUS" = 200
  post /api/issuing/card/v2/apply '{"card_product_code":"T1FBXO","apply_coupon":true,"typo_limit":"1"}'
  check "apply: an unknown member is 400 naming it" test "$STATUS" = 400 -a -n "$(has "$BODY" typo_limit && echo y)"
  post /api/issuing/card/v2/apply '{"card_product_code":"T1FBXO","apply_coupon":true,"budget_id":""}'
  check "apply: an empty optional id is 400" test "$STATUS" = 400
  post /api/issuing/card/v2/apply '{"card_product_code":"T1FBXO",'
  check "apply: malformed JSON is 400 INVALID_JSON" test "$STATUS" = 400 -a -n "$(has "$BODY" INVALID_JSON && echo y)"
  post /api/issuing/card/v2/apply '{"card_product_code":"T1FBXO","card_product_code":"T1FBXO","apply_coupon":true}'
  check "apply: a duplicate member is 400" test "$STATUS" = 400
  CTYPE=text/plain post /api/issuing/card/v2/apply "$APPLY"
  check "apply: Content-Type text/plain is 415" test "$STATUS" = 415

  REMARK='Quote \" back \\ tab \t nl \n unicode \u00e9\u20ac'
  post /api/issuing/card/v2/apply "{\"card_product_code\":\"VC-KIOSK\",\"apply_coupon\":false,\"cardholder_id\":\"$CH1\",\"remark\":\"$REMARK\"}"
  CARD=$(printf '%s' "$BODY" | sed -n 's/.*"card_id":"\(card[0-9]*\)".*/\1/p')
  check "apply: VC-KIOSK with cardholder and escaped remark is 200" test "$STATUS" = 200 -a -n "$CARD"
  call GET /__mock/state
  check "state: last_remark round-trips the escapes" has "$BODY" '"last_remark":"Quote \" back \\ tab \t nl \n unicode é€"'

  post /api/issuing/3ds/v2/enroll "{\"card_id\":\"$CARD\",\"cardholder_id\":\"$CH1\"}"
  check "enroll: 200 isSuccess true" test "$STATUS" = 200 -a "$BODY" = '{"code":"SUCCESS","data":{"isSuccess":true}}'
  post /api/issuing/3ds/v2/enroll "{\"card_id\":\"$CARD\",\"cardholder_id\":\"$CH1\"}"
  check "enroll again: 409 ALREADY_ENROLLED" test "$STATUS" = 409 -a -n "$(has "$BODY" ALREADY_ENROLLED && echo y)"
  post /api/issuing/3ds/v2/enroll "{\"card_id\":\"card000\",\"cardholder_id\":\"$CH1\"}"
  check "enroll: unknown card 404" test "$STATUS" = 404 -a -n "$(has "$BODY" CARD_NOT_FOUND && echo y)"
  post /api/issuing/3ds/v2/enroll "{\"card_id\":\"$CARD\",\"cardholder_id\":\"999\"}"
  check "enroll: unknown cardholder 404" test "$STATUS" = 404
  post /api/issuing/3ds/v2/enroll "{\"card_id\":\"$CARD\"}"
  check "enroll: missing cardholder_id 400" test "$STATUS" = 400 -a -n "$(has "$BODY" cardholder_id && echo y)"

  post /api/issuing/3ds/v2/update "{\"card_id\":\"$CARD\",\"cardholder_id\":\"$CH2\"}"
  check "3ds update: 200 SUCCESS" test "$STATUS" = 200 -a "$BODY" = '{"code":"SUCCESS"}'
  post /api/issuing/3ds/v2/update "{\"card_id\":\"card59202507231957437131\",\"cardholder_id\":\"$CH2\"}"
  check "3ds update: card not enrolled 404 CARD_NOT_ENROLLED" test "$STATUS" = 404 -a -n "$(has "$BODY" CARD_NOT_ENROLLED && echo y)"
  post /api/issuing/3ds/v2/update "{\"card_id\":\"$CARD\",\"cardholder_id\":\"42\"}"
  check "3ds update: unknown cardholder 404" test "$STATUS" = 404
  post /api/issuing/3ds/v2/update "{\"card_id\":\"card1\",\"cardholder_id\":\"$CH2\"}"
  check "3ds update: unknown card 404" test "$STATUS" = 404

  post /api/issuing/cardholders/v2/update "$(contact)"
  check "contact update: the documents' sample is 200" test "$STATUS" = 200 -a "$BODY" = '{"code":"SUCCESS"}'
  for spec in "email:no-at-sign.example.com" "email:a b@example.com" "mobile:12345" "mobile:12345678901234567" \
              "mobile:212555123x" "call_prefix:+7" "date_of_birth:2001-02-29" "date_of_birth:31-10-1996" \
              "date_of_birth:2999-01-01" "security_index:6" "security_index:0" "country_code:us" \
              "country_code:USA" "city:" "security_answer:-" "post_code:-"; do
    field=${spec%%:*}; value=${spec#*:}
    post /api/issuing/cardholders/v2/update "$(contact "$field" "$value")"
    check "contact update: $field='$value' is 400 naming $field" test "$STATUS" = 400 -a -n "$(has "$BODY" "$field" && echo y)"
  done
  post /api/issuing/cardholders/v2/update "$(contact cardholder_id 1234)"
  check "contact update: unknown cardholder 404" test "$STATUS" = 404 -a -n "$(has "$BODY" CARDHOLDER_NOT_FOUND && echo y)"
  post /api/issuing/cardholders/v2/update '{"cardholder_id":"471041678120300545","call_prefix":"+1","mobile":2125551234}'
  check "contact update: a numeric mobile is 400" test "$STATUS" = 400

  # Three requests on one curl run share one connection (keep-alive).
  c0=$(state_of connections)
  curl -sS --max-time 10 --cacert "$CERTS/ca.pem" -o /dev/null -o /dev/null -o /dev/null \
    -H "x-api-key: $KEY" -H "Authorization: Bearer $TOKEN" \
    "$BASE/__mock/state" "$BASE/__mock/state" "$BASE/__mock/state" 2>/dev/null
  c1=$(state_of connections)
  check "keep-alive: three requests, one connection" test "$((c1 - c0))" = 2

  call GET /__mock/state
  check "state: counters (cards, enrollments, updates)" \
    has "$BODY" '"cards_issued":5,"enrollments":1,"enrollment_updates":1,"contact_updates":1,"dropped":0'

  check "log: one line per request with method, path, status" grep -q "POST /api/issuing/card/v2/apply -> 200" "$WORK/main.log"
  check "log: no credentials or body fields" test -z "$(grep -e "$KEY" -e "$TOKEN" -e unicode -e 2125551234 "$WORK/main.log")"
  kill -0 "$MOCK_PID" 2>/dev/null
  check "the mock is still running after all that" test $? = 0
  stop_mock
  check "SIGTERM: exits 0" test "$STOP_RC" = 0
fi

# ---------------------------------------------------------------------------
echo "# v1 3DS resource"
V1=/issuing/api/v1/card/3DS
# v1call METHOD KEY [BODY [CURL_ARGS...]]: a v1 request with every required header
# (x-api-key, no Authorization) but V1OMIT, and x-request-id KEY, for card V1CARD
# (default c-1).
v1call() {
  local method=$1 key=$2 body=${3-} h
  shift; shift; [ $# -gt 0 ] && shift
  local args=(-sS --max-time 10 --cacert "$CERTS/ca.pem" -o "$WORK/body" -D "$WORK/head"
              -w '%{http_code}' -X "$method")
  for h in "x-api-key: $KEY" "x-product-id: P-1" "x-cardholder-id: H-1" "x-wallet-id: W-1" \
           "x-card-id: ${V1CARD:-c-1}" "x-request-id: $key" "Content-Type: ${CTYPE:-application/json}"; do
    [ "${h%%:*}" = "${V1OMIT:-}" ] || args+=(-H "$h")
  done
  [ "${V1OMIT:-}" = Content-Type ] && args+=(-H "Content-Type:")
  [ -n "$body" ] && args+=(--data-binary "$body")
  : >"$WORK/body"; : >"$WORK/head"
  STATUS=$(curl "${args[@]}" "$@" "$BASE$V1" 2>"$WORK/curl.err")
  CURL_RC=$?
  BODY=$(cat "$WORK/body")
  HEAD=$(tr -d '\r' <"$WORK/head")
}
SMS='{"otp_delivery_method":"SMS"}'
EMAIL='{"otp_delivery_method":"EMAIL"}'
OK_ENROLL='{"status":"Success","message":"3DS enrollment successful.","code":200,"data":[]}'
if start_mock v1 --log; then
  v1call GET k0
  check "v1 GET before enrolling: 404 in the v1 error shape" test "$STATUS" = 404 -a "$BODY" = '{"code":404,"message":"card not enrolled for 3DS","status":"error"}'
  v1call POST k1 "$SMS"
  check "v1 POST: 200 with the documented body" test "$STATUS" = 200 -a "$BODY" = "$OK_ENROLL"
  v1call GET k2
  check "v1 GET: the documented details body" test "$STATUS" = 200 -a "$BODY" = '{"status":"Success","message":"Enroll 3DS details fetched successfully.","code":200,"data":[{"otp_delivery_method":"SMS","destination":"+628000110022","status":"ACTIVE"}]}'
  v1call POST k3 "$SMS"
  check "v1 POST again with a new key: 409" test "$STATUS" = 409 -a "$BODY" = '{"code":409,"message":"card already enrolled for 3DS","status":"error"}'
  v1call POST k1 "$SMS"
  check "v1 POST with a key seen before: the first answer again" test "$STATUS" = 200 -a "$BODY" = "$OK_ENROLL"
  v1call POST k1 "$EMAIL"
  check "v1 the same key with another body: 422" test "$STATUS" = 422 -a -n "$(has "$BODY" '"message":"x-request-id already used for a different request"' && echo y)"
  v1call PATCH k1 "$SMS"
  check "v1 the same key with another method: 422" test "$STATUS" = 422
  v1call PATCH k4 "$EMAIL"
  check "v1 PATCH: 200 updated" test "$STATUS" = 200 -a "$BODY" = '{"status":"Success","message":"3DS enrollment details updated successfully.","code":200,"data":[]}'
  v1call PATCH k4 "$EMAIL"
  check "v1 PATCH replayed with its key: the same answer" test "$STATUS" = 200
  v1call GET k2
  check "v1 GET is not de-duplicated: the current state (EMAIL)" has "$BODY" '"destination":"cardholder@example.com","status":"ACTIVE"'
  v1call GET k5 "" -H "Authorization: Bearer $TOKEN"
  check "v1 with the right Bearer token: 200" test "$STATUS" = 200
  v1call GET k5 "" -H "Authorization: Bearer wrong"
  check "v1 with a wrong Bearer token: 401 in the v1 shape" test "$STATUS" = 401 -a "$BODY" = '{"code":401,"message":"missing or invalid credentials","status":"error"}'
  v1call GET k5 "" -H "x-api-key: wrong"
  check "v1 with two x-api-key headers: 401" test "$STATUS" = 401
  for h in x-product-id x-cardholder-id x-wallet-id x-card-id x-request-id Content-Type; do
    V1OMIT=$h v1call GET k6
    check "v1 without $h: 400 naming it" test "$STATUS" = 400 -a -n "$(has "$BODY" "$(printf '%s' "$h" | tr 'A-Z' 'a-z')" && echo y)"
  done
  v1call GET k6 "" -H "x-client-id;"
  check "v1 an empty x-client-id: 400" test "$STATUS" = 400
  v1call GET k6 "" -H "x-client-id: kiosk-1"
  check "v1 with x-client-id: 200" test "$STATUS" = 200
  v1call GET k6 "" -H "x-card-id: c-2"
  check "v1 a header given twice: 400" test "$STATUS" = 400 -a -n "$(has "$BODY" 'more than once' && echo y)"
  V1CARD=$(head -c 65 /dev/zero | tr '\0' 'c') v1call GET k6
  check "v1 an id over 64 characters: 400" test "$STATUS" = 400
  CTYPE=text/plain v1call GET k6
  check "v1 GET with Content-Type text/plain: 415" test "$STATUS" = 415
  v1call GET k6 '{}' -X GET
  check "v1 GET with a body: 400" test "$STATUS" = 400 -a -n "$(has "$BODY" 'sends no body' && echo y)"
  V1CARD=c-2 v1call POST k7 '{"otp_delivery_method":"sms"}'
  check "v1 otp_delivery_method sms: 400" test "$STATUS" = 400 -a -n "$(has "$BODY" 'EMAIL or SMS' && echo y)"
  V1CARD=c-2 v1call POST k7 '{}'
  check "v1 no otp_delivery_method: 400" test "$STATUS" = 400 -a -n "$(has "$BODY" 'otp_delivery_method: required' && echo y)"
  V1CARD=c-2 v1call POST k7 '{"otp_delivery_method":"SMS","extra":1}'
  check "v1 an unknown body member: 400" test "$STATUS" = 400
  V1CARD=c-2 v1call POST k7 '{"otp_delivery_method":"SMS"'
  check "v1 malformed JSON: 400" test "$STATUS" = 400
  V1CARD=c-2 v1call GET k8
  check "v1 a refused (400) request was not applied" test "$STATUS" = 404
  v1call PUT k9 "$SMS"
  check "v1 PUT: 405 listing the four methods" test "$STATUS" = 405 -a -n "$(has "$HEAD" 'Allow: POST, GET, PATCH, DELETE' && echo y)"
  v1call DELETE k10
  check "v1 DELETE: 200 unenrolled" test "$STATUS" = 200 -a "$BODY" = '{"status":"Success","message":"3DS unenrollment completed successfully.","code":200,"data":[]}'
  v1call DELETE k10
  check "v1 DELETE replayed with its key: 200 again, not 404" test "$STATUS" = 200
  v1call DELETE k11
  check "v1 DELETE with a new key: 404" test "$STATUS" = 404
  call POST /card/issuance$V1 "$SMS" -H "x-product-id: P-1" -H "x-cardholder-id: H-1" -H "x-wallet-id: W-1" -H "x-card-id: c-3" -H "x-request-id: k12"
  check "v1 under the /card/issuance prefix too" test "$STATUS" = 200
  call GET /__mock/state
  check "state: v1 counters" has "$BODY" '"v1_enrollments":2,"v1_updates":1,"v1_unenrollments":1,"v1_gets":4,"v1_dedup_hits":3,"v1_key_conflicts":2,"v1_enrolled":1,'
  check "log: a dedup hit is marked" grep -q "seen before" "$WORK/v1.log"
  check "log: no credentials" test -z "$(grep -e "$KEY" -e "$TOKEN" "$WORK/v1.log")"
  stop_mock
fi
if start_mock v1entries --v1-entries 0 --fail-first 1; then
  v1call POST k1 "$SMS"
  check "v1 --fail-first: 503 in the v1 shape, not applied" test "$STATUS" = 503 -a "$BODY" = '{"code":503,"message":"injected failure 1 of 1","status":"error"}'
  v1call POST k1 "$SMS"
  check "v1 --fail-first: the key was not stored (applied now)" test "$STATUS" = 200 -a "$(state_of v1_dedup_hits)" = 0
  v1call GET k2
  check "v1 --v1-entries 0: an empty data array" test "$BODY" = '{"status":"Success","message":"Enroll 3DS details fetched successfully.","code":200,"data":[]}'
  stop_mock
fi
if start_mock v1many --v1-entries 16; then
  v1call POST k1 "$EMAIL"
  v1call GET k2
  check "v1 --v1-entries 16: sixteen entries, the first ACTIVE" test "$(printf '%s' "$BODY" | grep -o '"status":"[A-Z]*"' | tr '\n' ' ')" = "$(printf '"status":"ACTIVE" '; for _ in $(seq 15); do printf '"status":"INACTIVE" '; done)"
  stop_mock
fi
"$BIN" --v1-entries 17 --plain >/dev/null 2>&1; rc=$?
check "--v1-entries 17 is a usage error" test "$rc" = 2

# ---------------------------------------------------------------------------
echo "# HTTP parsing (plain mock)"
if start_mock plain --plain --read-timeout-ms 700; then
  PP=$PORT
  A="x-api-key: $KEY\r\nAuthorization: Bearer $TOKEN\r\n"
  out=$(raw "$PP" "GARBAGE\r\n\r\n")
  check "garbage request line: 400 and close" has "$out" "HTTP/1.1 400 Bad Request"
  out=$(raw "$PP" "GET /__mock/state HTTP/1.1\nHost: x\n\n")
  check "bare LF: 400" has "$out" "HTTP/1.1 400"
  out=$(raw "$PP" "GET /__mock/state HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n")
  check "obs-fold: 400" has "$out" "HTTP/1.1 400"
  out=$(raw "$PP" "GET /__mock/state HTTP/1.1\r\nHost : x\r\n\r\n")
  check "space before colon: 400" has "$out" "HTTP/1.1 400"
  out=$(raw "$PP" "GET /__mock/state HTTP/1.1\r\n${A}Connection: close\r\n\r\n")
  check "HTTP/1.1 without Host: 400" has "$out" "HTTP/1.1 400"
  out=$(raw "$PP" "POST /api/issuing/card/v2/apply HTTP/1.1\r\nHost: x\r\n${A}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
  check "request Transfer-Encoding: 400" has "$out" "HTTP/1.1 400"
  out=$(raw "$PP" "POST /api/issuing/card/v2/apply HTTP/1.1\r\nHost: x\r\n${A}Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}")
  check "two Content-Lengths: 400" has "$out" "HTTP/1.1 400"
  out=$(raw "$PP" "POST /api/issuing/card/v2/apply HTTP/1.1\r\nHost: x\r\n${A}Content-Length: -1\r\n\r\n")
  check "negative Content-Length: 400" has "$out" "HTTP/1.1 400"
  out=$(raw "$PP" "POST /api/issuing/card/v2/apply HTTP/1.1\r\nHost: x\r\n${A}\r\n")
  check "POST without Content-Length: 411" has "$out" "HTTP/1.1 411"
  out=$(raw "$PP" "POST /api/issuing/card/v2/apply HTTP/1.1\r\nHost: x\r\n${A}Content-Length: 99999\r\n\r\n")
  check "oversized body: 413" has "$out" "HTTP/1.1 413"
  out=$(raw "$PP" "GET /__mock/state HTTP/2.0\r\nHost: x\r\n\r\n")
  check "HTTP/2.0 request line: 400" has "$out" "HTTP/1.1 400"
  out=$(raw "$PP" "GET http://x/__mock/state HTTP/1.1\r\nHost: x\r\n\r\n")
  check "absolute-form target: 400" has "$out" "HTTP/1.1 400"
  big=$(head -c 9000 /dev/zero | tr '\0' 'a')
  out=$(raw "$PP" "GET /__mock/state HTTP/1.1\r\nHost: x\r\nX-Big: $big\r\n\r\n")
  check "oversized head: 431" has "$out" "HTTP/1.1 431"
  t0=$(date +%s%N)
  out=$(raw "$PP" "POST /api/issuing/card/v2/apply HTTP/1.1\r\nHost: x\r\n")
  t1=$(date +%s%N)
  check "partial request: closed after --read-timeout-ms, no answer" test -z "$out" -a $(((t1 - t0) / 1000000)) -lt 4000
  head -c 4096 /dev/urandom >"$WORK/noise"
  (exec 3<>"/dev/tcp/127.0.0.1/$PP" && cat "$WORK/noise" >&3 && timeout 3 cat <&3 >/dev/null) 2>/dev/null
  out=$(raw "$PP" "GET /__mock/state HTTP/1.1\r\nHost: x\r\n${A}Connection: close\r\n\r\n")
  check "random bytes do not hurt the mock" has "$out" "HTTP/1.1 200 OK"
  out=$(raw "$PP" "GET /__mock/state HTTP/1.1\r\nhost: x\r\nX-API-KEY: $KEY\r\nauthorization: Bearer $TOKEN\r\n\r\nGET /__mock/state HTTP/1.1\r\nHost: x\r\n${A}Connection: close\r\n\r\n")
  check "pipelined requests: two answers; header names case-insensitive" test "$(printf '%s' "$out" | grep -c 'HTTP/1.1 200 OK')" = 2
  check "Connection: close from the client is honoured" has "$out" "Connection: close"
  out=$(raw "$PP" "GET /__mock/state HTTP/1.0\r\n${A}\r\n")
  check "HTTP/1.0 without Host: answered, then closed" has "$out" "Connection: close"
  stop_mock
fi

# ---------------------------------------------------------------------------
echo "# TLS"
if start_mock tls; then
  curl -sS --max-time 10 --cacert "$CERTS/wrong-ca.pem" -o /dev/null "$BASE/__mock/state" 2>/dev/null; rc=$?
  check "a client trusting another CA refuses the mock (curl 60)" test "$rc" = 60
  out=$(raw "$PORT" "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
  check "plain HTTP to the TLS port gets no HTTP answer" test -z "$(printf '%s' "$out" | grep 'HTTP/1.1')"
  post /api/issuing/card/v2/apply "$APPLY"
  check "the mock survives failed handshakes" test "$STATUS" = 200
  stop_mock
fi
if start_mock other --cert "$CERTS/other.pem" --key "$CERTS/other.key"; then
  curl -sS --max-time 10 --cacert "$CERTS/ca.pem" -o /dev/null "https://localhost:$PORT/__mock/state" 2>/dev/null; rc=$?
  check "other.pem (other.example) fails name checks for localhost (curl 60)" test "$rc" = 60
  stop_mock
fi

# ---------------------------------------------------------------------------
echo "# fault switches"
if start_mock chunked --chunked; then
  post /api/issuing/card/v2/apply "$APPLY"
  check "--chunked: decoded body is the answer" test "$STATUS" = 200 -a -n "$(printf '%s' "$BODY" | grep -E "$CARD_RE")"
  check "--chunked: Transfer-Encoding: chunked, no Content-Length" test -n "$(has "$HEAD" 'Transfer-Encoding: chunked' && echo y)" -a -z "$(has "$HEAD" 'Content-Length' && echo y)"
  post /api/issuing/card/v2/apply "$APPLY" --raw
  check "--chunked: one chunk carries an extension, last chunk 0" test -n "$(has "$BODY" ';mock-ext=' && echo y)" -a -n "$(printf '%s' "$BODY" | tr -d '\r' | grep -x 0)"
  stop_mock
fi

if start_mock split --split 7 --split-pause-ms 3; then
  t0=$(date +%s%N)
  post /api/issuing/card/v2/apply "$APPLY"
  t1=$(date +%s%N)
  check "--split 7: the answer arrives whole" test "$STATUS" = 200 -a -n "$(printf '%s' "$BODY" | grep -E "$CARD_RE")"
  check "--split 7: in pieces with pauses (>= 60 ms)" test $(((t1 - t0) / 1000000)) -ge 60
  stop_mock
fi

if start_mock delay --delay-ms 1500; then
  post /api/issuing/card/v2/apply "$APPLY" --max-time 0.5
  check "--delay-ms: a 0.5 s client times out (curl 28)" test "$CURL_RC" = 28
  t0=$(date +%s%N)
  n=$(state_of cards_issued)
  t1=$(date +%s%N)
  check "--delay-ms: the slow request was applied before the answer" test "$n" = 1
  check "--delay-ms: /__mock/state answers at once meanwhile" test $(((t1 - t0) / 1000000)) -lt 1000
  t0=$(date +%s%N)
  post /api/issuing/card/v2/apply "$APPLY"
  t1=$(date +%s%N)
  check "--delay-ms: a patient client gets 200 after >= 1.5 s" test "$STATUS" = 200 -a $(((t1 - t0) / 1000000)) -ge 1450
  stop_mock
fi

if start_mock delaycount --delay-ms 1500 --delay-count 1; then
  post /api/issuing/card/v2/apply "$APPLY" --max-time 0.5
  check "--delay-count 1: the first request is delayed (curl 28)" test "$CURL_RC" = 28
  t0=$(date +%s%N)
  post /api/issuing/card/v2/apply "$APPLY"
  t1=$(date +%s%N)
  check "--delay-count 1: the second is answered at once" test "$STATUS" = 200 -a $(((t1 - t0) / 1000000)) -lt 1000
  stop_mock
fi

if start_mock drop --drop-after-request 2 --log; then
  post /api/issuing/card/v2/apply "$APPLY"
  check "--drop-after-request 2: request 1 answered" test "$STATUS" = 200
  post /api/issuing/card/v2/apply "$APPLY"
  check "--drop-after-request 2: request 2 gets no answer (curl 52)" test "$CURL_RC" = 52
  post /api/issuing/card/v2/apply "$APPLY"
  check "--drop-after-request 2: request 3 answered" test "$STATUS" = 200
  call GET /__mock/state
  check "--drop-after-request 2: applied 3 cards, dropped 1" has "$BODY" '"cards_issued":3,'
  check "--drop-after-request 2: dropped counter" has "$BODY" '"dropped":1'
  check "--drop-after-request: the log says dropped" grep -q dropped "$WORK/drop.log"
  stop_mock
fi

if start_mock close --close-after-response; then
  c0=$(state_of connections)
  curl -sS --max-time 10 --cacert "$CERTS/ca.pem" -D "$WORK/h2" -o /dev/null -o /dev/null \
    -H "x-api-key: $KEY" -H "Authorization: Bearer $TOKEN" "$BASE/__mock/state" "$BASE/__mock/state" 2>/dev/null
  c1=$(state_of connections)
  check "--close-after-response: Connection: close" grep -qi '^Connection: close' "$WORK/h2"
  check "--close-after-response: a new connection per request" test "$((c1 - c0))" = 3
  stop_mock
fi

if start_mock enrollfalse --enroll-false; then
  post /api/issuing/3ds/v2/enroll "{\"card_id\":\"card59202507231957437131\",\"cardholder_id\":\"$CH1\"}"
  check "--enroll-false: SUCCESS with isSuccess false" test "$BODY" = '{"code":"SUCCESS","data":{"isSuccess":false}}'
  post /api/issuing/3ds/v2/enroll "{\"card_id\":\"card59202507231957437131\",\"cardholder_id\":\"$CH1\"}"
  check "--enroll-false: nothing enrolled (no 409 next time)" test "$STATUS" = 200
  stop_mock
fi

if start_mock fail --fail-first 2 --fail-status 503 --retry-after 1; then
  post /api/issuing/card/v2/apply "$APPLY"
  check "--fail-first: 503 with Retry-After" test "$STATUS" = 503 -a -n "$(has "$HEAD" 'Retry-After: 1' && echo y)"
  post /api/issuing/card/v2/apply "$APPLY"
  check "--fail-first 2: second also 503" test "$STATUS" = 503
  post /api/issuing/card/v2/apply "$APPLY"
  check "--fail-first 2: third is 200" test "$STATUS" = 200
  check "--fail-first: failed requests were not applied" test "$(state_of cards_issued)" = 1
  stop_mock
fi

if start_mock prefix --path-prefix /card/issuance; then
  post /api/issuing/card/v2/apply "$APPLY"
  check "--path-prefix: path without the prefix is 404" test "$STATUS" = 404
  post /card/issuance/api/issuing/card/v2/apply "$APPLY"
  check "--path-prefix: path with the prefix is 200" test "$STATUS" = 200
  stop_mock
fi

if start_mock expect; then
  long=$(head -c 1000 /dev/zero | tr '\0' 'r')
  post /api/issuing/card/v2/apply "{\"card_product_code\":\"T1FBXO\",\"apply_coupon\":true,\"remark\":\"$long\"}" \
    -H 'Expect: 100-continue' --expect100-timeout 20 --max-time 5
  check "Expect: 100-continue is answered (no client stall)" test "$STATUS" = 200
  stop_mock
fi

if start_mock maxreq --max-requests 2; then
  call GET /__mock/state
  call GET /__mock/state
  EXIT_RC=timeout; wait_exit "$MOCK_PID" 5
  check "--max-requests 2: exits 0 after two requests" test "$EXIT_RC" = 0
fi

if start_mock idle --idle-exit-ms 300; then
  EXIT_RC=timeout; wait_exit "$MOCK_PID" 5
  check "--idle-exit-ms 300: exits 0 by itself" test "$EXIT_RC" = 0
fi

echo
echo "mock: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
