#include "installer/deps/plan.h"

#include <algorithm>

#include "installer/deps/debs.h"

namespace kha::deps {
namespace {

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string joined;
  for (const std::string& part : parts) joined += (joined.empty() ? "" : separator) + part;
  return joined;
}

class Planner {
 public:
  Planner(const Presence& presence, const std::vector<std::string>& artifacts,
          const PlanOptions& options)
      : presence_(presence), artifacts_(artifacts.begin(), artifacts.end()), options_(options) {
    for (const std::string& artifact : artifacts) {
      std::string package = DebPackageFromName(artifact);
      if (!package.empty()) debs_.insert(package);
    }
  }

  void Add(const Need& need) {
    if (need.kind == Kind::kBinary) {
      AddBinary(need);
    } else {
      AddPackage(need);
    }
  }

  DepsPlan Finish() {
    if (!problems_.empty()) {
      std::string message = std::to_string(problems_.size()) +
                            (problems_.size() == 1 ? " dependency" : " dependencies") +
                            " cannot be satisfied" + (options_.offline ? " with --offline" : "") +
                            "; nothing was changed:";
      for (const std::string& problem : problems_) message += "\n  " + problem;
      throw UnsatisfiedError(message);
    }
    DepsPlan plan;
    plan.present = std::move(present_);
    plan.steps = std::move(copies_);
    if (!deb_packages_.empty()) {
      Step step;
      step.kind = StepKind::kInstallDebs;
      step.packages = deb_packages_;
      step.reason = "install bundled .debs of " + Join(deb_packages_, ", ") +
                    " and their bundled dependencies, in dependency order (dpkg -i" +
                    (UnderRoot() ? " --root=" + options_.root : "") + ")";
      plan.steps.push_back(std::move(step));
    }
    if (!apt_packages_.empty()) AddApt(plan);
    for (Step& step : compiles_) plan.steps.push_back(std::move(step));
    return plan;
  }

 private:
  bool UnderRoot() const { return options_.root != "/" && !options_.root.empty(); }
  bool InBundle(const std::string& artifact) const {
    return !artifact.empty() && artifacts_.contains(artifact);
  }

  void AddBinary(const Need& need) {
    if (presence_.binaries.contains(need.path)) {
      present_.push_back(need.name + " (" + need.path + ")");
    } else if (InBundle(need.bundle)) {
      Step step;
      step.kind = StepKind::kCopy;
      step.artifact = need.bundle;
      step.destination = need.path;
      step.reason = need.name + " for " + need.roles + ": " +
                    (need.version.empty() ? "missing" : "missing or not version " + need.version) +
                    ", copied from the bundle";
      copies_.push_back(std::move(step));
    } else if (InBundle(need.source)) {
      AddCompile(need);
    } else {
      problems_.push_back(need.name + " (" + need.roles + "): not at " + need.path +
                          (need.version.empty() ? "" : " in version " + need.version) +
                          ", and the bundle has no " + need.bundle +
                          (need.source.empty() ? "" : " nor " + need.source));
    }
  }

  void AddPackage(const Need& need) {
    const std::string& package = need.apt.empty() ? need.name : need.apt;
    if (presence_.packages.contains(package)) {
      present_.push_back(need.name + " (package " + package + " " + presence_.packages.at(package) +
                         ")");
    } else if (debs_.contains(package)) {
      deb_packages_.push_back(package);
    } else if (!options_.offline && !need.apt.empty()) {
      apt_packages_.push_back(need.apt);
    } else if (InBundle(need.source)) {
      AddCompile(need);
    } else {
      std::string why = need.apt.empty() ? "not in this release's archive" : "not installed";
      problems_.push_back(need.name + " (" + need.roles + "): " + why + ", and the bundle has no " +
                          "debs/" + package + "_*.deb" +
                          (need.source.empty() ? "" : " nor " + need.source));
    }
  }

  void AddCompile(const Need& need) {
    std::vector<std::string> missing;
    for (const std::string& tool : kBuildTools)
      if (!presence_.build_tools.contains(tool)) missing.push_back(tool);
    if (!missing.empty()) {
      problems_.push_back(need.name + " (" + need.roles + "): building it from " + need.source +
                          " needs build tools this host lacks: " + Join(missing, ", ") +
                          " (apt-get install build-essential)");
      return;
    }
    Step step;
    step.kind = StepKind::kCompile;
    step.artifact = need.source;
    step.name = need.name;
    step.reason = need.name + " for " + need.roles + ": built from " + need.source +
                  " (./configure --prefix=/usr/local && make && make install" +
                  (UnderRoot() ? " DESTDIR=" + options_.root : "") + ")";
    compiles_.push_back(std::move(step));
  }

  void AddApt(DepsPlan& plan) {
    if (UnderRoot()) {
      Step step;
      step.kind = StepKind::kSkip;
      step.packages = apt_packages_;
      step.reason = "not installed under --root " + options_.root +
                    " (apt-get installs only into /): " + Join(apt_packages_, ", ");
      plan.steps.push_back(std::move(step));
      return;
    }
    const std::vector<std::string> environment = {"DEBIAN_FRONTEND=noninteractive"};
    Step update;
    update.kind = StepKind::kRun;
    update.command = {{"apt-get", "update", "-q"}, "", environment};
    update.reason = "refresh the package lists for " + Join(apt_packages_, ", ");
    plan.steps.push_back(std::move(update));
    Step install;
    install.kind = StepKind::kRun;
    install.command = {
        {"apt-get", "install", "-y", "-q", "--no-install-recommends"}, "", environment};
    install.command.argv.insert(install.command.argv.end(), apt_packages_.begin(),
                                apt_packages_.end());
    install.packages = apt_packages_;
    install.reason = "install " + Join(apt_packages_, ", ") + " from the archive";
    plan.steps.push_back(std::move(install));
  }

  const Presence& presence_;
  std::set<std::string> artifacts_;
  std::set<std::string> debs_;  // packages with a .deb in the bundle
  const PlanOptions& options_;
  std::vector<std::string> present_;
  std::vector<Step> copies_;
  std::vector<std::string> deb_packages_;
  std::vector<std::string> apt_packages_;
  std::vector<Step> compiles_;
  std::vector<std::string> problems_;
};

}  // namespace

DepsPlan MakeDepsPlan(const std::vector<Need>& needs, const Presence& presence,
                      const std::vector<std::string>& bundle_artifacts,
                      const PlanOptions& options) {
  Planner planner(presence, bundle_artifacts, options);
  for (const Need& need : needs) planner.Add(need);
  return planner.Finish();
}

std::string FormatDepsPlan(const DepsPlan& plan) {
  std::string text;
  for (const std::string& present : plan.present) text += "present: " + present + "\n";
  for (const Step& step : plan.steps) {
    switch (step.kind) {
      case StepKind::kCopy:
        text += "copy " + step.artifact + " -> " + step.destination + "\n";
        break;
      case StepKind::kInstallDebs:
        text += "dpkg -i bundled .debs: " + Join(step.packages, " ") + "\n";
        break;
      case StepKind::kRun:
        text += run::Describe(step.command) + "\n";
        break;
      case StepKind::kCompile:
        text += "build " + step.artifact + "\n";
        break;
      case StepKind::kSkip:
        text += "skip\n";
        break;
    }
    text += "  # " + step.reason + "\n";
  }
  return text;
}

}  // namespace kha::deps
