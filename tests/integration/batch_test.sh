#!/usr/bin/env bash
# ckctl batch (issue 12): the readers' unit tests, then `ckctl batch check|run`
# against the mock issuer over real TLS on loopback: validation, mixed
# operations (CSV and JSON Lines), results in row order, secrets kept out,
# --jobs 1 vs 8, exit codes, a journal of another file, a truncated journal,
# --resolved, Ctrl-C, and SIGKILL at random moments with the mock dropping
# answers, then resumed: per the mock's ledger nothing applied twice that
# must not be, and the unknown rows exactly those reported.
#   tests/integration/batch_test.sh BUILD_DIR
# KILL_ITERATIONS (default 25) sets how many runs are killed.
set -u
BUILD=${1:-build}
TOOLS_DIR=$BUILD
# shellcheck source=tests/integration/tools_lib.sh
. "$(dirname "$0")/tools_lib.sh"

KILLS=${KILL_ITERATIONS:-25}
HOLDER=273555991139442689
OTHER=273555991139442690
MOBILE=4155550187
EMAIL=leak.check@example.com
ANSWER=correct-horse-battery
W=$T_TMP/w
mkdir -p "$W"

echo "# the readers' unit tests"
if "$BUILD/tools/tests/test_batch_read" >"$T_TMP/out" 2>&1; then
  ok "CSV/JSONL reader unit tests: $(grep -c '^\[       OK \]' "$T_TMP/out") passed"
else
  not_ok "CSV/JSONL reader unit tests"
fi

# bt PORT ARGS...: ckctl batch with the run's credentials against the mock on PORT.
bt() {
  local port=$1
  shift
  CK_API_KEY=$API_KEY CK_ACCESS_TOKEN=$TOKEN \
    "$CKCTL" --base-url "https://localhost:$port" --ca-file "$CERTS/ca.pem" --timeout-ms 5000 batch "$@"
}

# bt_bg PORT ARGS...: bt in the background; BG is ckctl's own pid (for kill).
bt_bg() {
  local port=$1
  shift
  (CK_API_KEY=$API_KEY CK_ACCESS_TOKEN=$TOKEN exec \
    "$CKCTL" --base-url "https://localhost:$port" --ca-file "$CERTS/ca.pem" --timeout-ms 5000 batch "$@") &
  BG=$!
}

# norm FILE: results without what changes from run to run (ids, keys, times).
norm() {
  sed -E 's/"(request_id|ms|key|card_id)":("[^"]*"|[0-9]+|null)/"\1":_/g' "$1"
}

# count PATTERN: lines of the ledger matching the fixed string.
count() { grep -cxF -- "$1" "$LEDGER" || true; }

# A mixed file: every operation, rows on one card in order (enroll, then update).
mixed_csv() {
  echo "op,product,coupon,remark,card,cardholder,call-prefix,mobile,email,dob,address,city,state,post-code,country,security-index,security-answer,product-id,cardholder-id,wallet-id,card-id,otp"
  echo "card.apply,T1FBXO,true,dept-1,,$HOLDER,,,,,,,,,,,,,,,,"
  echo "card.apply,T1FBXO,false,\"Finance, 2nd floor\",,,,,,,,,,,,,,,,,,"
  echo "3ds.enroll,,,,card-b1,$HOLDER,,,,,,,,,,,,,,,,"
  echo "3ds.update,,,,card-b1,$OTHER,,,,,,,,,,,,,,,,"
  echo "contact.update,,,,,$HOLDER,+1,$MOBILE,$EMAIL,1979-11-23,\"77 Secret Lane\",Springfield,IL,62701,US,4,$ANSWER,,,,,"
  echo "v1.3ds.enroll,,,,,,,,,,,,,,,,,P1,H1,W1,V1,SMS"
  echo "v1.3ds.update,,,,,,,,,,,,,,,,,P1,H1,W1,V1,EMAIL"
  echo "v1.3ds.unenroll,,,,,,,,,,,,,,,,,P1,H1,W1,V1,"
}

