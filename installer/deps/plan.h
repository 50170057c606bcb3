// The dependency planner: pure. From a node's needs, what is present, what
// the bundle holds and the options, it decides each step and why, trying in
// order: already present, the bundle (a binary or .debs), apt-get online,
// a bundled source tarball. Everything it refuses, it refuses before any
// step runs.
#pragma once

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "installer/deps/presence.h"
#include "installer/deps/requirements.h"
#include "installer/run/runner.h"

namespace kha::deps {

// A dependency that cannot be satisfied (missing artifacts with --offline,
// missing build tools); what() is ready to print, nothing has been changed
// (exit code 2).
class UnsatisfiedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class StepKind {
  kCopy,         // artifact -> destination (a verified binary from the bundle)
  kInstallDebs,  // the bundled .debs of `packages`, with their bundled dependencies, via dpkg -i
  kRun,          // command (apt-get)
  kCompile,      // artifact (a source tarball): ./configure && make && make install
  kSkip,         // nothing runs; reason says why (apt-get under --root)
};

struct Step {
  StepKind kind = StepKind::kRun;
  std::string reason;                 // one line for logs and --dry-run
  std::string artifact;               // kCopy, kCompile
  std::string destination;            // kCopy: absolute path on the target
  uint32_t mode = 0755;               // kCopy
  std::vector<std::string> packages;  // kInstallDebs, kSkip
  run::Command command;               // kRun
  std::string name;                   // kCompile: names the build log
};

struct PlanOptions {
  std::string root = "/";
  bool offline = false;
};

struct DepsPlan {
  std::vector<std::string> present;  // "etcd (/opt/bin/etcd)", already satisfied
  std::vector<Step> steps;
};

// Decides how to satisfy each of `needs`. `bundle_artifacts` are the names in
// the bundle (empty when there is none). Throws UnsatisfiedError listing every
// need that cannot be met.
DepsPlan MakeDepsPlan(const std::vector<Need>& needs, const Presence& presence,
                      const std::vector<std::string>& bundle_artifacts, const PlanOptions& options);

// Lines for --dry-run: the present ones, then each step and its reason.
std::string FormatDepsPlan(const DepsPlan& plan);

}  // namespace kha::deps
