/**
 * @file ckctl_args.c
 * @brief Parse ckctl's command line into a ::ckctl_args. Pure: it reads no
 * environment and prints nothing, so it is unit-tested directly.
 *
 * Grammar: `ckctl [GLOBAL...] [v1] GROUP VERB [OPTION...]`; global options
 * are also accepted among a command's options. The v1 commands (3DS program
 * API v1) start with the word "v1" and need --base-url (the provider
 * documents no default base URL for v1). An option's value follows it
 * (`--mobile 5550100`) or is joined with '=' (`--mobile=5550100`).
 * Messages never repeat an option's value (it may be cardholder data).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ckctl.h"

/** @brief Shortest and longest --timeout-ms (ck_config_defaults.h's range). */
#define CKCTL_TIMEOUT_MIN_MS 100u
#define CKCTL_TIMEOUT_MAX_MS 600000u

/** @brief The global options that take a value, by their slot in ckctl_parser::global. */
enum { CKCTL_G_ENV, CKCTL_G_BASE_URL, CKCTL_G_CA, CKCTL_G_TIMEOUT, CKCTL_G_COUNT };
static const char *const ckctl_global_names[CKCTL_G_COUNT] = {"--env", "--base-url", "--ca-file",
                                                               "--timeout-ms"};
const char *const *const ckctl_global_value_names = ckctl_global_names;
const size_t ckctl_global_value_count = CKCTL_G_COUNT;

/** @brief Parser state: the words, where we are, and what was given. */
typedef struct ckctl_parser {
    int argc;
    char *const *argv;
    int i;                      /**< next word */
    ckctl_args *out;
    char *msg;
    size_t msg_cap;
    bool help;                  /**< --help seen */
    const char *global[CKCTL_G_COUNT]; /**< values of the global options, NULL when not given */
    bool seen[CKCTL_MAX_OPTS];  /**< command options given, by table index */
} ckctl_parser;

/** @brief Write a usage message and return CKCTL_PARSE_USAGE. */
static ckctl_parse_status ckctl_usage(ckctl_parser *p, const char *fmt, ...)
{
    va_list ap;

    if (p->msg != NULL && p->msg_cap > 0u) {
        va_start(ap, fmt);
        (void)vsnprintf(p->msg, p->msg_cap, fmt, ap);
        va_end(ap);
    }
    return CKCTL_PARSE_USAGE;
}

/** @brief Length of the option name in @p word: up to '=' (never the value), at most 40. */
static int ckctl_name_len(const char *word)
{
    size_t n = strcspn(word, "=");

    return (int)(n > 40u ? 40u : n);
}

/**
 * @brief Does @p word name option @p name? Sets *out_joined to the value
 * after '=' when it is `--name=value`, else to NULL.
 */
static bool ckctl_is_opt(const char *word, const char *name, const char **out_joined)
{
    size_t n = strlen(name);

    *out_joined = NULL;
    if (strncmp(word, name, n) != 0) {
        return false;
    }
    if (word[n] == '\0') {
        return true;
    }
    if (word[n] == '=' && name[1] == '-') {
        *out_joined = word + n + 1;
        return true;
    }
    return false;
}

/**
 * @brief Take the value of option @p name: the joined one, or the next word.
 * @return false (and a usage message) when there is none.
 */
static bool ckctl_take_value(ckctl_parser *p, const char *name, const char *joined, const char **out)
{
    if (joined != NULL) {
        *out = joined;
        return true;
    }
    if (p->i >= p->argc) {
        (void)ckctl_usage(p, "%s needs a value", name);
        return false;
    }
    *out = p->argv[p->i++];
    return true;
}

/** @brief Parse a decimal --timeout-ms value within its range. */
static bool ckctl_parse_timeout(const char *s, uint32_t *out)
{
    uint32_t v = 0;

    if (*s == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
        v = v * 10u + (uint32_t)(*s - '0');
        if (v > CKCTL_TIMEOUT_MAX_MS) {
            return false;
        }
    }
    if (v < CKCTL_TIMEOUT_MIN_MS) {
        return false;
    }
    *out = v;
    return true;
}

