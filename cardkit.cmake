# cardkit.cmake — the one list of cardkit's sources, read by both builds:
# CMakeLists.txt include()s it, and the Makefile reads the same blocks
# (`ck_sources` in the Makefile), so adding a file is one line here.
#
# Keep the shape the Makefile reads: `set(NAME` alone on a line, one path
# per line relative to this folder, `)` alone on a line; no variables, no
# globs. A parent project may include() it too (prepend
# ${CMAKE_CURRENT_LIST_DIR}/ to the paths).

# lib/: the library (CMake target cardkit, the Makefile's LIB_SRCS).
set(CARDKIT_LIB_SOURCES
    lib/call.c
    lib/client.c
    lib/err.c
    lib/http_parse.c
    lib/http_write.c
    lib/json_read.c
    lib/json_write.c
    lib/outcome.c
    lib/retry.c
    lib/text.c
    lib/v1_3ds.c
    lib/v2_3ds.c
    lib/v2_call.c
    lib/v2_card.c
    lib/v2_contact.c
    lib/v2_fields.c
    lib/validate.c
)

# port/mbedtls: TLS over any transport (cardkit_mbedtls, PORT_TLS_SRCS).
set(CARDKIT_MBEDTLS_SOURCES
    port/mbedtls/ck_tls.c
)

# port/posix: TCP on BSD sockets, a POSIX platform (cardkit_posix, PORT_POSIX_SRCS).
set(CARDKIT_POSIX_SOURCES
    port/posix/ck_posix.c
)

# port/lwip: the lwIP transport on the socket API, for RTOS builds (NO_SYS = 0)
# (cardkit_lwip with CARDKIT_LWIP_API=SOCKET, PORT_LWIP_SRCS).
set(CARDKIT_LWIP_SOURCES
    port/lwip/ck_lwip.c
)

# port/lwip: the lwIP transport on the raw TCP API, for superloop builds
# (NO_SYS = 1) (cardkit_lwip with CARDKIT_LWIP_API=RAW, PORT_LWIP_RAW_SRCS).
set(CARDKIT_LWIP_RAW_SOURCES
    port/lwip/ck_lwip_raw.c
)

# port/loopback: the scripted in-memory transport of the tests
# (cardkit_loopback, LOOPBACK_SRCS).
set(CARDKIT_LOOPBACK_SOURCES
    port/loopback/ck_loopback.c
)
