/**
 * @file api_v1.c
 * @brief The v1 3DS resource of the mock issuer, `{prefix}/issuing/api/v1/card/3DS`
 * (see /work/shared/API.md, section 2, and provider document 003):
 *
 *   POST    enroll    body {"otp_delivery_method":"EMAIL"|"SMS"}
 *   GET     details   no body; data is an array of entries
 *   PATCH   update    body {"otp_delivery_method":"EMAIL"|"SMS"}
 *   DELETE  unenroll  no body
 *
 * The ids travel in headers: x-product-id, x-cardholder-id, x-wallet-id and
 * x-card-id name the enrollment (state is kept per those four), x-request-id
 * is the idempotency key, Content-Type: application/json is required on
 * every method. x-client-id is optional (checked, not stored). x-api-key and
 * the optional Bearer token are checked by routes.c before this file runs.
 *
 * Order of checks: headers (400; 415 for another Content-Type), body (400),
 * then the idempotency key, then the state (404 not enrolled for GET, PATCH
 * and DELETE; 409 already enrolled for POST).
 *
 * De-duplication (POST, PATCH, DELETE): the first request with a key is
 * applied and its answer (status and body, errors included, 5xx excepted)
 * is stored under the key. A later request with the same key and the same
 * method, ids and OTP method gets the stored answer again and changes
 * nothing (counted as a dedup hit). The same key with a different method,
 * ids or OTP method is refused with 422 and changes nothing. The table keeps
 * the MOCK_V1_MAX_KEYS most recent keys. GET changes nothing, so it always
 * reads the current state: its key is required but neither stored nor
 * looked up.
 *
 * Success bodies are the documents' (`{"status":"Success","message":..,
 * "code":200,"data":[]}`); errors are `{"code":<status>,"message":..,
 * "status":"error"}`. A GET entry's destination follows from the OTP
 * method: "+628000110022" (the documents' sample) for SMS,
 * "cardholder@example.com" for EMAIL. --v1-entries N makes GET return N
 * entries per enrollment: the current one ("ACTIVE") first, then older
 * ones ("INACTIVE", alternating methods), so clients meet zero, one or
 * many entries.
 */
#include <stdio.h>
#include <string.h>

#include "mock.h"

/** @brief Destinations a GET reports for each OTP method. */
#define MOCK_V1_DEST_SMS "+628000110022"
#define MOCK_V1_DEST_EMAIL "cardholder@example.com"

/** @brief The four ids that name an enrollment, then the key and the optional client id. */
typedef struct mock_v1_ids {
    char product[MOCK_ID_MAX + 1u];
    char cardholder[MOCK_ID_MAX + 1u];
    char wallet[MOCK_ID_MAX + 1u];
    char card[MOCK_ID_MAX + 1u];
    char key[MOCK_V1_KEY_MAX + 1u];
} mock_v1_ids;

/** @brief The method names in answers and fingerprints. */
static const char *mock_v1_otp_name(mock_otp otp)
{
    return otp == MOCK_OTP_SMS ? "SMS" : "EMAIL";
}

/**
 * @brief Copy header @p name into @p out (@p max bytes at most, plus NUL).
 * @p required: absent is 400. Present: exactly once, non-empty, not over @p max.
 * @return 1 when copied, 0 when absent (and optional), -1 when @p res holds the 400.
 */
static int mock_v1_header(const mock_request *req, const char *name, char *out, size_t max,
                          bool required, mock_response *res)
{
    const mock_header *h = mock_http_header(req, name);
    size_t n = mock_http_header_count(req, name);

    out[0] = '\0';
    if (h == NULL) {
        if (required) {
            mock_reply_error_v1(res, 400, "%s: required header missing", name);
            return -1;
        }
        return 0;
    }
    if (n != 1u) {
        mock_reply_error_v1(res, 400, "%s: given more than once", name);
        return -1;
    }
    if (h->value_len == 0u) {
        mock_reply_error_v1(res, 400, "%s: must not be empty", name);
        return -1;
    }
    if (h->value_len > max) {
        mock_reply_error_v1(res, 400, "%s: longer than %lu characters", name, (unsigned long)max);
        return -1;
    }
    memcpy(out, h->value, h->value_len);
    out[h->value_len] = '\0';
    return 1;
}

