#include "proxy/control/ctl_command_line.h"

#include <charconv>

#include "proxy/process/flags.h"

namespace kha::proxy::control {
namespace {

constexpr std::array<FlagSpec, 6> kFlags{{
    {'c', "", "SOCKET", "the control socket (the Control path in kha-proxy's pound.cfg)"},
    {'b', "", "L S B", "disable backend B of service S in listener L (L = -1: global services)"},
    {'B', "", "L S B", "enable that backend again"},
    {'j', "json", "", "print the listing as JSON, for scripts"},
    {'V', "version", "", "print the version and exit"},
    {'h', "help", "", "print this help and exit"},
}};

bool ParseIndex(const std::string& text, int& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && error == std::errc() && end == text.data() + text.size() && value >= -1;
}

}  // namespace

CtlOptions ParseCtlCommandLine(std::span<const char* const> arguments) {
  CtlOptions options;
  ParsedCommandLine parsed = ParseFlags(arguments, kFlags);
  if (!parsed.error.empty()) {
    options.error = parsed.error;
    return options;
  }
  if (!parsed.operands.empty()) {
    options.error = "unexpected argument \"" + parsed.operands[0] + "\"";
    return options;
  }
  bool have_action = false;
  for (const ParsedFlag& flag : parsed.flags) {
    switch (flag.short_name) {
      case 'c':
        options.socket_path = flag.values[0];
        break;
      case 'b':
      case 'B':
        if (have_action) {
          options.error = "give one -b or -B at a time";
          return options;
        }
        have_action = true;
        options.action =
            flag.short_name == 'b' ? CtlOptions::Action::kDisable : CtlOptions::Action::kEnable;
        for (size_t i = 0; i < 3; ++i) {
          if (!ParseIndex(flag.values[i], options.backend[i])) {
            options.error = "-" + std::string(1, flag.short_name) + ": \"" + flag.values[i] +
                            "\" is not an index (a number, -1 for the global services)";
            return options;
          }
        }
        break;
      case 'j':
        options.json = true;
        break;
      case 'V':
        options.version = true;
        break;
      case 'h':
        options.help = true;
        break;
    }
  }
  if (options.help || options.version) return options;
  if (options.socket_path.empty()) {
    options.error = "missing -c SOCKET (the Control path from kha-proxy's configuration)";
  } else if (options.json && options.action != CtlOptions::Action::kList) {
    options.error = "--json applies to the listing only";
  }
  return options;
}

std::string CommandFor(const CtlOptions& options) {
  std::string indices = std::to_string(options.backend[0]) + " " +
                        std::to_string(options.backend[1]) + " " +
                        std::to_string(options.backend[2]);
  switch (options.action) {
    case CtlOptions::Action::kDisable:
      return "disable backend " + indices;
    case CtlOptions::Action::kEnable:
      return "enable backend " + indices;
    case CtlOptions::Action::kList:
      break;
  }
  return options.json ? "show json" : "show table";
}

std::string CtlHelp() {
  return "Usage: kha-proxyctl -c SOCKET [--json]\n"
         "       kha-proxyctl -c SOCKET -b|-B LISTENER SERVICE BACKEND\n"
         "\n"
         "Shows a running kha-proxy's listeners, services and backends (state,\n"
         "priority, active connections, requests served, last error) and takes a\n"
         "backend out of rotation or puts it back, as poundctl does. The ID column\n"
         "of the listing gives the three numbers -b and -B take.\n"
         "\n"
         "Options:\n" +
         FlagHelp(kFlags) +
         "\n"
         "Example: drain the second apiserver before maintenance, then restore it:\n"
         "  kha-proxyctl -c /var/run/pound/poundctl.socket            # ID 0/0/1 is it\n"
         "  kha-proxyctl -c /var/run/pound/poundctl.socket -b 0 0 1\n"
         "  kha-proxyctl -c /var/run/pound/poundctl.socket -B 0 0 1\n"
         "\n"
         "Exit status: 0 done, 1 the proxy could not be reached or refused, 2 bad usage.\n";
}

}  // namespace kha::proxy::control
