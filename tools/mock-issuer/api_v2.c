/**
 * @file api_v2.c
 * @brief The four v2 endpoints of the mock issuer and their validation
 * (see /work/shared/API.md, section 1, and the provider documents).
 *
 * The mock is stricter than the documents in one way, on purpose: a body
 * member it does not know is refused with 400, and an optional id sent
 * empty is refused too ("fields that are not given are left out"). That
 * way a client that misspells a field or sends empty values fails a test
 * instead of being silently ignored.
 *
 * Order of checks, everywhere: JSON shape and unknown members (400), each
 * field's presence and type (400), formats and rules (400), then existence
 * of what the ids name (404), then conflicts (409).
 *
 * The validators here are the mock's own, written from the documents, not
 * the library's: a test then compares two readings of the same rules.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mock.h"

/** @brief Buffer for ids read from a body (longer than any stored id: unknown ids are 404). */
#define MOCK_FIELD_MAX 256u

/** @brief A parsed request body. */
typedef struct mock_body {
    ck_json_doc doc;                       /**< the document */
    ck_json_tok toks[MOCK_JSON_TOKENS];    /**< its tokens */
} mock_body;

/* ------------------------------------------------------------------------ */
/* Body access                                                               */
/* ------------------------------------------------------------------------ */

/**
 * @brief Parse the body as one JSON object whose members are all in @p known
 * (a NULL-terminated list). On failure @p res holds the 400 answer.
 */
static bool mock_body_parse(const mock_request *req, mock_body *b, const char *const *known,
                            mock_response *res)
{
    ck_err err;
    int i;

    err = ck_json_parse(&b->doc, req->body != NULL ? req->body : "", req->content_length, b->toks,
                        MOCK_JSON_TOKENS);
    if (err != CK_OK) {
        mock_reply_error(res, 400, "INVALID_JSON", "request body is not a JSON object (%s)",
                         ck_strerror(err));
        return false;
    }
    for (i = 1; i < b->doc.count; i++) {
        char name[64];
        size_t k;
        bool found = false;

        if (b->doc.toks[i].parent != 0) {
            continue;
        }
        if (ck_json_tok_string(&b->doc, i, name, sizeof name, NULL) != CK_OK) {
            mock_reply_error(res, 400, "INVALID_PARAMETER", "unknown field");
            return false;
        }
        for (k = 0; known[k] != NULL; k++) {
            if (strcmp(known[k], name) == 0) {
                found = true;
                break;
            }
        }
        if (!found) {
            mock_reply_error(res, 400, "INVALID_PARAMETER", "unknown field: %s", name);
            return false;
        }
    }
    return true;
}

/** @brief Result of mock_get_string(). */
typedef enum mock_field {
    MOCK_FIELD_ERROR = -1, /**< @p res holds the 400 answer */
    MOCK_FIELD_ABSENT = 0, /**< not in the body */
    MOCK_FIELD_PRESENT = 1 /**< copied out */
} mock_field;

/**
 * @brief Read string member @p key. Present strings must be non-empty
 * unless @p allow_empty. Absent is an error when @p required.
 */
static mock_field mock_get_string(const mock_body *b, const char *key, char *out, size_t cap,
                                  bool required, bool allow_empty, mock_response *res)
{
    int tok = -1;
    ck_err err;

    out[0] = '\0';
    if (ck_json_find(&b->doc, 0, key, &tok) != CK_OK) {
        mock_reply_error(res, 400, "INVALID_PARAMETER", "%s: given more than once", key);
        return MOCK_FIELD_ERROR;
    }
    if (tok < 0) {
        if (required) {
            mock_reply_error(res, 400, "INVALID_PARAMETER", "%s: required", key);
            return MOCK_FIELD_ERROR;
        }
        return MOCK_FIELD_ABSENT;
    }
    if (b->doc.toks[tok].type != JSMN_STRING) {
        mock_reply_error(res, 400, "INVALID_PARAMETER", "%s: must be a string", key);
        return MOCK_FIELD_ERROR;
    }
    err = ck_json_tok_string(&b->doc, tok, out, cap, NULL);
    if (err == CK_ERR_BUFFER_TOO_SMALL) {
        mock_reply_error(res, 400, "INVALID_PARAMETER", "%s: too long", key);
        return MOCK_FIELD_ERROR;
    }
    if (err != CK_OK) {
        mock_reply_error(res, 400, "INVALID_PARAMETER", "%s: invalid string", key);
        return MOCK_FIELD_ERROR;
    }
    if (out[0] == '\0' && !allow_empty) {
        mock_reply_error(res, 400, "INVALID_PARAMETER", "%s: must not be empty", key);
        return MOCK_FIELD_ERROR;
    }
    return MOCK_FIELD_PRESENT;
}

