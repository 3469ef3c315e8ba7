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
debsrc_setup "$suite" "$sources_file" lwip-src

mkdir -p "$src_parent"
srcdir=$(find "$src_parent" -maxdepth 1 -type d -name 'lwip-2.1.3*' | sort | tail -n1)
if [ -z "$srcdir" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    say "apt-get update for $sources_file"
    apt-get update -qq -o Dir::Etc::sourcelist="$sources_file" -o Dir::Etc::sourceparts=- \
        -o APT::Get::List-Cleanup=0 || die "apt-get update failed"
  fi
  say "fetching Debian's source package lwip/$suite into ${src_parent#"$root"/}"
  (cd "$src_parent" && apt-get source -qq "lwip/$suite") \
    || die "apt-get source lwip/$suite failed (as root: apt-get update, then make lwip-src)"
  srcdir=$(find "$src_parent" -maxdepth 1 -type d -name 'lwip-2.1.3*' | sort | tail -n1)
  [ -n "$srcdir" ] || die "no lwip-2.1.3* folder after apt-get source (is $suite still on 2.1.3?)"
fi
grep -Eq 'LWIP_VERSION_MINOR +1\b' "$srcdir/src/include/lwip/init.h" \
  || die "$srcdir is not lwIP 2.1"

rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
cp -R "$srcdir/src" "$dest.tmp/"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
say "installed: ${dest#"$root"/}/src"
