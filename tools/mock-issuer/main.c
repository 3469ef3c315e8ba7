/**
 * @file main.c
 * @brief ck-mock-issuer: command line, seed data and start-up.
 *
 * Run `ck-mock-issuer --help` for every option and the built-in seed data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock.h"

/** @brief Credentials when neither an option nor the environment gives them. */
#define MOCK_DEFAULT_API_KEY "mock-api-key"
#define MOCK_DEFAULT_TOKEN "mock-token"

static mock_config mock_cfg;
static mock_state mock_st;

static void mock_usage(FILE *out)
{
    fputs(
        "usage: ck-mock-issuer --cert PEM --key PEM [options]\n"
        "\n"
        "A mock of the card-issuance API v2 and of the 3DS program API v1 over HTTPS on\n"
        "127.0.0.1, for cardkit's integration tests and demo. State lives in memory and\n"
        "dies with the process.\n"
        "\n"
        "Listening:\n"
        "  --port N                 TCP port (default 0: any free port; printed on stdout)\n"
        "  --ready-file PATH        write the bound port to PATH once listening\n"
        "  --cert PEM --key PEM     server certificate (chain) and its private key\n"
        "  --plain                  serve plain HTTP instead of TLS (debugging only)\n"
        "  --path-prefix P          paths must start with P (e.g. /card/issuance); without\n"
        "                           it, paths work with or without /card/issuance\n"
        "Credentials (every endpoint, /__mock/state too):\n"
        "  --api-key K              expected x-api-key (default: $CK_MOCK_API_KEY, else\n"
        "                           \"" MOCK_DEFAULT_API_KEY "\")\n"
        "  --token T                expected 'Authorization: Bearer T' (default:\n"
        "                           $CK_MOCK_TOKEN, else \"" MOCK_DEFAULT_TOKEN "\"); v1 requests\n"
        "                           may leave Authorization out, but one that is sent must match\n"
        "Lifetime:\n"
        "  --max-requests N         exit after N requests (default 0: no limit)\n"
        "  --idle-exit-ms N         exit after N ms without traffic (default 60000; 0: never)\n"
        "  --read-timeout-ms N      limit for a handshake, a partial request and an answer\n"
        "                           (default 5000)\n"
        "  --keepalive-ms N         close a keep-alive connection idle N ms (default 30000)\n"
        "Faults:\n"
        "  --chunked                answer with Transfer-Encoding: chunked (two chunks, the\n"
        "                           first with a chunk extension)\n"
        "  --split N                send answers in N-byte pieces (separate TLS records)\n"
        "  --split-pause-ms N       pause between pieces (default 2)\n"
        "  --delay-ms N             wait N ms before answering (the request is applied\n"
        "                           first; /__mock/state is never delayed)\n"
        "  --delay-count N          delay only the first N API requests (default 0: all)\n"
        "  --drop-after-request N   apply the N-th API request (1-based, /__mock/ not\n"
        "                           counted), then close without answering; repeatable\n"
        "  --close-after-response   'Connection: close' on every answer, then close\n"
        "  --enroll-false           enroll answers SUCCESS with isSuccess:false (not enrolled)\n"
        "  --fail-first N           answer the first N API requests with --fail-status,\n"
        "                           without applying them\n"
        "  --fail-status S          status for --fail-first (default 503)\n"
        "  --retry-after S          add 'Retry-After: S' to --fail-first answers\n"
        "  --v1-entries N           a v1 GET returns N detail entries per enrollment, the\n"
        "                           current one (ACTIVE) first (default 1; 0..16)\n"
        "  --fault-rate PCT         fail PCT per cent of API requests, chosen by --fault-seed N\n"
        "                           (same seed, same request numbers), with one of\n"
        "  --fault-kinds LIST       429,503,500,drop (default all): 429/503 carry\n"
        "                           --retry-after; drop applies, then closes unanswered\n"
        "  --ledger FILE            append one line per applied operation (card.apply\n"
        "                           CARD REMARK, 3ds.enroll CARD HOLDER, v1.3ds.enroll CARD...)\n"
        "  --log                    one line per request on stderr: number, method, path,\n"
        "                           status (never credentials or body fields)\n"
        "Seed data (added to the built-in data):\n"
        "  --seed-product CODE      built-in: T1FBXO, VC-KIOSK\n"
        "  --seed-budget ID         built-in: ci202008281528472924\n"
        "  --seed-cardholder ID     built-in: 273555991139442689, 273555991139442690,\n"
        "                           471041678120300545, 471041678120300546\n"
        "  --seed-card ID           a card, not enrolled; built-in: card59202507231957437131\n"
        "  --seed-cards N           N cards card-b1 .. card-bN, not enrolled (benchmarks)\n"
        "\n",
        out);
    /* Two strings: C99 compilers need not take one over 4095 characters. */
    fputs(
        "Endpoints v2 (POST, JSON): /api/issuing/card/v2/apply, /api/issuing/3ds/v2/enroll,\n"
        "/api/issuing/3ds/v2/update, /api/issuing/cardholders/v2/update.\n"
        "Endpoint v1: /issuing/api/v1/card/3DS with POST (enroll), GET (details), PATCH\n"
        "(update) and DELETE (unenroll). Headers x-api-key, x-product-id, x-cardholder-id,\n"
        "x-wallet-id, x-card-id, x-request-id and Content-Type: application/json are\n"
        "required, x-client-id and Authorization optional; POST and PATCH take\n"
        "{\"otp_delivery_method\":\"EMAIL\"|\"SMS\"}. State is per (product, cardholder,\n"
        "wallet, card): 404 when not enrolled (GET, PATCH, DELETE), 409 when enrolled\n"
        "(POST). x-request-id de-duplicates POST, PATCH and DELETE: a key seen before\n"
        "gets the first request's answer again and nothing is applied; the same key with\n"
        "another method, ids or otp_delivery_method is 422. The 256 most recent keys are\n"
        "kept. GET is never de-duplicated (it changes nothing).\n"
        "GET /__mock/state answers the counters: requests, all_requests, connections,\n"
        "handshakes, resumptions (handshakes that resumed a cached session), cards_issued,\n"
        "enrollments, enrollment_updates, contact_updates, dropped, failed_injected,\n"
        "unauthorized, cards, cards_enrolled, v1_enrollments, v1_updates, v1_unenrollments,\n"
        "v1_gets, v1_dedup_hits, v1_key_conflicts, v1_enrolled, v1_keys, last_remark.\n"
        "v2 errors are {\"code\":\"UPPER_SNAKE\",\"message\":\"...\"}, v1 errors\n"
        "{\"code\":<status>,\"message\":\"...\",\"status\":\"error\"}; every answer carries\n"
        "X-Request-Id: mock-<n>. Unknown body members are refused with 400.\n"
        "Exit status: 0 after --max-requests, --idle-exit-ms or SIGTERM/SIGINT;\n"
        "1 when start-up fails; 2 for a bad command line.\n",
        out);
}

