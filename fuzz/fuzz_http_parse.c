/**
 * @file fuzz_http_parse.c
 * @brief libFuzzer harness: the incremental HTTP/1.1 response parser.
 *
 * The input is one server response. It is parsed once in a single feed
 * (the reference), then again cut into pieces in three ways: one byte at a
 * time, random pieces of 1..64 bytes from separate buffers, and random
 * pieces written in place into the body buffer at body + body_len (as
 * lib/call.c receives). The pieces come from a seed byte derived from the
 * input (FNV-1a), so seeds stay plain responses and every mutation moves
 * the cuts too. Each run must give the reference's result: error, status,
 * framing flags, X-Request-Id, decoded body and bytes consumed. Buffers are
 * heap blocks of exactly their size, so ASan sees any byte past them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ck_http.h"

/** @brief What one parse came to. */
typedef struct outcome {
    ck_err err;
    bool done;
    bool head_done;
    bool keep_alive;
    bool has_retry_after;
    bool rid_truncated;
    uint16_t status;
    uint32_t retry_after_s;
    size_t consumed;
    size_t body_len;
    uint8_t *body;
    char *rid;
} outcome;

static uint32_t rng_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static bool known_err(ck_err e)
{
    switch (e) {
    case CK_OK:
    case CK_ERR_HTTP_MALFORMED:
    case CK_ERR_HTTP_BAD_LENGTH:
    case CK_ERR_HTTP_LENGTH_CONFLICT:
    case CK_ERR_HTTP_BAD_CHUNK:
    case CK_ERR_HTTP_OBS_FOLD:
    case CK_ERR_HTTP_HEAD_TOO_LARGE:
    case CK_ERR_HTTP_UNSUPPORTED:
    case CK_ERR_RESPONSE_TOO_LARGE:
    case CK_ERR_PEER_CLOSED:
        return true;
    default:
        return false;
    }
}

/**
 * @brief Parse @p data: mode 0 in one feed, 1 a byte at a time, 2 random
 * pieces from separate copies, 3 random pieces written in place.
 */
static void run(const uint8_t *data, size_t size, size_t cap, size_t rid_cap, int mode, uint32_t seed,
                outcome *o)
{
    ck_http_parser p;
    size_t off = 0;
    ck_err err = CK_OK;

    memset(o, 0, sizeof *o);
    o->body = malloc(cap != 0u ? cap : 1u);
    o->rid = malloc(rid_cap);
    if (o->body == NULL || o->rid == NULL) {
        abort();
    }
    ck_http_parser_init(&p, o->body, cap, o->rid, rid_cap);
    while (off < size && err == CK_OK && !p.done) {
        size_t n = size - off;
        size_t used = 0;
        if (mode == 1) {
            n = 1;
        } else if (mode >= 2) {
            size_t r = 1u + rng_next(&seed) % 64u;
            n = r < n ? r : n;
        }
        if (mode == 3 && n <= cap - p.body_len) {
            uint8_t *dst = o->body + p.body_len;
            memcpy(dst, data + off, n);
            err = ck_http_parser_feed(&p, dst, n, &used);
        } else {
            uint8_t *piece = malloc(n);
            if (piece == NULL) {
                abort();
            }
            memcpy(piece, data + off, n);
            err = ck_http_parser_feed(&p, piece, n, &used);
            free(piece);
        }
        if (used > n || (used < n && err == CK_OK && !p.done) || p.body_len > cap) {
            abort();
        }
        off += used;
        if (err != CK_OK) {
            break;
        }
    }
    if (err == CK_OK && !p.done) {
        err = ck_http_parser_eof(&p);
    }
    if (!known_err(err) || (err == CK_OK && !p.done) || (p.done && !p.head_done)) {
        abort();
    }
    if (p.head_done && (p.status < 200u || p.status > 599u)) {
        abort();
    }
    if (memchr(o->rid, '\0', rid_cap) == NULL) {
        abort();
    }
    o->err = err;
    o->done = p.done;
    o->head_done = p.head_done;
    o->keep_alive = p.keep_alive;
    o->has_retry_after = p.has_retry_after;
    o->retry_after_s = p.retry_after_s;
    o->rid_truncated = p.request_id_truncated;
    o->status = p.status;
    o->consumed = off;
    o->body_len = p.body_len;
}

static void same(const outcome *a, const outcome *b)
{
    if (a->err != b->err) {
        abort();
    }
    if (a->err != CK_OK) {
        return; /* how much was decoded before the error may differ */
    }
    if (a->done != b->done || a->keep_alive != b->keep_alive || a->has_retry_after != b->has_retry_after ||
        a->retry_after_s != b->retry_after_s || a->status != b->status || a->consumed != b->consumed ||
        a->body_len != b->body_len || a->rid_truncated != b->rid_truncated ||
        memcmp(a->body, b->body, a->body_len) != 0 || strcmp(a->rid, b->rid) != 0) {
        abort();
    }
}

static void release(outcome *o)
{
    free(o->body);
    free(o->rid);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u; /* FNV-1a: the seed byte and sizes come from the input */
    outcome ref;
    outcome cut;
    size_t cap;
    size_t rid_cap;
    int mode;
    size_t i;

    for (i = 0; i < size; i++) {
        h = (h ^ data[i]) * 16777619u;
    }
    /* Body room: mostly the default work buffer, sometimes tiny or zero. */
    cap = (h & 3u) == 0u ? (h >> 8) % 64u : CK_WORK_BUF_SIZE;
    rid_cap = 1u + (h >> 16) % (CK_REQUEST_ID_MAX + 8u);

    run(data, size, cap, rid_cap, 0, 0u, &ref);
    for (mode = 1; mode <= 3; mode++) {
        run(data, size, cap, rid_cap, mode, (h >> 24) | 1u | (uint32_t)mode << 8, &cut);
        same(&ref, &cut);
        release(&cut);
    }
    release(&ref);
    return 0;
}
