#!/usr/bin/env bash
# make bench: cardkit against libcurl + cJSON, the same keep-alive enroll
# over TLS, against a local nginx and against ck-mock-issuer. Prints one
# markdown table; a benchmark, not a test: exits 0 whatever the figures
# (non-zero only when it could not measure).
#   scripts/bench.sh BUILD_DIR     (make bench builds the programs first)
# Env: BENCH_N1, BENCH_N2 (200, 1200): instructions per request are
#      (Ir at N2 - Ir at N1) / (N2 - N1), under callgrind;
#      BENCH_ROUNDS (5), BENCH_WALL_N (2000): wall time, paired run by run;
#      BENCH_PORT (28443): nginx's port on 127.0.0.1.
# Also: the TLS record cost by ciphersuite (the port built with one suite;
# without AES-NI: bench/no_aesni.c preloaded), and the handshakes.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=scripts/mock_lib.sh
. scripts/mock_lib.sh
n1=${BENCH_N1:-200}
n2=${BENCH_N2:-1200}
rounds=${BENCH_ROUNDS:-5}
wall_n=${BENCH_WALL_N:-2000}
port=${BENCH_PORT:-28443}
ck=$build/bench/ck_bench
peer=$build/bench/peer_bench
mock=$build/ck-mock-issuer
for b in "$ck" "$peer" "$mock"; do [ -x "$b" ] || { echo "bench: $b missing (make bench)" >&2; exit 1; }; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cardkit-bench.XXXXXX")
nginx_pid=""
mock_pid=""
cleanup() {
  for p in "$nginx_pid" "$mock_pid"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scripts/make-test-certs.sh "$tmp/certs" >/dev/null
mkdir -p "$tmp/body" "$tmp/proxy"
sed -e "s|@DIR@|$tmp|g" -e "s|@PORT@|$port|g" bench/nginx.conf.in > "$tmp/nginx.conf"
nginx -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" &
nginx_pid=$!
random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
CK_API_KEY=$(random_hex 16)
CK_ACCESS_TOKEN=$(random_hex 24)
export CK_API_KEY CK_ACCESS_TOKEN
started=0
mock_start "$mock" "$tmp/ready" "$tmp/mock.log" --cert "$tmp/certs/server.pem" --key "$tmp/certs/server.key" \
  --api-key "$CK_API_KEY" --token "$CK_ACCESS_TOKEN" --idle-exit-ms 600000 --keepalive-ms 600000 \
  --enroll-false --seed-card card201907021723 --seed-cardholder 273555991139442689 || started=$?
mock_pid=$MOCK_PID
[ "$started" -eq 0 ] || { echo "bench: the mock issuer did not start" >&2; exit 1; }
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
kill -0 "$nginx_pid" 2>/dev/null || { cat "$tmp/error.log" >&2; echo "bench: nginx did not start" >&2; exit 1; }
mock_port=$MOCK_PORT
ca=$tmp/certs/ca.pem

# Self cost by component of one callgrind run: "cardkit tls libc json other total".
split() {
  awk -f bench/cg_split.awk "$1" | awk -F '\t' '
    $1 == "TOTAL" { total = $2; next }
    $2 ~ /libmbed|libssl|libcrypto|libgnutls|libnettle|libhogweed|libgmp/ { tls += $1; next }
    $2 ~ /\/libc\.so/ { libc += $1; next }
    $2 ~ /libcjson/ { json += $1; next }
    $2 ~ /libcurl/ { client += $1; next }
    $3 ~ /\/(lib|port)\/[^\/]*\.[ch]$/ || $3 ~ /jsmn\.h$/ { client += $1; next }
    { other += $1 }
    END { print client + 0, tls + 0, libc + 0, json + 0, other + 0, total + 0 }'
}
cg() { # out-file program args...
  local out=$1; shift
  valgrind --tool=callgrind --compress-strings=no --compress-pos=no --callgrind-out-file="$out" "$@" \
    >"$out.log" 2>&1 || { cat "$out.log" >&2; return 1; }
}
per_request() { # prog base expect-false -> "client tls libc json other total" per request
  local prog=$1 base=$2 a b
  cg "$tmp/cg.a" "$prog" calls "$base" "$ca" "$n1"
  cg "$tmp/cg.b" "$prog" calls "$base" "$ca" "$n2"
  read -r -a a < <(split "$tmp/cg.a")
  read -r -a b < <(split "$tmp/cg.b")
  local i out=""
  for i in 0 1 2 3 4 5; do out="$out $(( (b[i] - a[i]) / (n2 - n1) ))"; done
  echo "$out"
}
wall() { # base -> "ratio-median ck-ns peer-ns ck-rss peer-rss"
  local base=$1 r ck_ns peer_ns ratios=() cks=() peers=() ck_rss=0 peer_rss=0 line
  for r in $(seq 1 "$rounds"); do
    line=$("$ck" calls "$base" "$ca" "$wall_n")
    ck_ns=${line#ns_per_op=}; ck_ns=${ck_ns%% *}; ck_rss=${line##*maxrss_kb=}
    line=$("$peer" calls "$base" "$ca" "$wall_n")
    peer_ns=${line#ns_per_op=}; peer_ns=${peer_ns%% *}; peer_rss=${line##*maxrss_kb=}
    ratios+=("$(awk -v a="$ck_ns" -v b="$peer_ns" 'BEGIN { printf "%.3f", a / b }')")
    cks+=("$ck_ns"); peers+=("$peer_ns")
    : "$r"
  done
  med() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
  echo "$(med "${ratios[@]}") $(med "${cks[@]}") $(med "${peers[@]}") $ck_rss $peer_rss"
}
k() { awk -v v="$1" 'BEGIN { printf "%.1f k", v / 1000 }'; }

nginx_url="https://localhost:$port/card/issuance"
mock_url="https://localhost:$mock_port/card/issuance"

echo "cardkit bench: ck_3ds_enroll, keep-alive, TLS 1.2 (mbedTLS $(dpkg-query -W -f='${Version}' libmbedtls-dev 2>/dev/null || echo '?'))"
echo "against libcurl $(curl-config --version 2>/dev/null | sed 's/libcurl //') + OpenSSL + cJSON; instructions per request = (Ir at N=$n2 - Ir at N=$n1) / $((n2 - n1)), callgrind"
echo
echo "| server | client | client library | TLS library | libc | JSON library | other | total instr/request | wall/request | ratio (paired, median of $rounds) | max RSS |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for srv in nginx mock; do
  if [ "$srv" = nginx ]; then base=$nginx_url; unset CK_BENCH_EXPECT_FALSE; else base=$mock_url; export CK_BENCH_EXPECT_FALSE=1; fi
  read -r -a c < <(per_request "$ck" "$base")
  read -r -a p < <(per_request "$peer" "$base")
  read -r ratio ck_ns peer_ns ck_rss peer_rss < <(wall "$base")
  label=$srv; [ "$srv" = mock ] && label="ck-mock-issuer (isSuccess false)"
  printf '| %s | cardkit | %s (cardkit) | %s (mbedTLS) | %s | — | %s | **%s** | %s µs | %s | %s KiB |\n' "$label" \
    "$(k "${c[0]}")" "$(k "${c[1]}")" "$(k "${c[2]}")" "$(k "${c[4]}")" "$(k "${c[5]}")" \
    "$(awk -v v="$ck_ns" 'BEGIN { printf "%.1f", v / 1000 }')" "$ratio" "$ck_rss"
  printf '| %s | libcurl + cJSON | %s (libcurl) | %s (OpenSSL) | %s | %s (cJSON) | %s | **%s** | %s µs | 1 | %s KiB |\n' "$label" \
    "$(k "${p[0]}")" "$(k "${p[1]}")" "$(k "${p[2]}")" "$(k "${p[3]}")" "$(k "${p[4]}")" "$(k "${p[5]}")" \
    "$(awk -v v="$peer_ns" 'BEGIN { printf "%.1f", v / 1000 }')" "$peer_rss"
done
unset CK_BENCH_EXPECT_FALSE

# TLS record cost by ciphersuite (cardkit against nginx): the port built with
# one suite; "without AES-NI" preloads bench/no_aesni.c into the same program.
echo
echo "| ciphersuite (TLS 1.2, cardkit against nginx) | TLS library instr/request | total instr/request | wall/request (median of $rounds) |"
echo "|---|---|---|---|"
suite_row() { # label program [preload]
  local label=$1 prog=$2 pre=${3:-} r ns=() line v
  local env=(env)
  [ -n "$pre" ] && env+=("LD_PRELOAD=$pre")
  # valgrind hands LD_PRELOAD on to the program it runs
  "${env[@]}" valgrind --tool=callgrind --compress-strings=no --compress-pos=no --callgrind-out-file="$tmp/cs.a" \
    "$prog" calls "$nginx_url" "$ca" "$n1" >"$tmp/cs.log" 2>&1 || { cat "$tmp/cs.log" >&2; return 1; }
  "${env[@]}" valgrind --tool=callgrind --compress-strings=no --compress-pos=no --callgrind-out-file="$tmp/cs.b" \
    "$prog" calls "$nginx_url" "$ca" "$n2" >"$tmp/cs.log" 2>&1 || { cat "$tmp/cs.log" >&2; return 1; }
  read -r -a a < <(split "$tmp/cs.a")
  read -r -a b < <(split "$tmp/cs.b")
  for r in $(seq 1 "$rounds"); do
    line=$("${env[@]}" "$prog" calls "$nginx_url" "$ca" "$wall_n")
    v=${line#ns_per_op=}; ns+=("${v%% *}")
    : "$r"
  done
  printf '| %s | %s | %s | %s µs |\n' "$label" "$(k "$(( (b[1] - a[1]) / (n2 - n1) ))")" "$(k "$(( (b[5] - a[5]) / (n2 - n1) ))")" \
    "$(printf '%s\n' "${ns[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }')"
}
suite_row "ECDHE-ECDSA-AES-128-GCM, AES-NI" "$build/bench/cs_AES_128_GCM/ck_bench"
suite_row "ECDHE-ECDSA-AES-128-GCM, without AES-NI" "$build/bench/cs_AES_128_GCM/ck_bench" "$(cd "$build/bench" && pwd)/no_aesni.so"
suite_row "ECDHE-ECDSA-CHACHA20-POLY1305" "$build/bench/cs_CHACHA20_POLY1305/ck_bench"

# Handshakes (cardkit, nginx): the inclusive cost of the TLS port's connect.
hs() { # mode n -> Ir inside tls_connect
  valgrind --tool=callgrind --toggle-collect=tls_connect --callgrind-out-file="$tmp/hs" \
    "$ck" "$1" "$nginx_url" "$ca" "$2" >"$tmp/hs.log" 2>&1 || { cat "$tmp/hs.log" >&2; return 1; }
  sed -n 's/^summary: *//p; s/^totals: *//p' "$tmp/hs" | head -n1
}
full=$(hs full 1)
r1=$(hs resume 1)
r3=$(hs resume 3)
echo
echo "| TLS 1.2 handshake (cardkit TLS port on mbedTLS, connect to nginx, inclusive) | instructions |"
echo "|---|---|"
echo "| full (ECDHE-ECDSA P-256) | $(awk -v v="$full" 'BEGIN { printf "%.1f M", v / 1e6 }') |"
echo "| resumed (session id) | $(awk -v v="$(( (r3 - r1) / 2 ))" 'BEGIN { printf "%.1f M", v / 1e6 }') |"
