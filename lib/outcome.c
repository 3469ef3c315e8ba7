/**
 * @file outcome.c
 * @brief The failure model (see ck_outcome.h): one table, one verdict.
 */
#include "ck_outcome.h"

/** @brief One row: the verdict of a class, first and after a lost predecessor per kind. */
#define CK_ROW(first, keyed, nature, once) \
    (uint8_t)((first) | ((keyed) << 2) | ((nature) << 4) | ((once) << 6))
#define N CK_APPLIED_NO
#define Y CK_APPLIED_YES
#define M CK_APPLIED_MAYBE

/*
 * Columns: no lost predecessor (any kind but READ) | after a lost
 * predecessor: KEYED (the answer is to the same key, so it speaks for the
 * earlier attempt, except 401/403/429/5xx) | BY_NATURE (only a success says
 * the state holds) | ONCE (never settled: a second one may have been
 * applied; the retry policy never gets there). READ is always NO.
 */
static const uint8_t ck_outcome_table[CK_ANSWER_COUNT] = {
    /* NOT_SENT     */ CK_ROW(N, M, M, M),
    /* LOST         */ CK_ROW(M, M, M, M),
    /* OK           */ CK_ROW(Y, Y, Y, M),
    /* API_FAILURE  */ CK_ROW(N, N, M, M),
    /* UNREADABLE   */ CK_ROW(M, M, M, M),
    /* REFUSED      */ CK_ROW(N, N, M, M),
    /* AUTH         */ CK_ROW(N, M, M, M),
    /* RATE_LIMITED */ CK_ROW(N, M, M, M),
    /* BUSY         */ CK_ROW(N, M, M, M),
    /* OTHER_4XX    */ CK_ROW(M, M, M, M),
    /* SERVER       */ CK_ROW(M, M, M, M),
    /* OTHER_STATUS */ CK_ROW(M, M, M, M),
};

#undef N
#undef Y
#undef M
#undef CK_ROW

/*
 * The class of a non-2xx answer from its status error (CK_ERR_BAD_REQUEST
 * = 40 ... CK_ERR_HTTP_STATUS = 51; ck_status_err() in call.c made it).
 * 400, 404, 409 are the refusals the API documents.
 */
static const uint8_t ck_outcome_status_class[12] = {
    CK_ANSWER_REFUSED,      /* 40 BAD_REQUEST */
    CK_ANSWER_AUTH,         /* 41 UNAUTHORIZED */
    CK_ANSWER_RATE_LIMITED, /* 42 RATE_LIMITED */
    CK_ANSWER_AUTH,         /* 43 FORBIDDEN */
    CK_ANSWER_REFUSED,      /* 44 NOT_FOUND */
    CK_ANSWER_OTHER_4XX,    /* 45 HTTP_4XX */
    CK_ANSWER_OTHER_STATUS, /* 46..48: not status errors */
    CK_ANSWER_OTHER_STATUS,
    CK_ANSWER_OTHER_STATUS,
    CK_ANSWER_REFUSED,      /* 49 CONFLICT */
    CK_ANSWER_SERVER,       /* 50 HTTP_5XX */
    CK_ANSWER_OTHER_STATUS, /* 51 HTTP_STATUS */
};

ck_answer ck_outcome_answer(const ck_attempt *a)
{
    unsigned e = (unsigned)a->err - (unsigned)CK_ERR_BAD_REQUEST;

    if (a->progress != CK_PROGRESS_ANSWERED) {
        return a->progress == CK_PROGRESS_NOT_SENT ? CK_ANSWER_NOT_SENT : CK_ANSWER_LOST;
    }
    if (a->http_status / 100u == 2u) {
        return a->err == CK_OK ? CK_ANSWER_OK
               : a->err == CK_ERR_API_FAILURE ? CK_ANSWER_API_FAILURE
                                              : CK_ANSWER_UNREADABLE;
    }
    if (a->http_status == 503u && a->has_retry_after) {
        return CK_ANSWER_BUSY;
    }
    return e < sizeof ck_outcome_status_class ? (ck_answer)ck_outcome_status_class[e] : CK_ANSWER_OTHER_STATUS;
}

ck_applied ck_outcome_verdict(ck_call_kind kind, ck_answer answer, bool lost_before)
{
    unsigned shift = 0u;

    if (kind == CK_CALL_READ || (unsigned)answer >= CK_ANSWER_COUNT) {
        return kind == CK_CALL_READ ? CK_APPLIED_NO : CK_APPLIED_MAYBE;
    }
    if (lost_before) {
        shift = kind == CK_CALL_KEYED ? 2u : kind == CK_CALL_BY_NATURE ? 4u : 6u;
    }
    return (ck_applied)((ck_outcome_table[answer] >> shift) & 3u);
}

void ck_outcome_settle(const ck_attempt *last, bool lost_before, bool any_sent, ck_result *res)
{
    res->kind = (uint8_t)last->kind;
    res->applied = ck_outcome_verdict(last->kind, ck_outcome_answer(last), lost_before);
    res->cause = last->err;
    res->err = res->applied == CK_APPLIED_MAYBE ? CK_ERR_OUTCOME_UNKNOWN : last->err;
    res->progress = last->progress == CK_PROGRESS_ANSWERED ? CK_PROGRESS_ANSWERED
                    : any_sent                             ? CK_PROGRESS_SENT
                                                           : CK_PROGRESS_NOT_SENT;
}

ck_applied ck_result_applied_after_lost(const ck_result *res)
{
    /* From the result: the last attempt's error and status. Where it went
     * no further than an earlier one, or a 503's Retry-After is not kept,
     * the class differs only between classes that are MAYBE after a lost
     * attempt in every column. */
    ck_attempt a;

    a.err = res->cause;
    a.progress = res->progress;
    a.http_status = res->http_status;
    a.kind = (ck_call_kind)res->kind;
    a.has_retry_after = false;
    a.retry_after_ms = 0;
    return ck_outcome_verdict(a.kind, ck_outcome_answer(&a), true);
}
