/**
 * @file ckctl_help.c
 * @brief `ckctl --help` and `ckctl COMMAND --help`, built from the command
 * table so that help and parsing cannot disagree.
 */
#include <stdio.h>
#include <string.h>

#include "ckctl.h"

/** @brief Append @p s to @p buf (cap @p cap) at *len, cutting when full. */
static void ckctl_append(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s);

    if (*len >= cap) {
        return;
    }
    if (n > cap - 1u - *len) {
        n = cap - 1u - *len;
    }
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = '\0';
}

void ckctl_synopsis(const ckctl_command *cmd, char *buf, size_t cap)
{
    size_t len = 0;
    size_t k;

    if (cap == 0u) {
        return;
    }
    buf[0] = '\0';
    ckctl_append(buf, cap, &len, cmd->words);
    for (k = 0; k < cmd->opt_count; k++) {
        const ckctl_opt *o = &cmd->opts[k];
        const ckctl_opt *alt = ckctl_alternative(cmd, k);
        bool alt_next = alt != NULL && alt > o;
        bool alt_prev = alt != NULL && alt < o;

        ckctl_append(buf, cap, &len, alt_prev ? "|" : " ");
        if (!alt_prev) {
            ckctl_append(buf, cap, &len, alt_next ? (o->required ? "(" : "[") : (o->required ? "" : "["));
        }
        ckctl_append(buf, cap, &len, o->name);
        if (o->metavar != NULL) {
            ckctl_append(buf, cap, &len, " ");
            ckctl_append(buf, cap, &len, o->metavar);
        }
        if (!alt_next) {
            ckctl_append(buf, cap, &len, alt_prev ? (o->required ? ")" : "]") : (o->required ? "" : "]"));
        }
    }
}

/** @brief Width help text is wrapped to. */
#define CKCTL_HELP_WIDTH 79u

/**
 * @brief Print @p text, which starts at column @p col, wrapped to
 * CKCTL_HELP_WIDTH; continuation lines start with @p indent. A synopsis
 * (@p synopsis true) breaks only before " -", " [" or " (", so that an
 * option stays with its value name; other text breaks at any space.
 */
static void ckctl_print_wrapped(FILE *out, size_t col, const char *text, const char *indent,
                                bool synopsis)
{
    const char *p = text;

    while (*p != '\0') {
        const char *q = p + 1;
        size_t n;

        while (*q != '\0' &&
               !(q[0] == ' ' && (!synopsis || q[1] == '-' || q[1] == '[' || q[1] == '('))) {
            q++;
        }
        n = (size_t)(q - p);
        if (col + n > CKCTL_HELP_WIDTH && p != text) {
            fprintf(out, "\n%s", indent);
            col = strlen(indent);
            p++; /* the space */
            n--;
        }
        fwrite(p, 1, n, out);
        col += n;
        p = q;
    }
    fputc('\n', out);
}

/** @brief The parts of the help every page shares: output, credentials, exit codes. */
static void ckctl_print_contract(FILE *out)
{
    fputs("Credentials come only from the environment (never from the command line):\n"
          "  CK_API_KEY       the API key (sent as x-api-key); required\n"
          "  CK_ACCESS_TOKEN  the access token (sent as Authorization: Bearer); required\n"
          "                   for v2, optional for v1 (unset or empty: no Authorization)\n"
          "\n"
          "Output:\n"
          "  success: exit 0 and one JSON object on stdout, e.g.\n"
          "    {\"ok\":true,\"operation\":\"card.apply\",\"card_id\":\"...\",\"http_status\":200,\n"
          "     \"request_id\":\"...\",\"attempts\":1,\"elapsed_ms\":42}\n"
          "  v1: the four ids, \"otp_delivery_method\" (enroll, update) or \"entries\" (get:\n"
          "  an array of {otp_delivery_method, destination, status}); \"request_id\" is the\n"
          "  idempotency key sent as x-request-id (keep it: the same call with\n"
          "  --request-id KEY is applied at most once) and \"server_request_id\" the\n"
          "  server's X-Request-Id.\n"
          "  failure: one line on stderr:\n"
          "    ckctl: OPERATION failed: CK_ERR_NAME (description)[: HTTP status]\n"
          "           [: server said \"message\"][: request id KEY (v1)]\n"
          "\n"
          "Exit codes:\n"
          "   0  success\n"
          "   1  ckctl itself failed (e.g. stdout could not be written)\n"
          "   2  usage or invalid input, or missing credentials: nothing was sent\n"
          "   3  401 unauthorized      4  403 forbidden      5  404 not found\n"
          "   6  409 conflict (e.g. already enrolled)\n"
          "   7  400 bad request, 429 rate limited (not applied)\n"
          "   8  503 with Retry-After: busy, not applied\n"
          "   9  connection, TLS or certificate failure before the request was sent\n"
          "  10  outcome unknown: the operation may have been applied (a lost answer,\n"
          "      500/502/504, an answer that cannot be read, ...): check before you\n"
          "      repeat it (v1: repeat it with the same --request-id; the issuer\n"
          "      applies it once)\n"
          "  11  malformed, unexpected or oversized answer to a read (v1 get)\n",
          out);
}

