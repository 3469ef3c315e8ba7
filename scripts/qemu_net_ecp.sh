#!/usr/bin/env bash
# What the P-256 settings of mbedTLS cost and save on the networked image
# (`make size-net-ecp`): for each variant of boards/qemu-mps2-an386/
# mbedtls_config.h, mbedTLS is built again (in build/, never in
# third_party/), the image linked and run under -icount against the mock
# (`make size-net` with the variant), and one line printed: flash, static
# RAM, arena peak, CPU of the full and the resumed handshake and of a
# keep-alive enroll.
#
#   scripts/qemu_net_ecp.sh [VARIANT...]     default: all of them
#
# Variants (MBEDTLS_USER_CONFIG_FILE over the board's configuration):
#   board     MBEDTLS_ECP_WINDOW_SIZE 2, FIXED_POINT_OPTIM 0, NIST_OPTIM on
#   w4        window 4
#   w6        window 6
#   comb      fixed-point comb for the generator (FIXED_POINT_OPTIM 1)
#   w4comb    window 4 and the comb
#   nonist    without NIST_OPTIM (generic modular reduction)
# Env: MAKE (make), BUILD (build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
make_=${MAKE:-make}
build=${BUILD:-build}
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(board w4 w6 comb w4comb nonist)

settings() {
  case "$1" in
    board) ;;
    w4) echo "#undef MBEDTLS_ECP_WINDOW_SIZE"; echo "#define MBEDTLS_ECP_WINDOW_SIZE 4" ;;
    w6) echo "#undef MBEDTLS_ECP_WINDOW_SIZE"; echo "#define MBEDTLS_ECP_WINDOW_SIZE 6" ;;
    comb) echo "#undef MBEDTLS_ECP_FIXED_POINT_OPTIM"; echo "#define MBEDTLS_ECP_FIXED_POINT_OPTIM 1" ;;
    w4comb) settings w4; settings comb ;;
    nonist) echo "#undef MBEDTLS_ECP_NIST_OPTIM" ;;
    *) echo "qemu_net_ecp: unknown variant $1" >&2; exit 2 ;;
  esac
}

printf '%-8s %8s %8s %8s %13s %10s %9s\n' variant flash RAM arena full-hs resumed enroll
for v in "${variants[@]}"; do
  dir=$build/qemu/net-ecp/$v
  mkdir -p "$dir"
  { echo "/* variant $v of the board's mbedTLS configuration (scripts/qemu_net_ecp.sh) */"; settings "$v"; } \
    > "$dir/ecp.h.new"
  if cmp -s "$dir/ecp.h.new" "$dir/ecp.h"; then rm -f "$dir/ecp.h.new"; else mv "$dir/ecp.h.new" "$dir/ecp.h"; fi
  out=$dir/size-net.txt
  if ! "$make_" --no-print-directory size-net NET_VAR_DIR="$dir" NET_MBEDTLS_DIR="$dir/mbedtls" \
      NET_MBEDTLS_DEFS="-DMBEDTLS_USER_CONFIG_FILE='\"$root/$dir/ecp.h\"'" >"$out" 2>&1; then
    if ! grep -q 'OVER' "$out"; then cat "$out" >&2; echo "qemu_net_ecp: variant $v failed" >&2; exit 1; fi
  fi
  fig() { awk -v k="$1" '$1 == "figure" && $2 == k { print $3 }' "$dir/net-figures.txt"; }
  flash=$(awk '$1 == "total" { print $2; exit }' "$out")
  ram=$(awk '$1 == "total" { print $3; exit }' "$out")
  printf '%-8s %8s %8s %8s %13s %10s %9s\n' "$v" "$flash" "$ram" "$(fig arena_peak)" \
    "$(fig cpu_handshake_full)" "$(fig cpu_handshake_resumed)" "$(fig cpu_enroll_keepalive)"
done
