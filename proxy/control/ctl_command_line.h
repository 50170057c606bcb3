// kha-proxyctl's command line, poundctl's flags for what kha-proxy does:
// -c SOCKET, -b/-B L S B, plus --json.
#pragma once

#include <array>
#include <span>
#include <string>

namespace kha::proxy::control {

struct CtlOptions {
  enum class Action { kList, kDisable, kEnable };
  std::string socket_path;
  Action action = Action::kList;
  std::array<int, 3> backend{};  // listener, service, backend for kDisable/kEnable
  bool json = false;
  bool help = false;
  bool version = false;
  std::string error;  // a usage error; the rest is then meaningless
};

// `arguments` without the program name.
CtlOptions ParseCtlCommandLine(std::span<const char* const> arguments);

// The control-socket command line for `options` ("show table", …).
std::string CommandFor(const CtlOptions& options);

std::string CtlHelp();

}  // namespace kha::proxy::control
