/**
 * @file ck_json_member.h
 * @brief Private: a member of a JSON object that must be there with one type.
 */
#ifndef CK_JSON_MEMBER_H
#define CK_JSON_MEMBER_H

#include "cardkit/ck_json.h"

/**
 * @brief ck_json_find() for a member whose value must be of type @p type (a
 * jsmntype_t): an absent key or another type is CK_ERR_UNEXPECTED_RESPONSE.
 * @return The value's token, or minus the error.
 */
int ck_json_member(const ck_json_doc *doc, int obj, const char *key, int type);

#endif /* CK_JSON_MEMBER_H */