/**
 * @brief Store an id that was found in the state (so it fits) into a card
 * field of MOCK_ID_MAX + 1 bytes; truncates defensively.
 */
static void mock_set_id(char *dst, const char *id)
{
    size_t n = strlen(id);

    if (n > MOCK_ID_MAX) {
        n = MOCK_ID_MAX;
    }
    memcpy(dst, id, n);
    dst[n] = '\0';
}

/* ------------------------------------------------------------------------ */
/* Validators                                                                */
/* ------------------------------------------------------------------------ */

/** @brief Amount `DIGITS[.D[D]]`, 1 to 12 integer digits; *cents gets hundredths. */
static bool mock_amount(const char *s, unsigned long long *cents)
{
    unsigned long long v = 0;
    size_t i = 0;

    while (s[i] >= '0' && s[i] <= '9') {
        v = v * 10u + (unsigned long long)(s[i] - '0');
        i++;
    }
    if (i == 0u || i > 12u) {
        return false;
    }
    v *= 100u;
    if (s[i] == '.') {
        i++;
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v += (unsigned long long)(s[i] - '0') * 10u;
        i++;
        if (s[i] >= '0' && s[i] <= '9') {
            v += (unsigned long long)(s[i] - '0');
            i++;
        }
    }
    if (s[i] != '\0') {
        return false;
    }
    *cents = v;
    return true;
}

/** @brief Only digits, between @p min and @p max of them. */
static bool mock_digits(const char *s, size_t min, size_t max)
{
    size_t n = 0;

    while (s[n] >= '0' && s[n] <= '9') {
        n++;
    }
    return s[n] == '\0' && n >= min && n <= max;
}

/** @brief One of the documented call prefixes. */
static bool mock_call_prefix(const char *s)
{
    static const char *const ok[] = {"+1", "+33", "+44", "+61", "+65", "+81", "+82", "+86", "+90", "+852"};
    size_t i;

    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (strcmp(ok[i], s) == 0) {
            return true;
        }
    }
    return false;
}

/**
 * @brief `local@domain.tld` as the documents check it (/^[^\s@]+@[^\s@]+\.[^\s@]+$/),
 * plus: no control characters and no empty domain labels.
 */
static bool mock_email(const char *s)
{
    const char *at = strchr(s, '@');
    const char *p;
    const char *last_dot;

    if (at == NULL || at == s || strchr(at + 1, '@') != NULL) {
        return false;
    }
    for (p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20u || c == 0x7Fu) {
            return false;
        }
    }
    last_dot = strrchr(at + 1, '.');
    if (last_dot == NULL || last_dot[1] == '\0' || at[1] == '.') {
        return false;
    }
    return strstr(at + 1, "..") == NULL;
}

/** @brief `YYYY-MM-DD`, a real date from 1900 on, strictly before today (UTC). */
static bool mock_past_date(const char *s)
{
    static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned y;
    unsigned m;
    unsigned d;
    unsigned dim;
    size_t i;
    time_t now = time(NULL);
    struct tm today;

    if (strlen(s) != 10u || s[4] != '-' || s[7] != '-') {
        return false;
    }
    for (i = 0; i < 10u; i++) {
        if (i != 4u && i != 7u && (s[i] < '0' || s[i] > '9')) {
            return false;
        }
    }
    y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
    m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (y < 1900u || m < 1u || m > 12u || d < 1u) {
        return false;
    }
    dim = mdays[m - 1u];
    if (m == 2u && ((y % 4u == 0u && y % 100u != 0u) || y % 400u == 0u)) {
        dim = 29u;
    }
    if (d > dim) {
        return false;
    }
    if (gmtime_r(&now, &today) == NULL) {
        return true;
    }
    {
        unsigned long have = (unsigned long)y * 10000ul + m * 100ul + d;
        unsigned long limit = (unsigned long)(today.tm_year + 1900) * 10000ul +
                              (unsigned long)(today.tm_mon + 1) * 100ul + (unsigned long)today.tm_mday;
        return have < limit;
    }
}

