/**
 * @file kiosk_flow.c
 * @brief The kiosk flows on a ready client, shared by the host kiosks and
 * the networked board image (see kiosk_flow.h).
 */
#include "kiosk_flow.h"

#include <stdio.h>
#include <string.h>

/** @brief GET entries the kiosk can take. */
#define KIOSK_V1_MAX_ENTRIES 4u

void kiosk_print_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    for (; *p != '\0'; p++) {
        if (*p < 0x20u || *p == 0x7Fu) {
            putchar('?');
        } else if (*p == 0xC2u && p[1] >= 0x80u && p[1] <= 0x9Fu) {
            putchar('?');
            p++;
        } else {
            putchar(*p);
        }
    }
}

int kiosk_report(const ck_result *r, const char *card_id, const char *request_id_label)
{
    static const char *const applied[] = {"no", "yes", "MAYBE"};
    printf("          result   %s  HTTP %u  applied %s  %u attempt%s  %lu ms", ck_strerror(r->err),
           (unsigned)r->http_status, applied[r->applied <= CK_APPLIED_MAYBE ? r->applied : CK_APPLIED_MAYBE],
           (unsigned)r->attempts, r->attempts == 1u ? "" : "s", (unsigned long)r->elapsed_ms);
    if (card_id != NULL && card_id[0] != '\0') {
        printf("  card ");
        kiosk_print_text(card_id);
    }
    if (r->request_id[0] != '\0') {
        printf("  %s ", request_id_label);
        kiosk_print_text(r->request_id);
    }
    printf("\n          buffers  request %lu/%lu B, response %lu/%lu B of the work buffer; "
           "%u/%u JSON tokens\n",
           (unsigned long)r->request_bytes, (unsigned long)CK_WORK_BUF_SIZE, (unsigned long)r->response_bytes,
           (unsigned long)CK_WORK_BUF_SIZE, (unsigned)r->tokens_used, (unsigned)CK_JSON_MAX_TOKENS);
    if (r->err == CK_OK) {
        return 0;
    }
    if (r->field != NULL) {
        printf("          invalid field: %s\n", r->field);
    }
    if (r->cause != CK_OK && r->cause != r->err) {
        printf("          cause: %s\n", ck_strerror(r->cause));
    }
    if (r->api_code[0] != '\0' || r->api_message[0] != '\0') {
        printf("          server said: code ");
        kiosk_print_text(r->api_code[0] != '\0' ? r->api_code : "-");
        printf(", message \"");
        kiosk_print_text(r->api_message);
        printf("\"\n");
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* v2                                                                        */
/* ------------------------------------------------------------------------ */

/** @brief Print the outcome of one v2 step, and what an unknown outcome means; 0 on success. */
static int kv2_report(const ck_result *r, const char *card_id)
{
    int failed = kiosk_report(r, card_id, "request-id");

    if (r->applied == CK_APPLIED_MAYBE) {
        printf("          the request may have been applied and no answer settled it: check before repeating it\n");
    }
    fflush(stdout);
    return failed;
}

/** @brief One v2 step (1..4); 0 on success. */
static int kv2_step(ck_client *client, const kiosk_v2_ids *ids, int step, char *card_id)
{
    ck_result r;

    switch (step) {
    case 1: {
        ck_card_apply_req apply;
        ck_card_apply_resp card;

        memset(&apply, 0, sizeof apply);
        apply.card_product_code = ids->product;
        apply.apply_coupon = false;
        apply.remark = "kiosk example: card for a walk-in cardholder";
        apply.transaction_amount_limit = "500.00";
        apply.daily_limit = "1000.00";
        apply.cardholder_id = ids->cardholder;
        printf("step 1/4  create a card (product %s) for cardholder %s\n", ids->product, ids->cardholder);
        fflush(stdout);
        (void)ck_card_apply(client, &apply, &card, &r);
        if (r.err == CK_OK) {
            memcpy(card_id, card.card_id, sizeof card.card_id);
        }
        return kv2_report(&r, r.err == CK_OK ? card_id : NULL);
    }
    case 3: {
        ck_contact_req contact;

        /* Sample contact details; the kiosk never prints them. */
        contact.cardholder_id = ids->cardholder;
        contact.call_prefix = "+1";
        contact.mobile = "4155550132";
        contact.email = "walk-in.cardholder@example.com";
        contact.date_of_birth = "1988-07-14";
        contact.address_line = "1 Market Street";
        contact.city = "San Francisco";
        contact.state = "CA";
        contact.post_code = "94105";
        contact.country_code = "US";
        contact.security_index = "2";
        contact.security_answer = "kiosk-demo-answer";
        printf("step 3/4  update the 3DS contact details of cardholder %s (12 fields)\n", ids->cardholder);
        fflush(stdout);
        (void)ck_contact_update(client, &contact, &r);
        return kv2_report(&r, NULL);
    }
    default: { /* 2: enroll the card for 3DS; 4: re-associate it with the other cardholder */
        ck_3ds_req req;

        req.card_id = card_id;
        req.cardholder_id = step == 2 ? ids->cardholder : ids->other_cardholder;
        printf(step == 2 ? "step 2/4  enroll card " : "step 4/4  re-associate card ");
        kiosk_print_text(card_id);
        printf(step == 2 ? " for 3-D Secure (cardholder %s)\n" : " with cardholder %s\n", req.cardholder_id);
        fflush(stdout);
        (void)(step == 2 ? ck_3ds_enroll : ck_3ds_update)(client, &req, &r);
        return kv2_report(&r, NULL);
    }
    }
}

int kiosk_v2_flow(ck_client *client, const kiosk_v2_ids *ids, int first_step, int last_step, char *card_id,
                  int *failed_step)
{
    int step;

    *failed_step = 0;
    for (step = first_step < 1 ? 1 : first_step; step <= last_step && step <= 4; step++) {
        if (kv2_step(client, ids, step, card_id) != 0) {
            *failed_step = step;
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* v1                                                                        */
/* ------------------------------------------------------------------------ */

ck_otp_method kiosk_v1_otp(int step)
{
    return step == KIOSK_V1_ENROLL ? CK_OTP_SMS : (step == KIOSK_V1_UPDATE ? CK_OTP_EMAIL : CK_OTP_NONE);
}

/** @brief Print a destination (a phone number or an e-mail address) masked: "+62*******022". */
static void kv1_print_masked(const char *s)
{
    size_t n = strlen(s);
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i < 3u || i + 3u >= n || c == '@' || c == '.') {
            putchar(c < 0x20u || c >= 0x7Fu ? '?' : (int)c);
        } else {
            putchar('*');
        }
    }
}

void kiosk_v1_print_step(int step, ck_otp_method otp, const kiosk_v1_ids *ids)
{
    printf("step %d/%d  ", step + 1, KIOSK_V1_STEPS);
    switch (step) {
    case KIOSK_V1_ENROLL:
        printf("enroll card %s in the 3DS program, OTP by %s", ids->card, otp == CK_OTP_SMS ? "SMS" : "EMAIL");
        break;
    case KIOSK_V1_GET:
        printf("read the 3DS enrollment details of card %s", ids->card);
        break;
    case KIOSK_V1_UPDATE:
        printf("switch the OTP delivery method of card %s to %s", ids->card, otp == CK_OTP_SMS ? "SMS" : "EMAIL");
        break;
    default:
        printf("unenroll card %s from the 3DS program", ids->card);
        break;
    }
    printf("  [%s " CK_V1_PATH_3DS "]\n",
           step == KIOSK_V1_ENROLL ? "POST"
                                   : (step == KIOSK_V1_GET ? "GET" : (step == KIOSK_V1_UPDATE ? "PATCH" : "DELETE")));
}

int kiosk_v1_call(ck_client *client, int step, ck_otp_method otp, const kiosk_v1_ids *ids, const char *key,
                  ck_result *r)
{
    ck_v1_req req;
    ck_v1_3ds_entry entries[KIOSK_V1_MAX_ENTRIES];
    size_t count = 0;
    size_t i;
    int failed;

    memset(&req, 0, sizeof req);
    req.product_id = ids->product;
    req.cardholder_id = ids->cardholder;
    req.wallet_id = ids->wallet;
    req.card_id = ids->card;
    req.otp = otp;
    (void)snprintf(req.request_id, sizeof req.request_id, "%s", key);
    switch (step) {
    case KIOSK_V1_ENROLL:
        (void)ck_v1_3ds_enroll(client, &req, r);
        break;
    case KIOSK_V1_GET:
        (void)ck_v1_3ds_get(client, &req, entries, KIOSK_V1_MAX_ENTRIES, &count, r);
        break;
    case KIOSK_V1_UPDATE:
        (void)ck_v1_3ds_update(client, &req, r);
        break;
    default:
        (void)ck_v1_3ds_unenroll(client, &req, r);
        break;
    }
    failed = kiosk_report(r, NULL, "server request-id");
    if (step == KIOSK_V1_GET && r->err == CK_OK) {
        for (i = 0; i < count; i++) {
            printf("          entry %lu/%lu  ", (unsigned long)(i + 1u), (unsigned long)count);
            kiosk_print_text(entries[i].otp_delivery_method);
            printf("  ");
            kv1_print_masked(entries[i].destination);
            printf("  ");
            kiosk_print_text(entries[i].status);
            printf("\n");
        }
        if (count == 0u) {
            printf("          no entries\n");
        }
    }
    return failed;
}

int kiosk_v1_flow(ck_client *client, const kiosk_v1_ids *ids, int first_step, char *key, int *failed_step)
{
    ck_result r;
    int step;

    *failed_step = -1;
    for (step = first_step < 0 ? 0 : first_step; step < KIOSK_V1_STEPS; step++) {
        ck_otp_method otp = kiosk_v1_otp(step);
        int replay = key[0] != '\0';

        kiosk_v1_print_step(step, otp, ids);
        if (!replay) {
            ck_err e = ck_v1_request_id_new(client, key);
            if (e != CK_OK) {
                printf("          result   %s (no idempotency key could be made; nothing was sent)\n",
                       ck_strerror(e));
                *failed_step = step;
                return 1;
            }
        }
        printf("          key      %s%s\n", key, replay ? " (the lost call's: replayed)" : "");
        fflush(stdout);
        if (kiosk_v1_call(client, step, otp, ids, key, &r) != 0) {
            if ((replay ? ck_result_applied_after_lost(&r) : r.applied) == CK_APPLIED_MAYBE) {
                printf("          the request may have been applied: repeat it with key %s\n", key);
            }
            fflush(stdout);
            *failed_step = step;
            return 1;
        }
        key[0] = '\0';
        fflush(stdout);
    }
    return 0;
}
