#!/usr/bin/env bash
# cardkit's memory budget on Cortex-M: print it, and fail when a budget is
# broken (issues 5 and 13).
#   scripts/size.sh CROSS_PREFIX lib/*.c          (make size runs it)
#
#  1. .text/.data/.bss of lib/ at -Os for Cortex-M0+, M4 and M33 (per
#     object on M4), against the M4 .text budget; the ports beside it.
#  2. sizeof every public struct (include/cardkit/*.h and the ports'
#     contexts) per CPU, and one call's RAM: ck_client + ck_buffers +
#     ck_result, against its budget (library defaults).
#  3. Worst-case stack of every public function, from -fstack-usage and
#     -fcallgraph-info (GCC), per CPU, plus the deepest port frames of a
#     transport call (the TLS port, mbedTLS itself excluded), against its
#     budget; the measurement by stack painting under QEMU beside it.
#  4. The TLS arena: the client's peak use of its static mbedTLS arena for a
#     handshake and an enroll, measured under QEMU, against its budget.
#
# Env (make size sets the paths):
#   CK_SIZE_CPUS        CPUs (cortex-m0plus cortex-m4 cortex-m33)
#   CK_SIZE_CPU         the CPU the budgets apply to (cortex-m4)
#   CK_TEXT_BUDGET      .text of lib/ in bytes (14336)
#   CK_CALL_BUDGET      ck_client + ck_buffers + ck_result in bytes (3072)
#   CK_STACK_BUDGET     worst-case stack of a public call + port frames (1024)
#   CK_ARENA_BUDGET     the TLS client's arena peak in bytes (16384)
#   CK_STACK_EXTERN     bytes allowed for each call into libc/libgcc (32)
#   CK_SIZE_OUT         work folder (build/size)
#   CK_SIZE_MBEDTLS_INC, CK_SIZE_MBEDTLS_CONFIG   the board's mbedTLS (TLS port)
#   CK_SIZE_TLS_REPORT  output of the QEMU TLS test (arena peak)
#   CK_SIZE_TLS13_REPORT  the same test on the TLS 1.3 build (printed, not budgeted)
#   CK_SIZE_STACK_REPORT output of the QEMU stack-painting test
#   CK_SIZE_LWIP_CPPFLAGS  flags to cross-compile port/lwip (optional)
#   CK_SIZE_IMAGE_MAP   linker map of the board's client image (optional)
set -euo pipefail
cross=${1:?usage: size.sh CROSS_PREFIX lib/*.c}
shift
lib_srcs=("$@")
read -r -a cpus <<< "${CK_SIZE_CPUS:-cortex-m0plus cortex-m4 cortex-m33}"
bcpu=${CK_SIZE_CPU:-cortex-m4}
text_budget=${CK_TEXT_BUDGET:-14336}
call_budget=${CK_CALL_BUDGET:-3072}
stack_budget=${CK_STACK_BUDGET:-1024}
arena_budget=${CK_ARENA_BUDGET:-16384}
extern_allow=${CK_STACK_EXTERN:-32}
out=${CK_SIZE_OUT:-build/size}
mbedtls_inc=${CK_SIZE_MBEDTLS_INC:-}
mbedtls_config=${CK_SIZE_MBEDTLS_CONFIG:-}
tls_report=${CK_SIZE_TLS_REPORT:-}
tls13_report=${CK_SIZE_TLS13_REPORT:-}
stack_report=${CK_SIZE_STACK_REPORT:-}
read -r -a lwip_flags <<< "${CK_SIZE_LWIP_CPPFLAGS:-}"
image_map=${CK_SIZE_IMAGE_MAP:-}
cc="${cross}gcc"

failures=()
fail() { failures+=("$1"); }
verdict() { if [ "$1" -le "$2" ]; then echo OK; else echo OVER; fi; }

mkdir -p "$out/jsmn"
# jsmn's header only: the host's /usr/include must not reach the cross compiler.
cp -f /usr/include/jsmn.h "$out/jsmn/jsmn.h"
warn=(-Wall -Wextra -Wpedantic -Werror -Wshadow -Wconversion)
common=(-std=c99 -Os -mthumb -ffunction-sections -fdata-sections -Iinclude -Ilib -isystem "$out/jsmn")
tls_flags=()
if [ -n "$mbedtls_inc" ] && [ -n "$mbedtls_config" ] && [ -d "$mbedtls_inc/mbedtls" ]; then
  tls_flags=(-isystem "$mbedtls_inc" "-DMBEDTLS_CONFIG_FILE=\"$(cd "$(dirname "$mbedtls_config")" && pwd)/$(basename "$mbedtls_config")\"")
fi

# --- compile everything for every CPU (in parallel per CPU) ---------------
compile_cpu() {
  local cpu=$1 dir="$out/$1" src obj
  rm -rf "$dir"
  mkdir -p "$dir/lib" "$dir/port"
  for src in "${lib_srcs[@]}"; do
    obj="$dir/lib/$(basename "${src%.c}").o"
    "$cc" "${common[@]}" "${warn[@]}" -mcpu="$cpu" -fstack-usage -fcallgraph-info=su -c "$src" -o "$obj"
  done
  "$cc" "${common[@]}" "${warn[@]}" -mcpu="$cpu" -fstack-usage -fcallgraph-info=su \
    -Iport/loopback -c port/loopback/ck_loopback.c -o "$dir/port/ck_loopback.o"
  if [ ${#tls_flags[@]} -gt 0 ]; then
    "$cc" "${common[@]}" "${warn[@]}" "${tls_flags[@]}" -mcpu="$cpu" -fstack-usage -fcallgraph-info=su \
      -c port/mbedtls/ck_tls.c -o "$dir/port/ck_tls.o"
  fi
  if [ ${#lwip_flags[@]} -gt 0 ] && [ -f port/lwip/ck_lwip.c ]; then
    "$cc" "${common[@]}" "${warn[@]}" "${lwip_flags[@]}" -mcpu="$cpu" -fstack-usage -fcallgraph-info=su \
      -c port/lwip/ck_lwip.c -o "$dir/port/ck_lwip.o"
  fi
  # sizeof probe: one array per public struct; nm -S gives its size.
  "$cc" "${common[@]}" "${tls_flags[@]}" -mcpu="$cpu" -Iport/loopback -Iport/lwip -c "$out/sizeof_probe.c" \
    -o "$dir/sizeof_probe.o"
}

# The probe: every `typedef struct NAME {` of the public headers, ck_json_tok,
# and the ports' contexts that build for the target.
structs=$(sed -n 's/^typedef struct \(ck_[a-z0-9_]*\) {.*/\1/p' include/cardkit/*.h)
{
  echo '#include "cardkit/cardkit.h"'
  echo '#include "ck_loopback.h"'
  [ -f port/lwip/ck_lwip.h ] && echo '#include "ck_lwip.h"'
  [ ${#tls_flags[@]} -gt 0 ] && echo '#include "../port/mbedtls/ck_tls.h"'
  for s in $structs; do echo "char ck_sizeof__${s}[sizeof(struct ${s})];"; done
  echo "char ck_sizeof__ck_json_tok[sizeof(ck_json_tok)];"
  echo "char ck_sizeof__ck_loopback[sizeof(struct ck_loopback)];"
  [ -f port/lwip/ck_lwip.h ] && echo "char ck_sizeof__ck_lwip_tcp[sizeof(struct ck_lwip_tcp)];"
  [ ${#tls_flags[@]} -gt 0 ] && echo "char ck_sizeof__ck_tls[sizeof(struct ck_tls)];"
  echo "char ck_sizeof__call_total[sizeof(struct ck_client) + sizeof(struct ck_buffers) + sizeof(struct ck_result)];"
} > "$out/sizeof_probe.c"

pids=()
for cpu in "${cpus[@]}"; do
  compile_cpu "$cpu" > "$out/compile-$cpu.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    cat "$out/compile-${cpus[$i]}.log" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] || { echo "size: compiling for the target failed" >&2; exit 1; }

lib_objs() { local o; for o in "$out/$1"/lib/*.o; do echo "$o"; done; }
totals() { # cpu -> "text data bss"
  # shellcheck disable=SC2046
  "${cross}size" $(lib_objs "$1") | awk 'NR > 1 { t += $1; d += $2; b += $3 } END { print t, d, b }'
}
obj_totals() { "${cross}size" "$1" | awk 'NR > 1 { print $1, $2, $3 }'; }

echo "cardkit memory budget (make size): Cortex-M at -Os, arm-none-eabi-gcc $("$cc" -dumpversion), library defaults"
echo

# --- 1. code and data ------------------------------------------------------
echo "1. lib/ per object on $bcpu (bytes)"
printf '   %-22s %7s %7s %7s\n' object .text .data .bss
# shellcheck disable=SC2046
"${cross}size" $(lib_objs "$bcpu") | awk 'NR > 1 { n = split($6, p, "/"); printf "   %-22s %7d %7d %7d\n", p[n], $1, $2, $3 }'
echo
printf '   %-26s %7s %7s %7s   %s\n' "lib/ in total" .text .data .bss budget
for cpu in "${cpus[@]}"; do
  read -r t d b < <(totals "$cpu")
  if [ "$cpu" = "$bcpu" ]; then
    v=$(verdict "$t" "$text_budget")
    printf '   %-26s %7d %7d %7d   .text <= %d: %s\n' "$cpu" "$t" "$d" "$b" "$text_budget" "$v"
    [ "$v" = OK ] || fail ".text of lib/ on $cpu is $t bytes, over the $text_budget-byte budget"
  else
    printf '   %-26s %7d %7d %7d\n' "$cpu" "$t" "$d" "$b"
  fi
done
for port in ck_tls:"TLS port (port/mbedtls)" ck_lwip:"lwIP port (port/lwip)" ck_loopback:"loopback port (tests)"; do
  name=${port%%:*}
  label=${port#*:}
  line=""
  for cpu in "${cpus[@]}"; do
    [ -f "$out/$cpu/port/$name.o" ] || continue
    read -r t d b < <(obj_totals "$out/$cpu/port/$name.o")
    line="$line $(printf '%s %d/%d/%d' "$cpu" "$t" "$d" "$b")"
  done
  [ -n "$line" ] && printf '   %-26s .text/.data/.bss:%s\n' "$label" "$line"
done
if [ ${#tls_flags[@]} -eq 0 ]; then
  echo "   TLS port: not built (no board mbedTLS; make size builds it)"
fi
echo "   (objects as compiled, before the linker drops unused functions; mbedTLS itself is separate)"
echo

# --- 2. sizeof -------------------------------------------------------------
echo "2. sizeof, bytes"
printf '   %-24s' struct
for cpu in "${cpus[@]}"; do printf ' %14s' "$cpu"; done
echo
declare -A sz
for cpu in "${cpus[@]}"; do
  while read -r name n; do sz["$cpu:$name"]=$n; done < <("${cross}nm" -S "$out/$cpu/sizeof_probe.o" | \
    while read -r _ hex _ name; do case $name in ck_sizeof__*) echo "${name#ck_sizeof__} $((16#$hex))" ;; esac; done)
done
for s in $structs ck_json_tok ck_loopback ck_lwip_tcp ck_tls; do
  [ -n "${sz["$bcpu:$s"]:-}" ] || continue
  printf '   %-24s' "$s"
  for cpu in "${cpus[@]}"; do printf ' %14s' "${sz["$cpu:$s"]:-}"; done
  echo
done
printf '   %-24s' "client+buffers+result"
for cpu in "${cpus[@]}"; do printf ' %14s' "${sz["$cpu:call_total"]}"; done
echo
call_total=${sz["$bcpu:call_total"]}
v=$(verdict "$call_total" "$call_budget")
echo "   one call (enroll, contact update...) on $bcpu: $call_total bytes of a $call_budget-byte budget: $v"
[ "$v" = OK ] || fail "ck_client + ck_buffers + ck_result is $call_total bytes on $bcpu, over $call_budget"
for cpu in "${cpus[@]}"; do
  n=${sz["$cpu:call_total"]}
  if [ "$n" -gt "$call_budget" ]; then fail "ck_client + ck_buffers + ck_result is $n bytes on $cpu, over $call_budget"; fi
done
echo

# --- 3. stack --------------------------------------------------------------
# Edges and frames from the .ci files; calls into libc/libgcc found in the
# relocations too (the call graph misses libcalls); indirect calls resolved
# to the functions of lib/ whose address is taken (callbacks), and to the
# port's transport functions. Recursion is reported, never hidden.
public=$(grep -ho '\bck_[a-z0-9_]*(' include/cardkit/*.h | tr -d '(' | sort -u)
relocs() { # dir -> "file:func CALL|ADDR symbol"
  local o src
  for o in "$1"/*.o; do
    src=$(basename "${o%.o}")
    "${cross}objdump" -r "$o" | awk -v src="$src" '
      /^RELOCATION RECORDS FOR \[\.text\./ { fn = $4; sub(/^\[\.text\./, "", fn); sub(/\]:$/, "", fn); next }
      /^RELOCATION RECORDS FOR/ { fn = ""; next }
      fn != "" && NF == 3 && $2 ~ /^R_ARM_/ {
        kind = ($2 ~ /^R_ARM_(THM_CALL|THM_JUMP24|THM_JUMP11|THM_JUMP8|CALL|JUMP24)$/) ? "CALL" : "ADDR"
        print src ":" fn, kind, $3
      }'
  done
}
# Member names of the hooks in the public interface: a call through one of
# these is the transport's (port frames) or the platform's / application's.
transport_members=$(sed -n 's/.*(\*\([a-z_]*\))(.*/\1/p' include/cardkit/ck_transport.h | tr '\n' ' ')
platform_members=$(sed -n 's/.*(\*\([a-z_]*\))(.*/\1/p' include/cardkit/ck_platform.h | tr '\n' ' ')

stack_table() { # cpu -> "API f bytes path", "PORT bytes path", "RECURSION f", "NOTE f"
  local cpu=$1 dir="$out/$1"
  {
    for m in $transport_members; do echo "M transport $m"; done
    for m in $platform_members log; do echo "M hook $m"; done
    relocs "$dir/lib" | sed 's/^/R lib /'
    relocs "$dir/port" | sed 's/^/R port /'
    for f in "$dir"/lib/*.ci; do sed "s|^|C lib |" "$f"; done
    for f in "$dir"/port/ck_tls.ci "$dir"/port/ck_lwip.ci; do [ -f "$f" ] && sed "s|^|C port |" "$f"; done
    for p in $public; do echo "P $p"; done
  } | awk -v extern="$extern_allow" '
    function q(s, key,   i, r) { i = index(s, key "\""); if (i == 0) return ""; r = substr(s, i + length(key) + 1); return substr(r, 1, index(r, "\"") - 1) }
    function short(f) { sub(/^.*:/, "", f); return f }
    $1 == "M" { member[$3] = $2; next }
    $1 == "C" && $3 == "node:" {
      t = q($0, "title: "); l = q($0, "label: ")
      if (l ~ / bytes \(/) {
        n = l; sub(/ bytes \(.*/, "", n); sub(/.*\\n/, "", n)
        frame[t] = n + 0; part[t] = $2
        if (l ~ /\(dynamic\)/) dyn[t] = 1
        fileof[t] = l; sub(/^[^\\]*\\n/, "", fileof[t]); sub(/:.*/, "", fileof[t])
      }
      next
    }
    $1 == "C" && $3 == "edge:" { s = q($0, "sourcename: "); d = q($0, "targetname: "); ne[s]++; e[s, ne[s]] = d; eloc[s, ne[s]] = q($0, "label: "); next }
    $1 == "R" { rel[++nr] = $0; next }
    $1 == "P" { pub[$2] = 1; next }
    function resolve(srcfile, name,   k) {   # a symbol seen in object srcfile.o
      for (k in dirs) if (((dirs[k] srcfile ".c:" name) in frame)) return dirs[k] srcfile ".c:" name
      if (name in frame) return name
      return ""
    }
    # The member called at an indirect call site: the identifier before "("
    # after "->" or "." in the source at the edge label (file:line:col).
    function callee_member(loc,   a, line, text, n, i) {
      if (split(loc, a, ":") < 3) return ""
      if (!((a[1], a[2]) in src)) {
        n = 0
        while ((getline line < a[1]) > 0) src[a[1], ++n] = line
        close(a[1])
      }
      text = substr(src[a[1], a[2]], a[3] + 0)
      if (!match(text, /(->|\.)[A-Za-z_][A-Za-z0-9_]*\(/)) return ""
      text = substr(text, RSTART, RLENGTH - 1); sub(/^(->|\.)/, "", text)
      return text
    }
    # The worst of the functions of set[] of this kind not on the path; with
    # a member name, only the hooks named for it (tls_recv for ->recv) when
    # there are such.
    function worst_of(set, kind, m,   g, c, best, bp, named) {
      best = 0; bp = ""; named = 0
      if (m != "") for (g in set) if (set[g] == kind && short(g) ~ ("_" m "$")) named = 1
      for (g in set) if (set[g] == kind && (!named || short(g) ~ ("_" m "$"))) {
        if (g in active) { skipped[short(g)] = 1; continue }
        c = wc(g); if (c > best || bp == "") { best = c; bp = RP }
      }
      RP = bp; return best
    }
    # Worst case below f; RP holds the path of the last result.
    function wc(f,   i, t, c, best, bp, cp, m, k) {
      if (f in pure) { RP = purepath[f]; return pure[f] }
      if (f in active) { rec[f] = 1; RP = short(f) " (recursion)"; return 0 }
      active[f] = 1; best = 0; bp = ""
      for (i = 1; i <= ne[f]; i++) {
        t = e[f, i]
        if (t == "__indirect_call") {
          m = callee_member(eloc[f, i]); dep[f] = 1
          if (member[m] == "hook") { c = extern; cp = "->" m " (platform/application hook " extern ")" }
          else if (member[m] == "transport") {
            # from lib/: the outer port (TLS) if built, else the socket port;
            # from a port: the other port (the inner transport).
            k = (part[f] == "lib") ? (have_tls ? "tls" : "sock") : (fileof[f] ~ /ck_tls\.c$/ ? "sock" : "none")
            c = worst_of(hook, k, m); cp = "->" m " " RP
          }
          else if (part[f] == "lib") { c = worst_of(callback, "lib", ""); cp = "->" m " (callback) " RP }
          else { c = extern; cp = "->" m " (" extern ")" }
        }
        else if (t in frame) { c = wc(t); cp = RP; if (t in dep) dep[f] = 1 }
        else if (t ~ /^mbedtls_(ssl|ctr_drbg)_/ && part[f] == "port") { c = worst_of(callback, "mbedtls", ""); cp = t " (excluded) > " RP; dep[f] = 1 }
        else if (t ~ /^mbedtls_|^psa_|^lwip_/) { c = 0; cp = t " (excluded)" }
        else { c = extern; cp = t " (libc/libgcc " extern ")" }
        if (c > best || bp == "") { best = c; bp = cp }
      }
      delete active[f]
      c = frame[f] + best
      RP = short(f) "[" frame[f] "]" (bp != "" ? " > " bp : "")
      if (!(f in dep)) { pure[f] = c; purepath[f] = RP }
      return c
    }
    END {
      dirs[1] = "lib/"; dirs[2] = "port/mbedtls/"; dirs[3] = "port/lwip/"
      for (f in frame) if (fileof[f] ~ /ck_tls\.c$/) have_tls = 1
      # relocations: libcalls the graph misses, and address-taken functions
      for (i = 1; i <= nr; i++) {
        split(rel[i], r, " ")   # R part src:fn KIND sym
        split(r[3], sf, ":"); srcf = sf[1]; fn = sf[2]
        from = resolve(srcf, fn); if (from == "") continue
        sym = r[5]; sub(/\+.*/, "", sym)
        to = resolve(srcf, sym)
        if (r[4] == "CALL") {
          if (to == "" && sym !~ /^\./) { found = 0; for (k = 1; k <= ne[from]; k++) if (e[from, k] == sym || short(e[from, k]) == sym) found = 1; if (!found) { ne[from]++; e[from, ne[from]] = sym } }
        } else if (to != "" && part[to] == r[2]) {
          if (part[to] == "lib") callback[to] = "lib"
          else if (short(from) ~ /_transport$/) hook[to] = (fileof[to] ~ /ck_tls\.c$/) ? "tls" : "sock"
          else callback[to] = "mbedtls"   # handed to mbedTLS: bio, entropy, verify
        }
      }
      c = worst_of(hook, have_tls ? "tls" : "sock", "")
      print "PORT", c, RP
      for (f in frame) if (part[f] == "lib" && f !~ /:/ && (f in pub)) { c = wc(f); print "API", f, c, RP }
      for (f in rec) print "RECURSION", f
      for (f in skipped) print "NOTE", f
      for (f in dyn) print "DYNAMIC", f
    }'
}

declare -A stk stkpath
port_frames=""
rec_lines=""
for cpu in "${cpus[@]}"; do
  while IFS= read -r line; do
    # shellcheck disable=SC2086 # split the line into its fields on purpose
    set -- $line
    case $1 in
      API) stk["$cpu:$2"]=$3; [ "$cpu" = "$bcpu" ] && stkpath["$2"]="${line#API "$2" "$3" }" ;;
      PORT) stk["$cpu:PORT"]=$2; [ "$cpu" = "$bcpu" ] && port_frames="${line#PORT "$2" }" ;;
      RECURSION|DYNAMIC) rec_lines="$rec_lines\n   $cpu: $line" ;;
      NOTE) case ", ${notes:-}, " in *", $2, "*) ;; *) notes="${notes:-}${notes:+, }$2" ;; esac ;;
    esac
  done < <(stack_table "$cpu")
