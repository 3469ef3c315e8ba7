# cmake/arm-none-eabi.cmake — a CMake toolchain file for bare-metal Cortex-M
# with the GNU Arm toolchain (Debian's gcc-arm-none-eabi, or Arm's release).
#
#   cmake -S . -B build-m4 -DCMAKE_TOOLCHAIN_FILE=path/to/cardkit/cmake/arm-none-eabi.cmake \
#         -DCMAKE_BUILD_TYPE=MinSizeRel [-DCARDKIT_ARM_CPU=cortex-m33] ...
#
# Code is compiled for CARDKIT_ARM_CPU in Thumb, one section per function and
# per object (-ffunction-sections -fdata-sections) and executables are linked
# with --gc-sections, as the project's own board build (boards/*/board.mk)
# and `make size` do. Soft float by default: cardkit uses no floating point;
# set CARDKIT_ARM_FLOAT_ABI=hard (and your FPU in CARDKIT_ARM_EXTRA_FLAGS) to
# match the rest of your firmware. A firmware project that already has its
# own toolchain file (STM32CubeMX, MCUXpresso, the Pico SDK) keeps it instead.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CARDKIT_ARM_PREFIX "arm-none-eabi-" CACHE STRING "prefix of the cross tools")
set(CARDKIT_ARM_CPU "cortex-m4" CACHE STRING "-mcpu of the target")
set(CARDKIT_ARM_FLOAT_ABI "soft" CACHE STRING "-mfloat-abi: soft, softfp or hard")
set(CARDKIT_ARM_EXTRA_FLAGS "" CACHE STRING "more target flags (e.g. -mfpu=fpv4-sp-d16)")
# try_compile projects read this file again: give them the same target.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES
     CARDKIT_ARM_PREFIX CARDKIT_ARM_CPU CARDKIT_ARM_FLOAT_ABI CARDKIT_ARM_EXTRA_FLAGS)

set(CMAKE_C_COMPILER "${CARDKIT_ARM_PREFIX}gcc")
set(CMAKE_ASM_COMPILER "${CARDKIT_ARM_PREFIX}gcc")
# No OS to link a test program for: the compiler checks build a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(_ck_arm_flags "-mcpu=${CARDKIT_ARM_CPU} -mthumb -mfloat-abi=${CARDKIT_ARM_FLOAT_ABI} ${CARDKIT_ARM_EXTRA_FLAGS}")
set(CMAKE_C_FLAGS_INIT "${_ck_arm_flags} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${_ck_arm_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")

# Headers and libraries of the target only: the host's /usr/include (jsmn,
# mbedTLS, lwIP of the build machine) must not reach the cross compiler.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
