#!/usr/bin/env bash
# Flash and RAM of a linked board image by origin, from its GNU ld map file.
#   scripts/qemu_image_size.sh IMAGE.map
# Origins: cardkit's lib/ (libcardkit.a), the TLS port (ck_tls.o), the
# lwIP port (ck_lwip_raw.o), the network driver (lan9118_netif.o), lwIP
# (liblwip-board.a), mbedTLS (libmbedtls-board.a), newlib and libgcc, the
# board, and the rest (the program). Origins an image does not link are
# left out of its table. Flash is code, read-only data and .data's initial values; RAM is
# .data and .bss (the stack, a fixed reservation of the linker script, is
# not in .bss and is printed apart).
set -euo pipefail
map=${1:?usage: qemu_image_size.sh IMAGE.map}
[ -f "$map" ] || { echo "qemu_image_size: no $map" >&2; exit 1; }

awk '
  function origin(f) {
    if (f ~ /libcardkit\.a\(/) return "cardkit lib/"
    if (f ~ /ck_tls\.o$/) return "TLS port"
    if (f ~ /ck_lwip_raw\.o$/) return "lwIP port"
    if (f ~ /lan9118_netif\.o$/) return "LAN9118 driver"
    if (f ~ /liblwip-board\.a\(/) return "lwIP 2.1.3"
    if (f ~ /libmbedtls-board\.a\(/) return "mbedTLS 3.6"
    if (f ~ /lib(c|g|m|rdimon|nosys|gcc)(_nano)?\.a\(/ || f ~ /crt[^\/]*\.o$/) return "newlib + libgcc"
    if (f ~ /(tls_client_image|net_kiosk|kiosk_flow)\.o$/) return "program"
    if (f ~ /boards\//) return "board"
    return "program"
  }
  function add(sec, size, f,   o) {
    o = origin(f); seen[o] = 1
    if (sec == ".bss") ram[o] += size
    else if (sec == ".data") { ram[o] += size; flash[o] += size }
    else flash[o] += size
  }
  /^Linker script and memory map/ { inmap = 1; next }
  !inmap { next }
  /^\.[A-Za-z_.]+/ { split($1, a, " "); outsec = a[1]
                     if (outsec ~ /^\.(ARM\.attributes|comment|debug|stab|note|gnu)/) outsec = "" ; next }
  /^\/DISCARD\// { outsec = ""; next }
  outsec == "" { next }
  # an input section on one line: " .text.x  0xADDR  0xSIZE file"
  $1 ~ /^\./ && $2 ~ /^0x/ && $3 ~ /^0x/ && NF >= 4 { add(outsec, strtonum_($3), $4); pending = ""; next }
  # a long name: its address, size and file on the next line
  $1 ~ /^\./ && NF == 1 { pending = $1; next }
  pending != "" && $1 ~ /^0x/ && $2 ~ /^0x/ && NF >= 3 { add(outsec, strtonum_($2), $3); pending = ""; next }
  { pending = "" }
  function strtonum_(h,   i, c, n) { n = 0; h = tolower(substr(h, 3))
    for (i = 1; i <= length(h); i++) { c = index("0123456789abcdef", substr(h, i, 1)) - 1; n = n * 16 + c }
    return n }
  END {
    order = "cardkit lib/|TLS port|lwIP port|LAN9118 driver|lwIP 2.1.3|mbedTLS 3.6|board|program|newlib + libgcc"
    n = split(order, o, "|")
    printf "   %-18s %9s %9s\n", "origin", "flash", "RAM"
    for (i = 1; i <= n; i++) if (o[i] in seen) {
      printf "   %-18s %9d %9d\n", o[i], flash[o[i]], ram[o[i]]; tf += flash[o[i]]; tr += ram[o[i]]
    }
    printf "   %-18s %9d %9d\n", "total", tf, tr
  }' "$map"