/** @brief Two upper-case ASCII letters. */
static bool mock_country(const char *s)
{
    return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] == '\0';
}

/* ------------------------------------------------------------------------ */
/* POST /api/issuing/card/v2/apply                                           */
/* ------------------------------------------------------------------------ */

/** @brief The optional limits, in hierarchy order. */
static const char *const mock_limit_names[5] = {
    "transaction_amount_limit", "daily_limit", "weekly_limit", "monthly_limit", "lifetime_limit"};

void mock_v2_apply(mock_app *app, const mock_request *req, mock_response *res)
{
    static const char *const known[] = {
        "card_product_code", "apply_coupon", "remark", "transaction_amount_limit", "daily_limit",
        "weekly_limit", "monthly_limit", "lifetime_limit", "budget_id", "cardholder_id", NULL};
    static mock_body b;
    static char remark[MOCK_REMARK_MAX + 1u];
    char product[MOCK_FIELD_MAX];
    char budget[MOCK_FIELD_MAX];
    char holder[MOCK_FIELD_MAX];
    char amount[64];
    unsigned long long cents[5] = {0, 0, 0, 0, 0};
    bool given[5] = {false, false, false, false, false};
    int prev = -1;
    int tok = -1;
    bool coupon = false;
    mock_field has_remark;
    mock_field has_budget;
    mock_field has_holder;
    mock_card *card;
    ck_json_writer w;
    size_t i;

    if (!mock_body_parse(req, &b, known, res)) {
        return;
    }
    if (mock_get_string(&b, "card_product_code", product, sizeof product, true, false, res) ==
        MOCK_FIELD_ERROR) {
        return;
    }
    if (ck_json_find(&b.doc, 0, "apply_coupon", &tok) != CK_OK || tok < 0) {
        mock_reply_error(res, 400, "INVALID_PARAMETER", "apply_coupon: required");
        return;
    }
    if (ck_json_get_bool(&b.doc, 0, "apply_coupon", &coupon) != CK_OK) {
        mock_reply_error(res, 400, "INVALID_PARAMETER", "apply_coupon: must be a boolean");
        return;
    }
    for (i = 0; i < 5u; i++) {
        mock_field f = mock_get_string(&b, mock_limit_names[i], amount, sizeof amount, false, false, res);
        if (f == MOCK_FIELD_ERROR) {
            return;
        }
        given[i] = f == MOCK_FIELD_PRESENT;
        if (given[i] && !mock_amount(amount, &cents[i])) {
            mock_reply_error(res, 400, "INVALID_PARAMETER",
                             "%s: not a decimal amount with at most 2 decimals", mock_limit_names[i]);
            return;
        }
    }
    has_remark = mock_get_string(&b, "remark", remark, sizeof remark, false, true, res);
    if (has_remark == MOCK_FIELD_ERROR) {
        return;
    }
    has_budget = mock_get_string(&b, "budget_id", budget, sizeof budget, false, false, res);
    if (has_budget == MOCK_FIELD_ERROR) {
        return;
    }
    has_holder = mock_get_string(&b, "cardholder_id", holder, sizeof holder, false, false, res);
    if (has_holder == MOCK_FIELD_ERROR) {
        return;
    }
    for (i = 0; i < 5u; i++) {
        if (!given[i]) {
            continue;
        }
        if (prev >= 0 && cents[prev] > cents[i]) {
            mock_reply_error(res, 400, "INVALID_LIMIT_HIERARCHY",
                             "limit hierarchy: %s is below %s (transaction <= daily <= weekly <= "
                             "monthly <= lifetime)",
                             mock_limit_names[i], mock_limit_names[prev]);
            return;
        }
        prev = (int)i;
    }
    if (!mock_state_has_product(app->st, product)) {
        mock_reply_error(res, 404, "PRODUCT_NOT_FOUND", "card product not found");
        return;
    }
    if (has_budget == MOCK_FIELD_PRESENT && !mock_state_has_budget(app->st, budget)) {
        mock_reply_error(res, 404, "BUDGET_NOT_FOUND", "budget not found");
        return;
    }
    if (has_holder == MOCK_FIELD_PRESENT && !mock_state_has_cardholder(app->st, holder)) {
        mock_reply_error(res, 404, "CARDHOLDER_NOT_FOUND", "cardholder not found");
        return;
    }
    card = mock_state_new_card(app->st);
    if (card == NULL) {
        mock_reply_error(res, 503, "MOCK_FULL", "the mock cannot issue more cards");
        return;
    }
    mock_set_id(card->product, product);
    if (has_budget == MOCK_FIELD_PRESENT) {
        mock_set_id(card->budget, budget);
    }
    if (has_holder == MOCK_FIELD_PRESENT) {
        mock_set_id(card->cardholder, holder);
    }
    app->st->has_last_remark = has_remark == MOCK_FIELD_PRESENT;
    memcpy(app->st->last_remark, remark, sizeof remark);
    app->st->counters.cards_issued++;
    mock_ledger("card.apply %s %s", card->id, has_remark == MOCK_FIELD_PRESENT ? remark : "-");

    ck_json_writer_init(&w, res->body, sizeof res->body);
    (void)ck_json_object_begin(&w);
    (void)ck_json_member_string(&w, "code", "SUCCESS");
    (void)ck_json_key(&w, "data");
    (void)ck_json_object_begin(&w);
    (void)ck_json_member_string(&w, "card_id", card->id);
    (void)ck_json_object_end(&w);
    (void)ck_json_object_end(&w);
    mock_reply_finish(res, &w, 200);
}

