// kha-proxyctl: a thin client of kha-proxy's control socket (proxy/control/).
#include <cstdio>
#include <span>
#include <string>

#include "proxy/control/client.h"
#include "proxy/control/ctl_command_line.h"
#include "proxy/control/protocol.h"

namespace {

using kha::proxy::control::CtlOptions;

void PrintError(const std::string& message) {
  std::fprintf(stderr, "kha-proxyctl: %s\n", message.c_str());
}

int Run(const CtlOptions& options) {
  namespace control = kha::proxy::control;
  control::Answer answer;
  try {
    answer = control::ParseAnswer(control::SendCommand(options.socket_path, CommandFor(options)));
  } catch (const control::ControlError& e) {
    PrintError(e.what());
    return 1;
  }
  if (!answer.ok) {
    PrintError(answer.body);
    return 1;
  }
  std::string ids = std::to_string(options.backend[0]) + "/" + std::to_string(options.backend[1]) +
                    "/" + std::to_string(options.backend[2]);
  switch (options.action) {
    case CtlOptions::Action::kList:
      std::fputs(answer.body.c_str(), stdout);
      break;
    case CtlOptions::Action::kDisable:
      std::printf("backend %s disabled\n", ids.c_str());
      break;
    case CtlOptions::Action::kEnable:
      std::printf("backend %s enabled\n", ids.c_str());
      break;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CtlOptions options = kha::proxy::control::ParseCtlCommandLine(
      std::span<const char* const>(argv + 1, static_cast<size_t>(argc > 0 ? argc - 1 : 0)));
  if (!options.error.empty()) {
    PrintError(options.error);
    std::fputs("Try 'kha-proxyctl --help' for more information.\n", stderr);
    return 2;
  }
  if (options.help) {
    std::fputs(kha::proxy::control::CtlHelp().c_str(), stdout);
    return 0;
  }
  if (options.version) {
    std::printf("kha-proxyctl %s (built %s)\n", KHA_VERSION, KHA_BUILD_DATE);
    return 0;
  }
  return Run(options);
}
