// The commands that make an init system pick up new service definitions and
// (re)start services in order, run through a Runner.
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

}  // namespace kha::services
