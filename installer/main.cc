// kha-install: a thin main over the installer library (see installer/install).
#include <cstdio>
#include <exception>

#include "common/log.h"
#include "installer/apply/disk.h"
#include "installer/cli/options.h"
#include "installer/install/install.h"

int main(int argc, char** argv) {
  kha::cli::ParseResult parsed = kha::cli::ParseCommandLine(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  const kha::cli::Options& options = *parsed.options;
  kha::Log::SetQuiet(options.quiet);

  try {
    kha::apply::RealDisk disk;
    kha::run::ProcessRunner runner(options.root == "/" ? "/var/log/kha-install.log" : "");
    kha::host::SystemAddressSource addresses;
    kha::install::Environment environment{disk, runner, addresses};
    switch (options.action) {
      case kha::cli::Action::kInstall:
        return kha::install::Install(options, environment);
      case kha::cli::Action::kUninstall:
        return kha::install::Uninstall(options, environment);
      case kha::cli::Action::kNodes:
        return kha::install::ListNodes(options);
      default:
        kha::Log::Error("this kha-install carries no payload");
        return kha::install::kBadInput;
    }
  } catch (const std::exception& error) {
    // Anything unforeseen still gets one clear line, never an abort.
    kha::Log::Error(error.what());
    return kha::install::kApplyFailed;
  }
}
