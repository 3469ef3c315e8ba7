/**
 * @file test_outcome.c
 * @brief The failure model, end to end: whether an operation may have been
 * applied (ck_result::applied), and with it err, cause and progress.
 *
 * - The table in docs/failure-model.md is read and checked, cell by cell,
 *   against the library's (ck_outcome_verdict()).
 * - Every (operation, attempt history, last answer) combination is run
 *   through a real client on the loopback transport and checked against
 *   an oracle written here from the rules of the failure model (not from
 *   the library's table): what is resent, what settles the outcome, what
 *   the caller is told.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ck_fixture.h"
#include "ck_outcome.h"
#include "ck_samples.h"

#define DOC_PATH "docs/failure-model.md"
#define DOC_MARKER "<!-- failure-model-table"
#define TIMEOUT_MS 10000u

/* ------------------------------------------------------------------------ */
/* The document's table                                                      */
/* ------------------------------------------------------------------------ */

/** @brief "NO", "YES", "MAYBE" (as the document writes them) → a verdict; -1 otherwise. */
static int verdict_of_word(const char *w, size_t n)
{
    if (n == 2u && strncmp(w, "NO", 2) == 0) {
        return CK_APPLIED_NO;
    }
    if (n == 3u && strncmp(w, "YES", 3) == 0) {
        return CK_APPLIED_YES;
    }
    if (n == 5u && strncmp(w, "MAYBE", 5) == 0) {
        return CK_APPLIED_MAYBE;
    }
    return -1;
}

/** @brief Cells 2..5 of a table row "| name | a | b | c | d |" → verdicts. */
static void row_verdicts(const char *line, int out[4])
{
    const char *p = strchr(line, '|');
    int cell = 0;

    assert_non_null(p);
    while (p != NULL && cell < 5) {
        const char *start = p + 1;
        const char *end = strchr(start, '|');
        if (end == NULL) {
            break;
        }
        if (cell >= 1) {
            while (*start == ' ' || *start == '*') {
                start++;
            }
            {
                const char *stop = end;
                while (stop > start && (stop[-1] == ' ' || stop[-1] == '*')) {
                    stop--;
                }
                out[cell - 1] = verdict_of_word(start, (size_t)(stop - start));
            }
        }
        cell++;
        p = end;
    }
    assert_int_equal(cell, 5);
}

static void test_document_table_is_the_library_table(void **state)
{
    static char line[1024];
    FILE *f = fopen(DOC_PATH, "r");
    bool in_table = false;
    unsigned row = 0;
    unsigned skipped = 0;
    (void)state;

    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL) {
        int v[4];
        unsigned a;
        if (!in_table) {
            in_table = strncmp(line, DOC_MARKER, strlen(DOC_MARKER)) == 0;
            continue;
        }
        if (line[0] != '|') {
            if (row > 0u) {
                break;
            }
            continue;
        }
        if (skipped < 2u) { /* header and separator */
            skipped++;
            continue;
        }
        assert_true(row < CK_ANSWER_COUNT);
        row_verdicts(line, v);
        a = row;
        /* Column 1: no lost predecessor, the same for every kind that writes. */
        assert_int_equal(v[0], ck_outcome_verdict(CK_CALL_KEYED, (ck_answer)a, false));
        assert_int_equal(v[0], ck_outcome_verdict(CK_CALL_BY_NATURE, (ck_answer)a, false));
        assert_int_equal(v[0], ck_outcome_verdict(CK_CALL_ONCE, (ck_answer)a, false));
        assert_int_equal(v[1], ck_outcome_verdict(CK_CALL_KEYED, (ck_answer)a, true));
        assert_int_equal(v[2], ck_outcome_verdict(CK_CALL_BY_NATURE, (ck_answer)a, true));
        assert_int_equal(v[3], ck_outcome_verdict(CK_CALL_ONCE, (ck_answer)a, true));
        /* A read changes nothing. */
        assert_int_equal(ck_outcome_verdict(CK_CALL_READ, (ck_answer)a, false), CK_APPLIED_NO);
        assert_int_equal(ck_outcome_verdict(CK_CALL_READ, (ck_answer)a, true), CK_APPLIED_NO);
        row++;
    }
    fclose(f);
    assert_true(in_table);
    assert_int_equal(row, CK_ANSWER_COUNT);
}

/* ------------------------------------------------------------------------ */
/* The oracle                                                                */
/* ------------------------------------------------------------------------ */

