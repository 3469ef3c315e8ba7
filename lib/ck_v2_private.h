/**
 * @file ck_v2_private.h
 * @brief Private: what the v2 operations share — the v2 headers, the
 * `code: SUCCESS` check, and one entry point that runs a v2 POST.
 */
#ifndef CK_V2_PRIVATE_H
#define CK_V2_PRIVATE_H

#include "cardkit/ck_v2.h"
#include "ck_call.h"

/**
 * @brief POST @p body to @p path with the v2 headers and decode a 2xx
 * answer: `code` must be "SUCCESS" (when @p code_required, or when
 * present), then @p reply reads the rest.
 */
ck_err ck_v2_post(ck_client *client, const char *path, ck_body_fn body, const void *body_ctx,
                  bool code_required, ck_reply_fn reply, void *reply_ctx, ck_result *res);

#endif /* CK_V2_PRIVATE_H */
