#include "proxy/net/head.h"

#include <algorithm>

namespace kha::proxy::net {
namespace {

// RFC 9110 §5.6.2 tchar.
constexpr bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return IsTokenChar(static_cast<unsigned char>(c));
  });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls `f` for each comma-separated element of a list field (RFC 9110 §5.6.1).
template <typename F>
void ForEachListItem(std::string_view value, F f) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = Trim(value.substr(0, comma));
    if (!item.empty()) f(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// Finds the blank line ending a head; returns its end offset or npos.
size_t FindHeadEnd(std::string_view data, size_t& scanned) {
  size_t from = scanned > 3 ? scanned - 3 : 0;
  size_t pos = data.find("\r\n\r\n", from);
  if (pos == std::string_view::npos) {
    scanned = data.size();
    return pos;
  }
  return pos + 4;
}

bool ParseVersion(std::string_view v, int& minor) {
  if (v.size() != 8 || v.substr(0, 7) != "HTTP/1." || v[7] < '0' || v[7] > '9') {
    return false;
  }
  minor = v[7] - '0';
  return true;
}

bool ParseDecimal(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  out = value;
  return true;
}

// Splits the header block into fields; returns 0 or the status to answer.
int ParseFields(std::string_view block, Head& head) {
  while (!block.empty()) {
    size_t eol = block.find("\r\n");
    std::string_view line = block.substr(0, eol);
    block.remove_prefix(eol == std::string_view::npos ? block.size() : eol + 2);
    if (line.empty()) break;
    // obs-fold is rejected (RFC 9112 §5.2): a smuggling vector.
    if (line.front() == ' ' || line.front() == '\t') return 400;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return 400;
    std::string_view name = line.substr(0, colon);
    // No whitespace between name and colon (RFC 9112 §5.1).
    if (!IsToken(name)) return 400;
    std::string_view value = Trim(line.substr(colon + 1));
    for (char c : value) {
      unsigned char u = static_cast<unsigned char>(c);
      if ((u < 0x20 && u != '\t') || u == 0x7f) return 400;  // bare CR, NUL…
    }
    head.headers.push_back(Header{name, value, line});
  }
  return 0;
}

// Reads the fields that matter to the proxy; returns 0 or a status.
int Classify(Head& head, bool is_request) {
  bool has_length = false;
  bool has_te = false;
  bool chunked_last = false;
  bool unknown_coding = false;
  for (const Header& h : head.headers) {
    std::string_view n = h.name;
    if (EqualsIgnoreCase(n, "content-length")) {
      uint64_t length = 0;
      // Duplicates are refused even when equal: one less ambiguity.
      if (has_length || !ParseDecimal(h.value, length)) return 400;
      has_length = true;
      head.content_length = length;
    } else if (EqualsIgnoreCase(n, "transfer-encoding")) {
      has_te = true;
      ForEachListItem(h.value, [&](std::string_view coding) {
        chunked_last = EqualsIgnoreCase(coding, "chunked");
        if (!chunked_last && !EqualsIgnoreCase(coding, "gzip") &&
            !EqualsIgnoreCase(coding, "deflate") && !EqualsIgnoreCase(coding, "compress")) {
          unknown_coding = true;
        }
      });
    } else if (EqualsIgnoreCase(n, "connection")) {
      ForEachListItem(h.value, [&](std::string_view option) {
        if (EqualsIgnoreCase(option, "close")) head.close = true;
        if (EqualsIgnoreCase(option, "keep-alive")) head.keep_alive = true;
        if (EqualsIgnoreCase(option, "upgrade")) head.conn_upgrade = true;
      });
    } else if (EqualsIgnoreCase(n, "upgrade")) {
      head.upgrade = h.value;
    } else if (EqualsIgnoreCase(n, "host")) {
      head.host = h.value;
    } else if (EqualsIgnoreCase(n, "referer")) {
      head.referer = h.value;
    } else if (EqualsIgnoreCase(n, "user-agent")) {
      head.user_agent = h.value;
    } else if (EqualsIgnoreCase(n, "expect")) {
      head.expect_continue = EqualsIgnoreCase(h.value, "100-continue");
    }
  }
  if (is_request) {
    // Both framings at once is the classic smuggling shape (RFC 9112 §6.3).
    if (has_te && has_length) return 400;
    if (has_te && unknown_coding) return 501;
    if (has_te && !chunked_last) return 400;
    if (has_te) {
      head.framing = Framing::kChunked;
    } else if (has_length) {
      head.framing = head.content_length > 0 ? Framing::kLength : Framing::kNone;
    } else {
      head.framing = Framing::kNone;
    }
    return 0;
  }
  if (has_te) {
    head.framing = chunked_last ? Framing::kChunked : Framing::kUntilClose;
  } else if (has_length) {
    head.framing = head.content_length > 0 ? Framing::kLength : Framing::kNone;
  } else {
    head.framing = Framing::kUntilClose;
  }
  return 0;
}

void ResetHead(Head& head) {
  auto headers = std::move(head.headers);
  headers.clear();
  head = Head{};
  head.headers = std::move(headers);
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x | 0x20);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y | 0x20);
    if (x != y) return false;
  }
  return true;
}

bool IsHopByHop(std::string_view name) {
  return EqualsIgnoreCase(name, "connection") || EqualsIgnoreCase(name, "keep-alive") ||
         EqualsIgnoreCase(name, "proxy-connection") || EqualsIgnoreCase(name, "te") ||
         EqualsIgnoreCase(name, "trailer") || EqualsIgnoreCase(name, "upgrade");
}