/**
 * @brief Try @p word as a global option. Values are only taken here; they
 * are checked once the whole line is read (ckctl_check_globals()).
 * @return 1 when it was one, 0 when it is not a global option, -1 on a
 *         usage error (message written).
 */
static int ckctl_global(ckctl_parser *p, const char *word)
{
    const char *j;
    size_t g;

    if (strcmp(word, "-v") == 0 || strcmp(word, "--verbose") == 0) {
        p->out->verbose = true;
        return 1;
    }
    if (strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0) {
        p->help = true;
        return 1;
    }
    for (g = 0; g < CKCTL_G_COUNT; g++) {
        if (ckctl_is_opt(word, ckctl_global_names[g], &j)) {
            break;
        }
    }
    if (g == CKCTL_G_COUNT) {
        return 0;
    }
    if (p->global[g] != NULL) {
        (void)ckctl_usage(p, "%s given twice", ckctl_global_names[g]);
        return -1;
    }
    return ckctl_take_value(p, ckctl_global_names[g], j, &p->global[g]) ? 1 : -1;
}

/** @brief Check the values of --env, --ca-file and --timeout-ms. */
static ckctl_parse_status ckctl_check_globals(ckctl_parser *p)
{
    const char *env = p->global[CKCTL_G_ENV];
    const char *timeout = p->global[CKCTL_G_TIMEOUT];

    if (env != NULL && strcmp(env, "production") != 0 && strcmp(env, "staging") != 0) {
        return ckctl_usage(p, "invalid --env: production or staging");
    }
    p->out->ca_file = p->global[CKCTL_G_CA];
    if (p->out->ca_file != NULL && p->out->ca_file[0] == '\0') {
        return ckctl_usage(p, "invalid --ca-file: empty path");
    }
    if (timeout != NULL && !ckctl_parse_timeout(timeout, &p->out->timeout_ms)) {
        return ckctl_usage(p, "invalid --timeout-ms: a whole number of milliseconds, %u to %u",
                           CKCTL_TIMEOUT_MIN_MS, CKCTL_TIMEOUT_MAX_MS);
    }
    return CKCTL_PARSE_OK;
}

/** @brief Case-insensitive "does @p s start with @p prefix" (prefix in lower case). */
static bool ckctl_starts_with_nocase(const char *s, const char *prefix)
{
    for (; *prefix != '\0'; s++, prefix++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != *prefix) {
            return false;
        }
    }
    return true;
}

/** @brief Resolve the base URL from --base-url / --env and check its scheme. */
static ckctl_parse_status ckctl_resolve_url(ckctl_parser *p)
{
    const char *env = p->global[CKCTL_G_ENV];
    const char *given = p->global[CKCTL_G_BASE_URL];
    const char *url = CK_V2_BASE_URL_STAGING;
    bool v1 = CKCTL_IS_V1(p->out->command);

    if (env != NULL && given != NULL) {
        return ckctl_usage(p, "give --env or --base-url, not both");
    }
    if (v1 && env != NULL) {
        return ckctl_usage(p, "--env names the v2 base URLs; v1 commands need --base-url");
    }
    if (v1 && given == NULL) {
        return ckctl_usage(p, "v1 commands need --base-url URL (the provider's {{baseUrl}}, all "
                              "before /issuing/api/v1/...); there is no default");
    }
    if (env != NULL && strcmp(env, "production") == 0) {
        url = CK_V2_BASE_URL_PRODUCTION;
    }
    if (given != NULL) {
        url = given;
        if (ckctl_starts_with_nocase(url, "http://")) {
            return ckctl_usage(p, "invalid --base-url: only https:// URLs are accepted "
                                  "(plain http would expose the key and token)");
        }
        if (!ckctl_starts_with_nocase(url, "https://") || url[8] == '\0') {
            return ckctl_usage(p, "invalid --base-url: https://host[:port][/prefix]");
        }
        if (v1 && strstr(url, "/issuing/api") != NULL) {
            return ckctl_usage(p, "invalid --base-url: give only the part before /issuing/api/v1/...");
        }
        if (!v1 && strstr(url, "/api/issuing") != NULL) {
            return ckctl_usage(p, "invalid --base-url: give only the part before /api/issuing/...");
        }
    }
    p->out->base_url = url;
    return CKCTL_PARSE_OK;
}