/** @brief The operations, by how they may be repeated. */
typedef enum op {
    OP_APPLY = 0,  /* v2 card apply: applied each time it arrives */
    OP_GENERIC,    /* ck_v2_call: the same */
    OP_ENROLL,     /* v2 3DS enroll: idempotent by nature */
    OP_V1_ENROLL,  /* v1 enroll: an idempotency key */
    OP_V1_GET,     /* v1 get: changes nothing */
    OP_COUNT
} op;

/** @brief What one attempt meets. */
typedef enum meet {
    M_NOT_SENT = 0, /* connect refused */
    M_LOST,         /* the request is read, then EOF */
    M_TIMEOUT,      /* the request is read, then silence past the deadline (last attempt only) */
    M_OK,
    M_API_FAILURE,
    M_MALFORMED,    /* a 2xx that is not JSON */
    M_400, M_401, M_403, M_404, M_409, M_418, M_429,
    M_503_RA,       /* 503 with Retry-After */
    M_503, M_500, M_502, M_504, M_302,
    M_COUNT
} meet;

static const uint16_t meet_status[M_COUNT] = {
    0, 0, 0, 200, 200, 200, 400, 401, 403, 404, 409, 418, 429, 503, 503, 500, 502, 504, 302};

static const ck_err meet_cause[M_COUNT] = {
    CK_ERR_CONNECT, CK_ERR_PEER_CLOSED, CK_ERR_TIMEOUT, CK_OK, CK_ERR_API_FAILURE, CK_ERR_JSON_MALFORMED,
    CK_ERR_BAD_REQUEST, CK_ERR_UNAUTHORIZED, CK_ERR_FORBIDDEN, CK_ERR_NOT_FOUND, CK_ERR_CONFLICT,
    CK_ERR_HTTP_4XX, CK_ERR_RATE_LIMITED, CK_ERR_HTTP_5XX, CK_ERR_HTTP_5XX, CK_ERR_HTTP_5XX, CK_ERR_HTTP_5XX,
    CK_ERR_HTTP_5XX, CK_ERR_HTTP_STATUS};

/** @brief Did the attempt get past "not sent"? */
static bool meet_sent(meet m)
{
    return m != M_NOT_SENT;
}

static bool meet_answered(meet m)
{
    return m != M_NOT_SENT && m != M_LOST && m != M_TIMEOUT;
}

/** @brief The verdict of an attempt with nothing lost before it. */
static ck_applied oracle_first(op o, meet m)
{
    if (o == OP_V1_GET) {
        return CK_APPLIED_NO;
    }
    switch (m) {
    case M_NOT_SENT:
    case M_API_FAILURE:
    case M_400: case M_401: case M_403: case M_404: case M_409: case M_429:
    case M_503_RA:
        return CK_APPLIED_NO;
    case M_OK:
        return CK_APPLIED_YES;
    default:
        return CK_APPLIED_MAYBE;
    }
}

/** @brief The verdict of an attempt after one that may have been applied. */
static ck_applied oracle_after_lost(op o, meet m)
{
    switch (o) {
    case OP_V1_GET:
        return CK_APPLIED_NO;
    case OP_V1_ENROLL:
        /* An answer to the same key speaks for the first attempt, unless it
         * is about credentials, load or the server's own failure. */
        return m == M_OK ? CK_APPLIED_YES
               : (m == M_API_FAILURE || m == M_400 || m == M_404 || m == M_409) ? CK_APPLIED_NO
                                                                                 : CK_APPLIED_MAYBE;
    case OP_ENROLL:
        return m == M_OK ? CK_APPLIED_YES : CK_APPLIED_MAYBE;
    default:
        return CK_APPLIED_MAYBE;
    }
}

/** @brief Is another attempt made after @p m? */
static bool oracle_resends(op o, meet m)
{
    switch (m) {
    case M_NOT_SENT:
    case M_429:
        return true;
    case M_LOST:
    case M_TIMEOUT:
        return o == OP_V1_ENROLL || o == OP_V1_GET;
    case M_503:
    case M_503_RA:
        return o != OP_APPLY && o != OP_GENERIC;
    default:
        return false;
    }
}

/* ------------------------------------------------------------------------ */
/* Running one combination                                                   */
/* ------------------------------------------------------------------------ */

#define OK_CARD_BODY "{\"code\":\"SUCCESS\",\"data\":{\"card_id\":\"card-1\"}}"
#define FAIL_CARD_BODY "{\"code\":\"INSUFFICIENT_BALANCE\",\"message\":\"no funds\"}"
#define OK_ENROLL_BODY "{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":true}}"
#define FAIL_ENROLL_BODY "{\"code\":\"SUCCESS\",\"data\":{\"isSuccess\":false}}"
#define OK_V1_BODY "{\"status\":\"Success\",\"code\":200,\"message\":\"done\",\"data\":[]}"
#define FAIL_V1_BODY "{\"status\":\"error\",\"code\":200,\"message\":\"no\"}"

