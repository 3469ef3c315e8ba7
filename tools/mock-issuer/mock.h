/**
 * @file mock.h
 * @brief ck-mock-issuer: a small HTTPS issuer used by cardkit's integration
 * tests and by `make demo`. Private to tools/mock-issuer/.
 *
 * Pieces, one job per file:
 *  - main.c    command line, seed data, start-up, exit code
 *  - server.c  listening socket, TLS (mbedTLS server side), the poll loop,
 *              per-connection state machines, fault injection on the wire
 *  - http.c    request parser and response writer (head, chunked framing)
 *  - routes.c  the route table, authentication, dispatch, error bodies,
 *              the /__mock/state endpoint
 *  - api_v2.c  the four v2 endpoints and their validation
 *  - api_v1.c  the v1 3DS resource (POST/GET/PATCH/DELETE, ids in headers)
 *              and its de-duplication by x-request-id
 *  - state.c   the in-memory issuer: products, budgets, cardholders, cards,
 *              v1 enrollments and the table of idempotency keys
 *  - faults.c  seeded random faults (--fault-rate) and the ledger (--ledger)
 *
 * It is a host tool: it may use libc freely, but keeps to fixed arrays.
 * It is single-threaded: one poll loop serves several keep-alive
 * connections; a connection is either reading a request, waiting to answer
 * (delay, split pauses) or writing the answer.
 */
#ifndef CK_MOCK_H
#define CK_MOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cardkit/ck_json.h"

/* ------------------------------------------------------------------------ */
/* Limits                                                                    */
/* ------------------------------------------------------------------------ */

/** @brief Largest request (head and body) a connection buffers. */
#define MOCK_REQ_MAX 16384u
/** @brief Largest request head (request line and headers). */
#define MOCK_HEAD_MAX 8192u
/** @brief Most header fields in one request. */
#define MOCK_MAX_HEADERS 48u
/** @brief Largest response body. */
#define MOCK_BODY_MAX 4096u
/** @brief Largest response on the wire (head, body, chunk framing). */
#define MOCK_TX_MAX (MOCK_BODY_MAX + 1024u)
/** @brief JSON tokens for one request body. */
#define MOCK_JSON_TOKENS 256u
/** @brief Longest id (card, cardholder, budget, product). */
#define MOCK_ID_MAX 64u
/** @brief Longest remark the mock keeps (longer ones are refused). */
#define MOCK_REMARK_MAX 1024u
/** @brief Simultaneous connections (ckctl batch runs up to 32 jobs). */
#define MOCK_MAX_CONN 40u
/** @brief Seeded products, budgets and cardholders (each). */
#define MOCK_MAX_SEED 64u
/** @brief Cards one run can hold (issued and seeded; --seed-cards for benchmarks). */
#define MOCK_MAX_CARDS 20000u
/** @brief --drop-after-request may be given this many times. */
#define MOCK_MAX_DROPS 16u
/** @brief v1 enrollments one run can hold (one per product, cardholder, wallet, card). */
#define MOCK_V1_MAX_ENROLLMENTS 1024u
/** @brief Idempotency keys remembered (the most recent ones; older ones are forgotten). */
#define MOCK_V1_MAX_KEYS 256u
/** @brief Longest x-request-id accepted. */
#define MOCK_V1_KEY_MAX 64u
/** @brief Largest stored answer (POST, PATCH and DELETE answers are short). */
#define MOCK_V1_ANSWER_MAX 512u
/** @brief Most detail entries --v1-entries can ask for. */
#define MOCK_V1_MAX_ENTRIES 16u
/** @brief What identifies a v1 request for de-duplication: method, four ids, OTP method. */
#define MOCK_V1_FINGERPRINT_MAX (16u + 4u * (MOCK_ID_MAX + 1u) + 16u)

/* ------------------------------------------------------------------------ */
/* Configuration (main.c)                                                    */
/* ------------------------------------------------------------------------ */