ParseResult ParseRequestHead(std::string_view data, size_t max_head, size_t& scanned, Head& head,
                             int& error_status) {
  size_t end = FindHeadEnd(data, scanned);
  if (end == std::string_view::npos) {
    if (data.size() < max_head) return ParseResult::kIncomplete;
    error_status = data.find("\r\n") == std::string_view::npos ? 414 : 431;
    return ParseResult::kError;
  }
  if (end > max_head) {
    error_status = data.substr(0, max_head).find("\r\n") == std::string_view::npos ? 414 : 431;
    return ParseResult::kError;
  }
  ResetHead(head);
  head.size = end;
  std::string_view text = data.substr(0, end);
  size_t eol = text.find("\r\n");
  std::string_view line = text.substr(0, eol);
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  error_status = 400;
  if (sp2 == std::string_view::npos) return ParseResult::kError;
  head.method = line.substr(0, sp1);
  head.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  head.version = line.substr(sp2 + 1);
  if (!IsToken(head.method) || head.target.empty()) return ParseResult::kError;
  for (char c : head.target) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return ParseResult::kError;
  }
  if (!ParseVersion(head.version, head.minor)) return ParseResult::kError;
  int status = ParseFields(text.substr(eol + 2), head);
  if (status == 0) status = Classify(head, /*is_request=*/true);
  if (status != 0) {
    error_status = status;
    return ParseResult::kError;
  }
  error_status = 0;
  return ParseResult::kDone;
}

ParseResult ParseResponseHead(std::string_view data, size_t max_head, size_t& scanned,
                              std::string_view request_method, Head& head) {
  size_t end = FindHeadEnd(data, scanned);
  if (end == std::string_view::npos) {
    return data.size() < max_head ? ParseResult::kIncomplete : ParseResult::kError;
  }
  if (end > max_head) return ParseResult::kError;
  ResetHead(head);
  head.size = end;
  std::string_view text = data.substr(0, end);
  size_t eol = text.find("\r\n");
  std::string_view line = text.substr(0, eol);
  // "HTTP/1.1 200 OK": version, a three-digit status, an optional reason.
  if (line.size() < 12 || line[8] != ' ' || (line.size() > 12 && line[12] != ' ')) {
    return ParseResult::kError;
  }
  head.version = line.substr(0, 8);
  if (!ParseVersion(head.version, head.minor)) return ParseResult::kError;
  int status = 0;
  for (char c : line.substr(9, 3)) {
    if (c < '0' || c > '9') return ParseResult::kError;
    status = status * 10 + (c - '0');
  }
  if (status < 100) return ParseResult::kError;
  head.status = status;
  if (ParseFields(text.substr(eol + 2), head) != 0) return ParseResult::kError;
  if (Classify(head, /*is_request=*/false) != 0) return ParseResult::kError;
  // RFC 9112 §6.3: these responses never carry a body whatever they say.
  if (request_method == "HEAD" || status < 200 || status == 204 || status == 304) {
    head.framing = Framing::kNone;
  }
  return ParseResult::kDone;
}

size_t ChunkedScanner::Feed(std::string_view data) {
  size_t i = 0;
  while (i < data.size()) {
    char c = data[i];
    switch (state_) {
      case State::kSize: {
        int digit = -1;
        if (c >= '0' && c <= '9')
          digit = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
          digit = (c | 0x20) - 'a' + 10;
        if (digit >= 0) {
          if (++digits_ > 15) {
            state_ = State::kFailed;
            return i;
          }
          remaining_ = remaining_ * 16 + static_cast<uint64_t>(digit);
          ++i;
          break;
        }
        if (digits_ == 0) {
          state_ = State::kFailed;
          return i;
        }
        if (c == '\r')
          state_ = State::kSizeLf;
        else if (c == ';' || c == ' ' || c == '\t')
          state_ = State::kExtension;
        else {
          state_ = State::kFailed;
          return i;
        }
        ++i;
        break;
      }
      case State::kExtension:
        if (c == '\r')
          state_ = State::kSizeLf;
        else if (c == '\n') {
          state_ = State::kFailed;
          return i;
        }
        ++i;
        break;
      case State::kSizeLf:
        if (c != '\n') {
          state_ = State::kFailed;
          return i;
        }
        ++i;
        state_ = remaining_ == 0 ? State::kTrailerStart : State::kData;
        break;
      case State::kData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size() - i));
        i += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kDataCr;
        break;
      }
      case State::kDataCr:
        if (c != '\r') {
          state_ = State::kFailed;
          return i;
        }
        ++i;
        state_ = State::kDataLf;
        break;
      case State::kDataLf:
        if (c != '\n') {
          state_ = State::kFailed;
          return i;
        }
        ++i;
        digits_ = 0;
        state_ = State::kSize;
        break;
      case State::kTrailerStart:
        ++i;
        state_ = c == '\r' ? State::kFinalLf : State::kTrailer;
        if (c == '\n') {
          state_ = State::kFailed;
          return i - 1;
        }
        break;
      case State::kTrailer:
        if (c == '\r') state_ = State::kTrailerLf;
        ++i;
        break;
      case State::kTrailerLf:
        if (c != '\n') {
          state_ = State::kFailed;
          return i;
        }
        ++i;
        state_ = State::kTrailerStart;
        break;
      case State::kFinalLf:
        if (c != '\n') {
          state_ = State::kFailed;
          return i;
        }
        ++i;
        state_ = State::kDone;
        return i;
      case State::kDone:
      case State::kFailed:
        return i;
    }
  }
  return i;
}

}  // namespace kha::proxy::net
