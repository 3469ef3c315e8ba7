/**
 * @file ck_samples.c
 * @brief Valid sample requests from the provider's documents.
 */
#include <stdio.h>
#include <string.h>

#include "ck_samples.h"

ck_card_apply_req ck_sample_card(void)
{
    ck_card_apply_req r;
    memset(&r, 0, sizeof r);
    r.card_product_code = "T1FBXO";
    r.apply_coupon = true;
    r.remark = "Marketing Team - John Doe";
    r.transaction_amount_limit = "500.00";
    r.daily_limit = "2000.00";
    r.weekly_limit = "8000.00";
    r.monthly_limit = "30000.00";
    r.lifetime_limit = "200000.00";
    r.budget_id = "ci202008281528472924";
    r.cardholder_id = "273555991139442689";
    return r;
}

ck_contact_req ck_sample_contact(void)
{
    ck_contact_req r;
    r.cardholder_id = "273555991139442689";
    r.call_prefix = "+1";
    r.mobile = "2125551234";
    r.email = "john.doe@example.com";
    r.date_of_birth = "1996-10-31";
    r.address_line = "350 Fifth Avenue";
    r.city = "New York";
    r.state = "NY";
    r.post_code = "10118";
    r.country_code = "US";
    r.security_index = "2";
    r.security_answer = "Smith";
    return r;
}

ck_v1_req ck_sample_v1(const char *key)
{
    ck_v1_req r;
    memset(&r, 0, sizeof r);
    r.product_id = "p";
    r.cardholder_id = "ch";
    r.wallet_id = "w";
    r.card_id = "c";
    r.otp = CK_OTP_SMS;
    if (key != NULL) {
        (void)snprintf(r.request_id, sizeof r.request_id, "%s", key);
    }
    return r;
}
