/**
 * @file test_batch_read.c
 * @brief Unit tests of ckctl batch's readers: CSV (RFC 4180 through libcsv)
 * and JSON Lines (cJSON), the edge cases of the format and hostile input,
 * each with the error the user sees; and the strict UTF-8 check.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ckctl_batch.h"

/** @brief A reader over @p len bytes of @p data. */
typedef struct fixture {
    FILE *f;
    ckb_reader *r;
    ckb_row row;
    char msg[CKB_MSG_MAX];
} fixture;

static void open_fx(fixture *fx, ckb_format fmt, const char *data, size_t len)
{
    memset(fx, 0, sizeof *fx);
    fx->f = fmemopen((void *)(uintptr_t)data, len, "rb");
    assert_non_null(fx->f);
    fx->r = ckb_reader_open(fx->f, fmt, NULL, NULL);
    assert_non_null(fx->r);
}

static void close_fx(fixture *fx)
{
    ckb_row_free(&fx->row);
    ckb_reader_close(fx->r);
    (void)fclose(fx->f);
}

static ckb_read_status next(fixture *fx)
{
    fx->msg[0] = '\0';
    return ckb_reader_next(fx->r, &fx->row, fx->msg, sizeof fx->msg);
}

/** @brief The value of column @p name in the current row, or NULL. */
static const char *cell(const fixture *fx, const char *name)
{
    size_t i;

    for (i = 0; i < fx->row.n; i++) {
        if (strcmp(fx->row.name[i], name) == 0) {
            return fx->row.value[i];
        }
    }
    return NULL;
}

#define CSV(fx, lit) open_fx((fx), CKB_FMT_CSV, (lit), sizeof(lit) - 1u)
#define JSONL(fx, lit) open_fx((fx), CKB_FMT_JSONL, (lit), sizeof(lit) - 1u)

/* CSV: the RFC 4180 cases ------------------------------------------------- */

static void csv_quotes_commas_line_breaks(void **state)
{
    fixture fx;
    (void)state;

    CSV(&fx, "op,remark,card\r\n"
             "card.apply,\"a, b\",\r\n"
             "3ds.enroll,\"say \"\"hi\"\"\",c1\r\n"
             "card.apply,\"two\r\nlines\",\n");
    assert_int_equal(next(&fx), CKB_READ_ROW);
    assert_int_equal(fx.row.no, 1);
    assert_string_equal(cell(&fx, "remark"), "a, b");
    assert_string_equal(cell(&fx, "card"), "");
    assert_int_equal(next(&fx), CKB_READ_ROW);
    assert_string_equal(cell(&fx, "remark"), "say \"hi\"");
    assert_string_equal(cell(&fx, "card"), "c1");
    assert_int_equal(next(&fx), CKB_READ_ROW);
    assert_int_equal(fx.row.no, 3);
    assert_string_equal(cell(&fx, "remark"), "two\r\nlines");
    assert_int_equal(next(&fx), CKB_READ_END);
    close_fx(&fx);
}

static void csv_lf_bom_spaces_no_final_newline(void **state)
{
    fixture fx;
    (void)state;

    CSV(&fx, "\xEF\xBB\xBFop,remark\n3ds.enroll,  padded  \ncard.apply,caf\xC3\xA9");
    assert_int_equal(next(&fx), CKB_READ_ROW);
    assert_string_equal(cell(&fx, "op"), "3ds.enroll");
    assert_string_equal(cell(&fx, "remark"), "  padded  ");
    assert_int_equal(next(&fx), CKB_READ_ROW);
    assert_string_equal(cell(&fx, "remark"), "caf\xC3\xA9");
    assert_int_equal(next(&fx), CKB_READ_END);
    close_fx(&fx);
}

static void csv_empty_file_and_header_only(void **state)
{
    fixture fx;
    (void)state;

    CSV(&fx, "");
    assert_int_equal(next(&fx), CKB_READ_END);
    close_fx(&fx);
    CSV(&fx, "op,card\n");
    assert_int_equal(next(&fx), CKB_READ_END);
    close_fx(&fx);
}

/* CSV: hostile input, each with its error --------------------------------- */