/* ------------------------------------------------------------------------ */
/* 3DS enroll and update                                                     */
/* ------------------------------------------------------------------------ */

/** @brief Read {card_id, cardholder_id}, find both (404 when missing). */
static mock_card *mock_card_and_holder(mock_app *app, const mock_request *req, mock_response *res,
                                       char *holder)
{
    static const char *const known[] = {"card_id", "cardholder_id", NULL};
    static mock_body b;
    char card_id[MOCK_FIELD_MAX];
    mock_card *card;

    if (!mock_body_parse(req, &b, known, res) ||
        mock_get_string(&b, "card_id", card_id, sizeof card_id, true, false, res) == MOCK_FIELD_ERROR ||
        mock_get_string(&b, "cardholder_id", holder, MOCK_FIELD_MAX, true, false, res) ==
            MOCK_FIELD_ERROR) {
        return NULL;
    }
    card = mock_state_find_card(app->st, card_id);
    if (card == NULL) {
        mock_reply_error(res, 404, "CARD_NOT_FOUND", "card not found");
        return NULL;
    }
    if (!mock_state_has_cardholder(app->st, holder)) {
        mock_reply_error(res, 404, "CARDHOLDER_NOT_FOUND", "cardholder not found");
        return NULL;
    }
    return card;
}

void mock_v2_enroll(mock_app *app, const mock_request *req, mock_response *res)
{
    char holder[MOCK_FIELD_MAX];
    mock_card *card = mock_card_and_holder(app, req, res, holder);
    ck_json_writer w;

    if (card == NULL) {
        return;
    }
    if (card->enrolled) {
        mock_reply_error(res, 409, "ALREADY_ENROLLED", "card already enrolled for 3DS");
        return;
    }
    if (!app->cfg->enroll_false) {
        card->enrolled = true;
        mock_set_id(card->enrolled_holder, holder);
        app->st->counters.enrollments++;
        mock_ledger("3ds.enroll %s %s", card->id, holder);
    }
    ck_json_writer_init(&w, res->body, sizeof res->body);
    (void)ck_json_object_begin(&w);
    (void)ck_json_member_string(&w, "code", "SUCCESS");
    (void)ck_json_key(&w, "data");
    (void)ck_json_object_begin(&w);
    (void)ck_json_member_bool(&w, "isSuccess", !app->cfg->enroll_false);
    (void)ck_json_object_end(&w);
    (void)ck_json_object_end(&w);
    mock_reply_finish(res, &w, 200);
}

