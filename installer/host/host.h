// What kha needs to know about the machine (or --root tree) it installs on:
// the distribution, its init system, whether that init system is running
// (so services may be started), and the machine's own IPv4 addresses.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "installer/host/init_system.h"
#include "installer/host/os_release.h"

namespace kha::host {

struct HostFacts {
  OsRelease os;
  InitSystem init = InitSystem::kSystemd;
  bool init_running = false;  // `init` is PID 1 here: services may be started
};

// The host is not one kha supports; what() is ready to print (exit code 3).
class UnsupportedHost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// --force-os got a value it does not accept; what() is ready to print (exit code 2).
class BadForceOs : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The init system of a supported release: Ubuntu 14.04 → upstart; Ubuntu
// 16.04 and later, Debian 8 and later → systemd; nullopt for anything else.
std::optional<InitSystem> InitSystemFor(const std::string& id, const std::string& version_id);

// Reads the release files under `root` (see ReadOsRelease) unless `force_os`
// ("ubuntu-14.04", "ubuntu-16.04", "ubuntu-X.Y", "debian-N"; empty = detect)
// says what to assume. Throws UnsupportedHost, BadForceOs, or kha::SystemError
// when a release file exists but cannot be read.
HostFacts DetectHost(const std::string& root, const std::string& force_os);

// The init system running as PID 1: systemd when `systemd_run_dir`
// (/run/systemd/system) is a folder, upstart when `proc_net_unix`
// (/proc/net/unix) lists its socket @/com/ubuntu/upstart; nullopt otherwise.
std::optional<InitSystem> RunningInitSystem(const std::string& systemd_run_dir,
                                            const std::string& proc_net_unix);
// The same for `root`: nothing counts as running under a root other than "/".
std::optional<InitSystem> RunningInitSystemUnder(const std::string& root);

}  // namespace kha::host
