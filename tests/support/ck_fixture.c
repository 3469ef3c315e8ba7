/**
 * @file ck_fixture.c
 * @brief Test fixture over the loopback port.
 */
#include <stdio.h>
#include <string.h>

#include "ck_fixture.h"

static void ck_fix_log(void *ctx, const ck_log_event *ev)
{
    ck_fixture *f = (ck_fixture *)ctx;
    int n;
    if (f->log_len >= sizeof f->log) {
        return;
    }
    n = snprintf(f->log + f->log_len, sizeof f->log - f->log_len, "%d %s %s%s %u %s\n",
                 (int)ev->kind, ev->method, ev->host, ev->path, (unsigned)ev->http_status,
                 ck_strerror(ev->err));
    if (n > 0) {
        f->log_len += (size_t)n;
        if (f->log_len > sizeof f->log - 1u) {
            f->log_len = sizeof f->log - 1u;
        }
    }
}

void ck_fix_setup(ck_fixture *f, const ck_lb_step *steps, size_t n, uint32_t start_ms)
{
    memset(f, 0, sizeof *f);
    ck_loopback_init(&f->lb, steps, n, f->capture, sizeof f->capture - 1u, start_ms);
    ck_loopback_transport(&f->lb, &f->transport);
    ck_loopback_platform(&f->lb, &f->platform);
    memset(f->g.pre, CK_FIX_CANARY, sizeof f->g.pre);
    memset(f->g.post, CK_FIX_CANARY, sizeof f->g.post);
    ck_client_config_init(&f->cfg);
    f->cfg.base_url = CK_FIX_BASE_URL;
    f->cfg.api_key = CK_FIX_API_KEY;
    f->cfg.access_token = CK_FIX_TOKEN;
    f->cfg.transport = &f->transport;
    f->cfg.platform = &f->platform;
    ck_client_config_set_buffers(&f->cfg, &f->g.b);
    f->cfg.log = ck_fix_log;
    f->cfg.log_ctx = f;
}

ck_err ck_fix_client(ck_fixture *f)
{
    return ck_client_init(&f->client, &f->cfg, NULL);
}

bool ck_fix_canaries_ok(const ck_fixture *f)
{
    size_t i;
    for (i = 0; i < CK_FIX_CANARY_LEN; i++) {
        if (f->g.pre[i] != CK_FIX_CANARY || f->g.post[i] != CK_FIX_CANARY) {
            return false;
        }
    }
    return true;
}

bool ck_fix_buffers_wiped(const ck_fixture *f)
{
    const uint8_t *p = (const uint8_t *)&f->g.b;
    size_t i;
    for (i = 0; i < sizeof f->g.b; i++) {
        if (p[i] != 0u) {
            return false;
        }
    }
    return true;
}

bool ck_fix_wiped_prefix(const void *p, size_t n, uint8_t fill)
{
    const uint8_t *b = (const uint8_t *)p;
    size_t i = 0;
    while (i < n && b[i] == 0u) {
        i++;
    }
    while (i < n && b[i] == fill) {
        i++;
    }
    return i == n;
}

const char *ck_fix_sent(ck_fixture *f)
{
    f->capture[f->lb.capture_len] = '\0';
    return (const char *)f->capture;
}

bool ck_fix_contains(const void *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    const uint8_t *h = (const uint8_t *)hay;
    size_t i;
    if (n == 0u) {
        return true;
    }
    for (i = 0; i + n <= len; i++) {
        if (memcmp(h + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}