static void csv_unterminated_quote(void **state)
{
    fixture fx;
    (void)state;

    CSV(&fx, "op,remark\ncard.apply,ok\ncard.apply,\"never closed\n");
    assert_int_equal(next(&fx), CKB_READ_ROW);
    assert_int_equal(next(&fx), CKB_READ_FATAL);
    assert_string_equal(fx.msg, "row 2: unterminated quoted cell (a \" is never closed)");
    close_fx(&fx);
}

static void csv_quote_inside_unquoted_cell(void **state)
{
    fixture fx;
    (void)state;

    CSV(&fx, "op,remark\ncard.apply,ab\"c\n");
    assert_int_equal(next(&fx), CKB_READ_FATAL);
    assert_non_null(strstr(fx.msg, "row 1: malformed quoting"));
    close_fx(&fx);
}

static void csv_nul_byte_then_goes_on(void **state)
{
    static const char data[] = "op,remark\ncard.apply,a\0b\n3ds.enroll,fine\n";
    fixture fx;
    (void)state;

    open_fx(&fx, CKB_FMT_CSV, data, sizeof data - 1u);
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_string_equal(fx.msg, "row 1: remark: NUL byte");
    assert_int_equal(next(&fx), CKB_READ_ROW);
    assert_int_equal(fx.row.no, 2);
    assert_string_equal(cell(&fx, "remark"), "fine");
    close_fx(&fx);
}

static void csv_invalid_utf8(void **state)
{
    fixture fx;
    (void)state;

    CSV(&fx, "op,remark\ncard.apply,\xC3\x28\n");
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_string_equal(fx.msg, "row 1: remark: not valid UTF-8");
    close_fx(&fx);
}

static void csv_wrong_cell_counts(void **state)
{
    fixture fx;
    (void)state;

    CSV(&fx, "op,card,cardholder\n3ds.enroll,c1\n3ds.enroll,c1,h1,extra\n3ds.enroll,c,h\n");
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_string_equal(fx.msg, "row 1: 2 cells, the header has 3");
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_string_equal(fx.msg, "row 2: more cells than the header's 3");
    assert_int_equal(next(&fx), CKB_READ_ROW);
    assert_int_equal(fx.row.no, 3);
    close_fx(&fx);
}

static void csv_cell_over_limit(void **state)
{
    size_t n = CKB_CELL_MAX + 1u;
    char *data = malloc(n + 64u);
    fixture fx;
    int len;
    (void)state;

    assert_non_null(data);
    len = snprintf(data, 64, "op,remark\ncard.apply,");
    memset(data + len, 'x', n);
    memcpy(data + len + n, "\n", 1);
    open_fx(&fx, CKB_FMT_CSV, data, (size_t)len + n + 1u);
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_non_null(strstr(fx.msg, "row 1: remark: longer than"));
    close_fx(&fx);
    free(data);
}

static void csv_line_over_64k(void **state)
{
    size_t n = CKB_LINE_MAX + 10u;
    char *data = malloc(n + 64u);
    fixture fx;
    int len;
    (void)state;

    assert_non_null(data);
    len = snprintf(data, 64, "op,remark\ncard.apply,\"");
    memset(data + len, 'x', n);
    open_fx(&fx, CKB_FMT_CSV, data, (size_t)len + n);
    assert_int_equal(next(&fx), CKB_READ_FATAL);
    assert_non_null(strstr(fx.msg, "row 1: line longer than 65536 bytes"));
    close_fx(&fx);
    free(data);
}

static void csv_header_problems(void **state)
{
    fixture fx;
    (void)state;

    CSV(&fx, "op,card,card\n3ds.enroll,a,b\n");
    assert_int_equal(next(&fx), CKB_READ_FATAL);
    assert_string_equal(fx.msg, "header: column card given twice");
    close_fx(&fx);
    CSV(&fx, "op,,card\n3ds.enroll,a,b\n");
    assert_int_equal(next(&fx), CKB_READ_FATAL);
    assert_string_equal(fx.msg, "header: column 2 has no name");
    close_fx(&fx);
}

/* JSON Lines -------------------------------------------------------------- */

