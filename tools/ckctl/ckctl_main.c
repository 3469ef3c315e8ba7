/**
 * @file ckctl_main.c
 * @brief ckctl's entry point: parse, take the credentials from the
 * environment, check the request, build the connection stack, make the one
 * call, print its outcome, and exit with the contract's code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckctl.h"
#include "ckctl_batch.h"
#include "ckctl_session.h"

/** @brief The connection stack (mbedTLS contexts are large: not on the stack). */
static ckctl_session ckctl_the_session;

/** @brief Print a usage error (one line) and return CKCTL_EXIT_USAGE. */
static int ckctl_usage_error(const ckctl_args *args, const char *msg)
{
    if (args->command != NULL) {
        fprintf(stderr, "ckctl: %s (see 'ckctl %s --help')\n", msg, args->command->words);
    } else {
        fprintf(stderr, "ckctl: %s (see 'ckctl --help')\n", msg);
    }
    return CKCTL_EXIT_USAGE;
}

/** @brief A credential from the environment, or NULL when unset or empty. */
static const char *ckctl_credential(const char *name)
{
    const char *v = getenv(name);

    return v != NULL && v[0] != '\0' ? v : NULL;
}

/** @brief Check the request before anything is set up: bad input is exit 2. */
static int ckctl_precheck(ckctl_session *s, const ckctl_args *args)
{
    ck_date today;
    const ck_date *t = NULL;
    const char *field = NULL;
    ck_result res;

    if (s->platform.today != NULL && s->platform.today(s->platform.ctx, &today) == CK_OK) {
        t = &today;
    }
    if (ckctl_check(args, t, &field) == CK_OK) {
        return CKCTL_EXIT_OK;
    }
    memset(&res, 0, sizeof res);
    res.err = CK_ERR_INVALID_ARG;
    res.field = field;
    ckctl_print_failure(stderr, args->command, &res, NULL);
    return CKCTL_EXIT_USAGE;
}

/** @brief Make the call and report it. */
static int ckctl_call(ckctl_session *s, const ckctl_args *args)
{
    static ckctl_outcome outcome;
    ck_result res;

    (void)ckctl_run(args, &s->client, &outcome, &res);
    if (res.err != CK_OK) {
        ckctl_print_failure(stderr, args->command, &res,
                            CKCTL_IS_V1(args->command) ? outcome.v1.request_id : NULL);
        return ckctl_exit_code(res.err, res.progress);
    }
    if (ckctl_print_success(stdout, args, &outcome, &res) != 0) {
        fprintf(stderr, "ckctl: %s succeeded but its result could not be written to stdout\n",
                args->command->operation);
        return CKCTL_EXIT_INTERNAL;
    }
    return CKCTL_EXIT_OK;
}

int main(int argc, char **argv)
{
    static ckctl_args args;
    char msg[160];
    const char *api_key;
    const char *access_token;
    int code;

    if (ckctl_is_batch(argc, argv)) {
        return ckctl_batch_main(argc, argv);
    }
    switch (ckctl_parse(argc, argv, &args, msg, sizeof msg)) {
    case CKCTL_PARSE_HELP:
        ckctl_print_help(stdout, args.command);
        return fflush(stdout) == 0 ? CKCTL_EXIT_OK : CKCTL_EXIT_INTERNAL;
    case CKCTL_PARSE_USAGE:
        return ckctl_usage_error(&args, msg);
    case CKCTL_PARSE_OK:
    default:
        break;
    }
    api_key = ckctl_credential("CK_API_KEY");
    access_token = ckctl_credential("CK_ACCESS_TOKEN");
    /* v1: the access token is optional (no Authorization header without it). */
    if (api_key == NULL || (access_token == NULL && !CKCTL_IS_V1(args.command))) {
        return ckctl_usage_error(&args, api_key == NULL
                                            ? "CK_API_KEY is not set: credentials come only from the environment"
                                            : "CK_ACCESS_TOKEN is not set: credentials come only from the environment");
    }
    ckctl_session_platform(&ckctl_the_session);
    code = ckctl_precheck(&ckctl_the_session, &args);
    if (code != CKCTL_EXIT_OK) {
        return code;
    }
    code = ckctl_session_open(&ckctl_the_session, &args, api_key, access_token);
    if (code == CKCTL_EXIT_OK) {
        code = ckctl_call(&ckctl_the_session, &args);
    }
    ckctl_session_close(&ckctl_the_session);
    return code;
}
