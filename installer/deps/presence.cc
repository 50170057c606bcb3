#include "installer/deps/presence.h"

#include <unistd.h>

#include <optional>

#include "common/file_util.h"
#include "installer/host/os_release.h"

namespace kha::deps {
namespace {

bool IsExecutable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

}  // namespace

std::map<std::string, std::string> ParseDpkgStatus(std::string_view text) {
  std::map<std::string, std::string> installed;
  std::string package, status, version;
  auto finish = [&] {
    if (!package.empty() && status == "install ok installed") installed[package] = version;
    package.clear();
    status.clear();
    version.clear();
  };
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) {
      finish();
      if (end == text.size()) break;
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') continue;  // a continuation line
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view field = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.remove_suffix(1);
    if (field == "Package") package = value;
    if (field == "Status") status = value;
    if (field == "Version") version = value;
    if (end == text.size()) {
      finish();
      break;
    }
  }
  return installed;
}

Presence ProbePresence(const std::string& root, const std::vector<Need>& needs,
                       run::Runner& runner) {
  Presence presence;
  std::optional<std::string> status =
      ReadFileIfExists(host::UnderRoot(root, "/var/lib/dpkg/status"));
  if (status) presence.packages = ParseDpkgStatus(*status);
  for (const Need& need : needs) {
    if (need.kind != Kind::kBinary) continue;
    std::string path = host::UnderRoot(root, need.path);
    if (!IsExecutable(path)) continue;
    if (!need.version.empty()) {
      run::Result result = runner.Run({{path, "--version"}, "", {}});
      if (result.exit_code != 0 || result.output.find(need.version) == std::string::npos) continue;
    }
    presence.binaries.insert(need.path);
  }
  // Build commands run on this host even under --root (only `make install`
  // writes into the root), so its own tools count.
  for (const std::string& tool : kBuildTools) {
    for (const char* dir : {"/usr/local/bin/", "/usr/bin/", "/bin/"}) {
      if (IsExecutable(dir + tool)) {
        presence.build_tools.insert(tool);
        break;
      }
    }
  }
  return presence;
}

}  // namespace kha::deps