void mock_v2_3ds_update(mock_app *app, const mock_request *req, mock_response *res)
{
    char holder[MOCK_FIELD_MAX];
    mock_card *card = mock_card_and_holder(app, req, res, holder);

    if (card == NULL) {
        return;
    }
    if (!card->enrolled) {
        mock_reply_error(res, 404, "CARD_NOT_ENROLLED", "card is not enrolled for 3DS");
        return;
    }
    mock_set_id(card->enrolled_holder, holder);
    app->st->counters.enrollment_updates++;
    mock_ledger("3ds.update %s %s", card->id, holder);
    mock_reply_success(res);
}

/* ------------------------------------------------------------------------ */
/* POST /api/issuing/cardholders/v2/update                                   */
/* ------------------------------------------------------------------------ */

/** @brief The 12 fields, in the documents' order. */
enum {
    F_HOLDER, F_PREFIX, F_MOBILE, F_EMAIL, F_DOB, F_ADDRESS, F_CITY, F_STATE, F_POST, F_COUNTRY,
    F_SEC_INDEX, F_SEC_ANSWER, F_COUNT
};

void mock_v2_contact_update(mock_app *app, const mock_request *req, mock_response *res)
{
    static const char *const known[F_COUNT + 1] = {
        "cardholder_id", "call_prefix", "mobile", "email", "date_of_birth", "address_line", "city",
        "state", "post_code", "country_code", "security_index", "security_answer", NULL};
    static mock_body b;
    static char v[F_COUNT][MOCK_FIELD_MAX];
    size_t i;

    if (!mock_body_parse(req, &b, known, res)) {
        return;
    }
    for (i = 0; i < (size_t)F_COUNT; i++) {
        if (mock_get_string(&b, known[i], v[i], MOCK_FIELD_MAX, true, false, res) == MOCK_FIELD_ERROR) {
            return;
        }
    }
    if (!mock_call_prefix(v[F_PREFIX])) {
        mock_reply_error(res, 400, "INVALID_PARAMETER",
                         "call_prefix: not one of +1 +33 +44 +61 +65 +81 +82 +86 +90 +852");
        return;
    }
    if (!mock_digits(v[F_MOBILE], 7u, 15u)) {
        mock_reply_error(res, 400, "INVALID_PARAMETER", "mobile: 7 to 15 digits expected");
        return;
    }
    if (!mock_email(v[F_EMAIL])) {
        mock_reply_error(res, 400, "INVALID_PARAMETER", "email: not a valid e-mail address");
        return;
    }
    if (!mock_past_date(v[F_DOB])) {
        mock_reply_error(res, 400, "INVALID_PARAMETER",
                         "date_of_birth: YYYY-MM-DD, a real date in the past expected");
        return;
    }
    if (!mock_country(v[F_COUNTRY])) {
        mock_reply_error(res, 400, "INVALID_PARAMETER", "country_code: two upper-case letters expected");
        return;
    }
    if (v[F_SEC_INDEX][0] < '1' || v[F_SEC_INDEX][0] > '5' || v[F_SEC_INDEX][1] != '\0') {
        mock_reply_error(res, 400, "INVALID_PARAMETER", "security_index: \"1\" to \"5\" expected");
        return;
    }
    if (!mock_state_has_cardholder(app->st, v[F_HOLDER])) {
        mock_reply_error(res, 404, "CARDHOLDER_NOT_FOUND", "cardholder not found");
        return;
    }
    app->st->counters.contact_updates++;
    mock_ledger("contact.update %s", v[F_HOLDER]);
    mock_reply_success(res);
}
