/**
 * @file cardkit.h
 * @brief Everything public in cardkit: include this, or the headers you use.
 */
#ifndef CARDKIT_H
#define CARDKIT_H

#include "ck_config_defaults.h"
#include "ck_err.h"
#include "ck_platform.h"
#include "ck_transport.h"
#include "ck_json.h"
#include "ck_client.h"
#include "ck_v2.h"
#include "ck_v1.h"

#endif /* CARDKIT_H */
