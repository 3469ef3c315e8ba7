# shellcheck shell=bash
# Sourced by the scripts that fetch Debian source packages at build time
# (scripts/mbedtls3.sh, scripts/qemu_cmocka.sh): set up a deb-src entry for
# one suite and dpkg-dev, as root; otherwise print the exact commands and fail.
#
#   debsrc_setup SUITE SOURCES_FILE MAKE_TARGET
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
