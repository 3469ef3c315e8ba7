/**
 * @file printf_c99.c
 * @brief Test shim for the QEMU board: C99's `z`, `t` and `j` length
 * modifiers for the printf family.
 *
 * Debian's newlib for arm-none-eabi is built without C99 formats: "%zu"
 * prints "zu" and takes no argument, which garbles the suites' expected
 * strings (they format sizes with %zu, as C99 allows). The test images
 * are linked with -Wl,--wrap for the functions below (see mk/qemu.mk);
 * each rewrites its format — `z` and `t` dropped (size_t and ptrdiff_t are
 * int-sized here, checked below), `j` made `ll` — and calls newlib's own.
 * Test harness only: cardkit itself formats nothing with printf.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The rewrite is only right where these hold (arm-none-eabi: ILP32). */
typedef char ck_shim_size_t_is_int[(sizeof(size_t) == sizeof(int)) ? 1 : -1];
typedef char ck_shim_ptrdiff_t_is_int[(sizeof(ptrdiff_t) == sizeof(int)) ? 1 : -1];
typedef char ck_shim_intmax_t_is_ll[(sizeof(intmax_t) == sizeof(long long)) ? 1 : -1];

int __real_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
int __real_vfprintf(FILE *f, const char *fmt, va_list ap);
int __real_vsprintf(char *buf, const char *fmt, va_list ap);

int __wrap_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
int __wrap_vfprintf(FILE *f, const char *fmt, va_list ap);
int __wrap_vsprintf(char *buf, const char *fmt, va_list ap);
int __wrap_vprintf(const char *fmt, va_list ap);
int __wrap_snprintf(char *buf, size_t cap, const char *fmt, ...);
int __wrap_sprintf(char *buf, const char *fmt, ...);
int __wrap_fprintf(FILE *f, const char *fmt, ...);
int __wrap_printf(const char *fmt, ...);

#define CK_SHIM_FMT_MAX 1024u

/**
 * @brief Copy @p fmt into @p out with the C99 length modifiers rewritten.
 * @return @p out, or @p fmt itself when it does not fit (left as it is).
 */
static const char *c99_format(const char *fmt, char *out, size_t cap)
{
    size_t o = 0;
    const char *p = fmt;
    while (*p != '\0') {
        if (o + 4u >= cap) {
            return fmt;
        }
        if (*p != '%') {
            out[o++] = *p++;
            continue;
        }
        out[o++] = *p++;
        if (*p == '%') {
            out[o++] = *p++;
            continue;
        }
        /* flags, width, precision */
        while (*p != '\0' && strchr("-+ #0123456789.*", *p) != NULL) {
            if (o + 4u >= cap) {
                return fmt;
            }
            out[o++] = *p++;
        }
        if (*p == 'z' || *p == 't') {
            p++;
        } else if (*p == 'j') {
            out[o++] = 'l';
            out[o++] = 'l';
            p++;
        }
    }
    out[o] = '\0';
    return out;
}

int __wrap_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
    char f[CK_SHIM_FMT_MAX];
    return __real_vsnprintf(buf, cap, c99_format(fmt, f, sizeof f), ap);
}

int __wrap_vfprintf(FILE *fp, const char *fmt, va_list ap)
{
    char f[CK_SHIM_FMT_MAX];
    return __real_vfprintf(fp, c99_format(fmt, f, sizeof f), ap);
}

int __wrap_vsprintf(char *buf, const char *fmt, va_list ap)
{
    char f[CK_SHIM_FMT_MAX];
    return __real_vsprintf(buf, c99_format(fmt, f, sizeof f), ap);
}

int __wrap_vprintf(const char *fmt, va_list ap)
{
    return __wrap_vfprintf(stdout, fmt, ap);
}

int __wrap_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = __wrap_vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

int __wrap_sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = __wrap_vsprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}

int __wrap_fprintf(FILE *fp, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = __wrap_vfprintf(fp, fmt, ap);
    va_end(ap);
    return n;
}

int __wrap_printf(const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = __wrap_vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}
