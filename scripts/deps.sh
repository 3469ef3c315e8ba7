#!/usr/bin/env bash
# Install the Debian packages cardkit needs for a make target, if missing.
#   scripts/deps.sh host     compiler, jsmn, cmocka, mbedTLS, libcsv and cJSON (ckctl batch)
#   scripts/deps.sh cross    + Cortex-M toolchain (make size, make qemu-test)
#   scripts/deps.sh cmake    + CMake (make consumers-test, with cross)
#   scripts/deps.sh bench    + nginx, libcurl (OpenSSL) and cJSON, valgrind (make bench)
#   scripts/deps.sh tools    + clang with libFuzzer, valgrind, cppcheck, clang-tidy, shellcheck (make check, make fuzz)
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -euo pipefail

want=(build-essential pkg-config libjsmn-dev libcmocka-dev libmbedtls-dev openssl libcsv-dev libcjson-dev)
for group in "$@"; do
  case "$group" in
    host) ;;
    cross) want+=(gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi qemu-system-arm liblwip-dev) ;;
    cmake) want+=(cmake) ;;
    bench) want+=(nginx-light libcurl4-openssl-dev libcjson-dev valgrind) ;; # make bench: the server and the peer client
    tools) want+=(clang libclang-rt-14-dev valgrind cppcheck clang-tidy shellcheck) ;; # libclang-rt: libFuzzer, ASan
    *) echo "deps.sh: unknown group '$group'" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "cardkit needs: ${missing[*]}" >&2
  echo "run as root:   apt-get update && $cmd" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
$cmd -qq >/dev/null