/** @brief Everything the command line sets. */
typedef struct mock_config {
    unsigned port;               /**< --port (0: any) */
    const char *ready_file;      /**< --ready-file, or NULL */
    const char *cert_file;       /**< --cert */
    const char *key_file;        /**< --key */
    bool plain;                  /**< --plain: HTTP without TLS (debugging only) */
    const char *api_key;         /**< --api-key: expected x-api-key */
    const char *token;           /**< --token: expected bearer token */
    const char *path_prefix;     /**< --path-prefix, or NULL (then "" and "/card/issuance" both work) */
    unsigned long max_requests;  /**< --max-requests (0: no limit) */
    unsigned long idle_exit_ms;  /**< --idle-exit-ms (0: never) */
    unsigned long read_timeout_ms;      /**< --read-timeout-ms: handshake and partial request */
    unsigned long keepalive_ms;         /**< --keepalive-ms: idle keep-alive connection */
    bool chunked;                /**< --chunked */
    unsigned long split;         /**< --split N (0: off) */
    unsigned long split_pause_ms;       /**< --split-pause-ms */
    unsigned long delay_ms;      /**< --delay-ms */
    unsigned long delay_count;   /**< --delay-count N: delay only the first N API requests (0: all) */
    unsigned long drop_after[MOCK_MAX_DROPS]; /**< --drop-after-request N (1-based API request numbers) */
    size_t drop_count;           /**< entries in drop_after */
    bool close_after_response;   /**< --close-after-response */
    bool enroll_false;           /**< --enroll-false */
    unsigned long fail_first;    /**< --fail-first N: answer the first N API requests with fail_status */
    unsigned fail_status;        /**< --fail-status (default 503) */
    unsigned long retry_after_s; /**< --retry-after S on those answers (0: no header) */
    unsigned long v1_entries;    /**< --v1-entries N: detail entries a v1 GET returns (default 1) */
    unsigned long fault_pct;     /**< --fault-rate PCT: share of API requests that fail (0..100) */
    unsigned long fault_seed;    /**< --fault-seed N: which ones (same seed, same request numbers) */
    unsigned fault_kinds;        /**< --fault-kinds: MOCK_FAULT_* bits (default all) */
    const char *ledger;          /**< --ledger FILE: one line per applied operation, or NULL */
    bool log;                    /**< --log */
} mock_config;

/** @brief Kinds of --fault-rate failures. */
#define MOCK_FAULT_429 1u   /**< 429 with Retry-After, not applied */
#define MOCK_FAULT_503 2u   /**< 503 with Retry-After, not applied */
#define MOCK_FAULT_500 4u   /**< 500, not applied */
#define MOCK_FAULT_DROP 8u  /**< applied, then the connection is closed without an answer */

/* ------------------------------------------------------------------------ */
/* State (state.c)                                                           */
/* ------------------------------------------------------------------------ */

/** @brief One issued (or seeded) card. */
typedef struct mock_card {
    char id[MOCK_ID_MAX + 1u];            /**< "card<digits>" */
    char product[MOCK_ID_MAX + 1u];       /**< its card product code */
    char cardholder[MOCK_ID_MAX + 1u];    /**< cardholder given at apply ("" if none) */
    char budget[MOCK_ID_MAX + 1u];        /**< budget given at apply ("" if none) */
    bool enrolled;                        /**< enrolled for 3DS */
    char enrolled_holder[MOCK_ID_MAX + 1u]; /**< cardholder of the 3DS enrollment */
} mock_card;

/** @brief Counters /__mock/state reports. */
typedef struct mock_counters {
    unsigned long requests;            /**< API requests read completely (not /__mock/) */
    unsigned long all_requests;        /**< every request, /__mock/ included */
    unsigned long connections;         /**< TCP connections accepted */
    unsigned long handshakes;          /**< TLS handshakes completed */
    unsigned long resumptions;         /**< handshakes that resumed a cached session */
    unsigned long cards_issued;        /**< successful apply */
    unsigned long enrollments;         /**< successful enroll (isSuccess true) */
    unsigned long enrollment_updates;  /**< successful 3DS update */
    unsigned long contact_updates;     /**< successful cardholder update */
    unsigned long dropped;             /**< requests applied but not answered */
    unsigned long failed_injected;     /**< answers from --fail-first */
    unsigned long unauthorized;        /**< 401 answers */
    unsigned long v1_enrollments;      /**< v1 POST applied (card enrolled) */
    unsigned long v1_updates;          /**< v1 PATCH applied */
    unsigned long v1_unenrollments;    /**< v1 DELETE applied */
    unsigned long v1_gets;             /**< v1 GET answered 200 */
    unsigned long v1_dedup_hits;       /**< v1 requests answered from the key table, not applied */
    unsigned long v1_key_conflicts;    /**< v1 keys reused for a different request (422) */
} mock_counters;

