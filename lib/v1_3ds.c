/**
 * @file v1_3ds.c
 * @brief 3DS program API v1: enroll, get, update and unenroll on
 * `/issuing/api/v1/card/3DS`, with an idempotency key on every call.
 */
#include <string.h>

#include "cardkit/ck_v1.h"
#include "ck_call.h"
#include "ck_json_member.h"
#include "ck_text.h"

ck_err ck_v1_request_id_new(const ck_client *client, char out[CK_V1_REQUEST_ID_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    const ck_platform *pf;
    uint8_t rnd[16];
    size_t i;
    size_t o = 0;

    if (client == NULL || out == NULL || client->cfg.platform == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    pf = client->cfg.platform;
    if (pf->random(pf->ctx, rnd, sizeof rnd) != CK_OK) {
        return CK_ERR_RANDOM;
    }
    rnd[6] = (uint8_t)((rnd[6] & 0x0Fu) | 0x40u); /* version 4 */
    rnd[8] = (uint8_t)((rnd[8] & 0x3Fu) | 0x80u); /* RFC 4122 variant */
    for (i = 0; i < sizeof rnd; i++) {
        if (i == 4u || i == 6u || i == 8u || i == 10u) {
            out[o++] = '-';
        }
        out[o++] = hex[rnd[i] >> 4];
        out[o++] = hex[rnd[i] & 0x0Fu];
    }
    out[o] = '\0';
    ck_wipe(rnd, sizeof rnd);
    return CK_OK;
}

/** @brief What the v1 decoder fills (GET only). */
typedef struct ck_v1_decode_ctx {
    ck_v1_3ds_entry *entries;
    size_t cap;
    size_t *count;
} ck_v1_decode_ctx;

/** @brief One `data` element of a GET answer into @p e. */
static ck_err ck_v1_entry(const ck_json_doc *doc, int obj, ck_v1_3ds_entry *e)
{
    CK_RETURN_IF_FAILED(ck_json_get_string(doc, obj, "otp_delivery_method", e->otp_delivery_method,
                                           sizeof e->otp_delivery_method, NULL));
    CK_RETURN_IF_FAILED(ck_json_get_string(doc, obj, "destination", e->destination, sizeof e->destination, NULL));
    return ck_json_get_string(doc, obj, "status", e->status, sizeof e->status, NULL);
}

/** @brief A 2xx v1 answer: `status` "Success"; for GET, the `data` array. */
static ck_err ck_v1_decode(const ck_json_doc *doc, int code_tok, void *ctx, ck_result *res)
{
    const ck_v1_decode_ctx *d = (const ck_v1_decode_ctx *)ctx;
    char status[8];
    int data = -1;
    int i;
    size_t n;

    (void)code_tok;
    (void)res;
    if (doc == NULL) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    if (ck_json_get_string(doc, 0, "status", status, sizeof status, NULL) != CK_OK ||
        (ck_lower(status[0]) != 's' || strcmp(status + 1, "uccess") != 0)) {
        return CK_ERR_API_FAILURE;
    }
    if (d == NULL) {
        return CK_OK; /* not a GET */
    }
    data = ck_json_member(doc, 0, "data", JSMN_ARRAY);
    if (data < 0) {
        return (ck_err)-data;
    }
    n = (size_t)doc->toks[data].size;
    *d->count = n;
    for (i = 0; (size_t)i < n && (size_t)i < d->cap; i++) {
        int el = -1;
        CK_RETURN_IF_FAILED(ck_json_array_at(doc, data, i, &el));
        if (doc->toks[el].type != JSMN_OBJECT) {
            return CK_ERR_UNEXPECTED_RESPONSE;
        }
        CK_RETURN_IF_FAILED(ck_v1_entry(doc, el, &d->entries[i]));
    }
    return n > d->cap ? CK_ERR_BUFFER_TOO_SMALL : CK_OK;
}

/** @brief `{"otp_delivery_method": "EMAIL"|"SMS"}`. */
static ck_err ck_v1_body(ck_json_writer *w, const void *ctx)
{
    const ck_v1_req *r = (const ck_v1_req *)ctx;

    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "otp_delivery_method", r->otp == CK_OTP_SMS ? "SMS" : "EMAIL"));
    return ck_json_object_end(w);
}

