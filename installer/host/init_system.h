// The init systems kha installs service definitions for.
#pragma once

#include <string_view>

namespace kha::host {

enum class InitSystem {
  kUpstart,  // Ubuntu 14.04: /etc/init/<service>.conf
  kSystemd,  // Ubuntu 16.04 and later, Debian 8 and later: /etc/systemd/system/<service>.service
};

constexpr std::string_view InitSystemName(InitSystem init) {
  return init == InitSystem::kUpstart ? "upstart" : "systemd";
}

}  // namespace kha::host
