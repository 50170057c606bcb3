// The commands that make an init system pick up new service definitions,
// (re)start services in order and stop them in reverse order, run through a
// Runner.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "installer/host/init_system.h"
#include "installer/run/runner.h"

namespace kha::services {

// A service command failed; what() names it and carries its output.
class ServiceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What would run, in order, to reload definitions and restart `services`
// (already in start order). Upstart's restart fails for a stopped job, so each
// upstart restart is a pair: try restart, else start (see RestartServices).
std::vector<run::Command> ReloadCommands(host::InitSystem init);
std::vector<run::Command> RestartCommands(host::InitSystem init, const std::string& service);

// Makes the init system read changed service definitions.
void ReloadDefinitions(host::InitSystem init, run::Runner& runner);
// Enables (systemd) and restarts one service, or starts it when it was stopped.
void RestartService(host::InitSystem init, const std::string& service, run::Runner& runner);

// Runs ReloadCommands and then RestartCommands for each service in order.
// Stops at the first failure and throws ServiceError.
void RestartServices(host::InitSystem init, const std::vector<std::string>& services,
                     run::Runner& runner);

// The services whose definitions for `init` are among `paths` (what kha's
// manifest lists: /etc/systemd/system/X.service, /etc/init/X.conf), in the
// order to stop them: the reverse of the start order, so that nothing loses
// what it depends on while it still runs.
std::vector<std::string> ServicesToStop(host::InitSystem init,
                                        const std::vector<std::string>& paths);

// What would run to stop one service, then to keep it from starting at boot
// (systemd only: an upstart job goes with its file).
std::vector<run::Command> StopCommands(host::InitSystem init, const std::string& service);
std::vector<run::Command> DisableCommands(host::InitSystem init, const std::string& service);

// Stops one service. One that is not running, or that the init system does
// not know, is no failure; anything else throws ServiceError.
void StopService(host::InitSystem init, const std::string& service, run::Runner& runner);
// Disables one service at boot (systemd); throws ServiceError.
void DisableService(host::InitSystem init, const std::string& service, run::Runner& runner);

}  // namespace kha::services