done
# painted under QEMU (M4, loopback transport)
declare -A painted
if [ -n "$stack_report" ] && [ -f "$stack_report" ]; then
  while read -r name n; do painted["$name"]=$n; done < <(sed -n 's/^ck-report: stack \([a-z0-9_]*\)=\([0-9]*\).*/\1 \2/p' "$stack_report")
fi
echo "3. stack, worst case of each public call, bytes (-fstack-usage + -fcallgraph-info; lib/ frames)"
printf '   %-28s' call
for cpu in "${cpus[@]}"; do printf ' %13s' "$cpu"; done
printf ' %10s\n' "painted(M4)"
worst=0; worst_api=""
apis=()
for k in "${!stk[@]}"; do
  if [ "$k" != "$bcpu:PORT" ] && [ "${k%%:*}" = "$bcpu" ]; then apis+=("${k#*:}"); fi
done
mapfile -t apis < <(printf '%s\n' "${apis[@]}" | sort)
for api in "${apis[@]}"; do
  printf '   %-28s' "$api"
  for cpu in "${cpus[@]}"; do printf ' %13s' "${stk["$cpu:$api"]:-}"; done
  printf ' %10s\n' "${painted[$api]:--}"
  n=${stk["$bcpu:$api"]}
  if [ "$n" -gt "$worst" ]; then worst=$n; worst_api=$api; fi
