/**
 * @file v2_call.c
 * @brief The v2 request shape (headers, `code` check) and the generic v2 call.
 */
#include <string.h>

#include "ck_json_member.h"
#include "ck_text.h"
#include "ck_v2_private.h"

/** @brief What the v2 decoder needs. */
typedef struct ck_v2_decode_ctx {
    bool code_required;
    ck_reply_fn reply;
    void *reply_ctx;
} ck_v2_decode_ctx;

/** @brief A 2xx v2 answer: `code` "SUCCESS" (a string, so already in res->api_code), then the operation's reader. */
static ck_err ck_v2_decode(const ck_json_doc *doc, int code, void *ctx, ck_result *res)
{
    const ck_v2_decode_ctx *d = (const ck_v2_decode_ctx *)ctx;

    if (doc == NULL) {
        /* An empty body: nothing for an operation or a reader to read. */
        return d->code_required ? CK_ERR_UNEXPECTED_RESPONSE : d->reply != NULL ? CK_ERR_JSON_MALFORMED : CK_OK;
    }
    /* Twice, absent when required, or not a string. */
    if (code < -1 || (code < 0 ? d->code_required : doc->toks[code].type != JSMN_STRING)) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    if (code >= 0 && strcmp(res->api_code, "SUCCESS") != 0) {
        return CK_ERR_API_FAILURE;
    }
    return d->reply != NULL ? d->reply(doc, d->reply_ctx) : CK_OK;
}

/** @brief Writes `{}` for a generic call without a body writer. */
static ck_err ck_v2_empty_body(ck_json_writer *w, const void *ctx)
{
    (void)ctx;
    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    return ck_json_object_end(w);
}

ck_err ck_v2_post(ck_client *client, ck_call_kind kind, const char *path, ck_body_fn body, const void *body_ctx,
                  bool code_required, ck_reply_fn reply, void *reply_ctx, ck_result *res)
{
    ck_http_header headers[4];
    ck_v2_decode_ctx d;
    ck_call call;

    if (!ck_nonempty(client->cfg.access_token)) {
        return ck_result_invalid(res, "access_token");
    }
    headers[0].name = "Accept";
    headers[0].value = "application/json";
    headers[0].value_prefix = NULL;
    headers[1].name = "Content-Type";
    headers[1].value = "application/json";
    headers[1].value_prefix = NULL;
    headers[2].name = "Authorization";
    headers[2].value = client->cfg.access_token;
    headers[2].value_prefix = "Bearer ";
    headers[3].name = "x-api-key";
    headers[3].value = client->cfg.api_key;
    headers[3].value_prefix = NULL;

    d.code_required = code_required;
    d.reply = reply;
    d.reply_ctx = reply_ctx;

    memset(&call, 0, sizeof call);
    call.method = "POST";
    call.path = path;
    call.headers = headers;
    call.header_count = 4u;
    call.body = body != NULL ? body : ck_v2_empty_body;
    call.body_ctx = body_ctx;
    call.kind = kind; /* v2 has no idempotency key */
    call.decode = ck_v2_decode;
    call.decode_ctx = &d;
    return ck_client_run(client, &call, res);
}

/** @brief What ck_v2_form_body() writes. */
typedef struct ck_v2_form_req {
    const ck_v2_form *form;
    const void *req;
} ck_v2_form_req;

/** @brief `{` the given fields of a form `}`. */
static ck_err ck_v2_form_body(ck_json_writer *w, const void *ctx)
{
    const ck_v2_form_req *f = (const ck_v2_form_req *)ctx;

    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    CK_RETURN_IF_FAILED(ck_v2_form_write(w, f->form, f->req));
    return ck_json_object_end(w);
}

ck_err ck_v2_form_post(ck_client *client, const char *path, const ck_v2_form *form, const void *req,
                       const ck_date *today, ck_reply_fn reply, void *reply_ctx, ck_result *res)
{
    ck_v2_form_req body;
    const char *field = NULL;

    if (ck_v2_form_check(form, req, today, &field) != CK_OK) {
        return ck_result_invalid(res, field);
    }
    body.form = form;
    body.req = req;
    return ck_v2_post(client, (ck_call_kind)form->kind, path, ck_v2_form_body, &body, true, reply, reply_ctx, res);
}

ck_err ck_v2_data(const ck_json_doc *doc, int *out_tok)
{
    *out_tok = ck_json_member(doc, 0, "data", JSMN_OBJECT);
    return *out_tok < 0 ? (ck_err)-*out_tok : CK_OK;
}

/** @brief RFC 3986 path characters (pchar and '/') as a bitmap of 0x20..0x7F:
 * ALPHA DIGIT - . _ ~ ! $ & ' ( ) * + , ; = : @ % / */
static const uint8_t ck_path_chars[12] = {0xF2u, 0xFFu, 0xFFu, 0x2Fu, 0xFFu, 0xFFu,
                                          0xFFu, 0x87u, 0xFEu, 0xFFu, 0xFFu, 0x47u};

/** @brief RFC 3986 path characters (pchar and '/'), no query or fragment. */
static bool ck_path_ok(const char *path)
{
    const char *p;

    if (path == NULL || path[0] != '/') {
        return false;
    }
    for (p = path; *p != '\0'; p++) {
        unsigned c = (unsigned char)*p - 0x20u;
        if (c >= 96u || ((ck_path_chars[c >> 3] >> (c & 7u)) & 1u) == 0u) {
            return false;
        }
    }
    return true;
}

ck_err ck_v2_call(ck_client *client, const char *path,
                  ck_body_fn body, const void *body_ctx,
                  ck_reply_fn reply, void *reply_ctx,
                  ck_result *out_result)
{
    if (client == NULL || out_result == NULL) {
        return CK_ERR_INVALID_ARG;
    }
    if (!ck_path_ok(path)) {
        return ck_result_invalid(out_result, "path");
    }
    return ck_v2_post(client, CK_CALL_ONCE, path, body, body_ctx, false, reply, reply_ctx, out_result);
}
