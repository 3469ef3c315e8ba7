/**
 * @file dirent_shim.c
 * @brief opendir/readdir/closedir for the QEMU test images, over the index
 * file named by CK_SHIM_DIR_INDEX (written by mk/qemu.mk on the host and
 * read through semihosting). See shim/sys/dirent.h. Test harness only.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifndef CK_SHIM_DIR_INDEX
#define CK_SHIM_DIR_INDEX "build/qemu/dirindex.txt"
#endif

#define CK_SHIM_MAX_OPEN 2

struct ck_shim_dir {
    FILE *index;
    size_t prefix_len;
    char prefix[512];
    struct dirent entry;
    int in_use;
};

static struct ck_shim_dir g_dirs[CK_SHIM_MAX_OPEN];

/** @brief Read one line into @p line without its newline; 0 at the end. */
static int next_line(FILE *f, char *line, size_t cap)
{
    size_t n;
    if (fgets(line, (int)cap, f) == NULL) {
        return 0;
    }
    n = strlen(line);
    while (n > 0u && (line[n - 1u] == '\n' || line[n - 1u] == '\r')) {
        line[--n] = '\0';
    }
    return 1;
}

/** @brief The name part of @p line when it is a direct child of @p d, else NULL. */
static const char *child_of(const struct ck_shim_dir *d, const char *line)
{
    const char *name;
    if (strncmp(line, d->prefix, d->prefix_len) != 0) {
        return NULL;
    }
    name = line + d->prefix_len;
    if (name[0] == '\0' || strchr(name, '/') != NULL || strlen(name) >= sizeof d->entry.d_name) {
        return NULL;
    }
    return name;
}

DIR *opendir(const char *path)
{
    struct ck_shim_dir *d = NULL;
    char line[768];
    size_t n = strlen(path);
    int i;

    while (n > 1u && path[n - 1u] == '/') {
        n--;
    }
    for (i = 0; i < CK_SHIM_MAX_OPEN; i++) {
        if (!g_dirs[i].in_use) {
            d = &g_dirs[i];
            break;
        }
    }
    if (d == NULL) {
        errno = EMFILE;
        return NULL;
    }
    if (n + 2u > sizeof d->prefix) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    memcpy(d->prefix, path, n);
    d->prefix[n] = '/';
    d->prefix[n + 1u] = '\0';
    d->prefix_len = n + 1u;
    d->index = fopen(CK_SHIM_DIR_INDEX, "r");
    if (d->index == NULL) {
        errno = ENOENT;
        return NULL;
    }
    while (next_line(d->index, line, sizeof line)) {
        if (child_of(d, line) != NULL) {
            rewind(d->index);
            d->in_use = 1;
            return d;
        }
    }
    fclose(d->index);
    errno = ENOENT;
    return NULL;
}

struct dirent *readdir(DIR *d)
{
    char line[768];
    while (d != NULL && next_line(d->index, line, sizeof line)) {
        const char *name = child_of(d, line);
        if (name != NULL) {
            strcpy(d->entry.d_name, name);
            return &d->entry;
        }
    }
    return NULL;
}

int closedir(DIR *d)
{
    if (d == NULL || !d->in_use) {
        errno = EBADF;
        return -1;
    }
    fclose(d->index);
    d->in_use = 0;
    return 0;
}