/** @brief Help of the whole tool. */
static void ckctl_print_tool_help(FILE *out)
{
    char syn[512];
    size_t k;

    fputs("Usage: ckctl [GLOBAL OPTIONS] COMMAND [OPTIONS]\n"
          "\n"
          "Calls the card-issuance API v2, or the 3DS program API v1 (the 'v1 3ds'\n"
          "commands), over verified TLS, one operation per run.\n"
          "\n"
          "Global options:\n"
          "  --env production|staging  the documented v2 base URL of that environment\n"
          "                            (default: staging; not for v1)\n"
          "  --base-url URL            the issuer's base URL, https:// only: v2, all before\n"
          "                            /api/issuing/... (default: the staging URL,\n"
          "                            " CK_V2_BASE_URL_STAGING ");\n"
          "                            v1, the provider's {{baseUrl}}, all before\n"
          "                            /issuing/api/v1/... (required: no default)\n"
          "  --ca-file PEM             CA bundle that verifies the server\n"
          "                            (default: the system bundle)\n"
          "  --timeout-ms N            deadline of the whole call, 100..600000 ms\n"
          "                            (default: 15000)\n"
          "  -v                        log request lines, statuses, timing, retries to\n"
          "                            stderr (never a key, token or cardholder data)\n"
          "  -h, --help                this help; 'ckctl COMMAND --help' for one command\n"
          "\n"
          "Commands:\n",
          out);
    for (k = 0; k < ckctl_command_count; k++) {
        ckctl_synopsis(&ckctl_commands[k], syn, sizeof syn);
        fputs("  ", out);
        ckctl_print_wrapped(out, 2, syn, "        ", true);
        fprintf(out, "      %s\n", ckctl_commands[k].summary);
    }
    fputs("  batch check FILE | batch run FILE --journal J [...]\n"
          "      many operations from a CSV or JSON Lines file, resumable (ckctl batch --help)\n",
          out);
    fputc('\n', out);
    ckctl_print_contract(out);
}

void ckctl_print_help(FILE *out, const ckctl_command *cmd)
{
    char syn[512];
    size_t k;

    if (cmd == NULL) {
        ckctl_print_tool_help(out);
        return;
    }
    ckctl_synopsis(cmd, syn, sizeof syn);
    fputs("Usage: ckctl [GLOBAL OPTIONS] ", out);
    ckctl_print_wrapped(out, 30, syn, "         ", true);
    fprintf(out, "\n%c%s.\n\nOptions:\n",
            cmd->summary[0] >= 'a' && cmd->summary[0] <= 'z' ? (char)(cmd->summary[0] - 'a' + 'A')
                                                            : cmd->summary[0],
            cmd->summary + 1);
    for (k = 0; k < cmd->opt_count; k++) {
        const ckctl_opt *o = &cmd->opts[k];
        const ckctl_opt *alt = ckctl_alternative(cmd, k);
        char left[40];
        char text[256];

        (void)snprintf(left, sizeof left, "%s%s%s", o->name, o->metavar != NULL ? " " : "",
                       o->metavar != NULL ? o->metavar : "");
        if (!o->required) {
            (void)snprintf(text, sizeof text, "%s", o->help);
        } else if (alt != NULL) {
            (void)snprintf(text, sizeof text, "%s (this or %s: required)", o->help, alt->name);
        } else {
            (void)snprintf(text, sizeof text, "%s (required)", o->help);
        }
        fprintf(out, "  %-24s ", left);
        ckctl_print_wrapped(out, 27, text, "                           ", false);
    }
    if (CKCTL_IS_V1(cmd)) {
        fputs("\nGlobal options (--base-url, required here; --ca-file, --timeout-ms, -v):\n"
              "see 'ckctl --help'.\n\n",
              out);
    } else {
        fputs("\nGlobal options (--env, --base-url, --ca-file, --timeout-ms, -v):\n"
              "see 'ckctl --help'.\n\n",
              out);
    }
    ckctl_print_contract(out);
}
