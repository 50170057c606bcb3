#include "installer/deps/debs.h"

#include <algorithm>
#include <functional>

namespace kha::deps {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

// "libc6 (>= 2.14)" -> "libc6"; "python3:any" -> "python3".
std::string PackageOf(std::string_view relation) {
  relation = Trim(relation);
  size_t end = relation.find_first_of(" (:[");
  return std::string(relation.substr(0, end));
}

}  // namespace

std::string DebPackageFromName(std::string_view artifact) {
  constexpr std::string_view kPrefix = "debs/";
  constexpr std::string_view kSuffix = ".deb";
  if (!artifact.starts_with(kPrefix) || !artifact.ends_with(kSuffix)) return "";
  std::string_view file = artifact.substr(kPrefix.size());
  if (file.find('/') != std::string_view::npos) return "";
  return std::string(file.substr(0, std::min(file.find('_'), file.size() - kSuffix.size())));
}

DebInfo ParseDebControl(std::string_view fields, const std::string& artifact) {
  DebInfo info;
  info.artifact = artifact;
  std::string field, value;
  auto finish = [&] {
    if (field == "Package") info.package = Trim(value);
    if (field == "Version") info.version = Trim(value);
    if (field == "Depends" || field == "Pre-Depends") {
      for (std::string_view relation : Split(value, ',')) {
        if (Trim(relation).empty()) continue;
        std::vector<std::string> alternatives;
        for (std::string_view alternative : Split(relation, '|'))
          alternatives.push_back(PackageOf(alternative));
        info.depends.push_back(std::move(alternatives));
      }
    }
    field.clear();
    value.clear();
  };
  for (std::string_view line : Split(fields, '\n')) {
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      value += " ";
      value += line;
      continue;
    }
    finish();
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
  }
  finish();
  return info;
}

std::vector<std::vector<DebInfo>> OrderDebs(const std::vector<DebInfo>& debs,
                                            const std::vector<std::string>& wanted,
                                            const std::set<std::string>& installed) {
  std::map<std::string, const DebInfo*> by_package;
  for (const DebInfo& deb : debs) by_package.emplace(deb.package, &deb);

  // The closure of `wanted` over bundled, not yet installed dependencies.
  std::map<std::string, std::set<std::string>> edges;  // package -> bundled deps to install
  std::vector<std::string> pending;
  for (const std::string& package : wanted) {
    if (!by_package.contains(package))
      throw std::runtime_error("the bundle has no .deb of " + package);
    pending.push_back(package);
  }
  while (!pending.empty()) {
    std::string package = pending.back();
    pending.pop_back();
    if (edges.contains(package)) continue;
    std::set<std::string>& dependencies = edges[package];
    for (const std::vector<std::string>& alternatives : by_package.at(package)->depends) {
      // Satisfied already, or by the first bundled alternative; otherwise left to dpkg to report.
      if (std::any_of(alternatives.begin(), alternatives.end(),
                      [&](const std::string& name) { return installed.contains(name); }))
        continue;
      for (const std::string& name : alternatives) {
        if (!by_package.contains(name)) continue;
        if (name != package) dependencies.insert(name);
        pending.push_back(name);
        break;
      }
    }
  }

  // Kahn's algorithm, by name for a stable order; a cycle becomes one group.
  std::vector<std::vector<DebInfo>> groups;
  std::set<std::string> done;
  while (done.size() < edges.size()) {
    std::vector<std::string> ready;
    for (const auto& [package, dependencies] : edges) {
      if (done.contains(package)) continue;
      if (std::all_of(dependencies.begin(), dependencies.end(),
                      [&](const std::string& name) { return done.contains(name); }))
        ready.push_back(package);
    }
    if (ready.empty()) {
      // Only cycles (and what depends on them) are left: the smallest
      // strongly connected set reachable from the first remaining package.
      std::string first;
      for (const auto& [package, dependencies] : edges)
        if (!done.contains(package)) {
          first = package;
          break;
        }
      std::function<std::set<std::string>(const std::string&)> reach =
          [&](const std::string& start) {
            std::set<std::string> seen;
            std::vector<std::string> stack = {start};
            while (!stack.empty()) {
              std::string name = stack.back();
              stack.pop_back();
              for (const std::string& next : edges.at(name))
                if (!done.contains(next) && seen.insert(next).second) stack.push_back(next);
            }
            return seen;
          };
      // Walk down to a package inside a cycle whose whole reach is that cycle.
      std::set<std::string> cycle = reach(first);
      for (bool shrunk = true; shrunk;) {
        shrunk = false;
        for (const std::string& name : cycle) {
          std::set<std::string> from = reach(name);
          if (from.contains(name) && from.size() < cycle.size()) {
            cycle = from;
            shrunk = true;
            break;
          }
        }
      }
      ready.assign(cycle.begin(), cycle.end());
    }
    std::vector<DebInfo> group;
    for (const std::string& name : ready) {
      group.push_back(*by_package.at(name));
      done.insert(name);
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace kha::deps
