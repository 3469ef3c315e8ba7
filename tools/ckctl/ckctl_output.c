/**
 * @file ckctl_output.c
 * @brief What ckctl prints when a call ends: one JSON object on stdout for a
 * success (built with cardkit's own JSON writer), one line on stderr for a
 * failure. Neither ever holds a key, a token or cardholder data.
 */
#include <stdio.h>
#include <string.h>

#include "ckctl.h"

/**
 * @brief Room for the success object: ids given on the command line (at
 * most a few hundred bytes each in practice; a longer one makes ckctl say
 * the result could not be written) and up to CKCTL_V1_MAX_ENTRIES entries.
 */
#define CKCTL_JSON_OUT_MAX 4096u

size_t ckctl_escape(const char *in, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t len = 0;
    const unsigned char *s = (const unsigned char *)in;

    if (cap == 0u) {
        return 0;
    }
    for (; *s != '\0'; s++) {
        char esc[8];
        size_t n;
        unsigned c = *s;

        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            n = 2;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            esc[0] = '\\';
            esc[1] = c == '\n' ? 'n' : (c == '\r' ? 'r' : 't');
            n = 2;
        } else if (c < 0x20u || c == 0x7Fu) {
            esc[0] = '\\';
            esc[1] = 'x';
            esc[2] = hex[c >> 4];
            esc[3] = hex[c & 0xFu];
            n = 4;
        } else if (c == 0xC2u && s[1] >= 0x80u && s[1] <= 0x9Fu) {
            /* A C1 control character in UTF-8 (U+0080..U+009F), e.g. CSI. */
            c = s[1];
            s++;
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xFu];
            n = 6;
        } else {
            esc[0] = (char)c;
            n = 1;
        }
        if (len + n >= cap) {
            break;
        }
        memcpy(out + len, esc, n);
        len += n;
    }
    out[len] = '\0';
    return len;
}

/** @brief Write `"key": "value"`, or `"key": null` when @p value is empty. */
ck_err ckctl_member_or_null(ck_json_writer *w, const char *key, const char *value)
{
    if (value[0] == '\0') {
        CK_RETURN_IF_FAILED(ck_json_key(w, key));
        return ck_json_null(w);
    }
    return ck_json_member_string(w, key, value);
}

/** @brief Write `"key": n`. */
ck_err ckctl_member_int(ck_json_writer *w, const char *key, int64_t n)
{
    CK_RETURN_IF_FAILED(ck_json_key(w, key));
    return ck_json_int(w, n);
}

/**
 * @brief Write `"key": "value"` for text that came from the server, with
 * DEL and C1 control characters (which the JSON writer keeps) shown as '?',
 * so that an answer cannot drive a terminal. Control characters below 0x20
 * are escaped by the writer.
 */
ck_err ckctl_member_server_text(ck_json_writer *w, const char *key, const char *value)
{
    char clean[CK_API_MESSAGE_MAX > CK_V1_DEST_SIZE ? CK_API_MESSAGE_MAX : CK_V1_DEST_SIZE];
    const unsigned char *s = (const unsigned char *)value;
    size_t n = 0;

    for (; *s != '\0' && n + 1u < sizeof clean; s++) {
        if (*s == 0x7Fu) {
            clean[n++] = '?';
        } else if (*s == 0xC2u && s[1] >= 0x80u && s[1] <= 0x9Fu) {
            clean[n++] = '?';
            s++;
        } else {
            clean[n++] = (char)*s;
        }
    }
    clean[n] = '\0';
    return ck_json_member_string(w, key, clean);
}

