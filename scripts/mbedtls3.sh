#!/usr/bin/env bash
# Fetch mbedTLS 3.6 from Debian's source package (suite trixie) and build its
# static libraries only, so that the TLS port can be built and tested against
# the 3.x API as well as against bookworm's 2.28.
#
#   scripts/mbedtls3.sh [DEST]     DEST defaults to third_party/mbedtls-3.6
#
# Result: DEST/include/{mbedtls,psa}/ and DEST/library/lib{mbedtls,mbedx509,
# mbedcrypto}.a. Nothing here is committed (third_party/ is in .gitignore).
# Idempotent: does nothing when the three archives are already there.
# Needs root for apt (a deb-src entry, dpkg-dev); otherwise it prints the
# exact commands and fails.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-third_party/mbedtls-3.6}
case "$dest" in /*) ;; *) dest="$root/$dest" ;; esac
src_parent="$root/third_party/src"
sources_file=/etc/apt/sources.list.d/cardkit-trixie-src.sources
suite=trixie
jobs=${MBEDTLS3_JOBS:-2}

say() { echo "mbedtls3.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

libs=(libmbedtls.a libmbedx509.a libmbedcrypto.a)
built=1
for l in "${libs[@]}"; do [ -s "$dest/library/$l" ] || built=0; done
if [ "$built" -eq 1 ] && [ -f "$dest/include/mbedtls/version.h" ]; then
  say "already built in ${dest#"$root"/} (remove it to rebuild)"
  exit 0
fi

# --- apt: a deb-src entry for trixie and dpkg-dev (root only) ---
# shellcheck source=scripts/debsrc.sh
. "$root/scripts/debsrc.sh"
debsrc_setup "$suite" "$sources_file" mbedtls3
for tool in make cc ar; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/deps.sh host installs build-essential)"
done

# --- source: apt-get source mbedtls/trixie --------------------------------
debsrc_fetch mbedtls "$suite" "$sources_file" "$src_parent" 'mbedtls-3.6*' mbedtls3
say "source: ${srcdir#"$root"/}"
grep -q 'MBEDTLS_VERSION_STRING *"3\.6' "$srcdir/include/mbedtls/build_info.h" \
  || die "$srcdir is not mbedTLS 3.6"

# --- build: library/ only, static, -O2 ------------------------------------
say "building static libraries (make -C library -j$jobs, -O2; no tests, no programs)"
start=$(date +%s)
make -s -C "$srcdir/library" -j"$jobs" CC="${MBEDTLS3_CC:-cc}" CFLAGS="-O2 -fPIC" \
     SHARED= static >/dev/null \
  || die "building mbedTLS 3.6 failed (see above)"
say "built in $(( $(date +%s) - start )) s"

# --- install into DEST ----------------------------------------------------
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp/library" "$dest.tmp/include"
cp -R "$srcdir/include/mbedtls" "$srcdir/include/psa" "$dest.tmp/include/"
for l in "${libs[@]}"; do
  cp "$srcdir/library/$l" "$dest.tmp/library/" || die "missing $l after the build"
done
rm -rf "$dest"
mv "$dest.tmp" "$dest"
say "installed: ${dest#"$root"/}/include and ${dest#"$root"/}/library/ (${libs[*]})"
