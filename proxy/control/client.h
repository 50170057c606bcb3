// kha-proxyctl's side of the control socket: send one command, read the
// whole answer. Errors name the socket and say what to do about them.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kha::proxy::control {

class ControlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The raw answer to `command` (protocol.h); throws ControlError when the
// socket cannot be reached or the proxy does not answer within `timeout`.
std::string SendCommand(const std::string& socket_path, std::string_view command,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace kha::proxy::control
