/**
 * @file fuzz_v1_decode.c
 * @brief libFuzzer harness: the whole client over the loopback transport,
 * the fuzz input as the server's reply to each v1 operation: enroll, get
 * (into 0, 1 or 4 entries), update and unenroll. See fuzz_client.h for the
 * input and the checks; here also: every attempt carries the same
 * idempotency key, and a GET never reports more entries filled than the
 * caller's array holds.
 */
#include "fuzz_client.h"

#define FZ_KEY "0b7c2a1e-5f6d-4c3b-9a8e-7d6c5b4a3f21"

static size_t fz_count(const ck_fixture *f, const char *needle)
{
    size_t n = strlen(needle);
    size_t hits = 0;
    size_t i;
    for (i = 0; i + n <= f->lb.capture_len; i++) {
        if (memcmp(f->capture + i, needle, n) == 0) {
            hits++;
        }
    }
    return hits;
}

static void fz_v1(const fz_reply *r, size_t split, int op)
{
    static ck_fixture f;
    static ck_v1_3ds_entry entries[5];
    ck_lb_step step;
    ck_result res;
    ck_v1_req req;
    ck_err ret;
    size_t count = 99;
    size_t cap = 0;
    size_t i;

    fz_setup(&f, &step, r, split, "https://issuer.test");
    memset(&req, 0, sizeof req);
    req.product_id = "prod-1";
    req.cardholder_id = "ch-1";
    req.wallet_id = "w-1";
    req.card_id = "card-1";
    req.otp = CK_OTP_SMS;
    memcpy(req.request_id, FZ_KEY, sizeof FZ_KEY);
    memset(entries, 0xEE, sizeof entries);
    switch (op) {
    case 0:
        ret = ck_v1_3ds_enroll(&f.client, &req, &res);
        break;
    case 1:
    case 2:
    case 3:
        cap = op == 1 ? 0u : op == 2 ? 1u : 4u;
        ret = ck_v1_3ds_get(&f.client, &req, op == 1 ? NULL : entries, cap, &count, &res);
        if (ret == CK_OK && count > cap) {
            abort();
        }
        /* the entry past the caller's array is never touched */
        for (i = 0; i < sizeof entries[4]; i++) {
            if (((const uint8_t *)&entries[4])[i] != 0xEEu) {
                abort();
            }
        }
        for (i = 0; ret == CK_OK && i < count; i++) {
            if (memchr(entries[i].otp_delivery_method, '\0', sizeof entries[i].otp_delivery_method) == NULL ||
                memchr(entries[i].destination, '\0', sizeof entries[i].destination) == NULL ||
                memchr(entries[i].status, '\0', sizeof entries[i].status) == NULL) {
                abort();
            }
        }
        break;
    case 4:
        ret = ck_v1_3ds_update(&f.client, &req, &res);
        break;
    default:
        ret = ck_v1_3ds_unenroll(&f.client, &req, &res);
        break;
    }
    fz_after(&f, ret, &res);
    if (strcmp(req.request_id, FZ_KEY) != 0 || fz_count(&f, "x-request-id: " FZ_KEY "\r\n") != res.attempts ||
        fz_count(&f, "x-request-id: ") != res.attempts) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_reply r = fz_make_reply(data, size);
    int op;

    for (op = 0; op < 6; op++) {
        fz_v1(&r, 0u, op);
        fz_v1(&r, 1u + r.seed % 16u, op);
    }
    free(r.wire);
    return 0;
}
