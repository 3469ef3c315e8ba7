/*
 * cardkit: the JSON reader against the nst/JSONTestSuite `test_parsing`
 * corpus, read where it lies (../shared/testdata/JSONTestSuite, or the
 * folder named by CK_JSON_SUITE_DIR). The corpus is never copied into the
 * project; when it is absent the tests are skipped with a visible message.
 *
 * Rules: every n_* file is rejected; every y_* file whose top-level value
 * is an object is accepted, and every other y_* file is rejected as
 * CK_ERR_JSON_MALFORMED (a response body must be an object); i_* files may
 * go either way but must not crash (run under ASan/valgrind to check).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardkit/ck_json.h"

#define SUITE_DEFAULT_DIR "../shared/testdata/JSONTestSuite"
#define SUITE_TOKENS 4096

static ck_json_tok g_toks[SUITE_TOKENS];

static const char *suite_dir(void)
{
    const char *d = getenv("CK_JSON_SUITE_DIR");
    return (d != NULL && d[0] != '\0') ? d : SUITE_DEFAULT_DIR;
}

/* Read a whole file into a heap buffer (exactly its size, no NUL added, so
 * that ASan catches any read past the end). */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    buf = malloc(n > 0 ? (size_t)n : 1u);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* True when the first non-whitespace byte opens an object. */
static int top_is_object(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
        i++;
    }
    return i < len && s[i] == '{';
}

typedef struct {
    size_t files;
    size_t failures;
    size_t accepted;
} suite_stats;

/* Run every file whose name starts with @p prefix; @p check returns 0 when
 * the outcome is right and prints a line otherwise. */
static void run_prefix(const char *prefix, int (*check)(const char *name, const char *s, size_t len, ck_err err),
                       suite_stats *st)
{
    const char *dir = suite_dir();
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL) {
        print_message("SKIPPED: JSONTestSuite not found at %s (set CK_JSON_SUITE_DIR)\n", dir);
        skip();
        return;
    }
    st->files = st->failures = st->accepted = 0;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        size_t nlen = strlen(e->d_name);
        size_t len;
        char *text;
        ck_json_doc doc;
        ck_err err;

        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 || nlen < 5 ||
            strcmp(e->d_name + nlen - 5, ".json") != 0) {
            continue;
        }
        assert_true(snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path);
        text = read_file(path, &len);
        err = ck_json_parse(&doc, text, len, g_toks, SUITE_TOKENS);
        if (check(e->d_name, text, len, err) != 0) {
            st->failures++;
        }
        if (err == CK_OK) {
            st->accepted++;
        }
        st->files++;
        free(text);
    }
    closedir(d);
}

static int check_n(const char *name, const char *s, size_t len, ck_err err)
{
    (void)s;
    (void)len;
    if (err == CK_OK) {
        print_error("accepted %s\n", name);
        return 1;
    }
    if (err != CK_ERR_JSON_MALFORMED && err != CK_ERR_JSON_TOO_MANY_TOKENS) {
        print_error("%s: unexpected error %d\n", name, (int)err);
        return 1;
    }
    return 0;
}

static int check_y(const char *name, const char *s, size_t len, ck_err err)
{
    ck_err want = top_is_object(s, len) ? CK_OK : CK_ERR_JSON_MALFORMED;
    if (err != want) {
        print_error("%s: got %d, want %d\n", name, (int)err, (int)want);
        return 1;
    }
    return 0;
}

static int check_i(const char *name, const char *s, size_t len, ck_err err)
{
    (void)name;
    (void)s;
    (void)len;
    /* Either way is fine; only the set of results is constrained. */
    return (err == CK_OK || err == CK_ERR_JSON_MALFORMED || err == CK_ERR_JSON_TOO_MANY_TOKENS) ? 0 : 1;
}

static void test_suite_n_rejected(void **state)
{
    suite_stats st;
    (void)state;
    run_prefix("n_", check_n, &st);
    assert_true(st.files >= 188u); /* the corpus as documented in testdata/README.md */
    assert_int_equal(st.failures, 0);
}

