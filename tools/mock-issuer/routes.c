/**
 * @file routes.c
 * @brief The mock's route table, credential check, content-level fault
 * switches (--fail-first, --drop-after-request), error bodies and the
 * /__mock/state endpoint.
 *
 * Routing is a table of (method, path) rows. A path that is in the table
 * under other methods answers 405 with an Allow header listing them; a path
 * that is not in the table answers 404. The v1 3DS resource is one path
 * with four rows (POST, GET, PATCH, DELETE) and one handler; its rows
 * answer errors in the v1 shape (401, 405, 415 and --fail-first too).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mock.h"

/** @brief Default prefix of the documented base URLs; accepted when --path-prefix is not given. */
#define MOCK_DOC_PREFIX "/card/issuance"
/** @brief Paths under this belong to the mock itself, never to the API. */
#define MOCK_OWN_PREFIX "/__mock/"
/** @brief The v1 3DS resource (after the prefix). */
#define MOCK_V1_PATH "/issuing/api/v1/card/3DS"

static void mock_state_endpoint(mock_app *app, const mock_request *req, mock_response *res);

/** @brief Every route the mock serves. */
static const mock_route mock_routes[] = {
    {"POST", "/api/issuing/card/v2/apply", MOCK_AUTH_KEY_BEARER, MOCK_STYLE_V2, mock_v2_apply},
    {"POST", "/api/issuing/3ds/v2/enroll", MOCK_AUTH_KEY_BEARER, MOCK_STYLE_V2, mock_v2_enroll},
    {"POST", "/api/issuing/3ds/v2/update", MOCK_AUTH_KEY_BEARER, MOCK_STYLE_V2, mock_v2_3ds_update},
    {"POST", "/api/issuing/cardholders/v2/update", MOCK_AUTH_KEY_BEARER, MOCK_STYLE_V2,
     mock_v2_contact_update},
    {"POST", MOCK_V1_PATH, MOCK_AUTH_KEY_OPT_BEARER, MOCK_STYLE_V1, mock_v1_3ds},
    {"GET", MOCK_V1_PATH, MOCK_AUTH_KEY_OPT_BEARER, MOCK_STYLE_V1, mock_v1_3ds},
    {"PATCH", MOCK_V1_PATH, MOCK_AUTH_KEY_OPT_BEARER, MOCK_STYLE_V1, mock_v1_3ds},
    {"DELETE", MOCK_V1_PATH, MOCK_AUTH_KEY_OPT_BEARER, MOCK_STYLE_V1, mock_v1_3ds},
    {"GET", "/__mock/state", MOCK_AUTH_KEY_BEARER, MOCK_STYLE_V2, mock_state_endpoint},
};

#define MOCK_ROUTE_COUNT (sizeof mock_routes / sizeof mock_routes[0])

void mock_reply_finish(mock_response *res, ck_json_writer *w, unsigned status)
{
    static const char fallback[] =
        "{\"code\":\"INTERNAL_ERROR\",\"message\":\"mock could not write its answer\"}";
    size_t len = 0;

    if (ck_json_writer_finish(w, &len) != CK_OK || len > sizeof res->body) {
        res->status = 500;
        memcpy(res->body, fallback, sizeof fallback - 1u);
        res->body_len = sizeof fallback - 1u;
        return;
    }
    res->status = status;
    res->body_len = len;
}

/**
 * @brief Set @p res to an error body in the shape of @p style: v2
 * {"code":@p code,"message":..}, v1 {"code":<status>,"message":..,"status":"error"}
 * (@p code unused); the message is @p fmt formatted with @p ap.
 */
static void mock_reply_error_va(mock_response *res, mock_style style, unsigned status, const char *code,
                                const char *fmt, va_list ap)
{
    char msg[512];
    ck_json_writer w;

    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    ck_json_writer_init(&w, res->body, sizeof res->body);
    (void)ck_json_object_begin(&w);
    if (style == MOCK_STYLE_V1) {
        (void)ck_json_key(&w, "code");
        (void)ck_json_int(&w, (int64_t)status);
    } else {
        (void)ck_json_member_string(&w, "code", code);
    }
    (void)ck_json_member_string(&w, "message", msg);
    if (style == MOCK_STYLE_V1) {
        (void)ck_json_member_string(&w, "status", "error");
    }
    (void)ck_json_object_end(&w);
    mock_reply_finish(res, &w, status);
}

void mock_reply_error(mock_response *res, unsigned status, const char *code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    mock_reply_error_va(res, MOCK_STYLE_V2, status, code, fmt, ap);
    va_end(ap);
}

void mock_reply_error_v1(mock_response *res, unsigned status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    mock_reply_error_va(res, MOCK_STYLE_V1, status, NULL, fmt, ap);
    va_end(ap);
}

/** @brief An error in the shape of @p style (v2: @p code is its code string). */
static void mock_reply_styled(mock_response *res, mock_style style, unsigned status, const char *code,
                              const char *msg)
{
    if (style == MOCK_STYLE_V1) {
        mock_reply_error_v1(res, status, "%s", msg);
    } else {
        mock_reply_error(res, status, code, "%s", msg);
    }
}

