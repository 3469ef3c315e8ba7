#!/usr/bin/env bash
# Build mbedTLS 3.6 for the Cortex-M board from Debian's source package
# (trixie), with the board's configuration, into an ignored folder.
#
#   scripts/qemu_mbedtls.sh DEST CONFIG_H [EXTRA_CFLAGS...]
#
# The source is the one scripts/mbedtls3.sh fetches (third_party/src/
# mbedtls-3.6*); when it is missing, that script is run first (it also
# builds the host copy that `make test` uses). The library's sources are
# compiled out of tree (the host objects stay where they are) into
# DEST/lib/libmbedtls-board.a, with DEST/include/{mbedtls,psa} beside it.
# Nothing here is committed (third_party/ is in .gitignore).
#
# Env: QEMU_MBEDTLS_CC (arm-none-eabi-gcc), QEMU_MBEDTLS_AR
# (arm-none-eabi-ar), QEMU_MBEDTLS_CFLAGS (CPU and optimisation flags),
# QEMU_MBEDTLS_JOBS (2).
# Idempotent: does nothing when DEST was built from the same source, config
# and flags (DEST/build-id).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dest=${1:?usage: qemu_mbedtls.sh DEST CONFIG_H [EXTRA_CFLAGS...]}
config=${2:?usage: qemu_mbedtls.sh DEST CONFIG_H [EXTRA_CFLAGS...]}
shift 2
extra=("$@")
cc=${QEMU_MBEDTLS_CC:-arm-none-eabi-gcc}
ar=${QEMU_MBEDTLS_AR:-arm-none-eabi-ar}
cflags=${QEMU_MBEDTLS_CFLAGS:--std=c99 -Os -mcpu=cortex-m4 -mthumb -mfloat-abi=soft -ffunction-sections -fdata-sections}
jobs=${QEMU_MBEDTLS_JOBS:-2}
case "$dest" in /*) ;; *) dest="$root/$dest" ;; esac
case "$config" in /*) ;; *) config="$root/$config" ;; esac

say() { echo "qemu_mbedtls.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

[ -f "$config" ] || die "no config $config"
command -v "$cc" >/dev/null || die "$cc not found (scripts/deps.sh cross)"

srcdir=$(find "$root/third_party/src" -maxdepth 1 -type d -name 'mbedtls-3.6*' 2>/dev/null | sort | tail -n1 || true)
if [ -z "$srcdir" ]; then
  say "no mbedTLS 3.6 source yet: running scripts/mbedtls3.sh to fetch it"
  "$root/scripts/mbedtls3.sh"
  srcdir=$(find "$root/third_party/src" -maxdepth 1 -type d -name 'mbedtls-3.6*' | sort | tail -n1)
  [ -n "$srcdir" ] || die "scripts/mbedtls3.sh left no third_party/src/mbedtls-3.6*"
fi
grep -q 'MBEDTLS_VERSION_STRING *"3\.6' "$srcdir/include/mbedtls/build_info.h" \
  || die "$srcdir is not mbedTLS 3.6"

id=$( { echo "$srcdir"; "$cc" --version | head -n1; echo "$cflags ${extra[*]:-}"; cat "$config"; } \
      | sha256sum | cut -c1-16)
if [ -s "$dest/lib/libmbedtls-board.a" ] && [ "$(cat "$dest/build-id" 2>/dev/null)" = "$id" ]; then
  exit 0
fi

say "building ${srcdir#"$root"/} for the board with ${config#"$root"/} (-j$jobs)"
start=$(date +%s)
tmp="$dest.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/obj" "$tmp/lib" "$tmp/include"
# shellcheck disable=SC2086,SC2016 # the inner script expands its own arguments
printf '%s\n' "$srcdir"/library/*.c | xargs -P "$jobs" -I{} sh -c '
  src=$1; shift; cc=$1; shift; out=$1; shift
  obj="$out/$(basename "${src%.c}").o"
  "$cc" "$@" -c "$src" -o "$obj" || { echo "qemu_mbedtls.sh: failed: $src" >&2; exit 255; }
' sh {} "$cc" "$tmp/obj" $cflags ${extra[@]+"${extra[@]}"} -w \
    -I"$srcdir/include" -I"$srcdir/library" "-DMBEDTLS_CONFIG_FILE=\"$config\"" \
  || die "compiling mbedTLS for the board failed (see above)"
"$ar" rcs "$tmp/lib/libmbedtls-board.a" "$tmp"/obj/*.o
cp -R "$srcdir/include/mbedtls" "$srcdir/include/psa" "$tmp/include/"
rm -rf "$tmp/obj"
echo "$id" > "$tmp/build-id"
rm -rf "$dest"
mv "$tmp" "$dest"
say "built ${dest#"$root"/}/lib/libmbedtls-board.a in $(( $(date +%s) - start )) s"
