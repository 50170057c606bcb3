#include "installer/services/service_commands.h"

#include "common/log.h"

namespace kha::services {
namespace {

run::Command Make(std::vector<std::string> argv) { return {std::move(argv), "", {}}; }

void Require(const run::Command& command, const run::Result& result) {
  if (result.exit_code == 0) return;
  std::string message =
      "`" + run::Describe(command) + "` failed with exit code " + std::to_string(result.exit_code);
  if (!result.output.empty()) message += ":\n" + result.output;
  throw ServiceError(message);
}

}  // namespace

std::vector<run::Command> ReloadCommands(host::InitSystem init) {
  if (init == host::InitSystem::kSystemd) return {Make({"systemctl", "daemon-reload"})};
  return {Make({"initctl", "reload-configuration"})};
}

std::vector<run::Command> RestartCommands(host::InitSystem init, const std::string& service) {
  if (init == host::InitSystem::kSystemd)
    return {Make({"systemctl", "enable", service + ".service"}),
            Make({"systemctl", "restart", service + ".service"})};
  return {Make({"initctl", "restart", service}), Make({"initctl", "start", service})};
}

void ReloadDefinitions(host::InitSystem init, run::Runner& runner) {
  for (const run::Command& command : ReloadCommands(init)) Require(command, runner.Run(command));
}

void RestartService(host::InitSystem init, const std::string& service, run::Runner& runner) {
  Log::Info("restarting " + service);
  std::vector<run::Command> commands = RestartCommands(init, service);
  if (init == host::InitSystem::kSystemd) {
    for (const run::Command& command : commands) Require(command, runner.Run(command));
  } else if (runner.Run(commands[0]).exit_code != 0) {
    // A stopped upstart job cannot be restarted, only started.
    Require(commands[1], runner.Run(commands[1]));
  }
}

void RestartServices(host::InitSystem init, const std::vector<std::string>& services,
                     run::Runner& runner) {
  ReloadDefinitions(init, runner);
  for (const std::string& service : services) RestartService(init, service, runner);
}

}  // namespace kha::services
