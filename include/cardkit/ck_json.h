/**
 * @file ck_json.h
 * @brief JSON for cardkit: a writer that escapes per RFC 8259 and never
 * writes past its buffer, and a reader built on jsmn that validates what
 * jsmn lets through and offers typed getters.
 *
 * Both are public so that the generic v2 call (ck_v2_call() in ck_client.h)
 * can reach endpoints cardkit does not wrap, with the same buffers.
 *
 * Tokens are jsmn's (`jsmntok_t`, about 20 bytes each) built with
 * JSMN_STRICT and JSMN_PARENT_LINKS. This header includes <jsmn.h> in its
 * declarations-only mode; a file that includes <jsmn.h> itself must define
 * JSMN_STRICT and JSMN_PARENT_LINKS first, or include this header first.
 */
#ifndef CK_JSON_H
#define CK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ck_err.h"

#ifndef JSMN_H
#ifndef JSMN_STRICT
#define JSMN_STRICT
#endif
#ifndef JSMN_PARENT_LINKS
#define JSMN_PARENT_LINKS
#endif
#define JSMN_HEADER
#include <jsmn.h>
#undef JSMN_HEADER
#elif !defined(JSMN_PARENT_LINKS) || !defined(JSMN_STRICT)
#error "cardkit needs jsmn built with JSMN_STRICT and JSMN_PARENT_LINKS: include <cardkit/ck_json.h> before <jsmn.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** @brief One JSON token (jsmn's). */
typedef jsmntok_t ck_json_tok;

/* ------------------------------------------------------------------------ */
/* Writer                                                                    */
/* ------------------------------------------------------------------------ */

/** @brief Deepest nesting the writer tracks. */
#define CK_JSON_WRITER_MAX_DEPTH 16u

/**
 * @brief JSON writer state. Place it anywhere; all fields are private.
 *
 * The writer never writes past `cap`. It keeps counting the bytes a
 * complete document would need, so after CK_ERR_BUFFER_TOO_SMALL,
 * ck_json_writer_needed() tells how big the buffer must be. With a NULL
 * buffer it only counts. The first error is sticky: later calls do nothing
 * and return it.
 */
typedef struct ck_json_writer {
    char *buf;          /**< private */
    size_t cap;         /**< private */
    size_t len;         /**< private: bytes needed so far (may exceed cap) */
    ck_err err;         /**< private: first error */
    uint16_t is_object; /**< private: bit n set when level n + 1 (1 = outermost) is an object */
    uint8_t depth;      /**< private: open objects and arrays */
    uint8_t state;      /**< private: at the innermost level, nothing yet, something, or a key */
} ck_json_writer;

/**
 * @brief Start writing into @p buf of @p cap bytes (no NUL is written).
 * @param w   Writer to initialise. Must not be NULL.
 * @param buf Output buffer, or NULL to only count bytes.
 * @param cap Size of @p buf (0 when @p buf is NULL).
 * Does not block.
 */
void ck_json_writer_init(ck_json_writer *w, char *buf, size_t cap);

/** @brief Write `{`. Errors: CK_ERR_INVALID_ARG (misplaced, too deep). */
ck_err ck_json_object_begin(ck_json_writer *w);
/** @brief Write `}`. Errors: CK_ERR_INVALID_ARG (not in an object, key without value). */
ck_err ck_json_object_end(ck_json_writer *w);
/** @brief Write `[`. */
ck_err ck_json_array_begin(ck_json_writer *w);
/** @brief Write `]`. */
ck_err ck_json_array_end(ck_json_writer *w);

/**
 * @brief Write an object key (escaped) and the colon.
 * @param key NUL-terminated UTF-8. Invalid UTF-8 is CK_ERR_INVALID_ARG.
 */
ck_err ck_json_key(ck_json_writer *w, const char *key);

/**
 * @brief Write a string value, escaped: `"` and `\` with a backslash,
 * control characters as `\u00XX` (`\n`, `\t`... in their short forms),
 * valid UTF-8 passed through unchanged. Invalid UTF-8 (overlong forms,
 * surrogates, truncated sequences) and NUL bytes are CK_ERR_INVALID_ARG.
 * @param s NUL-terminated UTF-8, not NULL.
 */
ck_err ck_json_string(ck_json_writer *w, const char *s);

/** @brief As ck_json_string() for @p n bytes of @p s (a NUL inside is invalid). */
ck_err ck_json_string_n(ck_json_writer *w, const char *s, size_t n);

/**
 * @brief True when @p n bytes of @p s are well-formed UTF-8 (RFC 3629: no
 * overlong forms, surrogates or code points past U+10FFFF): the text
 * ck_json_string_n() passes through (it also refuses NUL). @p s may be
 * NULL only with @p n 0. Does not block.
 */
bool ck_utf8_valid(const char *s, size_t n);

/** @brief Write `true` or `false`. */
ck_err ck_json_bool(ck_json_writer *w, bool value);