static void test_suite_y_objects_accepted(void **state)
{
    suite_stats st;
    (void)state;
    run_prefix("y_", check_y, &st);
    assert_true(st.files >= 95u);
    assert_true(st.accepted >= 12u); /* the y_ files whose top level is an object */
    assert_int_equal(st.failures, 0);
}

static void test_suite_i_no_crash(void **state)
{
    suite_stats st;
    (void)state;
    run_prefix("i_", check_i, &st);
    assert_true(st.files > 0u);
    assert_int_equal(st.failures, 0);
}

/* The corpus results do not depend on the token budget: with only as many
 * tokens as a y_ object needs it still parses, and with one fewer it fails
 * with TOO_MANY_TOKENS (never a crash or a different error). */
static int check_y_tight(const char *name, const char *s, size_t len, ck_err err)
{
    ck_json_doc doc;
    size_t need;

    if (!top_is_object(s, len)) {
        return 0;
    }
    if (err != CK_OK) {
        print_error("%s: got %d\n", name, (int)err);
        return 1;
    }
    assert_int_equal(ck_json_parse(&doc, s, len, g_toks, SUITE_TOKENS), CK_OK);
    need = (size_t)doc.count;
    if (ck_json_parse(&doc, s, len, g_toks, need) != CK_OK ||
        ck_json_parse(&doc, s, len, g_toks, need - 1u) != CK_ERR_JSON_TOO_MANY_TOKENS) {
        print_error("%s: token budget of %u not exact\n", name, (unsigned)need);
        return 1;
    }
    return 0;
}

static void test_suite_y_exact_token_budget(void **state)
{
    suite_stats st;
    (void)state;
    run_prefix("y_", check_y_tight, &st);
    assert_int_equal(st.failures, 0);
}

/* Put @p s inside `{"k":` ... `}` in a new heap buffer of exactly that size. */
static char *wrap(const char *s, size_t len, size_t *out_len)
{
    static const char head[] = "{\"k\":";
    char *w = malloc(len + sizeof head);

    assert_non_null(w);
    memcpy(w, head, sizeof head - 1u);
    memcpy(w + sizeof head - 1u, s, len);
    w[sizeof head - 1u + len] = '}';
    *out_len = len + sizeof head;
    return w;
}

/* Every y_ value, placed as a member of an object, is accepted: this runs
 * the arrays and scalars of the corpus through the full reader. */
static int check_y_wrapped(const char *name, const char *s, size_t len, ck_err err)
{
    ck_json_doc doc;
    size_t wlen;
    char *w = wrap(s, len, &wlen);
    ck_err werr = ck_json_parse(&doc, w, wlen, g_toks, SUITE_TOKENS);

    (void)err;
    free(w);
    if (werr != CK_OK) {
        print_error("%s wrapped in an object: got %d\n", name, (int)werr);
        return 1;
    }
    return 0;
}

static void test_suite_y_wrapped_accepted(void **state)
{
    suite_stats st;
    (void)state;
    run_prefix("y_", check_y_wrapped, &st);
    assert_int_equal(st.failures, 0);
}

/* And every n_ text stays rejected inside an object (none of them is made
 * valid by the wrapping; checked for this corpus). */
static int check_n_wrapped(const char *name, const char *s, size_t len, ck_err err)
{
    ck_json_doc doc;
    size_t wlen;
    char *w = wrap(s, len, &wlen);
    ck_err werr = ck_json_parse(&doc, w, wlen, g_toks, SUITE_TOKENS);

    (void)err;
    free(w);
    if (werr == CK_OK) {
        print_error("%s wrapped in an object: accepted\n", name);
        return 1;
    }
    return 0;
}

static void test_suite_n_wrapped_rejected(void **state)
{
    suite_stats st;
    (void)state;
    run_prefix("n_", check_n_wrapped, &st);
    assert_int_equal(st.failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite_n_rejected),
        cmocka_unit_test(test_suite_y_objects_accepted),
        cmocka_unit_test(test_suite_i_no_crash),
        cmocka_unit_test(test_suite_y_exact_token_budget),
        cmocka_unit_test(test_suite_y_wrapped_accepted),
        cmocka_unit_test(test_suite_n_wrapped_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
