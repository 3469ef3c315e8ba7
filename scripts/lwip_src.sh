#!/usr/bin/env bash
# Fetch lwIP 2.1.3 from Debian's source package (suite bookworm) into
# third_party/, for building lwIP itself for the board (NO_SYS=1, raw API)
# and for the raw-API transport's host test. Nothing is built here and
# nothing is committed (third_party/ is in .gitignore).
#
#   scripts/lwip_src.sh [DEST]     DEST defaults to third_party/lwip-2.1.3
#
# Result: DEST/src/{core,api,netif,include}/ as lwIP ships them.
# Idempotent: does nothing when DEST/src/core/tcp.c is already there.
# Needs root for apt (a deb-src entry, dpkg-dev); otherwise it prints the
# exact commands and fails.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-third_party/lwip-2.1.3}
case "$dest" in /*) ;; *) dest="$root/$dest" ;; esac
src_parent="$root/third_party/src"
sources_file=/etc/apt/sources.list.d/cardkit-bookworm-src.sources
suite=bookworm

say() { echo "lwip_src.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

if [ -f "$dest/src/core/tcp.c" ] && [ -f "$dest/src/include/lwip/init.h" ]; then
  exit 0
fi

# shellcheck source=scripts/debsrc.sh
. "$root/scripts/debsrc.sh"
debsrc_setup "$suite" "$sources_file" lwip-raw-test

debsrc_fetch lwip "$suite" "$sources_file" "$src_parent" 'lwip-2.1.3*' lwip-raw-test
grep -Eq 'LWIP_VERSION_MINOR +1\b' "$srcdir/src/include/lwip/init.h" \
  || die "$srcdir is not lwIP 2.1"

rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
cp -R "$srcdir/src" "$dest.tmp/"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
say "installed: ${dest#"$root"/}/src"
