// kha-install: a thin main over the installer library (see installer/install).
#include <cstdio>
#include <exception>
#include <optional>

#include "common/log.h"
#include "installer/apply/disk.h"
#include "installer/cli/options.h"
#include "installer/install/install.h"
#include "installer/payload/openssl_init.h"
#include "installer/payload/payload.h"

int main(int argc, char** argv) {
  kha::cli::ParseResult parsed = kha::cli::ParseCommandLine(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  const kha::cli::Options& options = *parsed.options;
  kha::Log::SetQuiet(options.quiet);
  kha::payload::InitOpenSsl();

  try {
    kha::apply::RealDisk disk;
    kha::run::ProcessRunner runner(options.root == "/" ? "/var/log/kha-install.log" : "");
    kha::host::SystemAddressSource addresses;
    kha::install::Environment environment{disk, runner, addresses};
    switch (options.action) {
      case kha::cli::Action::kInstall: {
        // Verified before anything is written; a bad payload is exit 2.
        kha::payload::TrustOptions trust;
        trust.trusted_key_files = options.trusted_keys;
        trust.require_signature = options.require_signature;
        std::optional<kha::payload::Payload> payload;
        try {
          payload.emplace(kha::payload::Payload::OpenSelf(trust));
        } catch (const kha::payload::PayloadError& error) {
          kha::Log::Error(error.what());
          return error.exit_code();
        }
        environment.payload = &*payload;
        return kha::install::Install(options, environment);
      }
      case kha::cli::Action::kUninstall:
        return kha::install::Uninstall(options, environment);
      case kha::cli::Action::kNodes:
        return kha::install::ListNodes(options);
      case kha::cli::Action::kList:
      case kha::cli::Action::kCheck:
      case kha::cli::Action::kInfo:
      case kha::cli::Action::kExtract:
        return kha::install::PayloadAction(options);
    }
  } catch (const std::exception& error) {
    // Anything unforeseen still gets one clear line, never an abort.
    kha::Log::Error(error.what());
    return kha::install::kApplyFailed;
  }
}
