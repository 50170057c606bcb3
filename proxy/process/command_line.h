// kha-proxy's command line, a drop-in for pound's: -f -c -v -V -p -e -F -h.
#pragma once

#include <span>
#include <string>

namespace kha::proxy {

inline constexpr char kDefaultConfigPath[] = "/etc/kha/pound.cfg";

struct ProxyOptions {
  std::string config_path = kDefaultConfigPath;
  std::string pid_file;  // empty: none
  bool check_only = false;
  bool verbose = false;
  bool version = false;
  bool help = false;
  bool log_to_stderr = false;  // -e: also implies the foreground
  bool foreground = false;
  std::string error;  // a usage error; the other fields are then meaningless
};

// `arguments` without the program name.
ProxyOptions ParseProxyCommandLine(std::span<const char* const> arguments);

// The text -h prints: usage, every flag, and an example.
std::string ProxyHelp();

}  // namespace kha::proxy