/** @brief OTP delivery methods of the v1 resource. */
typedef enum mock_otp {
    MOCK_OTP_EMAIL = 0, /**< "EMAIL" */
    MOCK_OTP_SMS = 1    /**< "SMS" */
} mock_otp;

/** @brief One v1 3DS enrollment, keyed by its four ids. */
typedef struct mock_v1_enrollment {
    char product[MOCK_ID_MAX + 1u];    /**< x-product-id */
    char cardholder[MOCK_ID_MAX + 1u]; /**< x-cardholder-id */
    char wallet[MOCK_ID_MAX + 1u];     /**< x-wallet-id */
    char card[MOCK_ID_MAX + 1u];       /**< x-card-id */
    mock_otp otp;                      /**< current OTP delivery method */
} mock_v1_enrollment;

/**
 * @brief One remembered idempotency key: what the request was (its
 * fingerprint) and the answer it got, replayed for every later request
 * with the same key.
 */
typedef struct mock_v1_key {
    char key[MOCK_V1_KEY_MAX + 1u];             /**< x-request-id */
    char fingerprint[MOCK_V1_FINGERPRINT_MAX];  /**< method, ids and OTP method of the first request */
    unsigned status;                            /**< its HTTP status */
    char body[MOCK_V1_ANSWER_MAX];              /**< its body */
    size_t body_len;                            /**< body length */
} mock_v1_key;

/** @brief The whole in-memory issuer. */
typedef struct mock_state {
    char products[MOCK_MAX_SEED][MOCK_ID_MAX + 1u];    /**< known product codes */
    size_t product_count;                              /**< in use */
    char budgets[MOCK_MAX_SEED][MOCK_ID_MAX + 1u];     /**< known budget ids */
    size_t budget_count;                               /**< in use */
    char cardholders[MOCK_MAX_SEED][MOCK_ID_MAX + 1u]; /**< known cardholder ids */
    size_t cardholder_count;                           /**< in use */
    mock_card cards[MOCK_MAX_CARDS];                   /**< cards */
    size_t card_count;                                 /**< in use */
    unsigned long card_serial;                         /**< last id suffix handed out */
    unsigned long id_base;                             /**< id prefix digits (start time) */
    char last_remark[MOCK_REMARK_MAX + 1u];            /**< remark of the last successful apply */
    bool has_last_remark;                              /**< last apply had a remark */
    mock_counters counters;                            /**< counters */
    mock_v1_enrollment v1[MOCK_V1_MAX_ENROLLMENTS];    /**< v1 enrollments */
    size_t v1_count;                                   /**< in use */
    mock_v1_key keys[MOCK_V1_MAX_KEYS];                /**< idempotency keys (a ring) */
    size_t key_count;                                  /**< in use (at most MOCK_V1_MAX_KEYS) */
    size_t key_next;                                   /**< slot the next key takes (the oldest when full) */
} mock_state;

/** @brief Empty state with the built-in seed data. */
void mock_state_init(mock_state *st);
/** @brief Add a product / budget / cardholder id; false when full, too long or empty. */
bool mock_state_add_product(mock_state *st, const char *id);
bool mock_state_add_budget(mock_state *st, const char *id);
bool mock_state_add_cardholder(mock_state *st, const char *id);
/** @brief Add a card with a given id (seed); false when full or invalid. */
bool mock_state_add_card(mock_state *st, const char *id);
/** @brief Lookups. */
bool mock_state_has_product(const mock_state *st, const char *id);
bool mock_state_has_budget(const mock_state *st, const char *id);
bool mock_state_has_cardholder(const mock_state *st, const char *id);
/** @brief The card with id @p id, or NULL. */
mock_card *mock_state_find_card(mock_state *st, const char *id);
/** @brief A new card with a fresh unique id, or NULL when the table is full. */
mock_card *mock_state_new_card(mock_state *st);
/** @brief The v1 enrollment of these four ids, or NULL. */
mock_v1_enrollment *mock_state_v1_find(mock_state *st, const char *product, const char *cardholder,
                                       const char *wallet, const char *card);
/** @brief Add a v1 enrollment (ids must fit MOCK_ID_MAX); NULL when the table is full. */
mock_v1_enrollment *mock_state_v1_add(mock_state *st, const char *product, const char *cardholder,
                                      const char *wallet, const char *card, mock_otp otp);