/** @brief Write an integer. */
ck_err ck_json_int(ck_json_writer *w, int64_t value);

/** @brief Write `null`. */
ck_err ck_json_null(ck_json_writer *w);

/** @brief Write `"key": "value"` (both escaped). */
ck_err ck_json_member_string(ck_json_writer *w, const char *key, const char *value);

/** @brief Write `"key": true|false`. */
ck_err ck_json_member_bool(ck_json_writer *w, const char *key, bool value);

/**
 * @brief Finish: the document must be complete (every object and array
 * closed, exactly one top-level value).
 * @param out_len Set to the bytes written on success; may be NULL.
 * @return CK_OK, the sticky error, CK_ERR_BUFFER_TOO_SMALL, or
 *         CK_ERR_INVALID_ARG for an incomplete document.
 */
ck_err ck_json_writer_finish(ck_json_writer *w, size_t *out_len);

/** @brief Bytes the document needs so far (valid after BUFFER_TOO_SMALL). */
size_t ck_json_writer_needed(const ck_json_writer *w);

/* ------------------------------------------------------------------------ */
/* Reader                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * @brief A parsed, validated JSON document. It points into the caller's
 * text and token array; it owns nothing.
 */
typedef struct ck_json_doc {
    const char *json;        /**< the text (not NUL-terminated) */
    size_t len;              /**< its length */
    const ck_json_tok *toks; /**< the tokens; toks[0] is the top-level object */
    int count;               /**< tokens in use */
} ck_json_doc;

/**
 * @brief Tokenize and validate @p len bytes of @p json.
 *
 * Accepts exactly one JSON object (RFC 8259) with optional whitespace
 * around it. Rejects what jsmn alone lets through: bad number grammar
 * (`01`, `1.`, `-`, `.5`, `1e`), bad escapes, raw control characters and
 * invalid UTF-8 in strings, `true`/`false`/`null` misspelt, and any
 * trailing content.
 *
 * @param doc     Output. Valid only while @p json and @p toks are.
 * @param json    Text; need not be NUL-terminated.
 * @param toks    Caller's token array.
 * @param tok_cap Its length.
 * @return CK_OK, CK_ERR_JSON_MALFORMED (also for a top-level value that is
 *         not an object), CK_ERR_JSON_TOO_MANY_TOKENS, CK_ERR_INVALID_ARG.
 *         jsmn tokenizes before the rest of the check: when it runs out of
 *         tokens first, the result is CK_ERR_JSON_TOO_MANY_TOKENS even for
 *         text that is malformed too.
 * Does not block.
 */
ck_err ck_json_parse(ck_json_doc *doc, const char *json, size_t len,
                     ck_json_tok *toks, size_t tok_cap);

/**
 * @brief Find the value of @p key among the members of object token @p obj.
 * @param out_tok Set to the value's token index, or -1 when the key is absent.
 * @return CK_OK (found or absent), CK_ERR_UNEXPECTED_RESPONSE when @p obj is
 *         not an object or the key appears twice.
 */
ck_err ck_json_find(const ck_json_doc *doc, int obj, const char *key, int *out_tok);

/**
 * @brief Copy string token @p tok, unescaped (`\uXXXX` and surrogate pairs
 * to UTF-8), into @p out with a NUL.
 * @param out_len Set to the length without the NUL; may be NULL.
 * @return CK_OK; CK_ERR_UNEXPECTED_RESPONSE when the token is not a string
 *         or holds `\u0000`; CK_ERR_BUFFER_TOO_SMALL when it does not fit
 *         (then @p out is set to "" when @p cap > 0).
 */
ck_err ck_json_tok_string(const ck_json_doc *doc, int tok, char *out, size_t cap, size_t *out_len);

/** @brief ck_json_find() then ck_json_tok_string(); absent is CK_ERR_UNEXPECTED_RESPONSE. */
ck_err ck_json_get_string(const ck_json_doc *doc, int obj, const char *key,
                          char *out, size_t cap, size_t *out_len);

/** @brief Boolean member; absent or not a boolean is CK_ERR_UNEXPECTED_RESPONSE. */
ck_err ck_json_get_bool(const ck_json_doc *doc, int obj, const char *key, bool *out);

/**
 * @brief Integer member (no fraction, no exponent, fits int64_t); anything
 * else, or absent, is CK_ERR_UNEXPECTED_RESPONSE.
 */
ck_err ck_json_get_int(const ck_json_doc *doc, int obj, const char *key, int64_t *out);

/**
 * @brief Token index of element @p index of array token @p arr.
 * @return CK_OK; CK_ERR_UNEXPECTED_RESPONSE when @p arr is not an array or
 *         @p index is past its end.
 */
ck_err ck_json_array_at(const ck_json_doc *doc, int arr, int index, int *out_tok);

#ifdef __cplusplus
}
#endif

#endif /* CK_JSON_H */
