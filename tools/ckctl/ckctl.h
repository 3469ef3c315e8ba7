/**
 * @file ckctl.h
 * @brief Private to ckctl: the parsed command line, the command and option
 * tables, the exit codes, and the functions the ckctl files share.
 *
 * ckctl is a host tool over the public cardkit API only (include/cardkit,
 * port/posix, port/mbedtls); it never reaches into lib/.
 */
#ifndef CKCTL_H
#define CKCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cardkit/cardkit.h"

/** @brief ckctl's exit codes: a contract with the scripts that call it. */
enum ckctl_exit {
    CKCTL_EXIT_OK = 0,               /**< success: one JSON object on stdout */
    CKCTL_EXIT_INTERNAL = 1,         /**< ckctl itself failed (e.g. stdout could not be written) */
    CKCTL_EXIT_USAGE = 2,            /**< usage or invalid input: nothing was sent */
    CKCTL_EXIT_UNAUTHORIZED = 3,     /**< 401 */
    CKCTL_EXIT_FORBIDDEN = 4,        /**< 403 */
    CKCTL_EXIT_NOT_FOUND = 5,        /**< 404 */
    CKCTL_EXIT_CONFLICT = 6,         /**< 409 */
    CKCTL_EXIT_CLIENT_ERROR = 7,     /**< any other 4xx (400, 429, ...) */
    CKCTL_EXIT_SERVER_ERROR = 8,     /**< 5xx */
    CKCTL_EXIT_NOT_SENT = 9,         /**< transport or TLS failure before the request was sent */
    CKCTL_EXIT_OUTCOME_UNKNOWN = 10, /**< it may have been applied (ck_result::applied is MAYBE) */
    CKCTL_EXIT_BAD_RESPONSE = 11     /**< malformed, unexpected or oversized response */
};

/** @brief The commands. */
typedef enum ckctl_cmd {
    CKCTL_CMD_NONE = 0,       /**< no command (tool help) */
    CKCTL_CMD_CARD_APPLY,     /**< card apply */
    CKCTL_CMD_3DS_ENROLL,     /**< 3ds enroll */
    CKCTL_CMD_3DS_UPDATE,     /**< 3ds update */
    CKCTL_CMD_CONTACT_UPDATE, /**< contact update */
    CKCTL_CMD_V1_ENROLL,      /**< v1 3ds enroll */
    CKCTL_CMD_V1_GET,         /**< v1 3ds get */
    CKCTL_CMD_V1_UPDATE,      /**< v1 3ds update */
    CKCTL_CMD_V1_UNENROLL     /**< v1 3ds unenroll */
} ckctl_cmd;

/** @brief What a command option does with its value. */
typedef enum ckctl_opt_kind {
    CKCTL_OPT_VALUE = 0, /**< takes a value: stores a `const char *` at ckctl_opt::offset */
    CKCTL_OPT_SET_TRUE,  /**< a flag: stores true in the `bool` at ckctl_opt::offset */
    CKCTL_OPT_SET_FALSE  /**< a flag: stores false in the `bool` at ckctl_opt::offset */
} ckctl_opt_kind;

/**
 * @brief One option of a command. Options that share a ckctl_opt::field are
 * alternatives (e.g. --coupon and --no-coupon): at most one may be given,
 * and when one of them is required, one must be.
 */
typedef struct ckctl_opt {
    const char *name;     /**< "--mobile" */
    const char *metavar;  /**< "DIGITS"; NULL for a flag */
    ckctl_opt_kind kind;  /**< value or flag */
    bool required;        /**< must be given */
    const char *field;    /**< the request's JSON field (what ck_result::field names) */
    size_t offset;        /**< of the member in the command's request struct */
    const char *help;     /**< the rule, shown in help and in "invalid --x: <help>" */
} ckctl_opt;

/** @brief One command: its words, its operation name and its options. */
typedef struct ckctl_command {
    ckctl_cmd id;           /**< which */
    const char *api;        /**< leading API word: "v1", or NULL for the v2 commands */
    const char *group;      /**< first word (after the API word): "card" */
    const char *verb;       /**< second word: "apply" */
    const char *words;      /**< all its words, for messages: "card apply", "v1 3ds get" */
    const char *operation;  /**< name in output and messages: "card.apply" */
    const char *summary;    /**< one line of help */
    size_t req_offset;      /**< of the request struct in ::ckctl_args */
    const ckctl_opt *opts;  /**< its options */
    size_t opt_count;       /**< how many */
} ckctl_command;