/** @brief The v1 members: the four ids, then the OTP method or the GET entries. */
static ck_err ckctl_v1_json(ck_json_writer *w, const ckctl_args *args, const ckctl_outcome *o)
{
    const ckctl_v1_args *a = &args->v1;
    size_t i;
    size_t n = o->entry_count < CKCTL_V1_MAX_ENTRIES ? o->entry_count : CKCTL_V1_MAX_ENTRIES;

    CK_RETURN_IF_FAILED(ck_json_member_string(w, "product_id", a->product_id));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "cardholder_id", a->cardholder_id));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "wallet_id", a->wallet_id));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "card_id", a->card_id));
    if (a->otp != NULL) {
        CK_RETURN_IF_FAILED(ck_json_member_string(w, "otp_delivery_method", a->otp));
    }
    if (args->command->id != CKCTL_CMD_V1_GET) {
        return CK_OK;
    }
    CK_RETURN_IF_FAILED(ck_json_key(w, "entries"));
    CK_RETURN_IF_FAILED(ck_json_array_begin(w));
    for (i = 0; i < n; i++) {
        const ck_v1_3ds_entry *e = &o->entries[i];
        CK_RETURN_IF_FAILED(ck_json_object_begin(w));
        CK_RETURN_IF_FAILED(ckctl_member_server_text(w, "otp_delivery_method", e->otp_delivery_method));
        CK_RETURN_IF_FAILED(ckctl_member_server_text(w, "destination", e->destination));
        CK_RETURN_IF_FAILED(ckctl_member_server_text(w, "status", e->status));
        CK_RETURN_IF_FAILED(ck_json_object_end(w));
    }
    return ck_json_array_end(w);
}

/**
 * @brief Build the success object of @p args' command into @p w.
 * v2: "request_id" is the server's X-Request-Id. v1: "request_id" is the
 * idempotency key the call used (give it to --request-id to repeat the
 * call safely) and "server_request_id" the server's X-Request-Id.
 */
static ck_err ckctl_success_json(ck_json_writer *w, const ckctl_args *args,
                                 const ckctl_outcome *outcome, const ck_result *res)
{
    const ckctl_command *cmd = args->command;

    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    CK_RETURN_IF_FAILED(ck_json_member_bool(w, "ok", true));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "operation", cmd->operation));
    switch (cmd->id) {
    case CKCTL_CMD_CARD_APPLY:
        CK_RETURN_IF_FAILED(ck_json_member_string(w, "card_id", outcome->card.card_id));
        break;
    case CKCTL_CMD_3DS_ENROLL:
    case CKCTL_CMD_3DS_UPDATE:
        CK_RETURN_IF_FAILED(ck_json_member_string(w, "card_id", args->threeds.card_id));
        CK_RETURN_IF_FAILED(ck_json_member_string(w, "cardholder_id", args->threeds.cardholder_id));
        break;
    case CKCTL_CMD_CONTACT_UPDATE:
        CK_RETURN_IF_FAILED(ck_json_member_string(w, "cardholder_id", args->contact.cardholder_id));
        break;
    case CKCTL_CMD_V1_ENROLL:
    case CKCTL_CMD_V1_GET:
    case CKCTL_CMD_V1_UPDATE:
    case CKCTL_CMD_V1_UNENROLL:
        CK_RETURN_IF_FAILED(ckctl_v1_json(w, args, outcome));
        break;
    case CKCTL_CMD_NONE:
    default:
        return CK_ERR_INVALID_ARG;
    }
    CK_RETURN_IF_FAILED(ckctl_member_int(w, "http_status", res->http_status));
    if (CKCTL_IS_V1(cmd)) {
        CK_RETURN_IF_FAILED(ckctl_member_or_null(w, "request_id", outcome->v1.request_id));
        CK_RETURN_IF_FAILED(ckctl_member_or_null(w, "server_request_id", res->request_id));
    } else {
        CK_RETURN_IF_FAILED(ckctl_member_or_null(w, "request_id", res->request_id));
    }
    CK_RETURN_IF_FAILED(ckctl_member_int(w, "attempts", res->attempts));
    CK_RETURN_IF_FAILED(ckctl_member_int(w, "elapsed_ms", res->elapsed_ms));
    return ck_json_object_end(w);
}

int ckctl_print_success(FILE *out, const ckctl_args *args, const ckctl_outcome *outcome,
                        const ck_result *res)
{
    static char buf[CKCTL_JSON_OUT_MAX];
    ck_json_writer w;
    size_t len = 0;

    ck_json_writer_init(&w, buf, sizeof buf);
    if (ckctl_success_json(&w, args, outcome, res) != CK_OK || ck_json_writer_finish(&w, &len) != CK_OK) {
        return -1;
    }
    if (fwrite(buf, 1, len, out) != len || fputc('\n', out) == EOF || fflush(out) != 0) {
        return -1;
    }
    return 0;
}

