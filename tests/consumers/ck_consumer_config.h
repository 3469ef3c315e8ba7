/**
 * @file ck_consumer_config.h
 * @brief The add_subdirectory consumer's CARDKIT_CONFIG_FILE: a smaller work
 * buffer than the default, which the library and the consumer must both see.
 */
#ifndef CK_CONSUMER_CONFIG_H
#define CK_CONSUMER_CONFIG_H

#define CK_WORK_BUF_SIZE 1024u

#endif /* CK_CONSUMER_CONFIG_H */
