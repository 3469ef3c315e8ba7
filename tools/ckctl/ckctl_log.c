/**
 * @file ckctl_log.c
 * @brief The log hook: with -v, request lines, statuses, timing and retries
 * on stderr. It prints only what a ::ck_log_event carries, which by design
 * is never a header value, a body, a key, a token or cardholder data.
 */
#include <stdio.h>

#include "ckctl.h"

void ckctl_log(void *ctx, const ck_log_event *ev)
{
    ckctl_log_state *st = (ckctl_log_state *)ctx;
    FILE *out = st->out;
    const char *method = ev->method != NULL ? ev->method : "?";
    const char *host = ev->host != NULL ? ev->host : "?";
    const char *path = ev->path != NULL ? ev->path : "?";

    if (out == NULL) {
        return;
    }
    switch (ev->kind) {
    case CK_LOG_REQUEST:
        fprintf(out, "ckctl: [%5lu ms] > %s %s %s (attempt %u)\n", (unsigned long)ev->elapsed_ms,
                method, host, path, (unsigned)ev->attempt);
        break;
    case CK_LOG_RESPONSE:
        fprintf(out, "ckctl: [%5lu ms] < HTTP %u (%s %s)\n", (unsigned long)ev->elapsed_ms,
                (unsigned)ev->http_status, method, path);
        break;
    case CK_LOG_RETRY:
        fprintf(out, "ckctl: [%5lu ms] attempt %u failed with %s: retrying in %lu ms\n",
                (unsigned long)ev->elapsed_ms, (unsigned)ev->attempt, ck_strerror(ev->err),
                (unsigned long)ev->wait_ms);
        break;
    case CK_LOG_DONE:
        fprintf(out, "ckctl: [%5lu ms] done: %s", (unsigned long)ev->elapsed_ms, ck_strerror(ev->err));
        if (ev->http_status != 0u) {
            fprintf(out, ", HTTP %u", (unsigned)ev->http_status);
        }
        fprintf(out, ", %u attempt%s\n", (unsigned)ev->attempt, ev->attempt == 1u ? "" : "s");
        break;
    case CK_LOG_INSECURE:
        fprintf(out, "ckctl: warning: %s %s runs over a transport that is not secure\n", method, host);
        break;
    default:
        break;
    }
}