/** @brief Parse a non-negative decimal number no larger than @p max. */
static bool mock_number(const char *s, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    unsigned long v;

    if (s == NULL || *s < '0' || *s > '9') {
        return false;
    }
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > max) {
        return false;
    }
    *out = v;
    return true;
}

/** @brief --seed-cards N: cards card-b1 .. card-bN. */
static bool mock_seed_cards(unsigned long n)
{
    unsigned long i;
    char id[32];

    for (i = 1; i <= n; i++) {
        (void)snprintf(id, sizeof id, "card-b%lu", i);
        if (!mock_state_add_card(&mock_st, id)) {
            return false;
        }
    }
    return true;
}

/** @brief Report a bad command line and return the usage exit status. */
static int mock_bad(const char *what, const char *opt)
{
    fprintf(stderr, "ck-mock-issuer: %s: %s (see --help)\n", opt, what);
    return 2;
}

/** @brief Parse argv into mock_cfg and mock_st; returns -1 to go on, else an exit status. */
static int mock_parse_args(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        char name[64];
        const char *arg = argv[i];
        const char *val = NULL;
        const char *eq = strchr(arg, '=');
        unsigned long n = 0;

        if (strncmp(arg, "--", 2) != 0) {
            return mock_bad("unexpected argument", arg);
        }
        if (eq != NULL) {
            size_t len = (size_t)(eq - arg);
            if (len >= sizeof name) {
                return mock_bad("unknown option", arg);
            }
            memcpy(name, arg, len);
            name[len] = '\0';
            val = eq + 1;
        } else {
            if (strlen(arg) >= sizeof name) {
                return mock_bad("unknown option", arg);
            }
            strcpy(name, arg);
        }

        /* Switches without a value. */
        if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
            mock_usage(stdout);
            return 0;
        }
        if (strcmp(name, "--plain") == 0 || strcmp(name, "--chunked") == 0 ||
            strcmp(name, "--close-after-response") == 0 || strcmp(name, "--enroll-false") == 0 ||
            strcmp(name, "--log") == 0) {
            if (val != NULL) {
                return mock_bad("takes no value", name);
            }
            if (strcmp(name, "--plain") == 0) {
                mock_cfg.plain = true;
            } else if (strcmp(name, "--chunked") == 0) {
                mock_cfg.chunked = true;
            } else if (strcmp(name, "--close-after-response") == 0) {
                mock_cfg.close_after_response = true;
            } else if (strcmp(name, "--enroll-false") == 0) {
                mock_cfg.enroll_false = true;
            } else {
                mock_cfg.log = true;
            }
            continue;
        }

        /* Options with a value. */
        if (val == NULL) {
            if (i + 1 >= argc) {
                return mock_bad("needs a value", name);
            }
            val = argv[++i];
        }
        if (strcmp(name, "--port") == 0) {
            if (!mock_number(val, 65535ul, &n)) {
                return mock_bad("expects 0..65535", name);
            }
            mock_cfg.port = (unsigned)n;
        } else if (strcmp(name, "--ready-file") == 0) {
            mock_cfg.ready_file = val;
        } else if (strcmp(name, "--cert") == 0) {
            mock_cfg.cert_file = val;
        } else if (strcmp(name, "--key") == 0) {
            mock_cfg.key_file = val;
        } else if (strcmp(name, "--api-key") == 0) {
            mock_cfg.api_key = val;
        } else if (strcmp(name, "--token") == 0) {
            mock_cfg.token = val;
        } else if (strcmp(name, "--path-prefix") == 0) {
            if (val[0] != '/' || val[strlen(val) - 1u] == '/') {
                return mock_bad("expects /something without a trailing slash", name);
            }
            mock_cfg.path_prefix = val;
        } else if (strcmp(name, "--max-requests") == 0) {
            if (!mock_number(val, 100000000ul, &mock_cfg.max_requests)) {
                return mock_bad("expects a number", name);
            }
        } else if (strcmp(name, "--idle-exit-ms") == 0) {
            if (!mock_number(val, 86400000ul, &mock_cfg.idle_exit_ms)) {
                return mock_bad("expects 0..86400000", name);
            }
        } else if (strcmp(name, "--read-timeout-ms") == 0) {
            if (!mock_number(val, 3600000ul, &mock_cfg.read_timeout_ms) || mock_cfg.read_timeout_ms == 0u) {
                return mock_bad("expects 1..3600000", name);
            }
        } else if (strcmp(name, "--keepalive-ms") == 0) {
            if (!mock_number(val, 3600000ul, &mock_cfg.keepalive_ms)) {
                return mock_bad("expects 0..3600000", name);
            }
        } else if (strcmp(name, "--split") == 0) {
            if (!mock_number(val, 65536ul, &mock_cfg.split)) {
                return mock_bad("expects 0..65536", name);
            }
        } else if (strcmp(name, "--split-pause-ms") == 0) {
            if (!mock_number(val, 1000ul, &mock_cfg.split_pause_ms)) {
                return mock_bad("expects 0..1000", name);
            }
        } else if (strcmp(name, "--delay-ms") == 0) {
            if (!mock_number(val, 600000ul, &mock_cfg.delay_ms)) {
                return mock_bad("expects 0..600000", name);
            }
        } else if (strcmp(name, "--delay-count") == 0) {
            if (!mock_number(val, 100000000ul, &mock_cfg.delay_count)) {
                return mock_bad("expects a number", name);
            }
        } else if (strcmp(name, "--drop-after-request") == 0) {
            if (!mock_number(val, 100000000ul, &n) || n == 0u) {
                return mock_bad("expects a request number from 1", name);
            }
            if (mock_cfg.drop_count >= MOCK_MAX_DROPS) {
                return mock_bad("given too many times", name);
            }
            mock_cfg.drop_after[mock_cfg.drop_count++] = n;
        } else if (strcmp(name, "--fail-first") == 0) {
            if (!mock_number(val, 100000000ul, &mock_cfg.fail_first)) {
                return mock_bad("expects a number", name);
            }
        } else if (strcmp(name, "--fail-status") == 0) {
            if (!mock_number(val, 599ul, &n) || n < 400u) {
                return mock_bad("expects 400..599", name);
            }
            mock_cfg.fail_status = (unsigned)n;
        } else if (strcmp(name, "--retry-after") == 0) {
            if (!mock_number(val, 86400ul, &mock_cfg.retry_after_s)) {
                return mock_bad("expects 0..86400", name);
            }
        } else if (strcmp(name, "--v1-entries") == 0) {
            if (!mock_number(val, (unsigned long)MOCK_V1_MAX_ENTRIES, &mock_cfg.v1_entries)) {
                return mock_bad("expects 0..16", name);
            }
        } else if (strcmp(name, "--fault-rate") == 0) {
            if (!mock_number(val, 100ul, &mock_cfg.fault_pct)) {
                return mock_bad("expects 0..100", name);
            }
        } else if (strcmp(name, "--fault-seed") == 0) {
            if (!mock_number(val, 4294967295ul, &mock_cfg.fault_seed)) {
                return mock_bad("expects a number", name);
            }
        } else if (strcmp(name, "--fault-kinds") == 0) {
            if (!mock_fault_kinds(val, &mock_cfg.fault_kinds)) {
                return mock_bad("expects a list of 429, 503, 500, drop", name);
            }
        } else if (strcmp(name, "--ledger") == 0) {
            mock_cfg.ledger = val;
        } else if (strcmp(name, "--seed-cards") == 0) {
            if (!mock_number(val, (unsigned long)MOCK_MAX_CARDS, &n) || !mock_seed_cards(n)) {
                return mock_bad("expects a number of cards the mock can hold", name);
            }
        } else if (strcmp(name, "--seed-product") == 0) {
            if (!mock_state_add_product(&mock_st, val)) {
                return mock_bad("empty, too long, or too many", name);
            }
        } else if (strcmp(name, "--seed-budget") == 0) {
            if (!mock_state_add_budget(&mock_st, val)) {
                return mock_bad("empty, too long, or too many", name);
            }
        } else if (strcmp(name, "--seed-cardholder") == 0) {
            if (!mock_state_add_cardholder(&mock_st, val)) {
                return mock_bad("empty, too long, or too many", name);
            }
        } else if (strcmp(name, "--seed-card") == 0) {
            if (!mock_state_add_card(&mock_st, val)) {
                return mock_bad("empty, too long, or too many", name);
            }
        } else {
            return mock_bad("unknown option", name);
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    mock_app app;
    int rc;

    mock_state_init(&mock_st);
    memset(&mock_cfg, 0, sizeof mock_cfg);
    mock_cfg.idle_exit_ms = 60000ul;
    mock_cfg.read_timeout_ms = 5000ul;
    mock_cfg.keepalive_ms = 30000ul;
    mock_cfg.split_pause_ms = 2ul;
    mock_cfg.fail_status = 503u;
    mock_cfg.v1_entries = 1ul;
    mock_cfg.fault_kinds = MOCK_FAULT_429 | MOCK_FAULT_503 | MOCK_FAULT_500 | MOCK_FAULT_DROP;
    mock_cfg.api_key = getenv("CK_MOCK_API_KEY");
    mock_cfg.token = getenv("CK_MOCK_TOKEN");

    rc = mock_parse_args(argc, argv);
    if (rc >= 0) {
        return rc;
    }
    if (mock_cfg.api_key == NULL || mock_cfg.api_key[0] == '\0') {
        mock_cfg.api_key = MOCK_DEFAULT_API_KEY;
    }
    if (mock_cfg.token == NULL || mock_cfg.token[0] == '\0') {
        mock_cfg.token = MOCK_DEFAULT_TOKEN;
    }
    if (!mock_cfg.plain && (mock_cfg.cert_file == NULL || mock_cfg.key_file == NULL)) {
        fprintf(stderr, "ck-mock-issuer: --cert and --key are required (or --plain; see --help)\n");
        return 2;
    }

    if (mock_cfg.ledger != NULL && !mock_ledger_open(mock_cfg.ledger)) {
        fprintf(stderr, "ck-mock-issuer: --ledger: cannot open %s\n", mock_cfg.ledger);
        return 1;
    }
    app.cfg = &mock_cfg;
    app.st = &mock_st;
    return mock_serve(&app);
}
