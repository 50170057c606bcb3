// Runs a dependency plan (plan.h): copies verified binaries out of the
// bundle, installs bundled .debs in dependency order with dpkg, runs apt-get,
// and builds source tarballs, every command through one run::Runner.
#pragma once

#include <stdexcept>
#include <string>

#include "installer/bundle/bundle.h"
#include "installer/deps/plan.h"
#include "installer/run/runner.h"

namespace kha::deps {

// A step failed; what() names it, the command, its exit status and the end of
// its output (and the build log for a source build). Exit code 1.
class StepError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ExecuteOptions {
  std::string root = "/";
  // Staged .debs and source builds; empty: ROOT/var/cache/kha-install (never
  // /tmp, which is often mounted noexec). Left in place for inspection.
  std::string work_dir;
  // Where each source build's log is kept, build-NAME.log; empty: ROOT/var/log/kha-install.
  std::string build_log_dir;
};

// Runs the steps of `plan` in order. `bundle` may be null when no step takes
// an artifact. Under a root other than "/", dpkg runs with --root=ROOT and
// `make install` with DESTDIR=ROOT. Throws StepError, kha::SystemError, or
// payload::PayloadError (an artifact does not match the bill of materials).
void ExecuteDepsPlan(const DepsPlan& plan, const bundle::Bundle* bundle, run::Runner& runner,
                     const ExecuteOptions& options);

}  // namespace kha::deps
