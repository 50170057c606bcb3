#include "installer/deps/deps.h"

#include "installer/deps/presence.h"
#include "installer/deps/requirements.h"

namespace kha::deps {

DepsPlan PlanDependencies(std::string_view table_text, const std::string& table_name,
                          const host::HostFacts& host, const std::vector<answers::Role>& roles,
                          const answers::Cluster& cluster, const bundle::Bundle* bundle,
                          run::Runner& probe_runner, const PlanOptions& options) {
  std::vector<Need> needs =
      SelectNeeds(ParseRequirements(table_text, table_name), host.os, roles, cluster);
  std::vector<std::string> artifacts;
  if (bundle != nullptr)
    for (const bundle::Artifact& artifact : bundle->Artifacts()) artifacts.push_back(artifact.name);
  Presence presence = ProbePresence(options.root, needs, probe_runner);
  return MakeDepsPlan(needs, presence, artifacts, options);
}

}  // namespace kha::deps
