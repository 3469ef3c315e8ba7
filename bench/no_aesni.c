/**
 * @file no_aesni.c
 * @brief `make bench`'s "without AES-NI": preloaded (LD_PRELOAD) into a
 * program on Debian's shared mbedTLS 2.28, it answers mbedTLS's run-time
 * CPU check with "no", so AES and GCM take mbedTLS's portable C code. The
 * library calls the check through its PLT, so this definition wins.
 */
int mbedtls_aesni_has_support(unsigned int what);

int mbedtls_aesni_has_support(unsigned int what)
{
    (void)what;
    return 0;
}
