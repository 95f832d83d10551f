// Only includes libcrypto's (OpenSSL's) digest API: the log's SHA-256 imports into Swift as is.
#include <openssl/evp.h>