void mock_reply_success(mock_response *res)
{
    ck_json_writer w;

    ck_json_writer_init(&w, res->body, sizeof res->body);
    (void)ck_json_object_begin(&w);
    (void)ck_json_member_string(&w, "code", "SUCCESS");
    (void)ck_json_object_end(&w);
    mock_reply_finish(res, &w, 200);
}

/** @brief Write `"key": <unsigned>`. */
static void mock_member_ulong(ck_json_writer *w, const char *key, unsigned long v)
{
    (void)ck_json_key(w, key);
    (void)ck_json_int(w, (int64_t)v);
}

/** @brief GET /__mock/state: the counters, so tests can assert what was applied. */
static void mock_state_endpoint(mock_app *app, const mock_request *req, mock_response *res)
{
    const mock_counters *c = &app->st->counters;
    ck_json_writer w;
    size_t enrolled = 0;
    size_t i;

    (void)req;
    for (i = 0; i < app->st->card_count; i++) {
        if (app->st->cards[i].enrolled) {
            enrolled++;
        }
    }
    ck_json_writer_init(&w, res->body, sizeof res->body);
    (void)ck_json_object_begin(&w);
    (void)ck_json_member_string(&w, "code", "SUCCESS");
    (void)ck_json_key(&w, "data");
    (void)ck_json_object_begin(&w);
    mock_member_ulong(&w, "requests", c->requests);
    mock_member_ulong(&w, "all_requests", c->all_requests);
    mock_member_ulong(&w, "connections", c->connections);
    mock_member_ulong(&w, "handshakes", c->handshakes);
    mock_member_ulong(&w, "resumptions", c->resumptions);
    mock_member_ulong(&w, "cards_issued", c->cards_issued);
    mock_member_ulong(&w, "enrollments", c->enrollments);
    mock_member_ulong(&w, "enrollment_updates", c->enrollment_updates);
    mock_member_ulong(&w, "contact_updates", c->contact_updates);
    mock_member_ulong(&w, "dropped", c->dropped);
    mock_member_ulong(&w, "failed_injected", c->failed_injected);
    mock_member_ulong(&w, "unauthorized", c->unauthorized);
    mock_member_ulong(&w, "cards", (unsigned long)app->st->card_count);
    mock_member_ulong(&w, "cards_enrolled", (unsigned long)enrolled);
    mock_member_ulong(&w, "v1_enrollments", c->v1_enrollments);
    mock_member_ulong(&w, "v1_updates", c->v1_updates);
    mock_member_ulong(&w, "v1_unenrollments", c->v1_unenrollments);
    mock_member_ulong(&w, "v1_gets", c->v1_gets);
    mock_member_ulong(&w, "v1_dedup_hits", c->v1_dedup_hits);
    mock_member_ulong(&w, "v1_key_conflicts", c->v1_key_conflicts);
    mock_member_ulong(&w, "v1_enrolled", (unsigned long)app->st->v1_count);
    mock_member_ulong(&w, "v1_keys", (unsigned long)app->st->key_count);
    (void)ck_json_key(&w, "last_remark");
    if (app->st->has_last_remark) {
        (void)ck_json_string(&w, app->st->last_remark);
    } else {
        (void)ck_json_null(&w);
    }
    (void)ck_json_object_end(&w);
    (void)ck_json_object_end(&w);
    mock_reply_finish(res, &w, 200);
}

/** @brief True when the request carries the credentials the route wants. */
static bool mock_authorized(const mock_app *app, const mock_request *req, mock_auth auth)
{
    const mock_header *auth_h;
    mock_header token;

    if (auth == MOCK_AUTH_NONE) {
        return true;
    }
    if (mock_http_header_count(req, "x-api-key") != 1u ||
        !mock_header_equals(mock_http_header(req, "x-api-key"), app->cfg->api_key)) {
        return false;
    }
    auth_h = mock_http_header(req, "authorization");
    if (auth_h == NULL) {
        return auth == MOCK_AUTH_KEY_OPT_BEARER;
    }
    if (mock_http_header_count(req, "authorization") != 1u || auth_h->value_len < 7u ||
        memcmp(auth_h->value, "Bearer ", 7) != 0) {
        return false;
    }
    token = *auth_h;
    token.value += 7;
    token.value_len -= 7u;
    return mock_header_equals(&token, app->cfg->token);
}

/** @brief Content-Type is application/json, parameters allowed. */
static bool mock_json_content_type(const mock_request *req)
{
    static const char want[] = "application/json";
    const mock_header *h = mock_http_header(req, "content-type");
    size_t i;

    if (h == NULL || h->value_len < sizeof want - 1u) {
        return false;
    }
    for (i = 0; i < sizeof want - 1u; i++) {
        char c = h->value[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != want[i]) {
            return false;
        }
    }
    return h->value_len == sizeof want - 1u || h->value[i] == ';' || h->value[i] == ' ';
}

