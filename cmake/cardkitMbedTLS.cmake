# cmake/cardkitMbedTLS.cmake — which mbedTLS the TLS port (cardkit::mbedtls)
# links with. Read by CMakeLists.txt and, installed, by cardkitConfig.cmake,
# so a find_package(cardkit) consumer finds the same kind of mbedTLS.
#
# cardkit_mbedtls_target(<out-var>) sets <out-var> to the first of:
#   1. CARDKIT_MBEDTLS_TARGET, a target the parent already has (ESP-IDF's
#      idf::mbedtls, Zephyr's mbedTLS, the `mbedtls` of mbedTLS 3.6 added
#      with add_subdirectory...): it must exist;
#   2. MbedTLS::mbedtls, when the parent already has it;
#   3. mbedTLS 3.6's own CMake package (find_package(MbedTLS CONFIG));
#   4. the system's library and headers (Debian's libmbedtls-dev, which has
#      no CMake package), as the imported target cardkit::system_mbedtls;
# or to "" when none is found.

function(cardkit_mbedtls_target out)
  if(CARDKIT_MBEDTLS_TARGET)
    if(NOT TARGET "${CARDKIT_MBEDTLS_TARGET}")
      message(FATAL_ERROR "cardkit: CARDKIT_MBEDTLS_TARGET is '${CARDKIT_MBEDTLS_TARGET}', "
                          "which is not a target here: define it before cardkit")
    endif()
    set(${out} "${CARDKIT_MBEDTLS_TARGET}" PARENT_SCOPE)
    return()
  endif()
  if(NOT TARGET MbedTLS::mbedtls AND NOT TARGET cardkit::system_mbedtls)
    find_package(MbedTLS CONFIG QUIET)
  endif()
  if(TARGET MbedTLS::mbedtls)
    set(${out} MbedTLS::mbedtls PARENT_SCOPE)
    return()
  endif()
  cardkit_system_mbedtls()
  if(TARGET cardkit::system_mbedtls)
    set(${out} cardkit::system_mbedtls PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()

# cardkit_system_mbedtls(): the imported target cardkit::system_mbedtls over
# the system's mbedTLS headers and its three libraries, when all are found.
function(cardkit_system_mbedtls)
  if(TARGET cardkit::system_mbedtls)
    return()
  endif()
  find_path(CARDKIT_MBEDTLS_INCLUDE_DIR mbedtls/ssl.h)
  find_library(CARDKIT_MBEDTLS_LIBRARY mbedtls)
  find_library(CARDKIT_MBEDX509_LIBRARY mbedx509)
  find_library(CARDKIT_MBEDCRYPTO_LIBRARY mbedcrypto)
  if(CARDKIT_MBEDTLS_INCLUDE_DIR AND CARDKIT_MBEDTLS_LIBRARY AND CARDKIT_MBEDX509_LIBRARY
     AND CARDKIT_MBEDCRYPTO_LIBRARY)
    add_library(cardkit::system_mbedtls INTERFACE IMPORTED GLOBAL)
    set_target_properties(cardkit::system_mbedtls PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${CARDKIT_MBEDTLS_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES "${CARDKIT_MBEDTLS_LIBRARY};${CARDKIT_MBEDX509_LIBRARY};${CARDKIT_MBEDCRYPTO_LIBRARY}")
  endif()
endfunction()
