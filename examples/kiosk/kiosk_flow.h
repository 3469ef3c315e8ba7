/**
 * @file kiosk_flow.h
 * @brief The kiosk flows themselves, on a ready ::ck_client, with nothing
 * of the platform: the four v2 steps (kiosk.c), the steps of the v1 3DS
 * program (kiosk_v1.c), and the printing of each call's result and buffer
 * use. The host kiosks (POSIX sockets + mbedTLS) and the networked board
 * image (boards/qemu-mps2-an386/net_kiosk.c: lwIP + mbedTLS) run the same
 * code. Output goes to stdout; nothing here prints a credential.
 */
#ifndef KIOSK_FLOW_H
#define KIOSK_FLOW_H

#include "cardkit/cardkit.h"

/** @brief The ids the v2 flow uses. */
typedef struct kiosk_v2_ids {
    const char *product;          /**< --product: the card product code */
    const char *cardholder;       /**< --cardholder: who gets the card */
    const char *other_cardholder; /**< --other-cardholder: who it is re-associated with */
} kiosk_v2_ids;

/** @brief The defaults of the v2 ids: the product and cardholders of the provider's documents. */
#define KIOSK_V2_DEFAULT_PRODUCT "T1FBXO"
#define KIOSK_V2_DEFAULT_CARDHOLDER "273555991139442689"
#define KIOSK_V2_DEFAULT_OTHER_CARDHOLDER "273555991139442690"

/** @brief The ids the v1 flow uses (each at most KIOSK_V1_ID_MAX characters). */
typedef struct kiosk_v1_ids {
    const char *product;    /**< --product-id */
    const char *cardholder; /**< --cardholder-id */
    const char *wallet;     /**< --wallet-id */
    const char *card;       /**< --card-id */
} kiosk_v1_ids;

/** @brief Defaults of the v1 ids: ids the mock issuer accepts (any non-empty ids work there). */
#define KIOSK_V1_DEFAULT_PRODUCT "VC-KIOSK"
#define KIOSK_V1_DEFAULT_CARDHOLDER "273555991139442689"
#define KIOSK_V1_DEFAULT_WALLET "wallet-kiosk-0001"
#define KIOSK_V1_DEFAULT_CARD "card59202507231957437131"
/** @brief Longest v1 id the kiosks take (and the journal keeps). */
#define KIOSK_V1_ID_MAX 64u

/** @brief The v1 steps, in order. */
enum { KIOSK_V1_ENROLL = 0, KIOSK_V1_GET, KIOSK_V1_UPDATE, KIOSK_V1_UNENROLL, KIOSK_V1_STEPS };

/**
 * @brief Print text that came from the server (ids, codes, messages) with
 * every control character, C1 controls included, shown as '?', so that an
 * answer cannot forge lines or drive the kiosk's terminal.
 */
void kiosk_print_text(const char *s);

/**
 * @brief Print the outcome of one call and the buffers it used; on failure
 * also the invalid field, the cause and what the server said.
 * @param r                 the call's result
 * @param card_id           printed as "card ..." when not NULL or empty
 * @param request_id_label  what the server's request id is called on the result line
 * @return 0 on success, 1 on failure.
 */
int kiosk_report(const ck_result *r, const char *card_id, const char *request_id_label);

/**
 * @brief The v2 flow: create a card, enroll it for 3-D Secure, update the
 * cardholder's contact details, re-associate the card with another
 * cardholder; each step printed with its result. Stops at the first failure.
 * @param first_step  the step to start at (1 for the whole flow)
 * @param last_step   the step to stop after (4 for the whole flow): a
 *                    caller may run the steps one by one, or run a failed
 *                    step again when it knows why it failed
 * @param card_id     in/out: the card step 1 made (steps 2 and 4 use it),
 *                    CK_ID_MAX bytes ("" before step 1)
 * @param failed_step out: the step that failed (1..4), 0 when none did
 * @return 0 when every step ran succeeded, 1 otherwise.
 */
int kiosk_v2_flow(ck_client *client, const kiosk_v2_ids *ids, int first_step, int last_step, char *card_id,
                  int *failed_step);

/** @brief The OTP method a v1 step sends: SMS to enroll, EMAIL to update, none otherwise. */
ck_otp_method kiosk_v1_otp(int step);

/** @brief Print the line that says what v1 step @p step does. */
void kiosk_v1_print_step(int step, ck_otp_method otp, const kiosk_v1_ids *ids);

/**
 * @brief Run v1 step @p step with idempotency key @p key (already made) and
 * print its result (and the entries of a GET). @p r is filled.
 * @return 0 on success, 1 on failure.
 */
int kiosk_v1_call(ck_client *client, int step, ck_otp_method otp, const kiosk_v1_ids *ids, const char *key,
                  ck_result *r);

/**
 * @brief The v1 flow without a journal, from @p first_step to the last:
 * for each step make its key, print it, call, and say when the outcome is
 * unknown. Stops at the first failure.
 * @param key         in/out, CK_V1_REQUEST_ID_SIZE bytes: "" to make a key
 *                    for the first step, or the key of a step whose answer
 *                    was lost, to replay it (the issuer applies it once);
 *                    on failure, the failed step's key
 * @param failed_step out: the step that failed (KIOSK_V1_ENROLL..), -1 when none did
 * @return 0 when every step ran succeeded, 1 otherwise.
 */
int kiosk_v1_flow(ck_client *client, const kiosk_v1_ids *ids, int first_step, char *key, int *failed_step);

#endif /* KIOSK_FLOW_H */
