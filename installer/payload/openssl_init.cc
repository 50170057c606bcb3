#include "installer/payload/openssl_init.h"

#include <openssl/crypto.h>

#include <stdexcept>

namespace kha::payload {

void InitOpenSsl() {
  if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr) != 1)
    throw std::runtime_error("cannot initialise OpenSSL");
}

}  // namespace kha::payload
