/**
 * @file kiosk_common.c
 * @brief The plumbing both kiosk examples share (see kiosk_common.h).
 */
#include "kiosk_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kiosk_usage(const kiosk_program *p, const char *why)
{
    fprintf(stderr, "%s: %s\n%s", p->name, why, p->usage_text);
    return 2;
}

int kiosk_parse(const kiosk_program *p, int argc, char **argv, kiosk_conn_opts *conn, const kiosk_option *own,
                size_t own_count)
{
    int i;

    conn->base_url = getenv("CK_BASE_URL");
    conn->ca_file = getenv("CK_CA_FILE");
    conn->timeout_ms = CK_DEFAULT_TIMEOUT_MS;
    for (i = 1; i < argc; i += 2) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        size_t k;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(p->usage_text, stdout);
            return -1;
        }
        if (v == NULL) {
            return kiosk_usage(p, "an option needs a value");
        }
        if (strcmp(argv[i], "--base-url") == 0) {
            conn->base_url = v;
            continue;
        }
        if (strcmp(argv[i], "--ca-file") == 0) {
            conn->ca_file = v;
            continue;
        }
        if (strcmp(argv[i], "--timeout-ms") == 0) {
            char *end = NULL;
            conn->timeout_ms = strtoul(v, &end, 10);
            if (end == v || *end != '\0' || conn->timeout_ms < 100ul || conn->timeout_ms > 600000ul) {
                return kiosk_usage(p, "--timeout-ms: 100 to 600000");
            }
            continue;
        }
        for (k = 0; k < own_count; k++) {
            if (strcmp(argv[i], own[k].name) == 0) {
                break;
            }
        }
        if (k == own_count) {
            return kiosk_usage(p, "unknown option");
        }
        *own[k].value = v;
    }
    if (conn->base_url == NULL || conn->base_url[0] == '\0') {
        return kiosk_usage(p, p->no_base_url);
    }
    return 0;
}

int kiosk_credentials(const kiosk_program *p, kiosk_creds *c)
{
    c->api_key = getenv("CK_API_KEY");
    c->token = getenv("CK_ACCESS_TOKEN");
    if (p->token_required) {
        if (c->api_key == NULL || c->api_key[0] == '\0' || c->token == NULL || c->token[0] == '\0') {
            return kiosk_usage(p, "CK_API_KEY and CK_ACCESS_TOKEN must be set");
        }
    } else if (c->api_key == NULL || c->api_key[0] == '\0') {
        return kiosk_usage(p, "CK_API_KEY must be set (CK_ACCESS_TOKEN is optional)");
    }
    return 0;
}

const char *kiosk_ca_file(const kiosk_conn_opts *conn)
{
    return conn->ca_file != NULL ? conn->ca_file : CK_TLS_DEFAULT_CA_FILE;
}

int kiosk_stack_open(kiosk_stack *s, const kiosk_program *p, const kiosk_conn_opts *conn, const kiosk_creds *c)
{
    ck_tls_config tc;
    ck_client_config cc;
    const char *field = NULL;
    ck_err e;

    ck_posix_platform(&s->platform);
    ck_posix_tcp_transport(&s->tcp, &s->tcp_transport);
    memset(&tc, 0, sizeof tc);
    tc.ca_file = conn->ca_file;
    tc.platform = &s->platform;
    e = ck_tls_init(&s->tls, &tc, &s->tcp_transport);
    if (e != CK_OK) {
        fprintf(stderr, "%s: TLS set-up failed: %s (CA bundle %s)\n", p->name, ck_strerror(e), kiosk_ca_file(conn));
        ck_tls_free(&s->tls);
        return 1;
    }
    ck_tls_transport(&s->tls, &s->tls_transport);

    ck_client_config_init(&cc);
    cc.base_url = conn->base_url;
    cc.api_key = c->api_key;
    cc.access_token = c->token; /* NULL or "": no Authorization header (v1 only) */
    cc.transport = &s->tls_transport;
    cc.platform = &s->platform;
    cc.timeout_ms = (uint32_t)conn->timeout_ms;
    ck_client_config_set_buffers(&cc, &s->buffers);
    e = ck_client_init(&s->client, &cc, &field);
    if (e != CK_OK) {
        fprintf(stderr, "%s: client set-up failed: %s (%s)\n", p->name, ck_strerror(e), field != NULL ? field : "?");
        ck_tls_free(&s->tls);
        return 1;
    }
    return 0;
}

void kiosk_stack_close(kiosk_stack *s)
{
    ck_client_close(&s->client);
    ck_tls_free(&s->tls);
}
