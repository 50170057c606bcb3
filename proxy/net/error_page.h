// Answers the proxy gives itself (no backend involved), Pound-style: an HTML
// page, the configured ErrNNN file's content when one is set.
#pragma once

#include <string>
#include <string_view>

namespace kha::proxy::net {

std::string_view ReasonPhrase(int status);

// Writes a complete HTTP/1.1 response into `out` (replacing its content).
// `custom_body` replaces the built-in page when not empty. An answer to HEAD
// (`head_request`) has the page's Content-Length but not the page itself
// (RFC 9110 §9.3.2), or the client would read it as the next response.
void FormatErrorResponse(int status, std::string_view custom_body, bool keep_alive,
                         bool head_request, std::string& out);

}  // namespace kha::proxy::net
