#include "proxy/net/error_page.h"

#include "proxy/http/parser.h"

namespace kha::proxy::net {

// One table of reason phrases for the whole proxy: the parser's.
std::string_view ReasonPhrase(int status) { return http::ReasonPhrase(status); }

namespace {

std::string_view Explanation(int status) {
  switch (status) {
    case 400:
      return "The request could not be parsed.";
    case 405:
      return "This method is not allowed here.";
    case 413:
      return "The request body is larger than this proxy accepts.";
    case 414:
      return "The request line is longer than this proxy accepts.";
    case 431:
      return "The request headers are larger than this proxy accepts.";
    case 501:
      return "This method or transfer coding is not supported.";
    case 503:
      return "No backend is available for this request right now.";
    default:
      return "The proxy could not complete this request.";
  }
}

}  // namespace

void FormatErrorResponse(int status, std::string_view custom_body, bool keep_alive,
                         bool head_request, std::string& out) {
  std::string_view reason = ReasonPhrase(status);
  std::string page;
  std::string_view body = custom_body;
  if (body.empty()) {
    page.append("<html><head><title>")
        .append(std::to_string(status))
        .append(" ")
        .append(reason)
        .append("</title></head><body><h1>")
        .append(reason)
        .append("</h1><p>")
        .append(Explanation(status))
        .append("</p></body></html>\n");
    body = page;
  }
  out.clear();
  out.append("HTTP/1.1 ")
      .append(std::to_string(status))
      .append(" ")
      .append(reason)
      .append("\r\nContent-Type: text/html\r\nContent-Length: ")
      .append(std::to_string(body.size()))
      .append("\r\nCache-Control: no-cache, no-store\r\n");
  out.append(keep_alive ? "" : "Connection: close\r\n").append("\r\n");
  if (!head_request) out.append(body);
}

}  // namespace kha::proxy::net