/** @brief Remove enrollment @p e (from mock_state_v1_find()). */
void mock_state_v1_remove(mock_state *st, mock_v1_enrollment *e);
/** @brief The remembered key @p key, or NULL. */
const mock_v1_key *mock_state_key_find(const mock_state *st, const char *key);
/**
 * @brief Remember @p key with its request's fingerprint and answer,
 * forgetting the oldest key when the table is full. Answers longer than
 * MOCK_V1_ANSWER_MAX are not remembered (false).
 */
bool mock_state_key_store(mock_state *st, const char *key, const char *fingerprint, unsigned status,
                          const char *body, size_t body_len);

/* ------------------------------------------------------------------------ */
/* Faults and ledger (faults.c)                                              */
/* ------------------------------------------------------------------------ */

/** @brief Parse --fault-kinds ("429,503,500,drop") into MOCK_FAULT_* bits; false when invalid. */
bool mock_fault_kinds(const char *list, unsigned *out);

/**
 * @brief The --fault-rate fault of API request number @p n: 0 (none) or one
 * MOCK_FAULT_* bit. Deterministic in (--fault-seed, n).
 */
unsigned mock_fault_of(const mock_config *cfg, unsigned long n);

/** @brief Open the --ledger file (appending); false when it cannot be. */
bool mock_ledger_open(const char *path);

