#!/usr/bin/env bash
# Run one Cortex-M image under QEMU with semihosting, bounded by a timeout.
#   scripts/qemu_run.sh IMAGE.elf
# Env: QEMU (qemu-system-arm), QEMU_MACHINE (mps2-an386), QEMU_TIMEOUT
# (seconds, 60).
#
# The image's printf reaches stdout through semihosting, and its exit status
# (main's return value, exit(), or 139 after a fault: see
# boards/qemu-mps2-an386/startup.c) becomes this script's. A run that
# outlives the timeout is killed and reported (status 124). Files the image
# opens by semihosting are relative to the current folder: run from the
# repository's root.
set -u
elf=${1:?usage: qemu_run.sh IMAGE.elf}
qemu=${QEMU:-qemu-system-arm}
machine=${QEMU_MACHINE:-mps2-an386}
limit=${QEMU_TIMEOUT:-60}

if ! command -v "$qemu" >/dev/null 2>&1; then
  echo "qemu_run: $qemu not found (scripts/deps.sh cross installs qemu-system-arm)" >&2
  exit 127
fi
[ -f "$elf" ] || { echo "qemu_run: no image $elf" >&2; exit 2; }

# -monitor none -serial none: stdin/stdout belong to semihosting alone.
timeout --kill-after=5 "$limit" \
  "$qemu" -M "$machine" -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$elf" </dev/null
rc=$?
case $rc in
  124|137) echo "qemu_run: $elf did not finish within ${limit}s (killed)" >&2 ;;
  139) echo "qemu_run: $elf faulted (see the register dump above)" >&2 ;;
esac
exit "$rc"