/** @brief Store the value of option @p opt into the command's request. */
static void ckctl_store(ckctl_parser *p, const ckctl_opt *opt, const char *value)
{
    unsigned char *req = (unsigned char *)ckctl_request(p->out, p->out->command);

    if (opt->kind == CKCTL_OPT_VALUE) {
        const char **slot = (const char **)(void *)(req + opt->offset);
        *slot = value;
    } else {
        bool *flag = (bool *)(void *)(req + opt->offset);
        *flag = opt->kind == CKCTL_OPT_SET_TRUE;
    }
}

/**
 * @brief Was an option for the same field as option @p k already given?
 * @return Its index, or -1.
 */
static int ckctl_field_seen(const ckctl_parser *p, size_t k)
{
    const ckctl_command *cmd = p->out->command;
    size_t i;

    for (i = 0; i < cmd->opt_count; i++) {
        if (p->seen[i] && strcmp(cmd->opts[i].field, cmd->opts[k].field) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/** @brief Try @p word as an option of the command. */
static ckctl_parse_status ckctl_command_opt(ckctl_parser *p, const char *word)
{
    const ckctl_command *cmd = p->out->command;
    const char *j;
    const char *v;
    size_t k;
    int prev;

    for (k = 0; k < cmd->opt_count; k++) {
        if (ckctl_is_opt(word, cmd->opts[k].name, &j)) {
            break;
        }
    }
    if (k == cmd->opt_count) {
        if (word[0] == '-') {
            return ckctl_usage(p, "unknown option %.*s for '%s'", ckctl_name_len(word), word,
                               cmd->words);
        }
        return ckctl_usage(p, "unexpected argument at position %d", p->i - 1);
    }
    prev = ckctl_field_seen(p, k);
    if (prev == (int)k) {
        return ckctl_usage(p, "%s given twice", cmd->opts[k].name);
    }
    if (prev >= 0) {
        return ckctl_usage(p, "give %s or %s, not both", cmd->opts[prev].name, cmd->opts[k].name);
    }
    p->seen[k] = true;
    if (cmd->opts[k].kind != CKCTL_OPT_VALUE) {
        if (j != NULL) {
            return ckctl_usage(p, "%s takes no value", cmd->opts[k].name);
        }
        ckctl_store(p, &cmd->opts[k], NULL);
        return CKCTL_PARSE_OK;
    }
    if (!ckctl_take_value(p, cmd->opts[k].name, j, &v)) {
        return CKCTL_PARSE_USAGE;
    }
    ckctl_store(p, &cmd->opts[k], v);
    return CKCTL_PARSE_OK;
}

/** @brief Every required field given? Names the first missing one. */
static ckctl_parse_status ckctl_check_required(ckctl_parser *p)
{
    const ckctl_command *cmd = p->out->command;
    size_t k;

    for (k = 0; k < cmd->opt_count; k++) {
        if (cmd->opts[k].required && ckctl_field_seen(p, k) < 0) {
            const ckctl_opt *alt = ckctl_alternative(cmd, k);
            if (alt != NULL) {
                return ckctl_usage(p, "missing %s or %s", cmd->opts[k].name, alt->name);
            }
            return ckctl_usage(p, "missing %s", cmd->opts[k].name);
        }
    }
    return CKCTL_PARSE_OK;
}

/** @brief Is @p group the first word (after @p api, "v1" or NULL) of some command? */
static bool ckctl_known_group(const char *api, const char *group)
{
    size_t k;

    for (k = 0; k < ckctl_command_count; k++) {
        const ckctl_command *c = &ckctl_commands[k];
        if ((api == NULL) == (c->api == NULL) && strcmp(c->group, group) == 0) {
            return true;
        }
    }
    return false;
}

/** @brief Note --help among the words left (the tool's help lists the commands). */
static bool ckctl_rest_asks_help(ckctl_parser *p)
{
    for (; p->i < p->argc; p->i++) {
        if (strcmp(p->argv[p->i], "-h") == 0 || strcmp(p->argv[p->i], "--help") == 0) {
            p->help = true;
        }
    }
    return p->help;
}

/** @brief Find the command from its words (or find that help was asked). */
static ckctl_parse_status ckctl_find(ckctl_parser *p)
{
    const char *api = NULL;
    const char *group;
    const char *verb;

    if (p->i >= p->argc) {
        return p->help ? CKCTL_PARSE_HELP : ckctl_usage(p, "missing COMMAND");
    }
    group = p->argv[p->i++];
    if (strcmp(group, "help") == 0) {
        p->help = true;
        if (p->i >= p->argc) {
            return CKCTL_PARSE_HELP;
        }
        group = p->argv[p->i++];
    }
    if (strcmp(group, "v1") == 0) {
        api = group;
        if (p->i >= p->argc || p->argv[p->i][0] == '-') {
            return ckctl_rest_asks_help(p)
                       ? CKCTL_PARSE_HELP
                       : ckctl_usage(p, "'v1' needs two more command words, e.g. 'v1 3ds enroll'");
        }
        group = p->argv[p->i++];
    }
    if (p->i >= p->argc || p->argv[p->i][0] == '-') {
        /* "ckctl card" or "ckctl card --help": the tool's help lists the verbs. */
        if (!ckctl_known_group(api, group)) {
            return ckctl_usage(p, "unknown command '%s%.40s'", api != NULL ? "v1 " : "", group);
        }
        if (ckctl_rest_asks_help(p)) {
            return CKCTL_PARSE_HELP;
        }
        return api != NULL ? ckctl_usage(p, "'v1 %.40s' needs a third command word", group)
                           : ckctl_usage(p, "'%.40s' needs a second command word", group);
    }
    verb = p->argv[p->i++];
    p->out->command = ckctl_find_command(api, group, verb);
    if (p->out->command == NULL) {
        return ckctl_usage(p, "unknown command '%s%.20s %.20s'", api != NULL ? "v1 " : "", group, verb);
    }
    return CKCTL_PARSE_OK;
}

void *ckctl_request(ckctl_args *args, const ckctl_command *cmd)
{
    return (unsigned char *)args + cmd->req_offset;
}

ckctl_parse_status ckctl_parse(int argc, char *const *argv, ckctl_args *out,
                               char *msg, size_t msg_cap)
{
    ckctl_parser p;
    ckctl_parse_status st;
    int g;

    memset(out, 0, sizeof *out);
    out->timeout_ms = CK_DEFAULT_TIMEOUT_MS;
    out->base_url = CK_V2_BASE_URL_STAGING;
    memset(&p, 0, sizeof p);
    p.argc = argc;
    p.argv = argv;
    p.i = 1;
    p.out = out;
    p.msg = msg;
    p.msg_cap = msg_cap;
    if (msg != NULL && msg_cap > 0u) {
        msg[0] = '\0';
    }

    while (p.i < argc && argv[p.i][0] == '-') {
        const char *word = argv[p.i++];
        g = ckctl_global(&p, word);
        if (g < 0) {
            return CKCTL_PARSE_USAGE;
        }
        if (g == 0) {
            return ckctl_usage(&p, "unknown option %.*s (global options come before COMMAND)",
                               ckctl_name_len(word), word);
        }
    }
    st = ckctl_find(&p);
    if (st != CKCTL_PARSE_OK) {
        return st;
    }
    while (p.i < argc) {
        const char *word = argv[p.i++];
        g = word[0] == '-' ? ckctl_global(&p, word) : 0;
        if (g < 0) {
            return CKCTL_PARSE_USAGE;
        }
        if (g == 0) {
            st = ckctl_command_opt(&p, word);
            if (st != CKCTL_PARSE_OK) {
                return st;
            }
        }
    }
    if (p.help) {
        return CKCTL_PARSE_HELP;
    }
    st = ckctl_check_globals(&p);
    if (st != CKCTL_PARSE_OK) {
        return st;
    }
    st = ckctl_resolve_url(&p);
    if (st != CKCTL_PARSE_OK) {
        return st;
    }
    return ckctl_check_required(&p);
}
