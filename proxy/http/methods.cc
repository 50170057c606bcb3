// Pound's xHTTP method groups and the reason phrases the proxy answers with.
#include <array>
#include <utility>

#include "proxy/http/parser.h"

namespace kha::proxy::http {

namespace {

// Each method with the lowest xHTTP level that allows it, as Pound's
// ListenHTTP documentation groups them.
constexpr std::array<std::pair<std::string_view, int>, 30> kMethods{{
    {"GET", 0},       {"POST", 0},        {"HEAD", 0},     {"PUT", 1},       {"PATCH", 1},
    {"DELETE", 1},    {"LOCK", 2},        {"UNLOCK", 2},   {"PROPFIND", 2},  {"PROPPATCH", 2},
    {"SEARCH", 2},    {"MKCOL", 2},       {"MOVE", 2},     {"COPY", 2},      {"OPTIONS", 2},
    {"TRACE", 2},     {"MKACTIVITY", 2},  {"CHECKOUT", 2}, {"MERGE", 2},     {"REPORT", 2},
    {"SUBSCRIBE", 3}, {"UNSUBSCRIBE", 3}, {"NOTIFY", 3},   {"BPROPFIND", 3}, {"BPROPPATCH", 3},
    {"POLL", 3},      {"BMOVE", 3},       {"BCOPY", 3},    {"BDELETE", 3},   {"CONNECT", 3},
}};

int MethodLevel(std::string_view method) {
  for (const auto& [name, level] : kMethods) {
    if (name == method) return level;
  }
  return -1;
}

}  // namespace

bool MethodAllowed(std::string_view method, int xhttp) { return MethodStatus(method, xhttp) == 0; }

int MethodStatus(std::string_view method, int xhttp) {
  const int level = MethodLevel(method);
  if (level < 0) return 501;
  return level <= xhttp ? 0 : 405;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 417:
      return "Expectation Failed";
    case 426:
      return "Upgrade Required";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
  }
  return "Unknown";
}

}  // namespace kha::proxy::http
