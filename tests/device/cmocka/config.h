/*
 * config.h for cmocka (Debian's source package, fetched by
 * scripts/qemu_cmocka.sh) compiled for arm-none-eabi with newlib and
 * semihosting: what CMake's ConfigureChecks.cmake would find there. No
 * CLOCK_REALTIME, so cmocka does not time the tests; no thread-local
 * storage (one thread).
 */
#define HAVE_INTTYPES_H 1
#define HAVE_SIGNAL_H 1
#define HAVE_STRINGS_H 1
#define HAVE_STRUCT_TIMESPEC 1
#define HAVE_CALLOC 1
#define HAVE_EXIT 1
#define HAVE_FPRINTF 1
#define HAVE_SNPRINTF 1
#define HAVE_VSNPRINTF 1
#define HAVE_FREE 1
#define HAVE_LONGJMP 1
#define HAVE_MALLOC 1
#define HAVE_MEMCPY 1
#define HAVE_MEMSET 1
#define HAVE_PRINTF 1
#define HAVE_SETJMP 1
#define HAVE_SIGNAL 1
#define HAVE_STRCMP 1
#define HAVE_STRCPY 1
#define WORDS_SIZEOF_VOID_P 4
