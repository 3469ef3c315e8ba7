/**
 * @file ckctl_batch_result.c
 * @brief One results line per row (JSON, built with cardkit's own writer):
 * row, op, outcome, http_status, error, api_code, api_message, request_id
 * (the server's), key (v1 idempotency key), card_id (card.apply), attempts,
 * ms. Never a credential or a cardholder field: only what the server
 * answered about the call and the key the tool made.
 */
#include <string.h>

#include "ckctl_batch.h"

static const char *const ckb_outcome_names[CKB_OUTCOME_COUNT] = {"ok", "failed", "unknown", "skipped"};

const char *ckb_outcome_name(ckb_outcome o)
{
    return (unsigned)o < CKB_OUTCOME_COUNT ? ckb_outcome_names[o] : "unknown";
}

/** @brief `"key": <server text>` or null. */
static ck_err ckb_server_or_null(ck_json_writer *w, const char *key, const char *value)
{
    if (value[0] == '\0') {
        return ckctl_member_or_null(w, key, value);
    }
    return ckctl_member_server_text(w, key, value);
}

/** @brief The members of @p r. */
static ck_err ckb_result_members(ck_json_writer *w, const ckb_rowres *r)
{
    const ck_result *res = &r->res;

    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    CK_RETURN_IF_FAILED(ckctl_member_int(w, "row", (int64_t)r->row));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "op", r->op));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "outcome", ckb_outcome_name(r->outcome)));
    if (res->http_status != 0u) {
        CK_RETURN_IF_FAILED(ckctl_member_int(w, "http_status", res->http_status));
    } else {
        CK_RETURN_IF_FAILED(ckctl_member_or_null(w, "http_status", ""));
    }
    CK_RETURN_IF_FAILED(ckctl_member_or_null(w, "error", res->err != CK_OK ? ck_strerror(res->err) : ""));
    CK_RETURN_IF_FAILED(ckb_server_or_null(w, "api_code", res->api_code));
    CK_RETURN_IF_FAILED(ckb_server_or_null(w, "api_message", res->api_message));
    CK_RETURN_IF_FAILED(ckb_server_or_null(w, "request_id", res->request_id));
    CK_RETURN_IF_FAILED(ckctl_member_or_null(w, "key", r->key));
    CK_RETURN_IF_FAILED(ckb_server_or_null(w, "card_id", r->card_id));
    CK_RETURN_IF_FAILED(ckctl_member_int(w, "attempts", r->attempts));
    CK_RETURN_IF_FAILED(ckctl_member_int(w, "ms", (int64_t)r->ms));
    return ck_json_object_end(w);
}

bool ckb_result_json(const ckb_rowres *r, char *buf, size_t cap)
{
    ck_json_writer w;
    size_t len = 0;

    ck_json_writer_init(&w, buf, cap);
    return ckb_result_members(&w, r) == CK_OK && ck_json_writer_finish(&w, &len) == CK_OK;
}

ckb_outcome ckb_result_outcome(const char *line)
{
    const char *p = strstr(line, "\"outcome\":\"");
    size_t i;

    if (p == NULL) {
        return CKB_UNKNOWN;
    }
    p += strlen("\"outcome\":\"");
    for (i = 0; i < CKB_OUTCOME_COUNT; i++) {
        size_t n = strlen(ckb_outcome_names[i]);
        if (strncmp(p, ckb_outcome_names[i], n) == 0 && p[n] == '"') {
            return (ckb_outcome)i;
        }
    }
    return CKB_UNKNOWN;
}
