#!/usr/bin/env bash
# cardkit used from other builds, as a firmware or host project would: the
# consumers of tests/consumers/, each running one ck_3ds_enroll over the
# loopback transport (tests/consumers/enroll.c, exit 0 when it checks out).
#   scripts/consumers_test.sh OUT_DIR MAKE_PREFIX lib/*.c   (make consumers-test)
#
#  1. add_subdirectory(cardkit) on the host, with a CARDKIT_CONFIG_FILE and
#     every port built (warnings as errors in cardkit's sources);
#  2. cmake --install to a prefix, then find_package(cardkit CONFIG REQUIRED);
#  3. pkg-config: the program built with `pkg-config --cflags --libs cardkit`
#     against the CMake install's cardkit.pc and against MAKE_PREFIX, where
#     `make install` has put the library (the recipe runs it first);
#  4. cross-compiled for Cortex-M4 with cmake/arm-none-eabi.cmake (MinSizeRel,
#     --gc-sections), run under QEMU; the .text of its libcardkit.a must be
#     within CK_CONSUMERS_TEXT_TOLERANCE percent (1) of lib/'s .text as
#     scripts/size.sh computes it (the `make size` figure: every lib/ object
#     at -Os for the M4, before the linker drops anything), both summed by
#     arm-none-eabi-size over the same objects.
# Env: CROSS (arm-none-eabi-), CMAKE (cmake), CC (cc), QEMU_TIMEOUT (20).
set -euo pipefail
out=${1:?usage: consumers_test.sh OUT_DIR MAKE_PREFIX lib/*.c}
make_prefix=${2:?usage: consumers_test.sh OUT_DIR MAKE_PREFIX lib/*.c}
shift 2
lib_srcs=("$@")
cross=${CROSS:-arm-none-eabi-}
cmake=${CMAKE:-cmake}
cc=${CC:-cc}
tolerance=${CK_CONSUMERS_TEXT_TOLERANCE:-1}
src=$(pwd)
consumers=$src/tests/consumers
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The cmake builds below run their own make: not as a part of ours.
unset MAKEFLAGS MFLAGS MAKELEVEL

log=$out/consumers.log
: > "$log"
step() { # name command... : run quietly, show the log on failure
  local name=$1
  shift
  if ! "$@" >> "$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "consumers-test: $name: FAILED (log: $log)" >&2
    exit 1
  fi
}
configure() { step "$1" "$cmake" -S "$2" -B "$3" "${@:4}"; }
build() { step "$1" "$cmake" --build "$2" --parallel 2; }

start=$(date +%s)
"$cmake" --version | head -n 1 | sed 's/^/consumers-test: /'

# --- 1. add_subdirectory ------------------------------------------------------
rm -rf "$out/subdir"
configure add_subdirectory "$consumers/subdir" "$out/subdir" -DCARDKIT_SOURCE_DIR="$src"
build add_subdirectory "$out/subdir"
"$out/subdir/enroll"

# --- 2. cmake --install, find_package ------------------------------------------
rm -rf "$out/cardkit" "$out/prefix" "$out/package"
configure install . "$out/cardkit" -DCARDKIT_LOOPBACK=ON -DCARDKIT_WERROR=ON \
  -DCARDKIT_CONFIG_FILE="$consumers/ck_consumer_config.h"
build install "$out/cardkit"
step install "$cmake" --install "$out/cardkit" --prefix "$out/prefix"
for f in lib/libcardkit.a include/cardkit/cardkit.h include/cardkit/ck_tls.h \
         lib/cmake/cardkit/cardkitConfig.cmake lib/cmake/cardkit/cardkitConfigVersion.cmake \
         lib/cmake/cardkit/cardkitTargets.cmake lib/pkgconfig/cardkit.pc; do
  [ -f "$out/prefix/$f" ] || { echo "consumers-test: cmake --install did not install $f" >&2; exit 1; }
done
configure find_package "$consumers/package" "$out/package" -DCMAKE_PREFIX_PATH="$out/prefix"
build find_package "$out/package"
"$out/package/enroll"

# --- 3. pkg-config -------------------------------------------------------------
# $1 label, $2 prefix, $3... extra flags (the sizes the library was built with)
pkgconfig_consumer() {
  local label=$1 prefix=$2 pc
  local -a flags
  shift 2
  # pkg-config quotes for a shell (CK_CONFIG_FILE's value is a string): eval.
  pc=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs cardkit)
  eval "flags=($pc)"
  step "pkg-config ($label)" "$cc" -std=c99 -Wall -Wextra -Werror "-DCK_CONSUMER_NAME=\"pkg-config ($label)\"" "$@" \
    -Iport/loopback -o "$out/enroll-pc-$label" "$consumers/enroll.c" port/loopback/ck_loopback.c "${flags[@]}"
  "$out/enroll-pc-$label"
}
pkgconfig_consumer "cmake --install" "$out/prefix" -DCK_CONSUMER_WORK_BUF_SIZE=1024u
pkgconfig_consumer "make install" "$make_prefix"

# --- 4. Cortex-M4 ----------------------------------------------------------------
# jsmn.h from a folder of its own: the host's /usr/include must not reach
# the cross compiler.
rm -rf "$out/cortex-m4" "$out/size"
mkdir -p "$out/jsmn"
cp -f /usr/include/jsmn.h "$out/jsmn/jsmn.h"
configure cortex-m4 "$consumers/cortex-m4" "$out/cortex-m4" -DCMAKE_TOOLCHAIN_FILE="$src/cmake/arm-none-eabi.cmake" \
  -DCMAKE_BUILD_TYPE=MinSizeRel -DCARDKIT_SOURCE_DIR="$src" -DCARDKIT_JSMN_INCLUDE_DIR="$out/jsmn" \
  -DCARDKIT_ARM_PREFIX="$cross"
build cortex-m4 "$out/cortex-m4"
QEMU_TIMEOUT=${QEMU_TIMEOUT:-20} scripts/qemu_run.sh "$out/cortex-m4/enroll.elf"

# make size's lib/ .text: size.sh's own objects for the M4 (its budgets do
# not matter here, only that it compiled every source).
CK_SIZE_CPUS=cortex-m4 CK_SIZE_OUT="$out/size" scripts/size.sh "$cross" "${lib_srcs[@]}" > "$out/size.log" 2>&1 || true
size_objs=("$out"/size/cortex-m4/lib/*.o)
if [ ! -f "${size_objs[0]}" ] || [ ${#size_objs[@]} -ne ${#lib_srcs[@]} ]; then
  cat "$out/size.log" >&2
  echo "consumers-test: scripts/size.sh did not compile the ${#lib_srcs[@]} sources of lib/" >&2
  exit 1
fi
text_sum() { "${cross}size" "$@" | awk 'NR > 1 { t += $1; n++ } END { print t, n }'; }
read -r size_text size_n < <(text_sum "${size_objs[@]}")
read -r cmake_text cmake_n < <(text_sum "$out/cortex-m4/cardkit/libcardkit.a")
diff=$((cmake_text - size_text))
diff=${diff#-}
echo "consumers-test: lib/ .text on cortex-m4: CMake (toolchain file, MinSizeRel) $cmake_text B in $cmake_n objects," \
     "make size $size_text B in $size_n objects: $diff B apart (tolerance $tolerance %)"
echo "consumers-test: the cortex-m4 image, linked with --gc-sections, by origin:"
scripts/qemu_image_size.sh "$out/cortex-m4/enroll.map" | sed 's/^/consumers-test: /'
if [ "$cmake_n" -ne "$size_n" ] || [ $((diff * 100)) -gt $((size_text * tolerance)) ]; then
  echo "consumers-test: the CMake build's lib/ differs from make size's by more than $tolerance %" >&2
  exit 1
fi

echo "consumers-test: 3 CMake consumers and 2 pkg-config consumers passed in $(($(date +%s) - start)) s"
