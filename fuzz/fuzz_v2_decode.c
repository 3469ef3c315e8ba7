/**
 * @file fuzz_v2_decode.c
 * @brief libFuzzer harness: the whole client over the loopback transport,
 * the fuzz input as the server's reply to each v2 operation: card apply,
 * 3DS enroll, 3DS update, contact update and the generic call (with a
 * reader that walks the `data` object). See fuzz_client.h for the input
 * and the checks; here also: a v2 request is resent only after an
 * answered 429 or 503, never after a lost answer; a card apply that
 * succeeds names a card.
 */
#include "fuzz_client.h"

static const ck_card_apply_req fz_apply = {
    "T1FBXO", true, "fuzz", "500.00", "2000", NULL, NULL, NULL, NULL, "273555991139442689",
};
static const ck_3ds_req fz_3ds = {"card201907021723076245", "273555991139442689"};
static const ck_contact_req fz_contact = {
    "273555991139442689", "+1", "2125559876", "fz.holder@example.com", "1990-02-03",
    "77 Secret Street", "Springfield", "IL", "62704", "US", "2", "Zebra42",
};

/** @brief Generic-call reader: reads every member of `data` with every getter. */
static ck_err fz_reply_reader(const ck_json_doc *doc, void *ctx)
{
    int data = -1;
    int t;
    char out[24];

    (void)ctx;
    CK_RETURN_IF_FAILED(ck_json_find(doc, 0, "data", &data));
    if (data < 0 || doc->toks[data].type != JSMN_OBJECT) {
        return CK_ERR_UNEXPECTED_RESPONSE;
    }
    for (t = data + 1; t < doc->count; t++) {
        if (doc->toks[t].parent == data && doc->toks[t].type == JSMN_STRING &&
            ck_json_tok_string(doc, t, out, sizeof out, NULL) == CK_OK) {
            bool b;
            int64_t v;
            char s[8];
            (void)ck_json_get_bool(doc, data, out, &b);
            (void)ck_json_get_int(doc, data, out, &v);
            (void)ck_json_get_string(doc, data, out, s, sizeof s, NULL);
        }
    }
    return CK_OK;
}

static ck_err fz_body(ck_json_writer *w, const void *ctx)
{
    CK_RETURN_IF_FAILED(ck_json_object_begin(w));
    CK_RETURN_IF_FAILED(ck_json_member_string(w, "card_id", (const char *)ctx));
    return ck_json_object_end(w);
}

static void fz_v2(const fz_reply *r, size_t split, int op)
{
    static ck_fixture f;
    ck_lb_step step;
    ck_result res;
    ck_card_apply_resp card;
    ck_err ret;

    fz_setup(&f, &step, r, split, CK_FIX_BASE_URL);
    switch (op) {
    case 0:
        ret = ck_card_apply(&f.client, &fz_apply, &card, &res);
        if (ret == CK_OK && (card.card_id[0] == '\0' || memchr(card.card_id, '\0', sizeof card.card_id) == NULL)) {
            abort();
        }
        break;
    case 1:
        ret = ck_3ds_enroll(&f.client, &fz_3ds, &res);
        break;
    case 2:
        ret = ck_3ds_update(&f.client, &fz_3ds, &res);
        break;
    case 3:
        ret = ck_contact_update(&f.client, &fz_contact, &res);
        break;
    default:
        ret = ck_v2_call(&f.client, "/api/issuing/card/v2/query", fz_body, "card1", fz_reply_reader, NULL, &res);
        break;
    }
    fz_after(&f, ret, &res);
    /* Never resent unless the server answered 429 or 503. */
    if (g_fz_log.retries_not_429_503 != 0u) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_reply r = fz_make_reply(data, size);
    int op;

    for (op = 0; op < 5; op++) {
        fz_v2(&r, 0u, op);
        fz_v2(&r, 1u + r.seed % 16u, op);
    }
    free(r.wire);
    return 0;
}