echo "# check: every bad row, nothing sent"
LEDGER=$W/ledger-check
start_mock check --ledger "$LEDGER" --seed-cards 10
CHECK=$MOCK_PORT
mixed_csv >"$W/mixed.csv"
expect_exit 0 "check of a valid mixed file" bt "$CHECK" check "$W/mixed.csv"
expect_in err '^ckctl: batch check: 8 rows, 0 bad$' "check counts the rows"
cat >"$W/bad.csv" <<CSV
op,product,coupon,card,cardholder,mobile,colour
card.apply,T1FBXO,true,,,,
card.apply,T1FBXO,maybe,,,,
3ds.enroll,,,,$HOLDER,,
3ds.update,,,c1,h1,5550100,
card.lookup,,,,,,
3ds.enroll,,,c1,h1,,red
card.apply,,false,,,,
CSV
expect_exit 2 "check of a file with bad rows" bt "$CHECK" check "$W/bad.csv"
expect_in err '^row 2: coupon: true or false$' "bad coupon value named"
expect_in err '^row 3: card: missing --card$' "missing required column named"
expect_in err '^row 4: mobile: 3ds.update does not take this column$' "cell for an op that does not take it"
expect_in err '^row 5: op: unknown operation' "unknown operation"
expect_in err '^row 6: colour: unknown column' "unknown column"
expect_in err '^row 7: product: (card product code|missing)' "the library's check named by its column"
expect_in err '^ckctl: batch check: 7 rows, 6 bad$' "every bad row reported"
printf 'op,remark\ncard.apply,"never closed\n' >"$W/open.csv"
rc=0
bt "$CHECK" check - <"$W/open.csv" >"$T_TMP/out" 2>"$T_TMP/err" || rc=$?
expect_eq "$rc" 2 "check of hostile CSV on stdin (-): exit 2"
expect_exit 2 "unterminated quote" bt "$CHECK" check "$W/open.csv"
expect_in err '^row 1: unterminated quoted cell' "unterminated quote names its row"
printf '{"op":"card.apply","product":"T1FBXO","coupon":"true"}\n{"op":"card.apply","txn-limit":"1.234","product":"T1FBXO","coupon":"true"}\n' >"$W/j.jsonl"
expect_exit 2 "JSON Lines check" bt "$CHECK" check "$W/j.jsonl"
expect_in err '^row 2: txn-limit: limit per transaction' "JSONL row named by line"
expect_exit 2 "run refuses a file with bad rows" bt "$CHECK" run "$W/bad.csv" --journal "$W/bad.j"
expect_in err 'nothing was sent' "run says nothing was sent"
expect_exit 2 "run needs --journal" bt "$CHECK" run "$W/mixed.csv"
expect_exit 2 "unknown format" bt "$CHECK" check "$W/mixed.txt"
expect_eq "$(state_field "$(mock_state "$CHECK")" requests)" 0 "check and refused runs sent nothing"
stop_pid "$MOCK_PID"

echo "# run: mixed operations, results in row order, no secrets"
LEDGER=$W/ledger-mixed
start_mock mixed --ledger "$LEDGER" --seed-cards 10
expect_exit 0 "run of the mixed CSV" bt "$MOCK_PORT" -v run "$W/mixed.csv" --journal "$W/mixed.j" --out "$W/mixed.out"
expect_eq "$(sed -n 's/^{"row":\([0-9]*\),.*/\1/p' "$W/mixed.out" | tr '\n' ' ')" "1 2 3 4 5 6 7 8 " "one results line per row, in row order"
expect_eq "$(grep -c '"outcome":"ok"' "$W/mixed.out")" 8 "every row ok"
expect_in err '^ckctl: batch: 8 rows: 8 ok, 0 failed, 0 unknown, 0 skipped' "summary on stderr"
expect_eq "$(grep -c '"card_id":"card[0-9]' "$W/mixed.out")" 2 "card.apply rows give their card_id"
expect_eq "$(grep -c '"key":"[0-9a-f-]\{36\}"' "$W/mixed.out")" 3 "v1 rows give their idempotency key"
for secret in "$API_KEY" "$TOKEN" "$MOBILE" "$EMAIL" "$ANSWER" "Secret Lane"; do
  if grep -qF -- "$secret" "$W/mixed.out" "$T_TMP/err" "$W/mixed.j"; then
    not_ok "a credential or contact field leaked into results, -v or the journal"
  else
    ok "no secret in results, -v output or journal (${#secret} chars)"
  fi
