# shellcheck shell=bash
# Sourced by the scripts that fetch Debian source packages at build time
# (scripts/mbedtls3.sh, scripts/qemu_cmocka.sh, scripts/lwip_src.sh): set up
# a deb-src entry for one suite and dpkg-dev, as root; otherwise print the
# exact commands and fail; then fetch a package's source once.
#
#   debsrc_setup SUITE SOURCES_FILE MAKE_TARGET
#   debsrc_fetch PACKAGE SUITE SOURCES_FILE PARENT GLOB MAKE_TARGET
#       sets srcdir to PARENT's newest folder matching GLOB, running
#       `apt-get source PACKAGE/SUITE` in PARENT first when there is none
#
# The caller defines say() and die().

debsrc_setup() {
  local suite=$1 sources_file=$2 target=$3
  local sources_text="Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  local need_apt=0
  [ -f "$sources_file" ] || need_apt=1
  command -v dpkg-source >/dev/null || need_apt=1
  if [ "$need_apt" -eq 1 ] && [ "$(id -u)" -ne 0 ]; then
    say "needs root to set up apt. Run as root:"
    echo "cat > $sources_file <<'EOF'" >&2
    printf '%s\n' "$sources_text" >&2
    echo "EOF" >&2
    echo "apt-get update && apt-get install -y --no-install-recommends dpkg-dev" >&2
    echo "then: make $target" >&2
    exit 1
  fi
  if [ ! -f "$sources_file" ]; then
    say "adding deb-src for Debian $suite: $sources_file"
    printf '%s\n' "$sources_text" > "$sources_file"
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! command -v dpkg-source >/dev/null; then
    say "installing dpkg-dev"
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null || die "cannot install dpkg-dev"
  fi
}

debsrc_fetch() {
  local pkg=$1 suite=$2 sources_file=$3 parent=$4 glob=$5 target=$6
  mkdir -p "$parent"
  srcdir=$(find "$parent" -maxdepth 1 -type d -name "$glob" | sort | tail -n1)
  [ -n "$srcdir" ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    # Refresh only this suite's source index (the other lists are left alone).
    say "apt-get update for $sources_file"
    apt-get update -qq -o Dir::Etc::sourcelist="$sources_file" -o Dir::Etc::sourceparts=- \
        -o APT::Get::List-Cleanup=0 || die "apt-get update failed"
  fi
  say "fetching Debian's source package $pkg/$suite into $parent"
  (cd "$parent" && apt-get source -qq "$pkg/$suite" >/dev/null 2>&1) \
    || die "apt-get source $pkg/$suite failed (as root: apt-get update, then make $target)"
  srcdir=$(find "$parent" -maxdepth 1 -type d -name "$glob" | sort | tail -n1)
  [ -n "$srcdir" ] || die "no $glob folder after apt-get source $pkg/$suite"
}
