// The running proxy's state as text: an aligned table for people and JSON for
// machines. Both are built by the proxy (the control socket's "show table"
// and "show json") so kha-proxyctl needs no parser of its own.
#pragma once

#include <string>

#include "proxy/balance/runtime.h"

namespace kha::proxy::control {

// One row per backend, ids as poundctl numbers them ("L/S/B", L = -1 for
// global services, B = "e" for a service's Emergency backend):
//   ID      LISTENER           SERVICE  BACKEND        STATE  PRIORITY  ACTIVE  REQUESTS  LAST
//   ERROR 0/0/0   http 0.0.0.0:8080  api      10.0.0.1:8081  alive         5       0        12  -
std::string RenderTable(const balance::RuntimeView& view);

// {"listeners":[{"index":0,"protocol":"http","address":…,"port":…,
//   "services":[{"index":0,"name":…,"backends":[{…}],"emergency":null}]}],
//  "global_services":[…]} followed by a newline.
std::string RenderJson(const balance::RuntimeView& view);

// `text` as a JSON string literal, quotes included.
std::string JsonString(std::string_view text);

}  // namespace kha::proxy::control
