// kha-install's actions carried out: each returns the process exit code
// (0 done, 1 failed while applying and rolled back, 2 bad usage or input,
// 3 host not supported) and prints what it did.
#pragma once

#include "installer/apply/disk.h"
#include "installer/cli/options.h"
#include "installer/host/local_addresses.h"
#include "installer/payload/payload.h"
#include "installer/run/runner.h"

namespace kha::install {

enum ExitCode { kDone = 0, kApplyFailed = 1, kBadInput = 2, kUnsupportedHost = 3 };

// What the actions touch, so tests can swap in fakes.
struct Environment {
  apply::Disk& disk;
  run::Runner& runner;
  const host::AddressSource& addresses;
  // The verified payload the node's executables come from; null only in tests
  // that install configuration alone.
  const payload::Payload* payload = nullptr;
  // Tests only: restart services even under --root, as on a live host, so
  // the restart and rollback path runs against a recording runner.
  bool treat_root_as_live = false;
};

int Install(const cli::Options& options, Environment& environment);
int Uninstall(const cli::Options& options, Environment& environment);
int ListNodes(const cli::Options& options);
// --list, --check, --info, --extract DIR on the running executable's payload.
int PayloadAction(const cli::Options& options);

}  // namespace kha::install