done
expect_eq "$(count "v1.3ds.update V1")" 1 "v1 update applied once"
printf '%s\n' '{"op":"3ds.enroll","card":"card-b2","cardholder":"'$HOLDER'"}' \
  '{"op":"3ds.enroll","card":"card-b404","cardholder":"'$HOLDER'"}' >"$W/m.jsonl"
expect_exit 12 "JSON Lines run with a failed row: exit 12" bt "$MOCK_PORT" run "$W/m.jsonl" --journal "$W/m.jl.j" --out "$W/m.jl.out"
expect_in err '1 ok, 1 failed' "the failed row counted"
expect_eq "$(sed -n 2p "$W/m.jl.out" | grep -c '"outcome":"failed","http_status":404,"error":"CK_ERR_NOT_FOUND"')" 1 "failed row carries status and error name"
stop_pid "$MOCK_PID"

echo "# --jobs 1 and --jobs 8 give the same results"
{ echo "op,card,cardholder"; for i in $(seq 1 40); do echo "3ds.enroll,card-b$i,$HOLDER"; done
  for i in $(seq 1 10); do echo "3ds.update,card-b$i,$OTHER"; done; echo "3ds.enroll,card-b1,$HOLDER"; } >"$W/par.csv"
for j in 1 8; do
  LEDGER=$W/ledger-par$j
  start_mock "par$j" --ledger "$LEDGER" --seed-cards 50
  expect_exit 12 "--jobs $j (one row already enrolled: exit 12)" bt "$MOCK_PORT" run "$W/par.csv" --journal "$W/par$j.j" --out "$W/par$j.out" --jobs "$j"
  st=$(mock_state "$MOCK_PORT")
  hs=$(state_field "$st" handshakes)
  if [ "$hs" -ge 1 ] && [ "$hs" -le $((j + 1)) ]; then
    ok "--jobs $j: $hs TLS handshakes for 51 rows (one per connection, then keep-alive)"
  else
    not_ok "--jobs $j: $hs TLS handshakes"
  fi
  stop_pid "$MOCK_PID"
done
if cmp -s <(norm "$W/par1.out") <(norm "$W/par8.out"); then ok "--jobs 1 and --jobs 8: same results file"; else not_ok "--jobs 1 and --jobs 8 differ"; fi
expect_eq "$(grep -c '"op":"3ds.update","outcome":"ok"' "$W/par8.out")" 10 "with 8 jobs, updates still follow their card's enroll"

echo "# exit 9: nothing could be sent"
start_mock gone
GONE=$MOCK_PORT
stop_pid "$MOCK_PID"
expect_exit 9 "no server at all" bt "$GONE" run "$W/par.csv" --journal "$W/gone.j" --out "$W/gone.out" --jobs 2
expect_in err 'nothing could be sent' "says nothing could be sent"