static void jsonl_rows_escapes_blank_lines(void **state)
{
    fixture fx;
    (void)state;

    JSONL(&fx, "{\"op\":\"card.apply\",\"remark\":\"caf\\u00e9\\n\\\"q\\\"\"}\r\n"
               "\n"
               "   \n"
               "{\"op\":\"3ds.enroll\",\"card\":\"c1\"}");
    assert_int_equal(next(&fx), CKB_READ_ROW);
    assert_int_equal(fx.row.no, 1);
    assert_string_equal(cell(&fx, "remark"), "caf\xC3\xA9\n\"q\"");
    assert_int_equal(next(&fx), CKB_READ_ROW);
    assert_int_equal(fx.row.no, 4);
    assert_string_equal(cell(&fx, "card"), "c1");
    assert_int_equal(next(&fx), CKB_READ_END);
    close_fx(&fx);
}

static void jsonl_hostile_lines(void **state)
{
    fixture fx;
    (void)state;

    JSONL(&fx, "{\"op\":1}\n"
               "[\"op\"]\n"
               "{\"op\":\"a\"} trailing\n"
               "{\"op\":\"a\",\"op\":\"b\"}\n"
               "{\"op\":\"a\\u0000b\"}\n"
               "{\"op\":\"\xFF\"}\n"
               "{\"op\":\"card.apply\"\n"
               "{\"op\":\"3ds.enroll\"}\n");
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_string_equal(fx.msg, "row 1: op: the value must be a string");
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_string_equal(fx.msg, "row 2: not a JSON object");
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_string_equal(fx.msg, "row 3: not a JSON object");
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_string_equal(fx.msg, "row 4: op: given twice");
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_string_equal(fx.msg, "row 5: NUL byte");
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_string_equal(fx.msg, "row 6: not valid UTF-8");
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_string_equal(fx.msg, "row 7: not a JSON object");
    assert_int_equal(next(&fx), CKB_READ_ROW);
    assert_int_equal(fx.row.no, 8);
    assert_int_equal(next(&fx), CKB_READ_END);
    close_fx(&fx);
}

static void jsonl_line_over_64k_then_goes_on(void **state)
{
    size_t n = CKB_LINE_MAX + 10u;
    char *data = malloc(n + 64u);
    fixture fx;
    int tail;
    (void)state;

    assert_non_null(data);
    memset(data, ' ', n);
    data[n - 1u] = '\n';
    tail = snprintf(data + n, 64, "{\"op\":\"3ds.enroll\"}\n");
    open_fx(&fx, CKB_FMT_JSONL, data, n + (size_t)tail);
    assert_int_equal(next(&fx), CKB_READ_BAD_ROW);
    assert_string_equal(fx.msg, "row 1: line longer than 65536 bytes");
    assert_int_equal(next(&fx), CKB_READ_ROW);
    assert_int_equal(fx.row.no, 2);
    close_fx(&fx);
    free(data);
}

/* UTF-8 ------------------------------------------------------------------- */

static void utf8_strict(void **state)
{
    (void)state;
    assert_true(ck_utf8_valid("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x92\xB3", 14));
    assert_false(ck_utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
    assert_false(ck_utf8_valid("\xE0\x80\xAF", 3));     /* overlong */
    assert_false(ck_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    assert_false(ck_utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(ck_utf8_valid("\xE2\x82", 2));         /* cut short */
    assert_false(ck_utf8_valid("\x80", 1));             /* lone continuation */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_quotes_commas_line_breaks),
        cmocka_unit_test(csv_lf_bom_spaces_no_final_newline),
        cmocka_unit_test(csv_empty_file_and_header_only),
        cmocka_unit_test(csv_unterminated_quote),
        cmocka_unit_test(csv_quote_inside_unquoted_cell),
        cmocka_unit_test(csv_nul_byte_then_goes_on),
        cmocka_unit_test(csv_invalid_utf8),
        cmocka_unit_test(csv_wrong_cell_counts),
        cmocka_unit_test(csv_cell_over_limit),
        cmocka_unit_test(csv_line_over_64k),
        cmocka_unit_test(csv_header_problems),
        cmocka_unit_test(jsonl_rows_escapes_blank_lines),
        cmocka_unit_test(jsonl_hostile_lines),
        cmocka_unit_test(jsonl_line_over_64k_then_goes_on),
        cmocka_unit_test(utf8_strict),
    };

    return cmocka_run_group_tests_name("batch readers", tests, NULL, NULL);
}
