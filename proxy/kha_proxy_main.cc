// kha-proxy: reads a pound.cfg, binds, gives up root, and serves until TERM.
// The order of start-up matters and is the point of this file:
//   parse -> bind listeners and the control socket (as root) -> daemonize ->
//   pidfile -> RootJail -> User/Group -> serve; then signals until stopped.
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "proxy/config/config.h"
#include "proxy/config/parse.h"
#include "proxy/control/server.h"
#include "proxy/logging/log_sink.h"
#include "proxy/logging/request_logger.h"
#include "proxy/net/server.h"
#include "proxy/process/command_line.h"
#include "proxy/process/daemon.h"
#include "proxy/process/pidfile.h"
#include "proxy/process/privileges.h"
#include "proxy/process/signals.h"

namespace kha::proxy {
namespace {

// How often the signal loop looks whether the data path stopped by itself.
constexpr std::chrono::milliseconds kSignalPoll{500};

std::optional<Config> Load(const std::string& path, std::string& errors) {
  Diagnostics diagnostics;
  std::optional<Config> config = LoadConfig(path, diagnostics);
  if (!config || diagnostics.HasErrors()) {
    errors = FormatDiagnostics(diagnostics);
    return std::nullopt;
  }
  return config;
}

std::vector<int> LogLevels(const Config& config) {
  std::vector<int> levels;
  for (const Listener& listener : config.listeners) levels.push_back(listener.log_level);
  return levels;
}

// One event loop per CPU we may run on (taskset and cgroups included); read
// before any chroot, where /sys is gone.
int EventLoopCount() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

void UseLogSink(bool to_stderr, const Config& config) {
  if (to_stderr) {
    logging::SetSink(std::make_shared<logging::StderrSink>());
  } else {
    logging::SetSink(std::make_shared<logging::SyslogSink>(config.syslog_facility, "kha-proxy"));
  }
}

// -v: what the proxy will do with the file, one line per service.
void DescribeConfig(const Config& config) {
  if (!logging::Verbose()) return;
  const net::Plan plan = net::MakePlan(config);
  auto describe = [](const std::string& where, const net::ServicePlan& service) {
    std::string line = where + " service" +
                       (service.name.empty() ? "" : " \"" + service.name + "\"") + ": backends";
    for (const net::BackendPlan& b : service.backends) {
      line += " " + b.state->name() + " (priority " + std::to_string(b.state->priority()) + ")";
    }
    if (service.emergency) line += ", emergency " + service.emergency->state->name();
    if (!service.health_check.empty()) line += ", HealthCheck " + service.health_check;
    logging::LogDebug(line);
  };
  for (const net::ListenerPlan& listener : plan.listeners) {
    const std::string where = "listener " + listener.address + ":" + std::to_string(listener.port);
    logging::LogDebug(where + ": xHTTP " + std::to_string(listener.xhttp) + ", Client " +
                      std::to_string(listener.client_timeout.count()) + " s, " +
                      std::to_string(listener.services.size()) + " service(s)");
    for (const net::ServicePlan& service : listener.services) describe(where, service);
  }
  for (const net::ServicePlan& service : plan.global_services) describe("global", service);
}

// Applies the file again, all or nothing; returns the Grace now in force.
std::chrono::seconds Reload(const ProxyOptions& options, net::Server& server,
                            logging::RequestLogger& logger, std::chrono::seconds grace) {
  std::string errors;
  std::optional<Config> config = Load(options.config_path, errors);
  if (!config) {
    logging::LogError("reload of " + options.config_path +
                      " failed; the running configuration stays:");
    size_t start = 0;
    while (start < errors.size()) {
      size_t end = errors.find('\n', start);
      if (end == std::string::npos) end = errors.size();
      logging::LogError(errors.substr(start, end - start));
      start = end + 1;
    }
    return grace;
  }
  if (std::optional<std::string> refused = server.Reload(*config)) {
    logging::LogError("reload of " + options.config_path +
                      " refused; the running configuration stays: " + *refused);
    return grace;
  }
  logger.SetLevels(LogLevels(*config));
  logging::LogInfo("configuration reloaded from " + options.config_path);
  DescribeConfig(*config);
  return config->grace;
}

int Serve(const ProxyOptions& options, const Config& config) {
  bool logs_to_stderr = options.log_to_stderr || config.log_to_stderr;
  UseLogSink(logs_to_stderr, config);
  logging::SetVerbose(options.verbose);
  bool foreground = options.foreground || !config.daemon;
  DaemonHandle daemon;
  bool daemonized = false;
  // A start-up failure goes to the log and to whoever started us: the waiting
  // parent when daemonized, else our own stderr (unless the log is stderr).
  auto fail = [&](const std::string& message) {
    logging::LogError(message);
    if (daemonized) {
      daemon.Fail("kha-proxy: " + message);
    } else if (!logs_to_stderr) {
      std::fprintf(stderr, "kha-proxy: %s\n", message.c_str());
    }
    return 1;
  };

  try {
    net::Server server(config);
    logging::RequestLogger request_logger(LogLevels(config));
    server.SetRequestLog(
        [&request_logger](const net::RequestLogEntry& entry) { request_logger.Log(entry); });
    server.Bind();
    std::unique_ptr<control::ControlServer> control;
    if (!config.control.empty()) {
      control = std::make_unique<control::ControlServer>(config.control, server);
    }
    std::optional<Identity> identity = ResolveIdentity(config.user, config.group);
    int threads = EventLoopCount();

    if (!foreground) {
      daemon = Daemonize();
      daemonized = true;
    }
    try {
      std::unique_ptr<PidFile> pidfile;
      if (!options.pid_file.empty()) {
        pidfile = std::make_unique<PidFile>(options.pid_file, getpid());
      }
      if (!config.root_jail.empty()) EnterRootJail(config.root_jail);
      if (identity) DropPrivileges(*identity);

      if (control) control->Start();
      std::atomic<bool> stopped{false};
      std::string run_error;
      std::thread data_path([&] {
        try {
          server.Run(threads);
        } catch (const std::exception& e) {
          run_error = e.what();
        }
        stopped.store(true);
      });
      logging::LogInfo(std::string("kha-proxy ") + KHA_VERSION + " started with " +
                       std::to_string(threads) + " event loop(s), configuration " +
                       options.config_path);
      DescribeConfig(config);
      daemon.Ready();

      std::chrono::seconds grace = config.grace;
      while (!stopped.load()) {
        std::optional<ProcessSignal> signal = WaitForSignal(kSignalPoll);
        if (signal == ProcessSignal::kReload) {
          grace = Reload(options, server, request_logger, grace);
        } else if (signal == ProcessSignal::kStop) {
          logging::LogInfo("stopping: no new connections; requests in flight get " +
                           std::to_string(grace.count()) + " s (Grace)");
          server.Stop(grace);
          break;
        }
      }
      data_path.join();
      if (control) control->Stop();
      if (!run_error.empty()) {
        logging::LogError("the data path stopped: " + run_error);
        return 1;
      }
      logging::LogInfo("stopped");
      return 0;
    } catch (const std::exception& e) {
      return fail(e.what());
    }
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

// `path` made absolute: the daemon runs in "/" (and maybe a jail), where a
// relative -f or -p would name another file at reload or exit.
std::string Absolute(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

int Main(std::span<const char* const> arguments) {
  ProxyOptions options = ParseProxyCommandLine(arguments);
  if (!options.error.empty()) {
    std::fprintf(stderr, "kha-proxy: %s\nTry 'kha-proxy -h' for more information.\n",
                 options.error.c_str());
    return 2;
  }
  if (options.help) {
    std::fputs(ProxyHelp().c_str(), stdout);
    return 0;
  }
  if (options.version) {
    std::printf("kha-proxy %s (built %s)\n", KHA_VERSION, KHA_BUILD_DATE);
    return 0;
  }

  std::string errors;
  std::optional<Config> config = Load(options.config_path, errors);
  if (!config) {
    std::fprintf(stderr, "%s\n", errors.c_str());
    return 1;
  }
  if (options.check_only) return 0;
  options.config_path = Absolute(options.config_path);
  options.pid_file = Absolute(options.pid_file);

  // Before any thread exists, so every thread inherits the mask and only the
  // signal loop in Serve() receives TERM, INT and HUP.
  BlockProcessSignals();
  return Serve(options, *config);
}

}  // namespace
}  // namespace kha::proxy

int main(int argc, char** argv) {
  return kha::proxy::Main(
      std::span<const char* const>(argv + 1, static_cast<size_t>(argc > 0 ? argc - 1 : 0)));
}
