#include "installer/install/install.h"

#include <cstdio>
#include <optional>

#include "common/diagnostic.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/terminal.h"
#include "installer/answers/answers.h"
#include "installer/apply/apply.h"
#include "installer/bundle/bundle.h"
#include "installer/deps/deps.h"
#include "installer/host/host.h"
#include "installer/install/signal_guard.h"
#include "installer/plan/plan.h"
#include "installer/plan/select.h"
#include "installer/services/service_commands.h"

namespace kha::install {
namespace {

// The answer file, parsed; diagnostics (warnings too) printed to stderr.
std::optional<answers::Cluster> Load(const std::string& path) {
  Diagnostics diagnostics;
  std::string source;
  std::optional<answers::Cluster> cluster = answers::LoadAnswers(path, diagnostics, &source);
  if (!diagnostics.list().empty()) {
    DiagnosticStyle style;
    style.colour = ColourAllowed(stderr);
    std::fprintf(stderr, "%s\n", diagnostics.Format(source, style).c_str());
  }
  return cluster;
}

std::string RoleList(const std::vector<answers::Role>& roles) {
  std::string text;
  for (answers::Role role : roles) text += (text.empty() ? "" : ", ") + std::string(RoleName(role));
  return text;
}

std::string FolderOf(const std::string& path) { return path.substr(0, path.rfind('/')); }

// An executable from the payload, known by the digest in the payload's
// manifest: decompressed only when the installed copy differs from it.
apply::FileToWrite FromPayload(const payload::Payload& payload, const std::string& entry_path,
                               const std::string& target) {
  const payload::ManifestEntry* entry = payload.sealed().manifest().Find(entry_path);
  if (entry == nullptr || entry->directory)
    throw payload::PayloadError(payload.sealed().path() + ": no file \"" + entry_path +
                                "\" in the payload");
  apply::KnownContent known{entry->sha256, entry->size,
                            [&payload, entry_path] { return payload.ReadEntry(entry_path); }};
  return apply::FileToWrite(target, std::move(known), 0755);
}

// The rendered files, then the executables the payload carries for this node.
std::vector<apply::FileToWrite> FilesOf(const plan::Plan& plan, const answers::Cluster& cluster,
                                        const payload::Payload* payload) {
  std::vector<apply::FileToWrite> files;
  for (const render::RenderedFile& file : plan.files)
    files.push_back({file.path, file.content, file.mode});
  if (payload != nullptr) {
    const std::string& proxy = cluster.proxy.bin;
    files.push_back(FromPayload(*payload, "bin/kha-proxy", proxy));
    files.push_back(FromPayload(*payload, "bin/kha-proxyctl", FolderOf(proxy) + "/kha-proxyctl"));
  }
  return files;
}

std::vector<std::string> ChangedPaths(const std::vector<apply::FileResult>& results) {
  std::vector<std::string> paths;
  for (const apply::FileResult& result : results)
    if (result.change != apply::Change::kUnchanged) paths.push_back(result.path);
  return paths;
}

void PrintDryRun(const plan::Plan& plan, const std::vector<apply::FileResult>& results,
                 const std::vector<std::string>& restart) {
  Log::Step("files (dry run: nothing is written)");
  for (const apply::FileResult& result : results) {
    std::printf("%-9s %s\n", std::string(apply::ChangeName(result.change)).c_str(),
                result.path.c_str());
    std::printf("%s", result.diff.c_str());
  }
  Log::Step("services");
  if (restart.empty()) {
    std::printf("nothing to restart\n");
    return;
  }
  if (!plan.no_start_reason.empty())
    std::printf("not started (%s); on a live host these would run:\n",
                plan.no_start_reason.c_str());
  for (const run::Command& command : services::ReloadCommands(plan.host.init))
    std::printf("  %s\n", run::Describe(command).c_str());
  for (const std::string& service : restart)
    for (const run::Command& command : services::RestartCommands(plan.host.init, service)) {
      std::printf("  %s\n", run::Describe(command).c_str());
      if (plan.host.init == host::InitSystem::kUpstart)
        break;  // start only runs when restart fails
    }
}

void PrintSummary(const std::vector<apply::FileResult>& results) {
  int created = 0, updated = 0, unchanged = 0;
  for (const apply::FileResult& result : results) {
    switch (result.change) {
      case apply::Change::kCreated:
        ++created;
        Log::Info("created " + result.path);
        break;
      case apply::Change::kUpdated:
        ++updated;
        Log::Info("updated " + result.path + " (previous content in " + result.backup + ")");
        break;
      case apply::Change::kUnchanged:
        ++unchanged;
        break;
    }
  }
  if (created + updated == 0) {
    Log::Info("no change: all " + std::to_string(unchanged) + " files are up to date");
    return;
  }
  Log::Info(std::to_string(results.size()) + " files: " + std::to_string(created) + " created, " +
            std::to_string(updated) + " updated, " + std::to_string(unchanged) + " unchanged");
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// The services an uninstall stops: those whose definitions it removes or
// restores, in reverse start order, for the init system running here (or,
// when none is, the one kha wrote definitions for).
struct StopPlan {
  host::InitSystem init = host::InitSystem::kSystemd;
  std::vector<std::string> services;
  std::string not_stopped_reason;  // "--root", "no running init system"; empty: stop them
};

StopPlan PlanStops(const cli::Options& options, const Environment& environment,
                   const apply::UninstallResult& planned) {
  std::vector<std::string> going = planned.removed;
  going.insert(going.end(), planned.restored.begin(), planned.restored.end());
  StopPlan stop;
  std::optional<host::InitSystem> running = host::RunningInitSystemUnder(options.root);
  if (running) {
    stop.init = *running;
  } else if (services::ServicesToStop(host::InitSystem::kSystemd, going).empty()) {
    stop.init = host::InitSystem::kUpstart;
  }
  stop.services = services::ServicesToStop(stop.init, going);
  if (options.root != "/")
    stop.not_stopped_reason = "--root";
  else if (!running)
    stop.not_stopped_reason = "no running init system";
  if (environment.treat_root_as_live) stop.not_stopped_reason.clear();
  return stop;
}

void PrintUninstallDryRun(const apply::UninstallResult& planned, const StopPlan& stop) {
  Log::Step("services (dry run: nothing is stopped)");
  if (stop.services.empty()) {
    std::printf("nothing to stop\n");
  } else {
    if (!stop.not_stopped_reason.empty())
      std::printf("not stopped (%s); on a live host these would run:\n",
                  stop.not_stopped_reason.c_str());
    for (const std::string& service : stop.services)
      for (const run::Command& command : services::StopCommands(stop.init, service))
        std::printf("  %s\n", run::Describe(command).c_str());
    for (const std::string& service : stop.services)
      for (const run::Command& command : services::DisableCommands(stop.init, service))
        std::printf("  %s\n", run::Describe(command).c_str());
  }
  Log::Step("files (dry run: nothing is removed)");
  for (const std::string& path : planned.removed) std::printf("remove    %s\n", path.c_str());
  for (const std::string& path : planned.restored) std::printf("restore   %s\n", path.c_str());
  for (const std::string& path : planned.kept)
    std::printf("keep      %s (changed since kha wrote it)\n", path.c_str());
}

}  // namespace

int Install(const cli::Options& options, Environment& environment) {
  std::optional<answers::Cluster> cluster = Load(options.answers);
  if (!cluster) return kBadInput;

  host::HostFacts host;
  try {
    host = host::DetectHost(options.root, options.force_os);
  } catch (const host::UnsupportedHost& error) {
    Log::Error(error.what());
    return kUnsupportedHost;
  } catch (const host::BadForceOs& error) {
    Log::Error(error.what());
    return kBadInput;
  } catch (const SystemError& error) {
    // A release file that exists but cannot be read: the host cannot be identified.
    Log::Error(error.what());
    return kUnsupportedHost;
  }

  plan::Plan plan;
  try {
    std::vector<answers::Ipv4> local;
    if (options.node.empty()) local = environment.addresses.Ipv4Addresses();
    const answers::Node& node = plan::SelectNode(*cluster, options.node, local);
    std::vector<answers::Role> roles = plan::SelectRoles(node, options.role);
    plan = plan::MakePlan(*cluster, node, roles, host, {options.root, options.no_start});
    if (environment.treat_root_as_live && !options.no_start) plan.no_start_reason.clear();
  } catch (const plan::UsageError& error) {
    Log::Error(error.what());
    return kBadInput;
  } catch (const render::RenderError& error) {
    Log::Error(error.what());
    return kBadInput;
  }

  Log::Step(plan.node->name + " (" + plan.node->ip.ToString() + "): " + RoleList(plan.roles) +
            " on " + plan.host.os.pretty_name + " (" +
            std::string(host::InitSystemName(plan.host.init)) + ")" +
            (options.root == "/" ? "" : " under " + options.root));

  std::vector<apply::FileToWrite> files;
  // Dependencies are checked on a live host, and under --root when a bundle
  // says where they come from (an image build); a bare --root renders only.
  std::optional<bundle::Bundle> bundle;
  std::optional<deps::DepsPlan> deps_plan;
  try {
    files = FilesOf(plan, *cluster, environment.payload);
    payload::TrustOptions trust;
    trust.trusted_key_files = options.trusted_keys;
    if (!options.bundle.empty()) bundle.emplace(bundle::Bundle::Open(options.bundle, trust));
    if (environment.payload != nullptr && (options.root == "/" || bundle)) {
      std::string table = environment.payload->ReadEntry(std::string(deps::kTablePayloadPath));
      deps_plan = deps::PlanDependencies(table, std::string(deps::kTablePayloadPath), plan.host,
                                         plan.roles, *cluster, bundle ? &*bundle : nullptr,
                                         environment.runner, {options.root, options.offline});
    }
  } catch (const payload::PayloadError& error) {
    Log::Error(error.what());
    return error.exit_code();
  } catch (const deps::UnsatisfiedError& error) {
    Log::Error(error.what());
    return kBadInput;
  } catch (const deps::TableError& error) {
    Log::Error(error.what());
    return kBadInput;
  }
  if (options.dry_run) {
    try {
      std::vector<apply::FileResult> results =
          apply::PlanFiles(options.root, files, environment.disk);
      PrintDryRun(plan, results,
                  plan::ServicesToRestart(plan.services, ChangedPaths(results), *cluster));
      if (deps_plan) {
        Log::Step("dependencies");
        std::printf("%s", deps::FormatDepsPlan(*deps_plan).c_str());
      }
    } catch (const apply::ApplyError& error) {
      Log::Error(error.what());
      return kBadInput;
    }
    return kDone;
  }

  SignalGuard signals;
  apply::Transaction transaction(options.root, environment.disk);
  // Undoes this run: files back as they were, restarted services on the old files.
  auto roll_back = [&](const std::vector<std::string>& restarted) {
    for (const std::string& problem : transaction.Rollback()) Log::Error(problem);
    if (!restarted.empty()) {
      try {
        services::RestartServices(plan.host.init, restarted, environment.runner);
      } catch (const services::ServiceError& again) {
        Log::Warn(std::string("after the rollback: ") + again.what());
      }
    }
    Log::Error("rolled back: every file is as it was before this run");
  };

  std::vector<apply::FileResult> results;
  try {
    results = apply::ApplyFiles(transaction, files);
  } catch (const apply::ApplyError& error) {
    Log::Error(error.what());
    return kApplyFailed;
  }
  if (signals.Pending()) {
    Log::Error("interrupted");
    roll_back({});
    return kApplyFailed;
  }
  PrintSummary(results);
  if (deps_plan && !deps_plan->steps.empty()) {
    Log::Step("dependencies");
    try {
      deps::ExecuteOptions execute;
      execute.root = options.root;
      deps::ExecuteDepsPlan(*deps_plan, bundle ? &*bundle : nullptr, environment.runner, execute);
    } catch (const std::exception& error) {  // StepError, SystemError, PayloadError
      Log::Error(error.what());
      roll_back({});
      return kApplyFailed;
    }
  }

  std::vector<std::string> restart =
      plan::ServicesToRestart(plan.services, ChangedPaths(results), *cluster);
  if (!restart.empty() && !plan.no_start_reason.empty()) {
    Log::Info("services not started (" + plan.no_start_reason + ")");
  } else if (!restart.empty()) {
    Log::Step("restarting services in order");
    std::vector<std::string> restarted;
    try {
      services::ReloadDefinitions(plan.host.init, environment.runner);
    } catch (const services::ServiceError& error) {
      Log::Error(error.what());
      roll_back({});
      return kApplyFailed;
    }
    for (const std::string& service : restart) {
      try {
        restarted.push_back(service);
        services::RestartService(plan.host.init, service, environment.runner);
      } catch (const services::ServiceError& error) {
        Log::Error(error.what());
        roll_back(restarted);
        return kApplyFailed;
      }
      if (signals.Pending()) {
        Log::Error("interrupted while restarting services");
        roll_back(restarted);
        return kApplyFailed;
      }
    }
  }
  transaction.Commit();
  return kDone;
}

int Uninstall(const cli::Options& options, Environment& environment) {
  apply::UninstallResult planned;
  try {
    // What would go decides which services lose their definitions.
    planned = apply::Uninstall(options.root, environment.disk, /*dry_run=*/true);
  } catch (const apply::ApplyError& error) {
    Log::Error(error.what());
    return kApplyFailed;
  }
  if (!planned.had_manifest) {
    Log::Info("nothing to uninstall: kha has no manifest under " + options.root);
    return kDone;
  }
  StopPlan stop = PlanStops(options, environment, planned);
  if (options.dry_run) {
    PrintUninstallDryRun(planned, stop);
    return kDone;
  }

  SignalGuard signals;
  std::vector<std::string> stopped;
  // Puts back what this run stopped, so a failed uninstall leaves the node running.
  auto start_again = [&] {
    if (stopped.empty()) return;
    std::vector<std::string> in_start_order(stopped.rbegin(), stopped.rend());
    try {
      services::RestartServices(stop.init, in_start_order, environment.runner);
      Log::Info("started again: " + JoinNames(in_start_order));
    } catch (const services::ServiceError& again) {
      Log::Warn(std::string("starting the stopped services again: ") + again.what());
    }
  };
  if (!stop.services.empty() && !stop.not_stopped_reason.empty()) {
    Log::Info("services not stopped (" + stop.not_stopped_reason + ")");
  } else if (!stop.services.empty()) {
    Log::Step("stopping services in reverse start order");
    for (const std::string& service : stop.services) {
      try {
        services::StopService(stop.init, service, environment.runner);
        stopped.push_back(service);
      } catch (const services::ServiceError& error) {
        Log::Error("cannot stop " + service + ": " + error.what());
        start_again();
        Log::Error("nothing was removed");
        return kApplyFailed;
      }
      if (signals.Pending()) {
        Log::Error("interrupted while stopping services");
        start_again();
        Log::Error("nothing was removed");
        return kApplyFailed;
      }
    }
    for (const std::string& service : stop.services) {
      try {
        services::DisableService(stop.init, service, environment.runner);
      } catch (const services::ServiceError& error) {
        Log::Warn(error.what());  // its files go anyway; a dangling link is harmless
      }
    }
  }

  try {
    apply::UninstallResult result = apply::Uninstall(options.root, environment.disk);
    for (const std::string& path : result.removed) Log::Info("removed " + path);
    for (const std::string& path : result.restored) Log::Info("restored " + path);
    for (const std::string& warning : result.warnings) Log::Warn(warning);
    Log::Info(std::to_string(result.removed.size()) + " removed, " +
              std::to_string(result.restored.size()) + " restored, " +
              std::to_string(result.kept.size()) + " kept");
  } catch (const apply::ApplyError& error) {
    Log::Error(error.what());
    start_again();
    return kApplyFailed;
  }
  if (!stopped.empty()) {
    try {
      services::ReloadDefinitions(stop.init, environment.runner);
    } catch (const services::ServiceError& error) {
      Log::Warn(error.what());
    }
  }
  return kDone;
}

int ListNodes(const cli::Options& options) {
  std::optional<answers::Cluster> cluster = Load(options.answers);
  if (!cluster) return kBadInput;
  for (const answers::Node& node : cluster->nodes)
    std::printf("%-16s %-15s %s\n", node.name.c_str(), node.ip.ToString().c_str(),
                RoleList(node.roles).c_str());
  return kDone;
}

int PayloadAction(const cli::Options& options) {
  try {
    payload::TrustOptions trust;
    trust.trusted_key_files = options.trusted_keys;
    trust.require_signature = options.require_signature;
    // --check and --extract read every entry: let Open decompress ahead.
    bool every_entry =
        options.action == cli::Action::kCheck || options.action == cli::Action::kExtract;
    payload::Payload payload =
        payload::Payload::OpenSelf(trust, every_entry ? payload::Payload::Reading::kEveryEntry
                                                      : payload::Payload::Reading::kSomeEntries);
    switch (options.action) {
      case cli::Action::kInfo:
        std::printf("%s", payload.Info().c_str());
        break;
      case cli::Action::kList:
        std::printf("%s", payload.FormatList().c_str());
        break;
      case cli::Action::kCheck:
        payload.Check();
        Log::Info("payload verified: " + std::to_string(payload.List().size()) + " entries");
        break;
      case cli::Action::kExtract:
        payload.Extract(options.extract_dir, !options.quiet);
        Log::Info("extracted " + std::to_string(payload.List().size()) + " entries into " +
                  options.extract_dir);
        break;
      default:
        return kBadInput;
    }
  } catch (const payload::PayloadError& error) {
    Log::Error(error.what());
    return error.exit_code();
  }
  return kDone;
}

}  // namespace kha::install
