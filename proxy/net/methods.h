// Which request methods a listener's xHTTP level lets through (Pound 4.x):
// a known method above the level gets 405, an unknown one 501.
#pragma once

#include <string_view>

namespace kha::proxy::net {

// Returns 0 when allowed, else the status to answer (405 or 501).
int MethodStatus(std::string_view method, int xhttp);

}  // namespace kha::proxy::net