/** @brief Most options a command has (contact update has 12). */
#define CKCTL_MAX_OPTS 16u

/** @brief Most GET entries ckctl shows (the default JSON token budget allows 3). */
#define CKCTL_V1_MAX_ENTRIES 8u

/**
 * @brief The options of a v1 command as given (strings point into argv);
 * ckctl_v1_request() turns them into a ::ck_v1_req.
 */
typedef struct ckctl_v1_args {
    const char *product_id;    /**< --product-id (x-product-id) */
    const char *cardholder_id; /**< --cardholder-id (x-cardholder-id) */
    const char *wallet_id;     /**< --wallet-id (x-wallet-id) */
    const char *card_id;       /**< --card-id (x-card-id) */
    const char *client_id;     /**< --client-id (x-client-id), or NULL */
    const char *request_id;    /**< --request-id (x-request-id), or NULL: the library makes one */
    const char *otp;           /**< --otp EMAIL|SMS (enroll, update), else NULL */
} ckctl_v1_args;

/** @brief Is @p cmd one of the v1 commands? */
#define CKCTL_IS_V1(cmd) ((cmd) != NULL && (cmd)->api != NULL)

/** @brief The parsed command line. Strings point into argv. */
typedef struct ckctl_args {
    const char *base_url;         /**< resolved: --base-url, else --env's URL, else staging */
    const char *ca_file;          /**< --ca-file, or NULL for the system bundle */
    uint32_t timeout_ms;          /**< --timeout-ms, or CK_DEFAULT_TIMEOUT_MS */
    bool verbose;                 /**< -v */
    const ckctl_command *command; /**< the command, or NULL (tool help) */
    ck_card_apply_req card;       /**< card apply */
    ck_3ds_req threeds;           /**< 3ds enroll, 3ds update */
    ck_contact_req contact;       /**< contact update */
    ckctl_v1_args v1;             /**< v1 3ds enroll|get|update|unenroll */
} ckctl_args;

/** @brief What a call produced, for the output. */
typedef struct ckctl_outcome {
    ck_card_apply_resp card;                         /**< card apply */
    ck_v1_req v1;                                    /**< v1: the request, its key filled in by the call */
    ck_v1_3ds_entry entries[CKCTL_V1_MAX_ENTRIES];   /**< v1 get */
    size_t entry_count;                              /**< entries in the answer */
} ckctl_outcome;

/** @brief What ckctl_parse() found. */
typedef enum ckctl_parse_status {
    CKCTL_PARSE_OK = 0, /**< run ckctl_args::command */
    CKCTL_PARSE_HELP,   /**< print help for ckctl_args::command (NULL: the tool) */
    CKCTL_PARSE_USAGE   /**< usage error; the message says what */
} ckctl_parse_status;

/* ckctl_table.c ----------------------------------------------------------- */

/** @brief The command table and its length. */
extern const ckctl_command ckctl_commands[];
extern const size_t ckctl_command_count;

/** @brief The command named by @p api ("v1" or NULL), @p group and @p verb, or NULL. */
const ckctl_command *ckctl_find_command(const char *api, const char *group, const char *verb);

/** @brief The first option of @p cmd for JSON field @p field, or NULL. */
const ckctl_opt *ckctl_find_field(const ckctl_command *cmd, const char *field);

/**
 * @brief The option that shares its field with option @p k of @p cmd (its
 * neighbour in the table, as --coupon and --no-coupon), or NULL.
 */
const ckctl_opt *ckctl_alternative(const ckctl_command *cmd, size_t k);

/* ckctl_args.c ------------------------------------------------------------ */

/** @brief The global options that take a value ("--env", ...) and how many. */
extern const char *const *const ckctl_global_value_names;
extern const size_t ckctl_global_value_count;

/**
 * @brief Parse the command line. Pure: reads no environment, prints nothing.
 * @param argc, argv As given to main (argv[0] is skipped).
 * @param out  Filled; strings point into @p argv.
 * @param msg  Set to the usage error (without "ckctl: ") on CKCTL_PARSE_USAGE.
 * @param msg_cap Size of @p msg.
 */
ckctl_parse_status ckctl_parse(int argc, char *const *argv, ckctl_args *out,
                               char *msg, size_t msg_cap);

