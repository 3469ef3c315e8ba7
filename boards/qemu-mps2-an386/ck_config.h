/**
 * @file ck_config.h
 * @brief cardkit sizes for a Cortex-M kiosk board, used with
 * `-DCK_CONFIG_FILE="ck_config.h" -Iboards/qemu-mps2-an386` (board.mk).
 *
 * Every value not set here keeps its default from
 * include/cardkit/ck_config_defaults.h, which documents each one and its
 * range. Only sizes that cost RAM are trimmed; the limits the HTTP parser
 * only counts (head bytes, header count) keep their defaults, since they
 * cost nothing and a gateway's headers are not ours to choose.
 *
 * With these values an enroll or a contact update needs one ck_client, one
 * ck_buffers and one ck_result (`make size` prints the figures).
 */
#ifndef CK_BOARD_CONFIG_H
#define CK_BOARD_CONFIG_H

/* Largest request: a contact update, about 650 bytes with the longest
 * fields kiosks send; answers are under 100 bytes. 1 KiB leaves room. */
#define CK_WORK_BUF_SIZE 1024u

/* v2 answers need at most 7 tokens; a v1 GET with n enrollment entries
 * needs 9 + 7n: 32 tokens (the default, 640 bytes here) hold 3 entries. */
#define CK_JSON_MAX_TOKENS 32u

/* The API's messages are short sentences; a longer one is flagged as
 * truncated in the result, never cut. */
#define CK_API_MESSAGE_MAX 64u

#endif /* CK_BOARD_CONFIG_H */