/** @brief The request path with the base-URL prefix removed; NULL when it lacks a required prefix. */
static const char *mock_route_path(const mock_config *cfg, const char *path, size_t *len)
{
    const char *prefix = cfg->path_prefix != NULL ? cfg->path_prefix : MOCK_DOC_PREFIX;
    size_t plen = strlen(prefix);

    if (*len >= sizeof MOCK_OWN_PREFIX - 1u &&
        memcmp(path, MOCK_OWN_PREFIX, sizeof MOCK_OWN_PREFIX - 1u) == 0) {
        return path;
    }
    if (plen > 0u && *len > plen && memcmp(path, prefix, plen) == 0 && path[plen] == '/') {
        *len -= plen;
        return path + plen;
    }
    if (cfg->path_prefix != NULL && plen > 0u) {
        return NULL;
    }
    return path;
}

/** @brief True when @p n is one of the --drop-after-request numbers. */
static bool mock_should_drop(const mock_config *cfg, unsigned long n)
{
    size_t i;

    for (i = 0; i < cfg->drop_count; i++) {
        if (cfg->drop_after[i] == n) {
            return true;
        }
    }
    return false;
}

void mock_dispatch(mock_app *app, const mock_request *req, mock_response *res,
                   unsigned long *request_no)
{
    static char allow[64];
    mock_counters *c = &app->st->counters;
    const mock_route *route = NULL;
    const char *path;
    size_t len = req->path_len;
    mock_style style = MOCK_STYLE_V2;
    bool own;
    bool path_known = false;
    size_t i;

    memset(res, 0, sizeof *res);
    c->all_requests++;
    *request_no = c->all_requests;
    res->close = !req->keep_alive || app->cfg->close_after_response;

    own = len >= sizeof MOCK_OWN_PREFIX - 1u &&
          memcmp(req->target, MOCK_OWN_PREFIX, sizeof MOCK_OWN_PREFIX - 1u) == 0;
    res->own = own;

    path = mock_route_path(app->cfg, req->target, &len);
    allow[0] = '\0';
    for (i = 0; path != NULL && i < MOCK_ROUTE_COUNT; i++) {
        if (strlen(mock_routes[i].path) != len || memcmp(mock_routes[i].path, path, len) != 0) {
            continue;
        }
        path_known = true;
        style = mock_routes[i].style;
        if (strcmp(mock_routes[i].method, req->method) == 0) {
            route = &mock_routes[i];
        }
        if (strlen(allow) + strlen(mock_routes[i].method) + 3u < sizeof allow) {
            if (allow[0] != '\0') {
                strcat(allow, ", ");
            }
            strcat(allow, mock_routes[i].method);
        }
    }

    /* Fault switches act before routing, in the error shape of the path's API. */
    if (!own) {
        c->requests++;
        res->drop = mock_should_drop(app->cfg, c->requests);
        res->delay = app->cfg->delay_count == 0u || c->requests <= app->cfg->delay_count;
        if (c->requests <= app->cfg->fail_first) {
            char msg[96];
            c->failed_injected++;
            (void)snprintf(msg, sizeof msg, "injected failure %lu of %lu", c->requests,
                           app->cfg->fail_first);
            mock_reply_styled(res, style, app->cfg->fail_status, "MOCK_INJECTED_FAILURE", msg);
            res->retry_after_s = app->cfg->retry_after_s;
            return;
        }
        switch (mock_fault_of(app->cfg, c->requests)) {
        case MOCK_FAULT_429:
            c->failed_injected++;
            mock_reply_styled(res, style, 429, "MOCK_RATE_LIMITED", "injected: too many requests");
            res->retry_after_s = app->cfg->retry_after_s;
            return;
        case MOCK_FAULT_503:
            c->failed_injected++;
            mock_reply_styled(res, style, 503, "MOCK_UNAVAILABLE", "injected: try again later");
            res->retry_after_s = app->cfg->retry_after_s;
            return;
        case MOCK_FAULT_500:
            c->failed_injected++;
            mock_reply_styled(res, style, 500, "MOCK_SERVER_ERROR", "injected: server error");
            return;
        case MOCK_FAULT_DROP:
            res->drop = true; /* applied below, then the connection closes */
            break;
        default:
            break;
        }
    }
    if (!path_known) {
        mock_reply_error(res, 404, "NOT_FOUND", "no such endpoint");
        return;
    }
    if (route == NULL) {
        char msg[96];
        res->allow = allow;
        (void)snprintf(msg, sizeof msg, "method not allowed; use %s", allow);
        mock_reply_styled(res, style, 405, "METHOD_NOT_ALLOWED", msg);
        return;
    }
    if (!mock_authorized(app, req, route->auth)) {
        c->unauthorized++;
        mock_reply_styled(res, style, 401, "UNAUTHORIZED", "missing or invalid credentials");
        return;
    }
    if (req->content_length > 0u && !mock_json_content_type(req)) {
        mock_reply_styled(res, style, 415, "UNSUPPORTED_MEDIA_TYPE",
                          "Content-Type must be application/json");
        return;
    }
    route->handler(app, req, res);
}