/** @brief Describe an invalid field by the option that carries it. */
static void ckctl_describe_field(char *buf, size_t cap, const ckctl_command *cmd, const char *field)
{
    const ckctl_opt *opt = ckctl_find_field(cmd, field);

    if (opt != NULL) {
        (void)snprintf(buf, cap, "invalid %s: %s", opt->name, opt->help);
    } else {
        (void)snprintf(buf, cap, "invalid %s", field != NULL ? field : "argument");
    }
}

/** @brief The description of a failed call: by field, by cause, or from the table. */
static void ckctl_describe(char *buf, size_t cap, const ckctl_command *cmd, const ck_result *res)
{
    int code = ckctl_exit_code(res->err, res->progress);

    if (res->err == CK_ERR_INVALID_ARG) {
        ckctl_describe_field(buf, cap, cmd, res->field);
    } else if (res->err == CK_ERR_BUFFER_TOO_SMALL && code == CKCTL_EXIT_USAGE) {
        (void)snprintf(buf, cap, "the request does not fit the %u-byte work buffer: shorten a field; "
                                 "nothing was sent", (unsigned)CK_WORK_BUF_SIZE);
    } else if (res->err == CK_ERR_BUFFER_TOO_SMALL && cmd->id == CKCTL_CMD_V1_GET) {
        (void)snprintf(buf, cap, "the answer holds more entries, or longer fields, than ckctl shows "
                                 "(at most %u entries)", (unsigned)CKCTL_V1_MAX_ENTRIES);
    } else if (res->err == CK_ERR_BUFFER_TOO_SMALL) {
        (void)snprintf(buf, cap, "the answer does not fit the result: the operation was applied");
    } else if (res->err == CK_ERR_OUTCOME_UNKNOWN && res->cause != CK_OK && CKCTL_IS_V1(cmd)) {
        (void)snprintf(buf, cap, "%s; cause: %s; repeat it with the same --request-id and the issuer "
                                 "applies it at most once",
                       ckctl_err_description(res->err), ck_strerror(res->cause));
    } else if (res->err == CK_ERR_OUTCOME_UNKNOWN && res->cause != CK_OK) {
        (void)snprintf(buf, cap, "%s; cause: %s", ckctl_err_description(res->err), ck_strerror(res->cause));
    } else if (code == CKCTL_EXIT_NOT_SENT) {
        (void)snprintf(buf, cap, "%s; nothing was sent", ckctl_err_description(res->err));
    } else {
        (void)snprintf(buf, cap, "%s", ckctl_err_description(res->err));
    }
}

void ckctl_print_failure(FILE *err, const ckctl_command *cmd, const ck_result *res,
                         const char *request_id)
{
    char desc[320];
    char msg[CK_API_MESSAGE_MAX * 6u];

    ckctl_describe(desc, sizeof desc, cmd, res);
    fprintf(err, "ckctl: %s failed: %s (%s)", cmd->operation, ck_strerror(res->err), desc);
    if (res->http_status != 0u) {
        fprintf(err, ": HTTP %u", (unsigned)res->http_status);
    }
    if (res->api_message[0] != '\0') {
        (void)ckctl_escape(res->api_message, msg, sizeof msg);
        fprintf(err, ": server said \"%s%s\"", msg, res->api_message_truncated ? "..." : "");
    } else if (res->api_message_truncated) {
        fputs(": the server's message is too long to show", err);
    }
    if (request_id != NULL && request_id[0] != '\0') {
        (void)ckctl_escape(request_id, msg, sizeof msg);
        fprintf(err, ": request id %s", msg);
    }
    fputc('\n', err);
}

void ckctl_print_setup_failure(FILE *err, const ckctl_command *cmd, ck_err e, const char *what)
{
    fprintf(err, "ckctl: %s failed: %s (%s)\n", cmd->operation, ck_strerror(e), what);
}
