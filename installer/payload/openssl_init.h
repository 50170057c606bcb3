// Call first thing in main: OpenSSL must never read the host's openssl.cnf (a
// static binary on an old host would try to load engines or providers named
// there).
#pragma once

namespace kha::payload {

// Throws std::runtime_error when OpenSSL cannot start.
void InitOpenSsl();

}  // namespace kha::payload