static char g_wire[2][256];

/** @brief The 2xx body an operation gets for success or failure. */
static const char *body_for(op o, bool ok)
{
    switch (o) {
    case OP_APPLY:
    case OP_GENERIC:
        return ok ? OK_CARD_BODY : FAIL_CARD_BODY;
    case OP_ENROLL:
        return ok ? OK_ENROLL_BODY : FAIL_ENROLL_BODY;
    default:
        return ok ? OK_V1_BODY : FAIL_V1_BODY;
    }
}

/** @brief The script step of attempt @p slot meeting @p m. */
static ck_lb_step step_for(op o, meet m, int slot)
{
    ck_lb_step s;
    const char *body = "";
    const char *extra = "";
    const char *reason = "X";

    memset(&s, 0, sizeof s);
    switch (m) {
    case M_NOT_SENT:
        s.kind = CK_LB_CONNECT_FAIL;
        s.err = CK_ERR_CONNECT;
        return s;
    case M_LOST:
        s.kind = CK_LB_EOF;
        return s;
    case M_TIMEOUT:
        s.kind = CK_LB_STALL;
        s.ms = TIMEOUT_MS * 2u;
        return s;
    case M_OK:
        body = body_for(o, true);
        break;
    case M_API_FAILURE:
        body = body_for(o, false);
        break;
    case M_MALFORMED:
        body = "<html>";
        break;
    case M_429:
    case M_503_RA:
        extra = "Retry-After: 0\r\n";
        break;
    default:
        break;
    }
    /* A resend must reconnect after EOF; every answer closes its connection so the scripts stay simple. */
    (void)snprintf(g_wire[slot], sizeof g_wire[slot],
                   "HTTP/1.1 %u %s\r\n%sConnection: close\r\nContent-Length: %u\r\n\r\n%s",
                   (unsigned)meet_status[m], reason, extra, (unsigned)strlen(body), body);
    s.kind = CK_LB_REPLY;
    s.data = (const uint8_t *)g_wire[slot];
    s.len = strlen(g_wire[slot]);
    return s;
}

static ck_fixture g_f;

static void run_op(op o, ck_result *res)
{
    ck_card_apply_req apply = ck_sample_card();
    ck_card_apply_resp card;
    ck_3ds_req enroll = {"card-1", "ch-1"};
    ck_v1_req v1 = ck_sample_v1(NULL);
    ck_v1_3ds_entry entries[2];
    size_t count = 0;

    switch (o) {
    case OP_APPLY:
        (void)ck_card_apply(&g_f.client, &apply, &card, res);
        break;
    case OP_GENERIC:
        (void)ck_v2_call(&g_f.client, "/api/x", NULL, NULL, NULL, NULL, res);
        break;
    case OP_ENROLL:
        (void)ck_3ds_enroll(&g_f.client, &enroll, res);
        break;
    case OP_V1_ENROLL:
        (void)ck_v1_3ds_enroll(&g_f.client, &v1, res);
        break;
    default:
        (void)ck_v1_3ds_get(&g_f.client, &v1, entries, 2u, &count, res);
        break;
    }
}

static const char *const op_names[OP_COUNT] = {"apply", "generic", "enroll", "v1 enroll", "v1 get"};

/**
 * @brief Run @p o with a first attempt meeting @p first (M_COUNT: none) and
 * then @p last; check what the caller is told against the oracle.
 */
