// Building the heads the proxy sends on: hop-by-hop fields dropped (RFC 9110
// §7.6.1), X-Forwarded-For appended, Pound's HeadRemove and AddHeader
// applied, all serialised into a caller-owned buffer reused across messages.
#ifndef KHA_PROXY_HTTP_REWRITE_H_
#define KHA_PROXY_HTTP_REWRITE_H_

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "proxy/http/parser.h"

namespace kha::proxy::http {

// A listener's request rules; build once, use for every request.
struct RequestRewrite {
  // Pound HeadRemove: true drops the field. Called with "Name: value".
  std::function<bool(std::string_view line)> head_remove;
  // Pound AddHeader: whole field lines ("X-Name: value"), without CRLF.
  std::span<const std::string> add_headers;
};

// Writes the request head for a backend into *out (replacing its contents):
// the request line in the client's version (HTTP/1.0 adds `Connection:
// keep-alive`, so backend connections persist), every field but the
// hop-by-hop ones, an Expect the proxy answers, and those head_remove drops,
// X-Forwarded-For with client_address appended (none when it is empty), the
// added lines, and for an upgrade `Connection: upgrade` with its Upgrade
// field kept.
void WriteRequestHead(const RequestHead& head, std::string_view client_address,
                      const RequestRewrite& rewrite, std::string* out);

// Writes the response head for the client into *out: the status line as
// HTTP/1.1 (RFC 9110 §2.5, whatever the backend's version), every field but the hop-by-hop ones
// (Upgrade and `Connection: upgrade` kept on a 101), then `Connection: close` when keep_alive is
// false, or `Connection: keep-alive` for an HTTP/1.0 client.
void WriteResponseHead(const ResponseHead& head, int client_version_minor, bool keep_alive,
                       std::string* out);

// Whether a field is hop-by-hop: Connection, Keep-Alive, Proxy-Connection,
// TE, Trailer, Upgrade, or a name listed in Connection. Transfer-Encoding is
// not: bodies are forwarded with their framing as received.
bool IsHopByHop(std::string_view name, std::span<const std::string_view> connection_options);

}  // namespace kha::proxy::http

#endif  // KHA_PROXY_HTTP_REWRITE_H_
