#!/usr/bin/env bash
# Run the networked kiosk image (boards/qemu-mps2-an386/net_kiosk.c) under
# QEMU's mps2-an386 with a LAN9118 on QEMU's user-mode network, where the
# host's 127.0.0.1 is 10.0.2.2 for the guest.
#
#   scripts/qemu_kiosk.sh IMAGE.elf NAME:PORT CA.pem [IMAGE OPTIONS...]
#
# The image takes its settings by semihosting: this script puts them on
# its command line (QEMU's -append: --issuer, --ca and IMAGE OPTIONS, e.g.
# the kiosks' --product ... --card-id) and writes CK_API_KEY and
# CK_ACCESS_TOKEN from its own environment to a file only the user can
# read, which the image reads by semihosting and which is removed when QEMU
# exits: the credentials are never on a command line, never in the image.
# NAME is resolved inside the guest by lwIP's DNS (its local host list, set
# to the DHCP gateway 10.0.2.2); the certificate must be valid for NAME.
#
# Env: QEMU (qemu-system-arm), QEMU_TIMEOUT (seconds, 120), QEMU_NET_ID
# (the netdev's id, net0), QEMU_NET_MONITOR (a path P: QEMU's monitor on the
# named pipes P.in and P.out, made here when missing; `echo "set_link net0
# off" > P.in` pulls the cable, no other tool needed), QEMU_ICOUNT=1 (-icount
# shift=0,sleep=off: one instruction per virtual nanosecond, for figures).
# Exit status: the image's (0 every step succeeded, 1 a step failed, 2 bad
# usage, 3 network or TLS set-up failed), 124 when QEMU was killed on the
# timeout, 127 when QEMU is missing.
set -euo pipefail

elf=${1:?usage: qemu_kiosk.sh IMAGE.elf NAME:PORT CA.pem [IMAGE OPTIONS...]}
issuer=${2:?usage: qemu_kiosk.sh IMAGE.elf NAME:PORT CA.pem [IMAGE OPTIONS...]}
ca=${3:?usage: qemu_kiosk.sh IMAGE.elf NAME:PORT CA.pem [IMAGE OPTIONS...]}
shift 3
qemu=${QEMU:-qemu-system-arm}
limit=${QEMU_TIMEOUT:-120}
netid=${QEMU_NET_ID:-net0}

die() { echo "qemu_kiosk: $*" >&2; exit 2; }
command -v "$qemu" >/dev/null 2>&1 || { echo "qemu_kiosk: $qemu not found (scripts/deps.sh cross)" >&2; exit 127; }
[ -f "$elf" ] || die "no image $elf"
case "$issuer" in *:*) ;; *) die "ISSUER is NAME:PORT (got '$issuer')" ;; esac
[ -r "$ca" ] || die "cannot read the CA bundle '$ca'"
[ -n "${CK_API_KEY:-}" ] || die "CK_API_KEY is not set"
ca=$(cd "$(dirname "$ca")" && pwd)/$(basename "$ca")
# The image splits its command line on blanks.
for a in "$ca" "$issuer" "$@"; do
  case "$a" in *[[:space:]]*) die "no blanks allowed in paths or options ('$a')" ;; esac
done

tmp=$(umask 077 && mktemp -d "${TMPDIR:-/tmp}/cardkit-kiosk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
( umask 077 && printf 'CK_API_KEY=%s\nCK_ACCESS_TOKEN=%s\n' "$CK_API_KEY" "${CK_ACCESS_TOKEN:-}" > "$tmp/credentials" )

monitor=(-monitor none)
if [ -n "${QEMU_NET_MONITOR:-}" ]; then
  for f in "$QEMU_NET_MONITOR.in" "$QEMU_NET_MONITOR.out"; do [ -p "$f" ] || mkfifo -m 600 "$f"; done
  monitor=(-monitor "pipe:$QEMU_NET_MONITOR")
fi
icount=()
[ "${QEMU_ICOUNT:-0}" = 1 ] && icount=(-icount "shift=0,sleep=off")

rc=0
timeout --kill-after=5 "$limit" \
  "$qemu" -M mps2-an386 -nographic -serial none "${monitor[@]}" "${icount[@]}" \
  -semihosting-config enable=on,target=native \
  -nic "user,id=$netid,model=lan9118" \
  -kernel "$elf" -append "--issuer $issuer --ca $ca --credentials $tmp/credentials $*" </dev/null || rc=$?
case $rc in
  124|137) echo "qemu_kiosk: $elf did not finish within ${limit}s (killed)" >&2; rc=124 ;;
  139) echo "qemu_kiosk: $elf faulted (see the register dump above)" >&2 ;;
esac
exit "$rc"
