#!/usr/bin/env bash
# Device figures of the networked kiosk image (`make size-net`, part of
# `make size`): flash and RAM by origin, CPU, and the image's budgets.
#
#   scripts/qemu_net_size.sh IMAGE.elf IMAGE.map FIGURES.txt
#
# FIGURES.txt is the image's output from a run under `-icount
# shift=0,sleep=off` (scripts/qemu_net_test.sh --figures): its "figure"
# lines give the CPU (instructions: virtual nanoseconds less the time idle
# in WFI), the TLS arena's peak and the stack's painted high-water mark.
# Flash and RAM by origin come from the linker map (scripts/
# qemu_image_size.sh); the program's RAM is split by symbol (nm): the TLS
# arena, the TLS state, cardkit's call (client + buffers), the rest.
# Budgets (env): CK_NET_FLASH_BUDGET (131072 = 128 KiB: code, read-only
# data, .data's initial values), CK_NET_RAM_BUDGET (49152 = 48 KiB: .data,
# .bss and the stack the linker script reserves). Exit status 1 when one
# is broken.
set -euo pipefail
elf=${1:?usage: qemu_net_size.sh IMAGE.elf IMAGE.map FIGURES.txt}
map=${2:?usage: qemu_net_size.sh IMAGE.elf IMAGE.map FIGURES.txt}
figs=${3:?usage: qemu_net_size.sh IMAGE.elf IMAGE.map FIGURES.txt}
nm=${NM:-arm-none-eabi-nm}
flash_budget=${CK_NET_FLASH_BUDGET:-131072}
ram_budget=${CK_NET_RAM_BUDGET:-49152}
here=$(cd "$(dirname "$0")" && pwd)
for f in "$elf" "$map" "$figs"; do [ -f "$f" ] || { echo "qemu_net_size: no $f" >&2; exit 1; }; done

fig() { awk -v k="$1" '$1 == "figure" && $2 == k { print $3 }' "$figs"; }
symsize() { # decimal size of a symbol (0 when absent), without gawk's strtonum
  local hex
  hex=$("$nm" -S "$elf" | awk -v s="$1" '$4 == s { print $2 }' | head -n1)
  echo $(( 16#${hex:-0} ))
}

table=$("$here/qemu_image_size.sh" "$map")
total_flash=$(awk '$1 == "total" { print $2 }' <<<"$table")
total_static=$(awk '$1 == "total" { print $3 }' <<<"$table")
program_ram=$(awk '$1 == "program" { print $NF }' <<<"$table")
lwip_ram=$(awk '/lwIP 2.1.3/ { print $NF }' <<<"$table")
arena=$(symsize g_arena)
tls_state=$(symsize g_tls)
call=$(( $(symsize g_client) + $(symsize g_buffers) ))
stack=$(fig stack_size)
stack_peak=$(fig stack_peak)
ram_total=$(( total_static + ${stack:-0} ))

echo "Networked kiosk image (boards/qemu-mps2-an386/net_kiosk.c: Cortex-M4, -Os, --gc-sections, newlib-nano)"
echo "  flash and static RAM by origin (bytes, from the linker map):"
echo "$table"
echo "  RAM by use:"
printf '   %-38s %9d\n' "TLS arena (mbedTLS, static)" "$arena"
printf '   %-38s %9d\n' "TLS state (ck_tls: mbedTLS contexts)" "$tls_state"
printf '   %-38s %9d\n' "lwIP pools and heap (MEM_SIZE)" "${lwip_ram:-0}"
printf '   %-38s %9d\n' "cardkit's call (ck_client+ck_buffers)" "$call"
printf '   %-38s %9d\n' "program: command line, CA, rest" "$(( program_ram - arena - tls_state - call ))"
printf '   %-38s %9d   (painted high-water mark: %s)\n' "stack (reserved)" "${stack:-0}" "${stack_peak:-?}"
printf '   %-38s %9d\n' "RAM total (static + stack)" "$ram_total"
echo "  TLS arena peak: $(fig arena_peak) of $(fig arena_size) bytes"
echo "  CPU (instructions, QEMU -icount shift=0; the waits for the network excluded):"
printf '   %-38s %12s\n' "reset to DHCP lease" "$(fig cpu_lease)"
printf '   %-38s %12s\n' "first TLS handshake (full, P-256)" "$(fig cpu_handshake_full)"
full=$(fig cpu_handshake_full)
ecp=$(fig cpu_handshake_full_ecp)
printf '   %-38s %12s   (%s%% of it)\n' "  in $(fig ecp_mults_full) P-256 multiplications" "$ecp" \
  "$(( ${full:-0} > 0 ? ${ecp:-0} * 100 / full : 0 ))"
printf '   %-38s %12s\n' "resumed TLS handshake" "$(fig cpu_handshake_resumed)"
printf '   %-38s %12s\n' "one keep-alive enroll (v2 3DS)" "$(fig cpu_enroll_keepalive)"

status=0
if [ "$total_flash" -gt "$flash_budget" ]; then
  echo "  flash: $total_flash > budget $flash_budget: OVER" >&2; status=1
else
  echo "  flash: $total_flash <= budget $flash_budget: ok"
fi
if [ "$ram_total" -gt "$ram_budget" ]; then
  echo "  RAM:   $ram_total > budget $ram_budget: OVER" >&2; status=1
else
  echo "  RAM:   $ram_total <= budget $ram_budget: ok"
fi
exit "$status"
