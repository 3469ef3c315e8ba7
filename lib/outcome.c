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

ck_answer ck_outcome_answer(const ck_attempt *a)
{
    uint16_t s = a->http_status;

    if (a->progress == CK_PROGRESS_NOT_SENT) {
        return CK_ANSWER_NOT_SENT;
    }
    if (a->progress != CK_PROGRESS_ANSWERED) {
        return CK_ANSWER_LOST;
    }
    switch (s / 100u) {
    case 2u:
        return a->err == CK_OK ? CK_ANSWER_OK
               : a->err == CK_ERR_API_FAILURE ? CK_ANSWER_API_FAILURE
                                              : CK_ANSWER_UNREADABLE;
    case 4u:
        if (s == 400u || s == 404u || s == 409u) {
            return CK_ANSWER_REFUSED;
        }
        if (s == 401u || s == 403u) {
            return CK_ANSWER_AUTH;
        }
        return s == 429u ? CK_ANSWER_RATE_LIMITED : CK_ANSWER_OTHER_4XX;
    case 5u:
        return s == 503u && a->has_retry_after ? CK_ANSWER_BUSY : CK_ANSWER_SERVER;
    default:
        return CK_ANSWER_OTHER_STATUS;
    }
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
    res->applied = ck_outcome_verdict(last->kind, ck_outcome_answer(last), lost_before);
    res->cause = last->err;
    res->err = res->applied == CK_APPLIED_MAYBE ? CK_ERR_OUTCOME_UNKNOWN : last->err;
    res->progress = last->progress == CK_PROGRESS_ANSWERED ? CK_PROGRESS_ANSWERED
                    : any_sent                             ? CK_PROGRESS_SENT
                                                           : CK_PROGRESS_NOT_SENT;
}