/** @brief The headers, in the order they are sent; the ids' names are also the field names reported. */
static const char *const ck_v1_names[9] = {"x-api-key", "x-product-id", "x-cardholder-id", "x-wallet-id", "x-card-id",
                                           "x-client-id", "x-request-id", "Content-Type", "Authorization"};

/**
 * @brief Check @p req, make its key if it has none, and run the call.
 * POST and PATCH send the OTP method; @p d is NULL but for GET.
 */
static ck_err ck_v1_run(ck_client *client, const char *method, ck_v1_req *req, ck_v1_decode_ctx *d,
                        ck_result *res)
{
    bool body_needed = method[0] == 'P';
    ck_http_header h[9];
    const char *token;
    ck_call call;
    size_t i;

    if (client == NULL || res == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    if (req == NULL) {
        return ck_result_invalid(res, "request");
    }
    token = client->cfg.access_token;
    h[0].value = client->cfg.api_key;
    h[1].value = req->product_id;
    h[2].value = req->cardholder_id;
    h[3].value = req->wallet_id;
    h[4].value = req->card_id;
    h[5].value = req->client_id;
    h[6].value = req->request_id;
    h[7].value = "application/json";
    h[8].value = ck_nonempty(token) ? token : NULL;
    for (i = 0; i < 9u; i++) {
        h[i].name = ck_v1_names[i];
        h[i].value_prefix = i == 8u ? "Bearer " : NULL;
    }
    for (i = 1; i < 6u; i++) {
        /* Header values: no CR, LF, NUL or other control character. */
        if ((i < 5u || h[i].value != NULL) && (!ck_nonempty(h[i].value) || !ck_header_value_ok(h[i].value))) {
            return ck_result_invalid(res, h[i].name);
        }
    }
    if (body_needed && req->otp != CK_OTP_EMAIL && req->otp != CK_OTP_SMS) {
        return ck_result_invalid(res, "otp_delivery_method");
    }
    if (memchr(req->request_id, '\0', sizeof req->request_id) == NULL) {
        return ck_result_invalid(res, ck_v1_names[6]);
    }
    if (req->request_id[0] == '\0' && ck_v1_request_id_new(client, req->request_id) != CK_OK) {
        ck_result_reset(res);
        res->err = res->cause = CK_ERR_RANDOM;
        return CK_ERR_RANDOM;
    }
    if (!ck_header_value_ok(req->request_id)) {
        return ck_result_invalid(res, ck_v1_names[6]);
    }

    memset(&call, 0, sizeof call);
    call.method = method;
    call.path = CK_V1_PATH_3DS;
    call.headers = h;
    call.header_count = 9u;
    call.body = body_needed ? ck_v1_body : NULL;
    call.body_ctx = req;
    call.kind = method[0] == 'G' ? CK_CALL_READ : CK_CALL_KEYED; /* the key makes a resend safe */
    call.decode = ck_v1_decode;
    call.decode_ctx = d;
    return ck_client_run(client, &call, res);
}

ck_err ck_v1_3ds_enroll(ck_client *client, ck_v1_req *req, ck_result *out_result)
{
    return ck_v1_run(client, "POST", req, NULL, out_result);
}

ck_err ck_v1_3ds_get(ck_client *client, ck_v1_req *req, ck_v1_3ds_entry *entries, size_t cap,
                     size_t *out_count, ck_result *out_result)
{
    ck_v1_decode_ctx d;
    size_t none = 0;

    d.entries = entries;
    d.cap = entries != NULL ? cap : 0u;
    d.count = out_count != NULL ? out_count : &none;
    *d.count = 0;
    return ck_v1_run(client, "GET", req, &d, out_result);
}

ck_err ck_v1_3ds_update(ck_client *client, ck_v1_req *req, ck_result *out_result)
{
    return ck_v1_run(client, "PATCH", req, NULL, out_result);
}

ck_err ck_v1_3ds_unenroll(ck_client *client, ck_v1_req *req, ck_result *out_result)
{
    return ck_v1_run(client, "DELETE", req, NULL, out_result);
}