/** @brief The request struct of @p args that @p cmd fills. */
void *ckctl_request(ckctl_args *args, const ckctl_command *cmd);

/* ckctl_exit.c ------------------------------------------------------------ */

/**
 * @brief The exit code for an error: one table for every ::ck_err.
 * Errors that can happen on either side of sending (transport failures, a
 * buffer too small) take their code from @p progress.
 */
int ckctl_exit_code(ck_err err, ck_progress progress);

/** @brief A short readable description of @p err (never NULL). */
const char *ckctl_err_description(ck_err err);

/* ckctl_help.c ------------------------------------------------------------ */

/** @brief Write the synopsis of @p cmd ("card apply --product CODE ...") into @p buf. */
void ckctl_synopsis(const ckctl_command *cmd, char *buf, size_t cap);

/** @brief Print the help of @p cmd, or of the tool when @p cmd is NULL. */
void ckctl_print_help(FILE *out, const ckctl_command *cmd);

/* ckctl_output.c ---------------------------------------------------------- */

/**
 * @brief Copy @p in to @p out (NUL-terminated, cut to fit) with `"`, `\`,
 * control characters, DEL and C1 controls escaped, so that a server's
 * message cannot forge lines or drive a terminal.
 * @return The length written (without the NUL).
 */
size_t ckctl_escape(const char *in, char *out, size_t cap);

/** @brief Write `"key": "value"`, or `"key": null` when @p value is empty. */
ck_err ckctl_member_or_null(ck_json_writer *w, const char *key, const char *value);

/** @brief Write `"key": n`. */
ck_err ckctl_member_int(ck_json_writer *w, const char *key, int64_t n);

/**
 * @brief Write `"key": "value"` for text that came from the server, with DEL
 * and C1 control characters shown as '?' (the JSON writer escapes the rest).
 */
ck_err ckctl_member_server_text(ck_json_writer *w, const char *key, const char *value);

/**
 * @brief Print the one JSON object of a success on @p out.
 * @return 0, or -1 when it could not be built or written.
 */
int ckctl_print_success(FILE *out, const ckctl_args *args, const ckctl_outcome *outcome,
                        const ck_result *res);

/**
 * @brief Print the one failure line on @p err:
 * `ckctl: OP failed: NAME (description)[: HTTP n][: server said "msg"][: request id KEY]`.
 * For CK_ERR_INVALID_ARG the description names the option (ck_result::field).
 * @param request_id v1: the idempotency key the call used (so that the
 *        call can be repeated with it); NULL or "" for none.
 */
void ckctl_print_failure(FILE *err, const ckctl_command *cmd, const ck_result *res,
                         const char *request_id);

/**
 * @brief Print a failure of @p cmd that happened before any call:
 * `ckctl: OP failed: NAME (what)`.
 */
void ckctl_print_setup_failure(FILE *err, const ckctl_command *cmd, ck_err e, const char *what);

/* ckctl_log.c ------------------------------------------------------------- */

/** @brief The log hook's state. */
typedef struct ckctl_log_state {
    FILE *out;           /**< -v: where to log; NULL: log nothing */
} ckctl_log_state;

/** @brief The log hook: @p ctx is a ::ckctl_log_state; prints when its out is set (-v). */
void ckctl_log(void *ctx, const ck_log_event *event);

/* ckctl_commands.c -------------------------------------------------------- */

/**
 * @brief Check the request of @p args without sending it.
 * @param today Today's date, or NULL to skip the date-in-the-past checks.
 * @return CK_OK or CK_ERR_INVALID_ARG with *out_field set.
 */
ck_err ckctl_check(const ckctl_args *args, const ck_date *today, const char **out_field);

/**
 * @brief The ::ck_v1_req of a v1 command: ids, OTP method, and the
 * --request-id copied in (else "" so that the library makes a key).
 * @return CK_OK, or CK_ERR_INVALID_ARG with *out_field set ("otp_delivery_method",
 *         "x-request-id") for what the library cannot take as given.
 */
ck_err ckctl_v1_request(const ckctl_args *args, ck_v1_req *out, const char **out_field);

/** @brief Run the command of @p args through @p client. */
ck_err ckctl_run(const ckctl_args *args, ck_client *client, ckctl_outcome *out,
                 ck_result *out_result);

#endif /* CKCTL_H */
