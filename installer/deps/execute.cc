#include "installer/deps/execute.h"

#include <filesystem>
#include <map>
#include <set>

#include "common/file_util.h"
#include "common/log.h"
#include "installer/deps/debs.h"
#include "installer/deps/presence.h"
#include "installer/host/os_release.h"

namespace kha::deps {
namespace {

namespace fs = std::filesystem;

// The last `count` lines of `output`, indented, for an error message.
std::string Tail(const std::string& output, int count) {
  size_t start = output.size();
  if (start > 0 && output[start - 1] == '\n') --start;
  for (int lines = 0; start > 0; --start)
    if (output[start - 1] == '\n' && ++lines == count) break;
  std::string tail;
  size_t at = start;
  while (at < output.size()) {
    size_t end = output.find('\n', at);
    if (end == std::string::npos) end = output.size();
    tail += "\n    " + output.substr(at, end - at);
    at = end + 1;
  }
  return tail;
}

class Executor {
 public:
  Executor(const bundle::Bundle* bundle, run::Runner& runner, const ExecuteOptions& options)
      : bundle_(bundle), runner_(runner) {
    root_ = options.root.empty() ? "/" : options.root;
    work_dir_ = options.work_dir.empty() ? host::UnderRoot(root_, "/var/cache/kha-install")
                                         : options.work_dir;
    log_dir_ = options.build_log_dir.empty() ? host::UnderRoot(root_, "/var/log/kha-install")
                                             : options.build_log_dir;
  }

  void Run(const Step& step) {
    Log::Step(step.reason);
    switch (step.kind) {
      case StepKind::kCopy: {
        std::string destination = host::UnderRoot(root_, step.destination);
        MakeDirectories(fs::path(destination).parent_path().string());
        Bundle(step.reason).ExtractTo(step.artifact, destination, step.mode);
        break;
      }
      case StepKind::kInstallDebs:
        InstallDebs(step);
        break;
      case StepKind::kRun:
        Check(step.command, runner_.Run(step.command), step.reason);
        break;
      case StepKind::kCompile:
        Compile(step);
        break;
      case StepKind::kSkip:
        break;
    }
  }

 private:
  bool UnderRoot() const { return root_ != "/"; }

  const bundle::Bundle& Bundle(const std::string& reason) const {
    if (bundle_ == nullptr) throw StepError(reason + ": no bundle was given");
    return *bundle_;
  }

  static void Check(const run::Command& command, const run::Result& result,
                    const std::string& what) {
    if (result.exit_code == 0) return;
    throw StepError(what + ": `" + run::Describe(command) + "` exited with status " +
                    std::to_string(result.exit_code) + Tail(result.output, 10));
  }

  void InstallDebs(const Step& step) {
    const bundle::Bundle& bundle = Bundle(step.reason);
    std::string staging = work_dir_ + "/debs";
    MakeDirectories(staging);
    std::vector<DebInfo> debs;
    std::map<std::string, std::string> staged;  // artifact -> staged file
    for (const bundle::Artifact& artifact : bundle.Artifacts()) {
      if (DebPackageFromName(artifact.name).empty()) continue;
      std::string file = staging + "/" + fs::path(artifact.name).filename().string();
      bundle.ExtractTo(artifact.name, file, 0644);
      run::Command fields{
          {"dpkg-deb", "-f", file, "Package", "Version", "Pre-Depends", "Depends"}, "", {}};
      run::Result result = runner_.Run(fields);
      Check(fields, result, "reading the control file of " + artifact.name);
      debs.push_back(ParseDebControl(result.output, artifact.name));
      staged[artifact.name] = file;
    }
    std::set<std::string> installed;
    std::optional<std::string> status = ReadFileIfExists(AdminDir() + "/status");
    if (status)
      for (const auto& [package, version] : ParseDpkgStatus(*status)) installed.insert(package);
    std::vector<std::vector<DebInfo>> groups;
    try {
      groups = OrderDebs(debs, step.packages, installed);
    } catch (const std::runtime_error& error) {
      throw StepError(step.reason + ": " + error.what());
    }
    if (UnderRoot()) PrepareAdminDir();
    for (const std::vector<DebInfo>& group : groups) {
      run::Command command{{"dpkg"}, "", {}};
      if (UnderRoot()) {
        command.argv.push_back("--root=" + root_);
        command.argv.push_back("--log=" + host::UnderRoot(root_, "/var/log/dpkg.log"));
      }
      command.argv.push_back("-i");
      std::string names;
      for (const DebInfo& deb : group) {
        command.argv.push_back(staged.at(deb.artifact));
        names += (names.empty() ? "" : ", ") + deb.package;
      }
      Check(command, runner_.Run(command), "installing " + names);
    }
  }

  std::string AdminDir() const { return host::UnderRoot(root_, "/var/lib/dpkg"); }

  // dpkg --root needs its database to exist; a fresh image root has none.
  void PrepareAdminDir() const {
    for (const char* dir : {"/updates", "/info", "/triggers"}) MakeDirectories(AdminDir() + dir);
    MakeDirectories(host::UnderRoot(root_, "/var/log"));
    if (!ReadFileIfExists(AdminDir() + "/status"))
      WriteFileAtomically(AdminDir() + "/status", "", 0644);
  }

  void Compile(const Step& step) {
    const bundle::Bundle& bundle = Bundle(step.reason);
    std::string build_dir = work_dir_ + "/build/" + step.name;
    std::error_code ignored;
    fs::remove_all(build_dir, ignored);
    MakeDirectories(build_dir);
    MakeDirectories(log_dir_);
    std::string tarball = work_dir_ + "/build/" + fs::path(step.artifact).filename().string();
    bundle.ExtractTo(step.artifact, tarball, 0644);
    std::string log_path = log_dir_ + "/build-" + step.name + ".log";
    std::string log;
    auto run = [&](const run::Command& command) {
      run::Result result = runner_.Run(command);
      log += "$ " + run::Describe(command) + "\n" + result.output;
      if (!result.output.empty() && result.output.back() != '\n') log += "\n";
      WriteFileAtomically(log_path, log, 0644);
      if (result.exit_code != 0)
        throw StepError("building " + step.name + " from " + step.artifact + ": `" +
                        run::Describe(command) + "` exited with status " +
                        std::to_string(result.exit_code) + "; the build log is " + log_path +
                        Tail(result.output, 10));
    };
    run({{"tar", "-xf", tarball, "-C", build_dir}, "", {}});
    // A tarball usually holds one top folder (name-version/); build inside it.
    std::string source_dir = build_dir;
    std::vector<fs::path> top{fs::directory_iterator(build_dir), fs::directory_iterator()};
    if (top.size() == 1 && fs::is_directory(top.front())) source_dir = top.front().string();
    run({{"sh", "./configure", "--prefix=/usr/local"}, source_dir, {}});
    run({{"make"}, source_dir, {}});
    run::Command install{{"make", "install"}, source_dir, {}};
    if (UnderRoot()) install.argv.push_back("DESTDIR=" + root_);
    run(install);
    Log::Info("build log: " + log_path);
  }

  const bundle::Bundle* bundle_;
  run::Runner& runner_;
  std::string root_;
  std::string work_dir_;
  std::string log_dir_;
};

}  // namespace

void ExecuteDepsPlan(const DepsPlan& plan, const bundle::Bundle* bundle, run::Runner& runner,
                     const ExecuteOptions& options) {
  Executor executor(bundle, runner, options);
  for (const Step& step : plan.steps) executor.Run(step);
}

}  // namespace kha::deps