/** @brief Append one line to the ledger, flushed (no-op without --ledger). */
void mock_ledger(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* ------------------------------------------------------------------------ */
/* HTTP (http.c)                                                             */
/* ------------------------------------------------------------------------ */

/** @brief One request header; both spans point into the connection buffer. */
typedef struct mock_header {
    const char *name;   /**< field name as sent */
    size_t name_len;    /**< its length */
    const char *value;  /**< value without surrounding whitespace */
    size_t value_len;   /**< its length */
} mock_header;

/** @brief A parsed request. Spans point into the connection buffer. */
typedef struct mock_request {
    char method[16];                      /**< e.g. "POST" */
    const char *target;                   /**< request target as sent */
    size_t target_len;                    /**< its length */
    size_t path_len;                      /**< target bytes before '?' */
    unsigned minor;                       /**< HTTP/1.minor */
    mock_header headers[MOCK_MAX_HEADERS];/**< header fields in order */
    size_t header_count;                  /**< in use */
    size_t head_len;                      /**< bytes of the head, blank line included */
    size_t content_length;                /**< body length */
    bool has_content_length;              /**< a Content-Length was given */
    bool expect_continue;                 /**< Expect: 100-continue */
    bool keep_alive;                      /**< the client allows another request */
    const char *body;                     /**< the body (when complete) */
    size_t total_len;                     /**< head_len + content_length */
} mock_request;

/** @brief Outcome of mock_http_parse(). */
typedef enum mock_parse {
    MOCK_PARSE_DONE = 0,       /**< a complete request */
    MOCK_PARSE_NEED_MORE,      /**< not complete yet (head incomplete) */
    MOCK_PARSE_NEED_BODY,      /**< head complete, body incomplete */
    MOCK_PARSE_BAD,            /**< malformed: answer 400 and close */
    MOCK_PARSE_TOO_LARGE,      /**< head or body over the limits: 413/431 and close */
    MOCK_PARSE_LENGTH_REQUIRED /**< a body method without Content-Length: 411 and close */
} mock_parse;

/**
 * @brief Parse the request at the start of @p buf.
 * @param why Set to a short reason on BAD / TOO_LARGE (static text).
 */
mock_parse mock_http_parse(const char *buf, size_t len, mock_request *req, const char **why);

/** @brief Value of the first header named @p name (case-insensitive), or NULL. */
const mock_header *mock_http_header(const mock_request *req, const char *name);

/** @brief How many headers are named @p name (case-insensitive). */
size_t mock_http_header_count(const mock_request *req, const char *name);

/** @brief True when header @p h has exactly the value @p s (case-sensitive). */
bool mock_header_equals(const mock_header *h, const char *s);

/** @brief Reason phrase of a status code. */
const char *mock_http_reason(unsigned status);

/* ------------------------------------------------------------------------ */
/* Responses (routes.c builds them, http.c frames them)                      */
/* ------------------------------------------------------------------------ */

/** @brief A response before framing. */
typedef struct mock_response {
    unsigned status;             /**< HTTP status */
    const char *allow;           /**< Allow header value (405), or NULL */
    unsigned long retry_after_s; /**< Retry-After seconds (0: none) */
    bool close;                  /**< close the connection after this answer */
    bool drop;                   /**< close without answering (fault injection) */
    bool own;                    /**< a /__mock/ endpoint */
    bool delay;                  /**< --delay-ms applies to this answer */
    const char *note;            /**< static text --log adds to the request's line, or NULL */
    char body[MOCK_BODY_MAX];    /**< JSON body */
    size_t body_len;             /**< its length */
} mock_response;

/**
 * @brief Frame @p res as HTTP/1.1 into @p out: status line, Content-Type,
 * X-Request-Id: mock-<n>, Content-Length or chunked framing (one chunk
 * carries an extension), Connection, and the body.
 * @return Bytes written, or 0 when @p cap is too small.
 */
size_t mock_http_frame(const mock_response *res, unsigned long request_no, bool chunked,
                       char *out, size_t cap);

/** @brief Set @p res to a JSON error {"code":..,"message":..}. */
void mock_reply_error(mock_response *res, unsigned status, const char *code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/** @brief Set @p res to a v1 error {"code":<status>,"message":..,"status":"error"}. */
void mock_reply_error_v1(mock_response *res, unsigned status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/** @brief Set @p res to 200 {"code":"SUCCESS"}. */
void mock_reply_success(mock_response *res);

/** @brief Finish a body written with @p w into res->body; 500 when it failed. */
void mock_reply_finish(mock_response *res, ck_json_writer *w, unsigned status);

/* ------------------------------------------------------------------------ */
/* Routing (routes.c) and endpoints (api_v2.c)                               */
/* ------------------------------------------------------------------------ */

/** @brief What a handler sees. */
typedef struct mock_app {
    const mock_config *cfg; /**< configuration */
    mock_state *st;         /**< issuer state */
} mock_app;

/** @brief An endpoint handler: reads @p req (headers and body), writes @p res. */
typedef void (*mock_handler)(mock_app *app, const mock_request *req, mock_response *res);

/** @brief The error body shape of a route's API. */
typedef enum mock_style {
    MOCK_STYLE_V2 = 0, /**< {"code":"UPPER_SNAKE","message":".."} */
    MOCK_STYLE_V1 = 1  /**< {"code":<status>,"message":"..","status":"error"} */
} mock_style;

/** @brief How a route authenticates. */
typedef enum mock_auth {
    MOCK_AUTH_NONE = 0,      /**< no credentials needed */
    MOCK_AUTH_KEY_BEARER,    /**< x-api-key and Authorization: Bearer both required (v2) */
    MOCK_AUTH_KEY_OPT_BEARER /**< x-api-key required, Bearer checked only when sent (v1) */
} mock_auth;

/**
 * @brief One row of the route table: a (method, path) pair. Every path
 * outside /__mock/ counts as an API request for the request counter and
 * the --drop-after-request / --fail-first numbering.
 */
typedef struct mock_route {
    const char *method;   /**< "POST", "GET", ... */
    const char *path;     /**< exact path after the prefix */
    mock_auth auth;       /**< credential policy */
    mock_style style;     /**< error body shape (also for 401, 405, 415 and --fail-first) */
    mock_handler handler; /**< the endpoint */
} mock_route;

/**
 * @brief Route, authenticate and answer one complete request.
 * Applies fault switches that act on content (--fail-first, drop marking).
 * @param request_no Set to the number used in X-Request-Id.
 */
void mock_dispatch(mock_app *app, const mock_request *req, mock_response *res,
                   unsigned long *request_no);

/** @brief Handlers of api_v2.c. */
void mock_v2_apply(mock_app *app, const mock_request *req, mock_response *res);
void mock_v2_enroll(mock_app *app, const mock_request *req, mock_response *res);
void mock_v2_3ds_update(mock_app *app, const mock_request *req, mock_response *res);
void mock_v2_contact_update(mock_app *app, const mock_request *req, mock_response *res);

/** @brief The v1 3DS resource (api_v1.c): one handler for POST, GET, PATCH and DELETE. */
void mock_v1_3ds(mock_app *app, const mock_request *req, mock_response *res);

/* ------------------------------------------------------------------------ */
/* Server (server.c)                                                         */
/* ------------------------------------------------------------------------ */

/**
 * @brief Listen, write the ready file, and serve until an exit condition
 * (--max-requests, --idle-exit-ms, SIGTERM/SIGINT).
 * @return Process exit status.
 */
int mock_serve(mock_app *app);

/** @brief Write one log line to stderr when --log (no secrets ever reach it). */
void mock_log(const mock_config *cfg, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif /* CK_MOCK_H */