done
printf '   %-28s' "(port frames, in the above)"
for cpu in "${cpus[@]}"; do printf ' %13s' "${stk["$cpu:PORT"]:-0}"; done
echo
echo "   deepest on $bcpu: $worst_api: ${stkpath[$worst_api]:-}"
echo "   port frames on $bcpu: ${port_frames:-none}"
v=$(verdict "$worst" "$stack_budget")
echo "   worst call on $bcpu: $worst bytes of a $stack_budget-byte budget: $v"
[ "$v" = OK ] || fail "worst-case stack $worst bytes on $bcpu ($worst_api), over $stack_budget"
for cpu in "${cpus[@]}"; do
  for k in "${!stk[@]}"; do
    if [ "$k" != "$cpu:PORT" ] && [ "${k%%:*}" = "$cpu" ] && [ "$cpu" != "$bcpu" ]; then
      n=${stk[$k]}
      [ "$n" -le "$stack_budget" ] || fail "stack of ${k#*:} on $cpu is $n bytes, over $stack_budget"
    fi
  done
done
if [ -n "$rec_lines" ]; then
  printf '   unbounded:%b\n' "$rec_lines"
  fail "recursion or dynamic stack in lib/: the worst case is not bounded"
fi
echo "   Method: each function's frame (-fstack-usage) along its deepest path in the call graph"
echo "   (-fcallgraph-info, plus libcalls from the relocations, $extern_allow B each). Indirect calls"
echo "   are typed by the member called (source at the call site): a ck_transport member costs the"
echo "   port frames (the TLS port's hook, its callbacks from mbedTLS, the socket port below it;"
echo "   mbedTLS and lwIP themselves excluded); a ck_platform member or the log hook $extern_allow B;"
echo "   any other (body, decode, reply) the deepest callback of lib/."
[ -n "${notes:-}" ] && echo "   Assumed: a callback does not call itself back through a pointer ($notes)."
echo "   painted: one successful call under QEMU over the loopback transport, its frames included"
echo "   (tests/device/test_stack_device.c)."

