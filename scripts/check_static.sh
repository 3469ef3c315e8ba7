#!/usr/bin/env bash
# Static analysis of lib/ and port/: cppcheck, then clang-tidy (.clang-tidy);
# and of the build's shell scripts (scripts/*.sh, .ci/run): shellcheck, in
# the default run only. Any tool's finding fails the run. (make check-static)
#   scripts/check_static.sh [FILE.c...]   default: lib/*.c and the host ports
# The ports: port/loopback, port/posix, port/mbedtls (against Debian's
# mbedTLS 2.28) and, when Debian's lwIP headers are installed (liblwip-dev,
# scripts/deps.sh cross), port/lwip as the host build compiles it (lwIP's
# headers as system headers); without them port/lwip is left out, with a note.
# port/lwip/ck_lwip_raw.c (NO_SYS = 1) is checked on its own against lwIP
# 2.1.3's source (third_party/lwip-2.1.3, scripts/lwip_src.sh) with its
# test's lwipopts.h; without that source it is left out, with a note.
#
# cppcheck: --enable=warning,style,performance,portability, definite findings
# only (no --inconclusive), every configuration but CK_CONFIG_FILE (a user
# header that does not exist here). Suppressed, and why:
#   missingIncludeSystem  system headers are not cppcheck's to read
#   variableScope         the house style declares locals at the top of a
#                         block; narrowing their scope is style only
#   toomanyconfigs        a note that only 12 #ifdef combinations of lwIP's
#                         headers were tried, not a finding
# Env: CPPCHECK (cppcheck), CLANG_TIDY (clang-tidy), SHELLCHECK (shellcheck).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
cppcheck_bin=${CPPCHECK:-cppcheck}
tidy_bin=${CLANG_TIDY:-clang-tidy}
shellcheck_bin=${SHELLCHECK:-shellcheck}
check_shell=$([ $# -eq 0 ] && echo yes || echo no)
for t in "$cppcheck_bin" "$tidy_bin" $([ "$check_shell" = yes ] && echo "$shellcheck_bin"); do
  command -v "$t" >/dev/null || { echo "check-static: $t not found (scripts/deps.sh tools)" >&2; exit 1; }
done

incs=(-Iinclude -Ilib -Iport/loopback -Iport/posix -Iport/mbedtls)
raw_src=port/lwip/ck_lwip_raw.c
raw_incs=(-Iinclude -Iport/lwip -Itests/device/host/lwip_raw -isystem third_party/lwip-2.1.3/src/include)
raw_files=()
if [ $# -gt 0 ]; then
  files=()
  for f in "$@"; do
    if [ "$f" = "$raw_src" ]; then raw_files=("$f"); else files+=("$f"); fi
  done
else
  files=(lib/*.c port/loopback/*.c port/posix/*.c port/mbedtls/*.c)
  lwip_inc=${LWIP_INC:-/usr/include/lwip}
  socket_port=()
  for f in port/lwip/*.c; do
    [ -f "$f" ] || continue
    if [ "$f" = "$raw_src" ]; then raw_files=("$f"); else socket_port+=("$f"); fi
  done
  if [ ${#socket_port[@]} -gt 0 ]; then
    if [ -d "$lwip_inc" ]; then
      files+=("${socket_port[@]}")
      incs+=(-Iport/lwip -isystem "$lwip_inc")
    else
      echo "check-static: $lwip_inc missing (liblwip-dev): port/lwip not checked"
    fi
  fi
fi
if [ ${#raw_files[@]} -gt 0 ] && [ ! -f third_party/lwip-2.1.3/src/include/lwip/init.h ]; then
  echo "check-static: third_party/lwip-2.1.3 missing (scripts/lwip_src.sh): $raw_src not checked"
  raw_files=()
fi

status=0
# check_group LABEL NFILES FILE... -- FLAG...: cppcheck, then clang-tidy.
check_group() {
  local label=$1 n=$2; shift 2
  local grp_files=() grp_incs=()
  while [ "$1" != -- ]; do grp_files+=("$1"); shift; done
  shift
  grp_incs=("$@")
  local c_out c_rc t_out t_rc t_n
  c_out=$("$cppcheck_bin" --std=c99 --enable=warning,style,performance,portability --inline-suppr \
          --error-exitcode=1 --quiet "${grp_incs[@]}" -UCK_CONFIG_FILE \
          --suppress=missingIncludeSystem --suppress=variableScope --suppress=toomanyconfigs "${grp_files[@]}" 2>&1)
  c_rc=$?
  if [ "$c_rc" -ne 0 ] || [ -n "$c_out" ]; then
    printf '%s\n' "$c_out"
    echo "check-static: cppcheck${label}: findings (above)"
    status=1
  else
    echo "check-static: cppcheck $("$cppcheck_bin" --version | sed 's/Cppcheck //')${label}: $n files, 0 findings"
  fi

  t_out=$("$tidy_bin" --quiet "${grp_files[@]}" -- -std=c99 "${grp_incs[@]}" 2>&1)
  t_rc=$?
  t_n=$(printf '%s\n' "$t_out" | grep -cE '(warning|error):' || true)
  if [ "$t_rc" -ne 0 ] || [ "$t_n" -ne 0 ]; then
    printf '%s\n' "$t_out" | grep -A3 -E '(warning|error):'
    echo "check-static: clang-tidy${label}: $t_n findings (above)"
    status=1
  else
    echo "check-static: clang-tidy $("$tidy_bin" --version | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -n1)${label}: $n files, 0 findings (.clang-tidy: bugprone, cert, clang-analyzer, misc)"
  fi
}
if [ ${#files[@]} -gt 0 ]; then
  check_group "" ${#files[@]} "${files[@]}" -- "${incs[@]}"
fi
if [ ${#raw_files[@]} -gt 0 ]; then
  check_group " (lwIP raw API, NO_SYS=1)" ${#raw_files[@]} "${raw_files[@]}" -- "${raw_incs[@]}"
fi

if [ "$check_shell" = yes ]; then
  scripts_sh=(scripts/*.sh .ci/run)
  if "$shellcheck_bin" "${scripts_sh[@]}"; then
    echo "check-static: shellcheck $("$shellcheck_bin" --version | sed -n 's/^version: //p'): ${#scripts_sh[@]} scripts, 0 findings"
  else
    echo "check-static: shellcheck: findings (above)"
    status=1
  fi
fi
exit "$status"
