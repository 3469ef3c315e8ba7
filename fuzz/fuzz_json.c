/**
 * @file fuzz_json.c
 * @brief libFuzzer harness: the JSON validator, reader and getters, and the
 * writer on what the reader hands back.
 *
 * The input is a JSON text. ck_json_parse() runs on an exact-size copy with
 * a token array of exactly its size on the heap (ASan sees a byte past
 * either). When it accepts:
 *  - the token budget is exact: doc.count tokens parse, one fewer is
 *    CK_ERR_JSON_TOO_MANY_TOKENS;
 *  - every string unescapes into a buffer of exactly its length + 1, one
 *    byte less is CK_ERR_BUFFER_TOO_SMALL with "" left, and written back
 *    with the JSON writer and read again it is the same string;
 *  - every member is found again by its key, and every getter runs on it;
 *  - every array element is reached by index and one past the end is not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cardkit/ck_json.h"

#define TOK_CAP 512

static void *xmalloc(size_t n)
{
    void *p = malloc(n != 0u ? n : 1u);
    if (p == NULL) {
        abort();
    }
    return p;
}

/** @brief Write `{"k":<s>}` with the writer and read "k" back: the same bytes. */
static void round_trip(const char *s, size_t n)
{
    ck_json_writer w;
    ck_json_tok toks[3];
    ck_json_doc doc;
    size_t cap = 6u * n + 16u; /* worst case: every byte as \u00XX */
    char *buf = xmalloc(cap);
    char *back = xmalloc(n + 1u);
    size_t len = 0;
    size_t back_len = 0;

    ck_json_writer_init(&w, buf, cap);
    if (ck_json_object_begin(&w) != CK_OK || ck_json_key(&w, "k") != CK_OK ||
        ck_json_string_n(&w, s, n) != CK_OK || ck_json_object_end(&w) != CK_OK ||
        ck_json_writer_finish(&w, &len) != CK_OK) {
        abort(); /* what the reader accepts, the writer writes */
    }
    if (ck_json_parse(&doc, buf, len, toks, 3) != CK_OK ||
        ck_json_get_string(&doc, 0, "k", back, n + 1u, &back_len) != CK_OK || back_len != n ||
        memcmp(back, s, n) != 0) {
        abort();
    }
    free(back);
    free(buf);
}

/** @brief Unescape string token @p t; NULL when it holds \u0000. */
static char *string_of(const ck_json_doc *doc, int t, size_t *out_len)
{
    size_t raw = (size_t)(doc->toks[t].end - doc->toks[t].start);
    char *out = xmalloc(raw + 1u);
    ck_err err = ck_json_tok_string(doc, t, out, raw + 1u, out_len);

    if (err == CK_ERR_UNEXPECTED_RESPONSE) {
        free(out);
        return NULL;
    }
    if (err != CK_OK || *out_len > raw || out[*out_len] != '\0' || strlen(out) != *out_len) {
        abort();
    }
    if (*out_len > 0u) {
        char *small = xmalloc(*out_len);
        if (ck_json_tok_string(doc, t, small, *out_len, NULL) != CK_ERR_BUFFER_TOO_SMALL || small[0] != '\0') {
            abort();
        }
        free(small);
    }
    return out;
}

static void walk(const ck_json_doc *doc)
{
    int t;

    for (t = 0; t < doc->count; t++) {
        const ck_json_tok *k = &doc->toks[t];
        if (k->start < 0 || k->end < k->start || (size_t)k->end > doc->len) {
            abort();
        }
        if (k->type == JSMN_STRING) {
            size_t n = 0;
            char *s = string_of(doc, t, &n);
            if (s != NULL) {
                round_trip(s, n);
                /* A key: find it again in its object, and run the getters on it. */
                if (k->parent >= 0 && doc->toks[k->parent].type == JSMN_OBJECT) {
                    int found = -1;
                    ck_err err = ck_json_find(doc, k->parent, s, &found);
                    bool b;
                    int64_t v;
                    char small[8];
                    if (err == CK_OK && (found < 0 || doc->toks[found].parent != t)) {
                        /* a later duplicate would be UNEXPECTED, never another token */
                        abort();
                    }
                    if (err != CK_OK && err != CK_ERR_UNEXPECTED_RESPONSE) {
                        abort();
                    }
                    (void)ck_json_get_bool(doc, k->parent, s, &b);
                    (void)ck_json_get_int(doc, k->parent, s, &v);
                    (void)ck_json_get_string(doc, k->parent, s, small, sizeof small, NULL);
                }
                free(s);
            }
        } else if (k->type == JSMN_ARRAY) {
            int i;
            int el = -1;
            for (i = 0; i < k->size; i++) {
                if (ck_json_array_at(doc, t, i, &el) != CK_OK || doc->toks[el].parent != t) {
                    abort();
                }
            }
            if (ck_json_array_at(doc, t, k->size, &el) != CK_ERR_UNEXPECTED_RESPONSE) {
                abort();
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xmalloc(size);
    ck_json_tok *toks = xmalloc(TOK_CAP * sizeof *toks);
    ck_json_doc doc;
    ck_err err;

    memcpy(text, data, size);
    err = ck_json_parse(&doc, text, size, toks, TOK_CAP);
    if (err != CK_OK && err != CK_ERR_JSON_MALFORMED && err != CK_ERR_JSON_TOO_MANY_TOKENS) {
        abort();
    }
    if (err == CK_OK) {
        size_t need = (size_t)doc.count;
        ck_json_tok *tight;
        if (need < 1u || need > TOK_CAP || doc.toks[0].type != JSMN_OBJECT) {
            abort();
        }
        walk(&doc);
        tight = xmalloc(need * sizeof *tight);
        if (ck_json_parse(&doc, text, size, tight, need) != CK_OK) {
            abort();
        }
        walk(&doc);
        if (ck_json_parse(&doc, text, size, tight, need - 1u) != CK_ERR_JSON_TOO_MANY_TOKENS) {
            abort();
        }
        free(tight);
    }
    free(toks);
    free(text);
    return 0;
}
