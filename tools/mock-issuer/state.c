/**
 * @file state.c
 * @brief The mock issuer's memory: known products, budgets and cardholders
 * (built-in seed data plus --seed-* options), the cards it issued, the v1
 * 3DS enrollments, and the idempotency keys it remembers.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mock.h"

/** @brief Built-in products (the provider documents' sample and a kiosk one). */
static const char *const mock_seed_products[] = {"T1FBXO", "VC-KIOSK"};
/** @brief Built-in budget (the documents' sample). */
static const char *const mock_seed_budgets[] = {"ci202008281528472924"};
/** @brief Built-in cardholders (the documents' samples). */
static const char *const mock_seed_cardholders[] = {
    "273555991139442689", "273555991139442690", "471041678120300545", "471041678120300546"};
/** @brief Built-in card, not enrolled (the documents' sample). */
static const char *const mock_seed_cards[] = {"card59202507231957437131"};

/** @brief Copy @p id into @p dst (MOCK_ID_MAX + 1 bytes); false when empty or too long. */
static bool mock_id_copy(char *dst, const char *id)
{
    size_t n = strlen(id);

    if (n == 0u || n > MOCK_ID_MAX) {
        return false;
    }
    memcpy(dst, id, n + 1u);
    return true;
}

/** @brief Add @p id to a seed table unless present. */
static bool mock_table_add(char (*table)[MOCK_ID_MAX + 1u], size_t *count, const char *id)
{
    size_t i;

    for (i = 0; i < *count; i++) {
        if (strcmp(table[i], id) == 0) {
            return true;
        }
    }
    if (*count >= MOCK_MAX_SEED || !mock_id_copy(table[*count], id)) {
        return false;
    }
    (*count)++;
    return true;
}

/** @brief True when @p id is in a seed table. */
static bool mock_table_has(const char (*table)[MOCK_ID_MAX + 1u], size_t count, const char *id)
{
    size_t i;

    for (i = 0; i < count; i++) {
        if (strcmp(table[i], id) == 0) {
            return true;
        }
    }
    return false;
}

void mock_state_init(mock_state *st)
{
    size_t i;

    memset(st, 0, sizeof *st);
    /* Card ids are "card" + the start time + a serial: unique within a run
     * and unlike the ids of an earlier run. */
    st->id_base = (unsigned long)time(NULL) % 10000000000ul;
    for (i = 0; i < sizeof mock_seed_products / sizeof mock_seed_products[0]; i++) {
        (void)mock_state_add_product(st, mock_seed_products[i]);
    }
    for (i = 0; i < sizeof mock_seed_budgets / sizeof mock_seed_budgets[0]; i++) {
        (void)mock_state_add_budget(st, mock_seed_budgets[i]);
    }
    for (i = 0; i < sizeof mock_seed_cardholders / sizeof mock_seed_cardholders[0]; i++) {
        (void)mock_state_add_cardholder(st, mock_seed_cardholders[i]);
    }
    for (i = 0; i < sizeof mock_seed_cards / sizeof mock_seed_cards[0]; i++) {
        (void)mock_state_add_card(st, mock_seed_cards[i]);
    }
}

bool mock_state_add_product(mock_state *st, const char *id)
{
    return mock_table_add(st->products, &st->product_count, id);
}

bool mock_state_add_budget(mock_state *st, const char *id)
{
    return mock_table_add(st->budgets, &st->budget_count, id);
}

bool mock_state_add_cardholder(mock_state *st, const char *id)
{
    return mock_table_add(st->cardholders, &st->cardholder_count, id);
}

bool mock_state_add_card(mock_state *st, const char *id)
{
    mock_card *c;

    if (mock_state_find_card(st, id) != NULL) {
        return true;
    }
    if (st->card_count >= MOCK_MAX_CARDS) {
        return false;
    }
    c = &st->cards[st->card_count];
    memset(c, 0, sizeof *c);
    if (!mock_id_copy(c->id, id)) {
        return false;
    }
    st->card_count++;
    return true;
}