/** @brief Read and check every header; false when @p res holds the error. */
static bool mock_v1_headers(const mock_request *req, mock_v1_ids *ids, mock_response *res)
{
    static const char want[] = "application/json";
    char client[MOCK_ID_MAX + 1u];
    char ctype[64];
    size_t i;

    if (mock_v1_header(req, "x-product-id", ids->product, MOCK_ID_MAX, true, res) < 0 ||
        mock_v1_header(req, "x-cardholder-id", ids->cardholder, MOCK_ID_MAX, true, res) < 0 ||
        mock_v1_header(req, "x-wallet-id", ids->wallet, MOCK_ID_MAX, true, res) < 0 ||
        mock_v1_header(req, "x-card-id", ids->card, MOCK_ID_MAX, true, res) < 0 ||
        mock_v1_header(req, "x-request-id", ids->key, MOCK_V1_KEY_MAX, true, res) < 0 ||
        mock_v1_header(req, "x-client-id", client, MOCK_ID_MAX, false, res) < 0 ||
        mock_v1_header(req, "content-type", ctype, sizeof ctype - 1u, true, res) < 0) {
        return false;
    }
    /* application/json, any case, parameters allowed. */
    for (i = 0; i < sizeof want - 1u; i++) {
        char c = ctype[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != want[i]) {
            break;
        }
    }
    if (i < sizeof want - 1u || (ctype[i] != '\0' && ctype[i] != ';' && ctype[i] != ' ')) {
        mock_reply_error_v1(res, 415, "Content-Type must be application/json");
        return false;
    }
    return true;
}

/**
 * @brief The body of POST and PATCH: exactly {"otp_delivery_method": "EMAIL"|"SMS"}.
 * False when @p res holds the 400.
 */
static bool mock_v1_body(const mock_request *req, mock_otp *otp, mock_response *res)
{
    static ck_json_tok toks[16];
    ck_json_doc doc;
    char value[16];
    int tok = -1;
    int i;

    if (req->content_length == 0u ||
        ck_json_parse(&doc, req->body, req->content_length, toks, sizeof toks / sizeof toks[0]) != CK_OK) {
        mock_reply_error_v1(res, 400, "request body must be a JSON object {\"otp_delivery_method\":...}");
        return false;
    }
    for (i = 1; i < doc.count; i++) {
        char name[32];
        if (doc.toks[i].parent == 0 &&
            (ck_json_tok_string(&doc, i, name, sizeof name, NULL) != CK_OK ||
             strcmp(name, "otp_delivery_method") != 0)) {
            mock_reply_error_v1(res, 400, "unknown field in request body");
            return false;
        }
    }
    if (ck_json_find(&doc, 0, "otp_delivery_method", &tok) != CK_OK) {
        mock_reply_error_v1(res, 400, "otp_delivery_method: given more than once");
        return false;
    }
    if (tok < 0) {
        mock_reply_error_v1(res, 400, "otp_delivery_method: required");
        return false;
    }
    if (doc.toks[tok].type != JSMN_STRING ||
        ck_json_tok_string(&doc, tok, value, sizeof value, NULL) != CK_OK ||
        (strcmp(value, "EMAIL") != 0 && strcmp(value, "SMS") != 0)) {
        mock_reply_error_v1(res, 400, "otp_delivery_method: must be EMAIL or SMS");
        return false;
    }
    *otp = strcmp(value, "SMS") == 0 ? MOCK_OTP_SMS : MOCK_OTP_EMAIL;
    return true;
}

/** @brief A 200 answer with a message and an empty data array. */
static void mock_v1_success(mock_response *res, const char *message)
{
    ck_json_writer w;

    ck_json_writer_init(&w, res->body, sizeof res->body);
    (void)ck_json_object_begin(&w);
    (void)ck_json_member_string(&w, "status", "Success");
    (void)ck_json_member_string(&w, "message", message);
    (void)ck_json_key(&w, "code");
    (void)ck_json_int(&w, 200);
    (void)ck_json_key(&w, "data");
    (void)ck_json_array_begin(&w);
    (void)ck_json_array_end(&w);
    (void)ck_json_object_end(&w);
    mock_reply_finish(res, &w, 200);
}

/** @brief GET's answer: --v1-entries entries, the current one first. */
static void mock_v1_details(const mock_app *app, const mock_v1_enrollment *e, mock_response *res)
{
    ck_json_writer w;
    unsigned long i;

    ck_json_writer_init(&w, res->body, sizeof res->body);
    (void)ck_json_object_begin(&w);
    (void)ck_json_member_string(&w, "status", "Success");
    (void)ck_json_member_string(&w, "message", "Enroll 3DS details fetched successfully.");
    (void)ck_json_key(&w, "code");
    (void)ck_json_int(&w, 200);
    (void)ck_json_key(&w, "data");
    (void)ck_json_array_begin(&w);
    for (i = 0; i < app->cfg->v1_entries; i++) {
        /* Entry 0 is the enrollment as it is; the others are older ones. */
        mock_otp otp = (i % 2u == 0u) ? e->otp : (e->otp == MOCK_OTP_SMS ? MOCK_OTP_EMAIL : MOCK_OTP_SMS);
        (void)ck_json_object_begin(&w);
        (void)ck_json_member_string(&w, "otp_delivery_method", mock_v1_otp_name(otp));
        (void)ck_json_member_string(&w, "destination",
                                    otp == MOCK_OTP_SMS ? MOCK_V1_DEST_SMS : MOCK_V1_DEST_EMAIL);
        (void)ck_json_member_string(&w, "status", i == 0u ? "ACTIVE" : "INACTIVE");
        (void)ck_json_object_end(&w);
    }
    (void)ck_json_array_end(&w);
    (void)ck_json_object_end(&w);
    mock_reply_finish(res, &w, 200);
}

