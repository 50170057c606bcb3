#include "proxy/net/methods.h"

#include <array>

namespace kha::proxy::net {
namespace {

struct MethodLevel {
  std::string_view method;
  int level;  // the lowest xHTTP value that allows it
};

// Pound's groups: 0 plain web, 1 + RFC 2616 writes and PATCH, 2 + WebDAV,
// 3 + Microsoft WebDAV extensions.
constexpr std::array<MethodLevel, 29> kMethods{{
    {"GET", 0},       {"POST", 0},        {"HEAD", 0},     {"PUT", 1},       {"PATCH", 1},
    {"DELETE", 1},    {"LOCK", 2},        {"UNLOCK", 2},   {"PROPFIND", 2},  {"PROPPATCH", 2},
    {"SEARCH", 2},    {"MKCOL", 2},       {"MOVE", 2},     {"COPY", 2},      {"OPTIONS", 2},
    {"TRACE", 2},     {"MKACTIVITY", 2},  {"CHECKOUT", 2}, {"MERGE", 2},     {"REPORT", 2},
    {"SUBSCRIBE", 3}, {"UNSUBSCRIBE", 3}, {"NOTIFY", 3},   {"BPROPFIND", 3}, {"BPROPPATCH", 3},
    {"POLL", 3},      {"BMOVE", 3},       {"BCOPY", 3},    {"BDELETE", 3},
}};

}  // namespace

int MethodStatus(std::string_view method, int xhttp) {
  for (const MethodLevel& m : kMethods) {
    if (m.method == method) return m.level <= xhttp ? 0 : 405;
  }
  return 501;
}

}  // namespace kha::proxy::net