bool mock_state_has_product(const mock_state *st, const char *id)
{
    return mock_table_has((const char (*)[MOCK_ID_MAX + 1u])st->products, st->product_count, id);
}

bool mock_state_has_budget(const mock_state *st, const char *id)
{
    return mock_table_has((const char (*)[MOCK_ID_MAX + 1u])st->budgets, st->budget_count, id);
}

bool mock_state_has_cardholder(const mock_state *st, const char *id)
{
    return mock_table_has((const char (*)[MOCK_ID_MAX + 1u])st->cardholders,
                          st->cardholder_count, id);
}

mock_card *mock_state_find_card(mock_state *st, const char *id)
{
    size_t i;

    for (i = 0; i < st->card_count; i++) {
        if (strcmp(st->cards[i].id, id) == 0) {
            return &st->cards[i];
        }
    }
    return NULL;
}

mock_card *mock_state_new_card(mock_state *st)
{
    mock_card *c;

    if (st->card_count >= MOCK_MAX_CARDS) {
        return NULL;
    }
    c = &st->cards[st->card_count];
    memset(c, 0, sizeof *c);
    st->card_serial++;
    (void)snprintf(c->id, sizeof c->id, "card%010lu%06lu", st->id_base, st->card_serial);
    st->card_count++;
    return c;
}

mock_v1_enrollment *mock_state_v1_find(mock_state *st, const char *product, const char *cardholder,
                                       const char *wallet, const char *card)
{
    size_t i;

    for (i = 0; i < st->v1_count; i++) {
        mock_v1_enrollment *e = &st->v1[i];
        if (strcmp(e->card, card) == 0 && strcmp(e->wallet, wallet) == 0 &&
            strcmp(e->cardholder, cardholder) == 0 && strcmp(e->product, product) == 0) {
            return e;
        }
    }
    return NULL;
}

mock_v1_enrollment *mock_state_v1_add(mock_state *st, const char *product, const char *cardholder,
                                      const char *wallet, const char *card, mock_otp otp)
{
    mock_v1_enrollment *e;

    if (st->v1_count >= MOCK_V1_MAX_ENROLLMENTS) {
        return NULL;
    }
    e = &st->v1[st->v1_count];
    memset(e, 0, sizeof *e);
    if (!mock_id_copy(e->product, product) || !mock_id_copy(e->cardholder, cardholder) ||
        !mock_id_copy(e->wallet, wallet) || !mock_id_copy(e->card, card)) {
        return NULL;
    }
    e->otp = otp;
    st->v1_count++;
    return e;
}

void mock_state_v1_remove(mock_state *st, mock_v1_enrollment *e)
{
    size_t i = (size_t)(e - st->v1);

    if (i >= st->v1_count) {
        return;
    }
    st->v1[i] = st->v1[st->v1_count - 1u];
    st->v1_count--;
}

const mock_v1_key *mock_state_key_find(const mock_state *st, const char *key)
{
    size_t i;

    for (i = 0; i < st->key_count; i++) {
        if (strcmp(st->keys[i].key, key) == 0) {
            return &st->keys[i];
        }
    }
    return NULL;
}

bool mock_state_key_store(mock_state *st, const char *key, const char *fingerprint, unsigned status,
                          const char *body, size_t body_len)
{
    mock_v1_key *k;
    size_t klen = strlen(key);
    size_t flen = strlen(fingerprint);

    if (klen == 0u || klen > MOCK_V1_KEY_MAX || flen >= sizeof k->fingerprint ||
        body_len > sizeof k->body) {
        return false;
    }
    /* A ring: when full, the oldest key is forgotten. */
    k = &st->keys[st->key_next];
    st->key_next = (st->key_next + 1u) % MOCK_V1_MAX_KEYS;
    if (st->key_count < MOCK_V1_MAX_KEYS) {
        st->key_count++;
    }
    memset(k, 0, sizeof *k);
    memcpy(k->key, key, klen + 1u);
    memcpy(k->fingerprint, fingerprint, flen + 1u);
    k->status = status;
    memcpy(k->body, body, body_len);
    k->body_len = body_len;
    return true;
}
