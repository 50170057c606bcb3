#include "proxy/process/command_line.h"

#include <array>

#include "proxy/process/flags.h"

namespace kha::proxy {
namespace {

constexpr std::array<FlagSpec, 8> kFlags{{
    {'f', "", "FILE", "read the configuration from FILE (default /etc/kha/pound.cfg)"},
    {'c', "", "",
     "check the configuration and exit: silent and 0 when valid, else each "
     "error as FILE:LINE.COL: message and 1"},
    {'p', "", "PIDFILE",
     "write the daemon's process id to PIDFILE (removed on exit while privileges allow)"},
    {'F', "", "", "stay in the foreground (as does `Daemon 0` in the file)"},
    {'e', "", "", "log to stderr instead of syslog, and stay in the foreground"},
    {'v', "", "", "verbose: also log debugging messages"},
    {'V', "version", "", "print the version and exit"},
    {'h', "help", "", "print this help and exit"},
}};

}  // namespace

ProxyOptions ParseProxyCommandLine(std::span<const char* const> arguments) {
  ProxyOptions options;
  ParsedCommandLine parsed = ParseFlags(arguments, kFlags);
  if (!parsed.error.empty()) {
    options.error = parsed.error;
    return options;
  }
  if (!parsed.operands.empty()) {
    options.error = "unexpected argument \"" + parsed.operands[0] +
                    "\" (the configuration file is given with -f)";
    return options;
  }
  for (const ParsedFlag& flag : parsed.flags) {
    switch (flag.short_name) {
      case 'f':
        options.config_path = flag.values[0];
        break;
      case 'c':
        options.check_only = true;
        break;
      case 'p':
        options.pid_file = flag.values[0];
        break;
      case 'F':
        options.foreground = true;
        break;
      case 'e':
        options.log_to_stderr = true;
        options.foreground = true;
        break;
      case 'v':
        options.verbose = true;
        break;
      case 'V':
        options.version = true;
        break;
      case 'h':
        options.help = true;
        break;
    }
  }
  if (options.config_path.empty()) options.error = "option -f needs a file name";
  return options;
}

std::string ProxyHelp() {
  return "Usage: kha-proxy [-c] [-e] [-F] [-v] [-f FILE] [-p PIDFILE]\n"
         "\n"
         "An HTTP load balancer that reads Pound's configuration language: it passes\n"
         "requests to the BackEnds of the first matching Service, fails over to a\n"
         "live backend when one dies, and tunnels Upgrade (SPDY, WebSocket) requests.\n"
         "\n"
         "Options:\n" +
         FlagHelp(kFlags) +
         "\n"
         "Example: check a configuration, then run it in the foreground logging to stderr:\n"
         "  kha-proxy -c -f /etc/kha/pound.cfg && kha-proxy -e -f /etc/kha/pound.cfg\n"
         "\n"
         "Signals: TERM or INT stop accepting and let requests in flight finish within\n"
         "Grace seconds; HUP re-reads the configuration (an invalid one is logged and\n"
         "the running one kept). kha-proxyctl(8) talks to the Control socket.\n";
}

}  // namespace kha::proxy