echo "# journal: another file refused, truncated journal resumed"
LEDGER=$W/ledger-j
start_mock journal --ledger "$LEDGER" --seed-cards 50
JP=$MOCK_PORT
{ echo "op,card,cardholder"; for i in $(seq 1 20); do echo "3ds.enroll,card-b$i,$HOLDER"; done; } >"$W/t.csv"
expect_exit 0 "first run" bt "$JP" run "$W/t.csv" --journal "$W/t.j" --out "$W/t1.out" --jobs 4
expect_exit 2 "a journal of another file is refused" bt "$JP" run "$W/par.csv" --journal "$W/t.j" --out "$W/x.out"
expect_in err 'belongs to another input file' "says the journal is another file's"
size=$(stat -c %s "$W/t.j")
last=$(tail -n 1 "$W/t.j")
cut_row=$(printf '%s\n' "$last" | sed -n 's/^A \([0-9]*\) .*/\1/p')
truncate -s $((size - ${#last} / 2)) "$W/t.j"
expect_exit 0 "a journal cut mid-record resumes" bt "$JP" run "$W/t.csv" --journal "$W/t.j" --out "$W/t2.out" --jobs 4
expect_in err '1 sent' "only the row whose record was cut is sent again"
if cmp -s <(norm "$W/t1.out" | sed "/\"row\":$cut_row,/d") <(norm "$W/t2.out" | sed "/\"row\":$cut_row,/d"); then
  ok "answered rows carried over unchanged"; else not_ok "carried-over results differ"; fi
expect_eq "$(grep -c "^{\"row\":$cut_row,\"op\":\"3ds.enroll\",\"outcome\":\"ok\",\"http_status\":409" "$W/t2.out")" 1 "the replayed enroll's 409 counts as ok"
expect_eq "$(grep -c '^3ds.enroll ' "$LEDGER")" 20 "each card enrolled exactly once"
expect_eq "$(tail -c 1 "$W/t.j" | od -An -c | tr -d ' ')" '\n' "the journal ends with a whole record"
stop_pid "$MOCK_PID"

echo "# card.apply whose answer is lost: unknown until --resolved"
LEDGER=$W/ledger-r
start_mock resolve --ledger "$LEDGER" --drop-after-request 2
printf 'op,product,coupon,remark\ncard.apply,T1FBXO,true,r-1\ncard.apply,T1FBXO,true,r-2\ncard.apply,T1FBXO,true,r-3\n' >"$W/r.csv"
expect_exit 10 "a dropped card.apply is unknown: exit 10" bt "$MOCK_PORT" run "$W/r.csv" --journal "$W/r.j" --out "$W/r.out" --jobs 1
expect_in err 'rows to reconcile .*: 2$' "the unknown row is listed for reconciliation"
expect_eq "$(sed -n 2p "$W/r.out" | grep -c '"outcome":"unknown"')" 1 "row 2 is unknown in the results"
expect_exit 10 "run again: still unknown, never resent" bt "$MOCK_PORT" run "$W/r.csv" --journal "$W/r.j" --out "$W/r2.out"
expect_in err 'rows to reconcile .*: 2$' "listed again"
expect_eq "$(count "card.apply $(grep ' r-2$' "$LEDGER" | cut -d' ' -f2) r-2")" 1 "card.apply of row 2 applied once, not twice"
expect_exit 2 "--resolved of a row that is not unknown" bt "$MOCK_PORT" run "$W/r.csv" --journal "$W/r.j" --out "$W/r3.out" --resolved 1
expect_exit 0 "--resolved 2" bt "$MOCK_PORT" run "$W/r.csv" --journal "$W/r.j" --out "$W/r3.out" --resolved 2
expect_not_in err 'reconcile' "no longer listed"
expect_eq "$(sed -n 2p "$W/r3.out" | grep -c '"outcome":"skipped"')" 1 "the resolved row is skipped"
expect_exit 0 "later runs keep it resolved" bt "$MOCK_PORT" run "$W/r.csv" --journal "$W/r.j" --out "$W/r4.out"
expect_eq "$(grep -c ' r-[123]$' "$LEDGER")" 3 "three cards in all: nothing issued twice"
stop_pid "$MOCK_PID"

echo "# 429 with Retry-After, --rate"
start_mock slow --fail-first 1 --fail-status 429 --retry-after 1 --seed-cards 20
{ echo "op,card,cardholder"; for i in $(seq 1 12); do echo "3ds.enroll,card-b$i,$HOLDER"; done; } >"$W/s.csv"
start=$(date +%s%N)
expect_exit 0 "a 429 with Retry-After: 1 is waited out" bt "$MOCK_PORT" run "$W/s.csv" --journal "$W/s.j" --out "$W/s.out" --jobs 4
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$ms" -ge 1000 ]; then ok "the run waited the Retry-After ($ms ms)"; else not_ok "the run took $ms ms, under the Retry-After"; fi
slowed=$(sed -n 's/.*"ms":\([0-9]*\)}$/\1/p' "$W/s.out" | awk '$1 >= 500' | wc -l)
if [ "$slowed" -ge 2 ]; then ok "other rows waited too ($slowed rows took >= 500 ms)"; else not_ok "only $slowed rows waited: the other jobs were not slowed"; fi
stop_pid "$MOCK_PID"
start_mock rate --seed-cards 20
start=$(date +%s%N)
expect_exit 0 "--rate 10 on 12 rows" bt "$MOCK_PORT" run "$W/s.csv" --journal "$W/rate.j" --out "$W/rate.out" --jobs 4 --rate 10
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$ms" -ge 1000 ]; then ok "--rate 10 caps the requests ($ms ms for 12)"; else not_ok "--rate 10 sent 12 in $ms ms"; fi
expect_not_in err 'batch: 12/12 rows' "no progress line by default when stderr is not a terminal"
expect_exit 0 "--progress always without a terminal" bt "$MOCK_PORT" run "$W/s.csv" --journal "$W/rate.j" --progress always
expect_in err '^batch: 12/12 rows, ok 12, failed 0, unknown 0, [0-9]+ rows/s, ETA' "a plain progress line on stderr"
expect_not_in out 'batch: ' "progress never on stdout"
expect_eq "$(grep -c '"outcome":"ok"' "$T_TMP/out")" 12 "results on stdout without --out"
stop_pid "$MOCK_PID"

echo "# Ctrl-C: rows in flight finish, exit 130, then resume"
LEDGER=$W/ledger-int
start_mock int --ledger "$LEDGER" --seed-cards 60 --delay-ms 100
{ echo "op,card,cardholder"; for i in $(seq 1 60); do echo "3ds.enroll,card-b$i,$HOLDER"; done; } >"$W/i.csv"
bt_bg "$MOCK_PORT" run "$W/i.csv" --journal "$W/i.j" --out "$W/i.out" --jobs 2 >"$T_TMP/out" 2>"$T_TMP/err"
pid=$BG
sleep 0.8
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
expect_eq "$rc" 130 "SIGINT: exit 130"
expect_in err 'interrupted' "says it was interrupted"
n=$(wc -l <"$W/i.out")
if [ "$n" -ge 1 ] && [ "$n" -lt 60 ]; then ok "results flushed for the rows that ran ($n)"; else not_ok "results have $n rows"; fi
expect_eq "$(grep -c '"outcome":"unknown"' "$W/i.out")" 0 "rows in flight finished (none unknown)"
expect_exit 0 "resume after Ctrl-C" bt "$MOCK_PORT" run "$W/i.csv" --journal "$W/i.j" --out "$W/i2.out" --jobs 2
expect_eq "$(grep -c '"outcome":"ok"' "$W/i2.out")" 60 "every row ok after the resume"
expect_eq "$(sort "$LEDGER" | uniq -d | wc -l)" 0 "no card enrolled twice"
expect_eq "$(wc -l <"$LEDGER")" 60 "every card enrolled"
stop_pid "$MOCK_PID"

echo "# a second Ctrl-C exits at once, the journal still whole"
LEDGER=$W/ledger-int2
start_mock int2 --ledger "$LEDGER" --seed-cards 20 --delay-ms 3000 --delay-count 2
{ echo "op,card,cardholder"; for i in $(seq 1 20); do echo "3ds.enroll,card-b$i,$HOLDER"; done; } >"$W/i2.csv"
bt_bg "$MOCK_PORT" run "$W/i2.csv" --journal "$W/i2.j" --out "$W/i2.out" --jobs 2 >"$T_TMP/out" 2>"$T_TMP/err"
pid=$BG
sleep 1
kill -INT "$pid"
sleep 0.2
start=$(date +%s%N)
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
expect_eq "$rc" 130 "second SIGINT: exit 130"
if [ "$ms" -lt 1000 ]; then ok "second SIGINT exits at once ($ms ms, rows in flight for 3 s)"; else not_ok "second SIGINT took $ms ms"; fi
expect_eq "$(tail -c 1 "$W/i2.j" | od -An -c | tr -d ' ')" '\n' "the journal ends with a whole record"
expect_exit 0 "resume after two Ctrl-C" bt "$MOCK_PORT" run "$W/i2.csv" --journal "$W/i2.j" --out "$W/i2b.out" --jobs 4
expect_eq "$(sort "$LEDGER" | uniq -d | wc -l) $(wc -l <"$LEDGER")" "0 20" "every card enrolled once"
stop_pid "$MOCK_PID"

echo "# SIGKILL at random moments with dropped answers, then resume ($KILLS kills)"
LEDGER=$W/ledger-kill
start_mock kill --ledger "$LEDGER" --seed-cards 40 --delay-ms 25 --fault-rate 20 --fault-kinds drop --fault-seed 12
{
  echo "op,product,coupon,remark,card,cardholder,call-prefix,mobile,email,dob,address,city,state,post-code,country,security-index,security-answer,product-id,cardholder-id,wallet-id,card-id,otp"
  for i in $(seq 1 12); do echo "card.apply,T1FBXO,true,k-$i,,,,,,,,,,,,,,,,,,"; done
  for i in $(seq 1 30); do echo "3ds.enroll,,,,card-b$i,$HOLDER,,,,,,,,,,,,,,,,"; done
  for i in $(seq 1 6); do echo "3ds.update,,,,card-b$i,$OTHER,,,,,,,,,,,,,,,,"; done
  for i in $(seq 1 10); do echo "v1.3ds.enroll,,,,,,,,,,,,,,,,,P,H,W,K$i,SMS"; echo "v1.3ds.update,,,,,,,,,,,,,,,,,P,H,W,K$i,EMAIL"; done
  for i in 1 2 3; do echo "contact.update,,,,,$HOLDER,+1,$MOBILE,$EMAIL,1979-11-23,Main St,Springfield,IL,62701,US,4,$ANSWER,,,,,"; done
} >"$W/k.csv"
killed=0
for it in $(seq 1 "$KILLS"); do
  bt_bg "$MOCK_PORT" run "$W/k.csv" --journal "$W/k.j" --out "$W/k.out" --jobs $((it % 2 + 1)) >/dev/null 2>&1
  pid=$BG
  sleep "$(printf '0.%02d' $((RANDOM % 30 + 5)))"
  if kill -KILL "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null || true
  # A power cut can also land mid-write: now and then cut the last record
  # when it is an answer (an S record is on disk before its request is sent,
  # so only a record written after an answer can be torn with the request out).
  if [ $((it % 4)) -eq 0 ] && tail -n 1 "$W/k.j" | grep -q '^A '; then truncate -s -3 "$W/k.j"; fi
done
ok "$killed of $KILLS runs killed with SIGKILL mid-run"
for _ in 1 2 3; do
  rc=0
  bt "$MOCK_PORT" run "$W/k.csv" --journal "$W/k.j" --out "$W/k.out" --jobs 4 >/dev/null 2>"$T_TMP/err" || rc=$?
  # Rows other than card.apply converge (replays are safe); stop when only card.apply may be unknown.
  grep '"outcome":"unknown"' "$W/k.out" | grep -qv '"op":"card.apply"' || break
done
expect_eq "$(wc -l <"$W/k.out")" 71 "every row has one results line"
expect_eq "$(grep -v '"op":"card.apply"' "$W/k.out" | grep -vc '"outcome":"ok"')" 0 "every row but card.apply ended ok"
for i in $(seq 1 30); do
  [ "$(count "3ds.enroll card-b$i $HOLDER")" = 1 ] || not_ok "card-b$i enrolled $(count "3ds.enroll card-b$i $HOLDER") times"
done
ok "per the ledger, each 3ds.enroll applied exactly once"
bad=0
for i in $(seq 1 10); do
  [ "$(count "v1.3ds.enroll K$i")" = 1 ] && [ "$(count "v1.3ds.update K$i")" = 1 ] || bad=$((bad + 1))
done
expect_eq "$bad" 0 "per the ledger, each v1 row applied exactly once (replayed with its journaled key)"
twice=$(cut -d' ' -f3 "$LEDGER" | grep '^k-' | sort | uniq -d | wc -l)
expect_eq "$twice" 0 "no card.apply row applied twice"
unknown_rows=$(sed -n 's/^{"row":\([0-9]*\),"op":"card.apply","outcome":"unknown".*/\1/p' "$W/k.out" | tr '\n' ',' | sed 's/,$//')
listed=$(sed -n 's/^ckctl: batch: rows to reconcile.*ROWS): //p' "$T_TMP/err")
expect_eq "$listed" "$unknown_rows" "the rows listed for reconciliation are exactly the unknown ones"
okrows=$(sed -n 's/^{"row":\([0-9]*\),"op":"card.apply","outcome":"ok".*/\1/p' "$W/k.out")
bad=0
for r in $okrows; do [ "$(cut -d' ' -f3 "$LEDGER" | grep -cx "k-$r")" = 1 ] || bad=$((bad + 1)); done
expect_eq "$bad" 0 "every card.apply reported ok was applied exactly once"
if [ -n "$unknown_rows" ]; then expect_eq "$rc" 10 "exit 10 while rows are unknown"; else expect_eq "$rc" 0 "exit 0"; fi
stop_pid "$MOCK_PID"

summary batch
