#include "installer/host/host.h"

#include <sys/stat.h>

#include <charconv>
#include <utility>

#include "common/file_util.h"

namespace kha::host {
namespace {

constexpr char kSupported[] =
    "kha supports Ubuntu 14.04, Ubuntu 16.04 and later, Debian 8 and later";
constexpr char kForceHint[] =
    "if this host is compatible, pass --force-os ubuntu-16.04 (or ubuntu-14.04 for an upstart "
    "host)";

// "N" or "N.M" with decimal parts; nullopt for anything else.
std::optional<std::pair<int, int>> ParseVersion(const std::string& text) {
  int major = 0;
  int minor = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [after_major, error] = std::from_chars(begin, end, major);
  if (error != std::errc() || after_major == begin) return std::nullopt;
  if (after_major == end) return std::make_pair(major, 0);
  if (*after_major != '.') return std::nullopt;
  auto [after_minor, error2] = std::from_chars(after_major + 1, end, minor);
  if (error2 != std::errc() || after_minor == after_major + 1 || after_minor != end)
    return std::nullopt;
  return std::make_pair(major, minor);
}

bool IsHostRoot(const std::string& root) {
  return root.find_first_not_of('/') == std::string::npos;
}

std::string Describe(const OsRelease& os) {
  std::string text =
      "ID=" + os.id + " VERSION_ID=" + (os.version_id.empty() ? "(none)" : os.version_id);
  if (!os.pretty_name.empty()) text += " (\"" + os.pretty_name + "\")";
  return text;
}

OsRelease ParseForceOs(const std::string& force_os) {
  size_t dash = force_os.find('-');
  OsRelease os;
  if (dash != std::string::npos) {
    os.id = force_os.substr(0, dash);
    os.version_id = force_os.substr(dash + 1);
  }
  bool ubuntu_shape = os.id == "ubuntu" && os.version_id.find('.') != std::string::npos;
  bool debian_shape = os.id == "debian" && os.version_id.find('.') == std::string::npos;
  if ((!ubuntu_shape && !debian_shape) || !InitSystemFor(os.id, os.version_id)) {
    throw BadForceOs(
        "--force-os " + force_os +
        ": expected ubuntu-14.04, ubuntu-X.Y (16.04 or later) or debian-N (8 or later)");
  }
  os.pretty_name = (os.id == "ubuntu" ? "Ubuntu " : "Debian ") + os.version_id;
  os.source_path = "--force-os";
  return os;
}

}  // namespace

std::optional<InitSystem> InitSystemFor(const std::string& id, const std::string& version_id) {
  std::optional<std::pair<int, int>> version = ParseVersion(version_id);
  if (!version) return std::nullopt;
  if (id == "ubuntu") {
    if (*version == std::make_pair(14, 4)) return InitSystem::kUpstart;
    if (*version >= std::make_pair(16, 4)) return InitSystem::kSystemd;
  } else if (id == "debian") {
    if (version->first >= 8) return InitSystem::kSystemd;
  }
  return std::nullopt;
}

HostFacts DetectHost(const std::string& root, const std::string& force_os) {
  HostFacts facts;
  if (!force_os.empty()) {
    facts.os = ParseForceOs(force_os);
  } else {
    std::optional<OsRelease> os = ReadOsRelease(root);
    if (!os) {
      throw UnsupportedHost(
          "unsupported host: no release file found (looked for " +
          UnderRoot(root, "/etc/os-release") + ", " + UnderRoot(root, "/usr/lib/os-release") +
          " and " + UnderRoot(root, "/etc/lsb-release") + "); " + kSupported + "; " + kForceHint);
    }
    if (!InitSystemFor(os->id, os->version_id)) {
      throw UnsupportedHost("unsupported host: " + os->source_path + " says " + Describe(*os) +
                            "; " + kSupported + "; " + kForceHint);
    }
    facts.os = std::move(*os);
  }
  facts.init = *InitSystemFor(facts.os.id, facts.os.version_id);
  facts.init_running = RunningInitSystemUnder(root) == facts.init;
  return facts;
}

std::optional<InitSystem> RunningInitSystem(const std::string& systemd_run_dir,
                                            const std::string& proc_net_unix) {
  struct stat st {};
  if (stat(systemd_run_dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return InitSystem::kSystemd;
  std::optional<std::string> sockets;
  try {
    sockets = ReadFileIfExists(proc_net_unix);
  } catch (const SystemError&) {
    // No /proc (a minimal container): then nothing is known to be running.
    return std::nullopt;
  }
  if (sockets && sockets->find("@/com/ubuntu/upstart") != std::string::npos)
    return InitSystem::kUpstart;
  return std::nullopt;
}

std::optional<InitSystem> RunningInitSystemUnder(const std::string& root) {
  if (!IsHostRoot(root)) return std::nullopt;
  return RunningInitSystem("/run/systemd/system", "/proc/net/unix");
}

}  // namespace kha::host
