// Serialising the heads the proxy forwards. Everything is appended to one
// caller-owned string, so a connection that reuses it allocates nothing in
// the steady state.
#include "proxy/http/rewrite.h"

#include <charconv>

namespace kha::proxy::http {

namespace {

void AppendField(std::string_view name, std::string_view value, std::string* out) {
  out->append(name);
  out->append(": ");
  out->append(value);
  out->append("\r\n");
}

void AppendNumber(uint64_t n, std::string* out) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, n);
  out->append(digits, result.ptr);
}

// Appends "Name: value" and keeps it (with CRLF) unless head_remove drops it,
// so the filter sees the whole line without a scratch buffer.
void AppendUnlessRemoved(const Field& field, const RequestRewrite& rewrite, std::string* out) {
  const size_t start = out->size();
  out->append(field.name);
  out->append(": ");
  out->append(field.value);
  if (rewrite.head_remove && rewrite.head_remove(std::string_view(*out).substr(start))) {
    out->resize(start);
    return;
  }
  out->append("\r\n");
}

bool IsForwardedFor(std::string_view name) { return EqualsIgnoreCase(name, "x-forwarded-for"); }

}  // namespace

bool IsHopByHop(std::string_view name, std::span<const std::string_view> connection_options) {
  // By length first: this runs for every forwarded field.
  switch (name.size()) {
    case 2:
      if (EqualsIgnoreCase(name, "te")) return true;
      break;
    case 4:
      // Host, like the framing fields below, is never dropped because a
      // Connection option names it: that would let a client make the proxy
      // and the backend disagree on a message.
      if (EqualsIgnoreCase(name, "host")) return false;
      break;
    case 7:
      if (EqualsIgnoreCase(name, "trailer") || EqualsIgnoreCase(name, "upgrade")) return true;
      break;
    case 10:
      if (EqualsIgnoreCase(name, "connection") || EqualsIgnoreCase(name, "keep-alive")) return true;
      break;
    case 14:
      if (EqualsIgnoreCase(name, "content-length")) return false;
      break;
    case 16:
      if (EqualsIgnoreCase(name, "proxy-connection")) return true;
      break;
    case 17:
      if (EqualsIgnoreCase(name, "transfer-encoding")) return false;
      break;
  }
  for (std::string_view option : connection_options) {
    if (EqualsIgnoreCase(name, option)) return true;
  }
  return false;
}

void WriteRequestHead(const RequestHead& head, std::string_view client_address,
                      const RequestRewrite& rewrite, std::string* out) {
  out->clear();
  out->append(head.method);
  out->push_back(' ');
  out->append(head.target);
  // An HTTP/1.0 request stays 1.0: its answer must not be chunked (RFC 9112
  // §7.1) and, without a Host, an HTTP/1.1 backend would refuse it. It asks
  // for a persistent connection so the backend connection can be pooled.
  const bool http10 = head.version_minor == 0;
  out->append(http10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
  const bool upgrade = head.upgrade != UpgradeProtocol::kNone;
  bool forwarded_for = false;
  for (const Field& field : head.fields) {
    const bool keep_upgrade = upgrade && EqualsIgnoreCase(field.name, "upgrade");
    if (!keep_upgrade && IsHopByHop(field.name, head.connection_options)) continue;
    // The proxy answers 100-continue itself (RFC 9110 §10.1.1).
    if (head.expect_continue && EqualsIgnoreCase(field.name, "expect")) continue;
    if (!client_address.empty() && IsForwardedFor(field.name)) {
      forwarded_for = true;
      continue;  // merged below
    }
    AppendUnlessRemoved(field, rewrite, out);
  }
  if (upgrade) {
    out->append("Connection: upgrade\r\n");
  } else if (http10) {
    out->append("Connection: keep-alive\r\n");
  }
  if (!client_address.empty()) {
    // One X-Forwarded-For with every earlier hop, then the client.
    out->append("X-Forwarded-For: ");
    if (forwarded_for) {
      for (const Field& field : head.fields) {
        if (!IsForwardedFor(field.name) || IsHopByHop(field.name, head.connection_options) ||
            field.value.empty()) {
          continue;
        }
        if (rewrite.head_remove) {
          const size_t start = out->size();
          AppendField(field.name, field.value, out);
          out->resize(out->size() - 2);
          const bool removed = rewrite.head_remove(std::string_view(*out).substr(start));
          out->resize(start);
          if (removed) continue;
        }
        out->append(field.value);
        out->append(", ");
      }
    }
    out->append(client_address);
    out->append("\r\n");
  }
  for (const std::string& line : rewrite.add_headers) {
    out->append(line);
    out->append("\r\n");
  }
  out->append("\r\n");
}

void WriteResponseHead(const ResponseHead& head, int client_version_minor, bool keep_alive,
                       std::string* out) {
  out->clear();
  out->append("HTTP/1.1 ");
  AppendNumber(static_cast<uint64_t>(head.status), out);
  out->push_back(' ');
  out->append(head.reason);
  out->append("\r\n");
  const bool switching = head.status == 101;
  for (const Field& field : head.fields) {
    const bool keep_upgrade = switching && EqualsIgnoreCase(field.name, "upgrade");
    if (!keep_upgrade && IsHopByHop(field.name, head.connection_options)) continue;
    AppendField(field.name, field.value, out);
  }
  if (switching) {
    out->append("Connection: upgrade\r\n");
  } else if (!head.interim()) {
    if (!keep_alive) {
      out->append("Connection: close\r\n");
    } else if (client_version_minor == 0) {
      out->append("Connection: keep-alive\r\n");
    }
  }
  out->append("\r\n");
}

}  // namespace kha::proxy::http