static unsigned check_combination(op o, meet first, meet last)
{
    ck_lb_step steps[2];
    size_t n = 0;
    ck_result res;
    bool two = first != M_COUNT && oracle_resends(o, first);
    meet final_meet = first == M_COUNT ? last : two ? last : first;
    ck_applied want;
    ck_err want_err;
    ck_progress want_progress;
    bool any_sent;

    if (first != M_COUNT) {
        steps[n++] = step_for(o, first, 0);
    }
    steps[n++] = step_for(o, last, 1);
    ck_fix_setup(&g_f, steps, n, 0u);
    g_f.cfg.max_attempts = (uint8_t)n;
    g_f.cfg.timeout_ms = TIMEOUT_MS;
    assert_int_equal(ck_fix_client(&g_f), CK_OK);
    run_op(o, &res);

    if (first == M_COUNT || !two) {
        want = oracle_first(o, final_meet);
    } else {
        want = oracle_first(o, first) == CK_APPLIED_MAYBE ? oracle_after_lost(o, last) : oracle_first(o, last);
    }
    want_err = want == CK_APPLIED_MAYBE ? CK_ERR_OUTCOME_UNKNOWN : meet_cause[final_meet];
    any_sent = meet_sent(final_meet) || (first != M_COUNT && meet_sent(first));
    want_progress = meet_answered(final_meet) ? CK_PROGRESS_ANSWERED
                    : any_sent                ? CK_PROGRESS_SENT
                                              : CK_PROGRESS_NOT_SENT;

    if (res.applied != want || res.err != want_err || res.cause != meet_cause[final_meet] ||
        res.progress != want_progress || res.attempts != (two ? 2u : 1u)) {
        print_error("%s, first %d, last %d: got %s (cause %s) applied %d progress %d attempts %u; "
                    "want %s applied %d progress %d attempts %u\n",
                    op_names[o], (int)first, (int)last, ck_strerror(res.err), ck_strerror(res.cause),
                    (int)res.applied, (int)res.progress, (unsigned)res.attempts, ck_strerror(want_err), (int)want,
                    (int)want_progress, two ? 2u : 1u);
        return 1u;
    }
    /* What the same answer would settle about an earlier lost call (a journal's replay). */
    if (ck_result_applied_after_lost(&res) != oracle_after_lost(o, final_meet)) {
        print_error("%s, first %d, last %d: after a lost call %d, want %d\n", op_names[o], (int)first, (int)last,
                    (int)ck_result_applied_after_lost(&res), (int)oracle_after_lost(o, final_meet));
        return 1u;
    }
    assert_false(g_f.lb.script_error);
    assert_true(ck_fix_canaries_ok(&g_f));
    assert_true(ck_fix_buffers_wiped(&g_f));
    return 0u;
}

static void test_every_combination(void **state)
{
    unsigned failures = 0;
    unsigned runs = 0;
    int o;
    int first;
    int last;
    (void)state;

    for (o = 0; o < OP_COUNT; o++) {
        /* M_COUNT as "first" means a single attempt; M_TIMEOUT ends the deadline, so it only comes last. */
        for (first = 0; first <= M_COUNT; first++) {
            if (first == M_TIMEOUT) {
                continue;
            }
            for (last = 0; last < M_COUNT; last++) {
                failures += check_combination((op)o, (meet)first, (meet)last);
                runs++;
            }
        }
    }
    print_message("outcome: %u combinations, %u failures\n", runs, failures);
    assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------------ */
/* The two sequences that once said "settled" or "not sent" wrongly          */
/* ------------------------------------------------------------------------ */

/** v1 with a fixed key: the answer is lost, the resend gets 502/504/500/401: outcome unknown. */
static void test_lost_then_gateway_or_auth_on_resend(void **state)
{
    static const char *const resend[] = {
        "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 504 Gateway Timeout\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",
    };
    static const ck_err cause[] = {CK_ERR_HTTP_5XX, CK_ERR_HTTP_5XX, CK_ERR_HTTP_5XX, CK_ERR_UNAUTHORIZED};
    size_t i;
    (void)state;

    for (i = 0; i < sizeof resend / sizeof resend[0]; i++) {
        ck_lb_step steps[2];
        ck_v1_req v1 = ck_sample_v1("fixed-key-1");
        ck_result res;

        steps[0] = (ck_lb_step)CK_EOF();
        steps[1].kind = CK_LB_REPLY;
        steps[1].data = (const uint8_t *)resend[i];
        steps[1].len = strlen(resend[i]);
        steps[1].split = 0;
        steps[1].ms = 0;
        steps[1].err = CK_OK;
        ck_fix_setup(&g_f, steps, 2, 0u);
        assert_int_equal(ck_fix_client(&g_f), CK_OK);
        assert_int_equal(ck_v1_3ds_enroll(&g_f.client, &v1, &res), CK_ERR_OUTCOME_UNKNOWN);
        CK_ASSERT_MAYBE(res, cause[i]);
        assert_int_equal(res.attempts, 2);
        assert_int_equal(res.progress, CK_PROGRESS_ANSWERED);
        assert_string_equal(v1.request_id, "fixed-key-1"); /* the key to keep in NVS */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_table_is_the_library_table),
        cmocka_unit_test(test_every_combination),
        cmocka_unit_test(test_lost_then_gateway_or_auth_on_resend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
