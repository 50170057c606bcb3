// The dependency part's front door for the install flow: from the table in
// the payload, the host, the node's roles and the bundle to a plan (pure
// decisions, after a read-only look at the target), which the caller prints
// (--dry-run) or runs with ExecuteDepsPlan (execute.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "installer/answers/cluster.h"
#include "installer/bundle/bundle.h"
#include "installer/deps/execute.h"
#include "installer/deps/plan.h"
#include "installer/host/host.h"
#include "installer/run/runner.h"

namespace kha::deps {

// Where the table lives in kha-install's payload (Payload::ReadEntry).
inline constexpr std::string_view kTablePayloadPath = "deps/dependencies.toml";

// Parses `table_text` (named `table_name` in messages), selects what `roles`
// need on `host`, looks at what ROOT already has, and plans. `probe_runner`
// only runs `BINARY --version` for binaries with a declared version: pass a
// real runner even for --dry-run (it changes nothing). `bundle` may be null.
// Throws TableError (a bad table), UnsatisfiedError (exit code 2, nothing changed).
DepsPlan PlanDependencies(std::string_view table_text, const std::string& table_name,
                          const host::HostFacts& host, const std::vector<answers::Role>& roles,
                          const answers::Cluster& cluster, const bundle::Bundle* bundle,
                          run::Runner& probe_runner, const PlanOptions& options);

}  // namespace kha::deps
