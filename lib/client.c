/**
 * @file client.c
 * @brief Client set-up and the configuration defaults.
 */
#include <string.h>

#include "cardkit/ck_client.h"
#include "ck_text.h"

/** @brief Smallest work buffer and token array a client accepts. */
#define CK_MIN_WORK_BUF 256u
#define CK_MIN_TOKENS 8u

void ck_client_config_init(ck_client_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->base_url = CK_V2_BASE_URL_STAGING;
    cfg->timeout_ms = CK_DEFAULT_TIMEOUT_MS;
    cfg->max_attempts = (uint8_t)CK_DEFAULT_MAX_ATTEMPTS;
    cfg->backoff_base_ms = CK_DEFAULT_BACKOFF_BASE_MS;
    cfg->backoff_cap_ms = CK_DEFAULT_BACKOFF_CAP_MS;
}

void ck_client_config_set_buffers(ck_client_config *cfg, ck_buffers *buffers)
{
    cfg->work_buf = buffers->work;
    cfg->work_buf_size = sizeof buffers->work;
    cfg->tokens = buffers->tokens;
    cfg->token_count = sizeof buffers->tokens / sizeof buffers->tokens[0];
}

/** @brief A host character: letters, digits, '.', '-' (brackets handled apart). */
static bool ck_host_char(char c)
{
    unsigned u = (unsigned char)c;

    /* A letter in either case; '-', '.' and the digits are 0x2D..0x39 but '/'. */
    return (u | 0x20u) - 'a' < 26u || (u - '-' < 13u && u != '/');
}

/**
 * @brief Split `https://host[:port][/prefix]` into the client's host, port
 * and path prefix (trailing slashes dropped). The host is a name or an IPv4
 * address; IPv6 literals are not accepted.
 */
static bool ck_parse_base_url(ck_client *c, const char *url)
{
    static const char scheme[] = "https://";
    const char *p;
    size_t n;
    uint32_t port = 443u;

    for (n = 0; n < sizeof scheme - 1u; n++) {
        if (ck_lower(url[n]) != scheme[n]) {
            return false;
        }
    }
    p = url + n;
    for (n = 0; ck_host_char(p[n]); n++) {
    }
    if (n == 0u || n > CK_HOST_MAX) {
        return false;
    }
    memcpy(c->host, p, n);
    c->host[n] = '\0';
    p += n;
    if (*p == ':') {
        port = 0;
        for (p++, n = 0; p[n] >= '0' && p[n] <= '9' && port <= 65535u; n++) {
            port = port * 10u + (uint32_t)(p[n] - '0');
        }
        if (n == 0u || port == 0u || port > 65535u) {
            return false;
        }
        p += n;
    }
    if (*p != '\0' && *p != '/') {
        return false;
    }
    n = strlen(p);
    while (n > 0u && p[n - 1u] == '/') {
        n--;
    }
    c->port = (uint16_t)port;
    c->path_prefix = p;
    c->path_prefix_len = n;
    /* The prefix must be a plain path: no query, fragment, space or control. */
    for (; n > 0u; n--) {
        unsigned char ch = (unsigned char)p[n - 1u];
        if (ch == '?' || ch == '#' || ch <= 0x20u || ch >= 0x7Fu) {
            return false;
        }
    }
    return true;
}

/** @brief Name the bad setting and return @p err. */
static ck_err ck_init_fail(const char **out_field, const char *field, ck_err err)
{
    if (out_field != NULL) {
        *out_field = field;
    }
    return err;
}

ck_err ck_client_init(ck_client *client, const ck_client_config *cfg, const char **out_field)
{
    const ck_transport *t;
    const ck_platform *pf;

    if (out_field != NULL) {
        *out_field = NULL;
    }
    if (client == NULL || cfg == NULL) {
        return ck_init_fail(out_field, "config", CK_ERR_INVALID_ARG);
    }
    memset(client, 0, sizeof *client);
    t = cfg->transport;
    pf = cfg->platform;
    if (t == NULL || t->connect == NULL || t->send == NULL || t->recv == NULL || t->close == NULL) {
        return ck_init_fail(out_field, "transport", CK_ERR_INVALID_ARG);
    }
    if (pf == NULL || pf->now_ms == NULL || pf->sleep_ms == NULL || pf->random == NULL) {
        return ck_init_fail(out_field, "platform", CK_ERR_INVALID_ARG);
    }
    if (!ck_nonempty(cfg->api_key) || !ck_header_value_ok(cfg->api_key)) {
        return ck_init_fail(out_field, "api_key", CK_ERR_INVALID_ARG);
    }
    if (cfg->access_token != NULL && cfg->access_token[0] != '\0' && !ck_header_value_ok(cfg->access_token)) {
        return ck_init_fail(out_field, "access_token", CK_ERR_INVALID_ARG);
    }
    if (cfg->work_buf == NULL) {
        return ck_init_fail(out_field, "work_buf", CK_ERR_INVALID_ARG);
    }
    if (cfg->work_buf_size < CK_MIN_WORK_BUF) {
        return ck_init_fail(out_field, "work_buf", CK_ERR_BUFFER_TOO_SMALL);
    }
    if (cfg->tokens == NULL) {
        return ck_init_fail(out_field, "tokens", CK_ERR_INVALID_ARG);
    }
    if (cfg->token_count < CK_MIN_TOKENS) {
        return ck_init_fail(out_field, "tokens", CK_ERR_BUFFER_TOO_SMALL);
    }
    if (cfg->base_url == NULL || !ck_parse_base_url(client, cfg->base_url)) {
        memset(client, 0, sizeof *client);
        return ck_init_fail(out_field, "base_url", CK_ERR_INVALID_ARG);
    }
    if (!t->secure && !cfg->allow_insecure_transport) {
        memset(client, 0, sizeof *client);
        return ck_init_fail(out_field, "transport", CK_ERR_INSECURE_TRANSPORT);
    }
    client->cfg = *cfg;
    if (client->cfg.timeout_ms == 0u) {
        client->cfg.timeout_ms = CK_DEFAULT_TIMEOUT_MS;
    }
    if (client->cfg.max_attempts == 0u) {
        client->cfg.max_attempts = (uint8_t)CK_DEFAULT_MAX_ATTEMPTS;
    }
    if (client->cfg.backoff_base_ms == 0u) {
        client->cfg.backoff_base_ms = CK_DEFAULT_BACKOFF_BASE_MS;
    }
    if (client->cfg.backoff_cap_ms == 0u) {
        client->cfg.backoff_cap_ms = CK_DEFAULT_BACKOFF_CAP_MS;
    }
    if (client->cfg.token_count > 0x7FFFu) {
        client->cfg.token_count = 0x7FFFu;
    }
    return CK_OK;
}

void ck_client_close(ck_client *client)
{
    if (client == NULL || client->cfg.transport == NULL) {
        return;
    }
    if (client->connected) {
        client->cfg.transport->close(client->cfg.transport->ctx);
        client->connected = false;
    }
    ck_wipe(client->cfg.work_buf, client->cfg.work_buf_size);
    ck_wipe(client->cfg.tokens, client->cfg.token_count * sizeof client->cfg.tokens[0]);
    client->work_used = 0;
    client->tokens_used = 0;
}
