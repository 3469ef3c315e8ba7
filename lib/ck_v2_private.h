/**
 * @file ck_v2_private.h
 * @brief Private: what the v2 operations share — the v2 headers, the
 * `code: SUCCESS` check, and one entry point that runs a v2 POST.
 */
#ifndef CK_V2_PRIVATE_H
#define CK_V2_PRIVATE_H

#include "cardkit/ck_v2.h"
#include "ck_call.h"
#include "ck_v2_fields.h"

/**
 * @brief POST @p body to @p path with the v2 headers and decode a 2xx
 * answer: `code` must be "SUCCESS" (when @p code_required, or when
 * present), then @p reply reads the rest. @p kind: CK_CALL_ONCE (card
 * apply, generic calls) or CK_CALL_BY_NATURE.
 */
ck_err ck_v2_post(ck_client *client, ck_call_kind kind, const char *path, ck_body_fn body, const void *body_ctx,
                  bool code_required, ck_reply_fn reply, void *reply_ctx, ck_result *res);

/**
 * @brief Check @p req against @p form (with @p today for dates), then POST
 * `{<given fields>}` to @p path as a call of the form's kind (card apply:
 * CK_CALL_ONCE; 3DS enroll and re-associate, contact update: idempotent by
 * nature); `code` must be "SUCCESS", then @p reply (may be NULL) reads the
 * rest.
 */
ck_err ck_v2_form_post(ck_client *client, const char *path, const ck_v2_form *form, const void *req,
                       const ck_date *today, ck_reply_fn reply, void *reply_ctx, ck_result *res);

/** @brief The token of the answer's `data` object; absent or not an object is CK_ERR_UNEXPECTED_RESPONSE. */
ck_err ck_v2_data(const ck_json_doc *doc, int *out_tok);

#endif /* CK_V2_PRIVATE_H */