echo

# --- 4. TLS arena ----------------------------------------------------------
echo "4. TLS client arena (mbedTLS 3.6, board config, handshake + enroll, measured under QEMU)"
tls_passed() { [ -n "$1" ] && [ -f "$1" ] && grep -q 'PASSED  \] [0-9]* test' "$1" && ! grep -q 'FAILED  \]' "$1"; }
kv() { printf '%s\n' "$line" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }
if tls_passed "$tls_report"; then
  line=$(grep -m1 '^ck-report: handshake+enroll' "$tls_report")
  proto=$(sed -n 's/^ck-report: tls_version=\([^ ]*\) ciphersuite=\([^ ]*\).*/\1 \2/p' "$tls_report" | head -n1)
  echo "   negotiated: ${proto:-?}"
  arena=$(kv arena_size); peak=$(kv arena_peak); blocks=$(kv arena_peak_blocks); now=$(kv arena_now)
  hdr=32
  bound=$((peak + blocks * hdr))
  st=$(sed -n 's/^ck-report: tls_stack_peak=\([0-9]*\).*/\1/p' "$tls_report" | head -n1)
  ms=$(sed -n 's/^ck-report: tls_enroll_ms=\([0-9]*\).*/\1/p' "$tls_report" | head -n1)
  echo "   peak in use: $peak bytes in $blocks blocks (+ $hdr B header each: <= $bound); held between calls: $now"
  echo "   the test runs in a static arena of $arena bytes and passes: handshake + enroll fit in it"
  echo "   client stack for ck_tls_init + handshake + enroll, mbedTLS included (painted): ${st:-?} bytes"
  echo "   handshake + enroll under QEMU: ${ms:-?} ms of emulated time (not a Cortex-M4 timing)"
  if [ "$arena" -le "$arena_budget" ] || [ "$bound" -le "$arena_budget" ]; then v=OK; else v=OVER; fi
  echo "   arena $arena bytes against a $arena_budget-byte budget: $v"
  if tls_passed "$tls13_report"; then
    line=$(grep -m1 '^ck-report: handshake+enroll' "$tls13_report")
    proto=$(sed -n 's/^ck-report: tls_version=\([^ ]*\) ciphersuite=\([^ ]*\).*/\1 \2/p' "$tls13_report" | head -n1)
    p13=$(kv arena_peak); b13=$(kv arena_peak_blocks)
    echo "   TLS 1.3 build (CK_BOARD_TLS13, not the board default; not budgeted): ${proto:-?}:"
    echo "     peak $p13 bytes in $b13 blocks (<= $((p13 + b13 * hdr))) in an arena of $(kv arena_size)"
  fi
  [ "$v" = OK ] || fail "the TLS client needs an arena of $arena bytes, over $arena_budget"
else
  echo "   NOT MEASURED: no passing QEMU TLS report (${tls_report:-unset}); run 'make size' or 'make qemu-tls-report'"
  fail "the TLS arena was not measured"
fi
echo

# --- 5. a whole client image -------------------------------------------------
if [ -n "$image_map" ] && [ -f "$image_map" ]; then
  echo "5. a client image on the board, linked with --gc-sections (bytes, by origin)"
  echo "   (boards/qemu-mps2-an386/tls_client_image.c: every v2 call and a v1 call over the TLS port;"
  echo "   RAM includes the 16 KiB mbedTLS arena under \"program\"; the 64 KiB stack is apart)"
  scripts/qemu_image_size.sh "$image_map"
  echo
fi

# --- verdict ---------------------------------------------------------------
if [ ${#failures[@]} -eq 0 ]; then
  echo "size: every budget is met"
  exit 0
fi
echo "size: ${#failures[@]} budget(s) broken:"
for f in "${failures[@]}"; do echo "  - $f"; done
exit 1
