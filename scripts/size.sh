#!/usr/bin/env bash
# Print .text/.data/.bss of lib/ per object and in total for Cortex-M4 at -Os,
# and fail when the .text total is over the budget.
#   scripts/size.sh CROSS_PREFIX lib/*.c
# Env: CK_SIZE_CPU (cortex-m4), CK_TEXT_BUDGET (8192), CK_SIZE_OUT (build/size).
set -euo pipefail
cross=$1; shift
cpu=${CK_SIZE_CPU:-cortex-m4}
budget=${CK_TEXT_BUDGET:-8192}
out=${CK_SIZE_OUT:-build/size-$cpu}
mkdir -p "$out/jsmn"
# jsmn's header only: the host's /usr/include must not reach the cross compiler.
cp -f /usr/include/jsmn.h "$out/jsmn/jsmn.h"
flags=(-std=c99 -Os -mthumb -mcpu="$cpu" -ffunction-sections -fdata-sections
       -Wall -Wextra -Wpedantic -Werror -Wshadow -Wconversion -Iinclude -Ilib -isystem "$out/jsmn")
objs=()
for src in "$@"; do
  obj="$out/$(basename "${src%.c}").o"
  "${cross}gcc" "${flags[@]}" -c "$src" -o "$obj"
  objs+=("$obj")
done
printf '%-22s %7s %7s %7s\n' object .text .data .bss
"${cross}size" "${objs[@]}" | awk -v budget="$budget" -v cpu="$cpu" '
  NR > 1 { n = split($6, p, "/"); printf "%-22s %7d %7d %7d\n", p[n], $1, $2, $3; t += $1; d += $2; b += $3 }
  END {
    printf "%-22s %7d %7d %7d\n", "TOTAL", t, d, b
    printf "lib/ on %s at -Os: .text %d bytes of a %d-byte budget (%s)\n", cpu, t, budget, (t <= budget ? "OK" : "OVER")
    exit (t <= budget ? 0 : 1)
  }'
