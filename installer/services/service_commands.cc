#include "installer/services/service_commands.h"

#include <algorithm>

#include "common/log.h"
#include "installer/render/render.h"

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

// `systemctl stop` of a unit that is merely inactive succeeds; one systemd
// does not know exits 5 ("Unit X.service not loaded."). `initctl stop` of a
// stopped job says "Unknown instance", of a job upstart never read "Unknown job".
bool NotRunning(host::InitSystem init, const run::Result& result) {
  if (init == host::InitSystem::kSystemd)
    return result.exit_code == 5 && result.output.find("not loaded") != std::string::npos;
  return result.output.find("Unknown instance") != std::string::npos ||
         result.output.find("Unknown job") != std::string::npos;
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

std::vector<std::string> ServicesToStop(host::InitSystem init,
                                        const std::vector<std::string>& paths) {
  bool systemd = init == host::InitSystem::kSystemd;
  std::string prefix = systemd ? "/etc/systemd/system/" : "/etc/init/";
  std::string suffix = systemd ? ".service" : ".conf";
  auto defined = [&](const std::string& service) {
    return std::find(paths.begin(), paths.end(), prefix + service + suffix) != paths.end();
  };
  std::vector<std::string> services;
  std::vector<std::string> every = render::ServicesInStartOrder(
      {answers::Role::kEtcd, answers::Role::kMaster, answers::Role::kWorker});
  for (auto service = every.rbegin(); service != every.rend(); ++service)
    if (defined(*service)) services.push_back(*service);
  return services;
}

std::vector<run::Command> StopCommands(host::InitSystem init, const std::string& service) {
  if (init == host::InitSystem::kSystemd)
    return {Make({"systemctl", "stop", service + ".service"})};
  return {Make({"initctl", "stop", service})};
}

std::vector<run::Command> DisableCommands(host::InitSystem init, const std::string& service) {
  if (init == host::InitSystem::kSystemd)
    return {Make({"systemctl", "disable", service + ".service"})};
  return {};
}

void StopService(host::InitSystem init, const std::string& service, run::Runner& runner) {
  Log::Info("stopping " + service);
  for (const run::Command& command : StopCommands(init, service)) {
    run::Result result = runner.Run(command);
    if (result.exit_code != 0 && NotRunning(init, result)) continue;
    Require(command, result);
  }
}

void DisableService(host::InitSystem init, const std::string& service, run::Runner& runner) {
  for (const run::Command& command : DisableCommands(init, service))
    Require(command, runner.Run(command));
}

}  // namespace kha::services
