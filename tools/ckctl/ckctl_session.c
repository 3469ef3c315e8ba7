/**
 * @file ckctl_session.c
 * @brief Wire one run: ck_posix_tcp -> ck_tls (CA from --ca-file or the
 * system bundle) -> ck_client with static ::ck_buffers and the POSIX
 * platform. The client parses the base URL and gives the TLS port the host
 * to verify; credentials are kept by pointer (the environment's own
 * strings), so there is no copy to wipe.
 */
#include <stdio.h>
#include <string.h>

#include "ckctl_session.h"

void ckctl_session_platform(ckctl_session *s)
{
    ck_posix_platform(&s->platform);
}

/** @brief Set up TLS over TCP; prints the failure and returns the exit code. */
static int ckctl_session_tls(ckctl_session *s, const ckctl_args *args)
{
    ck_tls_config tc;
    ck_err e;

    ck_posix_tcp_transport(&s->tcp, &s->tcp_transport);
    memset(&tc, 0, sizeof tc);
    tc.ca_file = args->ca_file;
    tc.platform = &s->platform;
    e = ck_tls_init(&s->tls, &tc, &s->tcp_transport);
    s->tls_ready = true; /* ck_tls_free() is valid whatever ck_tls_init() returned */
    if (e == CK_ERR_INVALID_ARG && args->ca_file != NULL) {
        ckctl_print_setup_failure(stderr, args->command, e,
                                  "invalid --ca-file: cannot load a PEM CA bundle from it; nothing was sent");
        return CKCTL_EXIT_USAGE;
    }
    if (e == CK_ERR_INVALID_ARG) {
        ckctl_print_setup_failure(stderr, args->command, e,
                                  "cannot load the system CA bundle " CK_TLS_DEFAULT_CA_FILE
                                  " (give --ca-file); nothing was sent");
        return CKCTL_EXIT_NOT_SENT;
    }
    if (e != CK_OK) {
        ckctl_print_setup_failure(stderr, args->command, e, "cannot set up TLS; nothing was sent");
        return ckctl_exit_code(e, CK_PROGRESS_NOT_SENT);
    }
    ck_tls_transport(&s->tls, &s->tls_transport);
    return CKCTL_EXIT_OK;
}

/** @brief What a setting the client refused means on ckctl's command line. */
static const char *ckctl_setting_problem(const char *field)
{
    if (field == NULL) {
        return "invalid client setting";
    }
    if (strcmp(field, "base_url") == 0) {
        return "invalid --base-url: https://host[:port][/prefix] with a short host name, "
               "no user, query or fragment";
    }
    if (strcmp(field, "api_key") == 0) {
        return "invalid CK_API_KEY: empty, or holds control characters";
    }
    if (strcmp(field, "access_token") == 0) {
        return "invalid CK_ACCESS_TOKEN: holds control characters";
    }
    return "invalid client setting";
}

/** @brief The client's log hook: ckctl's, then ckctl_session::on_event. */
static void ckctl_session_log(void *ctx, const ck_log_event *ev)
{
    ckctl_session *s = (ckctl_session *)ctx;

    ckctl_log(&s->log, ev);
    if (s->on_event != NULL) {
        s->on_event(s->on_event_ctx, ev);
    }
}

int ckctl_session_open(ckctl_session *s, const ckctl_args *args, const char *api_key,
                       const char *access_token)
{
    ck_client_config cc;
    const char *field = NULL;
    ck_err e;
    int code = ckctl_session_tls(s, args);

    if (code != CKCTL_EXIT_OK) {
        return code;
    }
    ck_client_config_init(&cc);
    cc.base_url = args->base_url;
    cc.api_key = api_key;
    cc.access_token = access_token;
    cc.transport = &s->tls_transport;
    cc.platform = &s->platform;
    ck_client_config_set_buffers(&cc, &s->buffers);
    cc.timeout_ms = args->timeout_ms;
    memset(&s->log, 0, sizeof s->log);
    s->log.out = args->verbose ? stderr : NULL;
    cc.log = ckctl_session_log;
    cc.log_ctx = s;
    e = ck_client_init(&s->client, &cc, &field);
    if (e != CK_OK) {
        ckctl_print_setup_failure(stderr, args->command, e,
                                  e == CK_ERR_INVALID_ARG ? ckctl_setting_problem(field)
                                                          : ckctl_err_description(e));
        return e == CK_ERR_INVALID_ARG ? CKCTL_EXIT_USAGE : ckctl_exit_code(e, CK_PROGRESS_NOT_SENT);
    }
    s->client_ready = true;
    return CKCTL_EXIT_OK;
}

void ckctl_session_close(ckctl_session *s)
{
    if (s->client_ready) {
        ck_client_close(&s->client);
        s->client_ready = false;
    }
    if (s->tls_ready) {
        ck_tls_free(&s->tls);
        s->tls_ready = false;
    }
    memset(&s->buffers, 0, sizeof s->buffers);
}