/** @brief Apply a checked request to the state and write its answer. */
static void mock_v1_apply(mock_app *app, const char *method, const mock_v1_ids *ids, mock_otp otp,
                          mock_response *res)
{
    mock_state *st = app->st;
    mock_v1_enrollment *e = mock_state_v1_find(st, ids->product, ids->cardholder, ids->wallet, ids->card);

    if (strcmp(method, "POST") == 0) {
        if (e != NULL) {
            mock_reply_error_v1(res, 409, "card already enrolled for 3DS");
            return;
        }
        if (mock_state_v1_add(st, ids->product, ids->cardholder, ids->wallet, ids->card, otp) == NULL) {
            mock_reply_error_v1(res, 503, "the mock cannot hold more enrollments");
            return;
        }
        st->counters.v1_enrollments++;
        mock_ledger("v1.3ds.enroll %s", ids->card);
        mock_v1_success(res, "3DS enrollment successful.");
        return;
    }
    if (e == NULL) {
        mock_reply_error_v1(res, 404, "card not enrolled for 3DS");
        return;
    }
    if (strcmp(method, "GET") == 0) {
        st->counters.v1_gets++;
        mock_v1_details(app, e, res);
    } else if (strcmp(method, "PATCH") == 0) {
        e->otp = otp;
        st->counters.v1_updates++;
        mock_ledger("v1.3ds.update %s", ids->card);
        mock_v1_success(res, "3DS enrollment details updated successfully.");
    } else {
        mock_state_v1_remove(st, e);
        st->counters.v1_unenrollments++;
        mock_ledger("v1.3ds.unenroll %s", ids->card);
        mock_v1_success(res, "3DS unenrollment completed successfully.");
    }
}

void mock_v1_3ds(mock_app *app, const mock_request *req, mock_response *res)
{
    static mock_v1_ids ids;
    static char fingerprint[MOCK_V1_FINGERPRINT_MAX];
    bool has_body = strcmp(req->method, "POST") == 0 || strcmp(req->method, "PATCH") == 0;
    const mock_v1_key *seen;
    mock_otp otp = MOCK_OTP_EMAIL;

    if (!mock_v1_headers(req, &ids, res)) {
        return;
    }
    if (has_body && !mock_v1_body(req, &otp, res)) {
        return;
    }
    if (!has_body && req->content_length > 0u) {
        mock_reply_error_v1(res, 400, "%s sends no body", req->method);
        return;
    }
    if (!has_body) {
        /* GET reads the current state; DELETE is de-duplicated below. */
        if (strcmp(req->method, "GET") == 0) {
            mock_v1_apply(app, req->method, &ids, otp, res);
            return;
        }
    }

    (void)snprintf(fingerprint, sizeof fingerprint, "%s\n%s\n%s\n%s\n%s\n%s", req->method, ids.product,
                   ids.cardholder, ids.wallet, ids.card, has_body ? mock_v1_otp_name(otp) : "");
    seen = mock_state_key_find(app->st, ids.key);
    if (seen != NULL) {
        if (strcmp(seen->fingerprint, fingerprint) != 0) {
            app->st->counters.v1_key_conflicts++;
            res->note = "(x-request-id reused for a different request: refused)";
            /* Short: clients keep messages of a bounded length (cardkit: 95 bytes). */
            mock_reply_error_v1(res, 422, "x-request-id already used for a different request");
            return;
        }
        app->st->counters.v1_dedup_hits++;
        res->status = seen->status;
        memcpy(res->body, seen->body, seen->body_len);
        res->body_len = seen->body_len;
        res->note = "(x-request-id seen before: the stored answer, not applied again)";
        return;
    }
    mock_v1_apply(app, req->method, &ids, otp, res);
    if (res->status < 500u) {
        (void)mock_state_key_store(app->st, ids.key, fingerprint, res->status, res->body, res->body_len);
    }
}
