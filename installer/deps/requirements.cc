#include "installer/deps/requirements.h"

#include <toml++/toml.h>

#include <algorithm>
#include <set>

namespace kha::deps {
namespace {

std::string Where(const std::string& source_name, const toml::source_region& region) {
  return source_name + ":" + std::to_string(region.begin.line) + ":" +
         std::to_string(region.begin.column) + ": ";
}

class TableReader {
 public:
  explicit TableReader(const std::string& source_name) : source_name_(source_name) {}

  [[noreturn]] void Fail(const toml::node& node, const std::string& message) const {
    throw TableError(Where(source_name_, node.source()) + message);
  }

  std::string String(const toml::table& table, std::string_view key, bool required) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (required) Fail(table, "missing key \"" + std::string(key) + "\"");
      return "";
    }
    if (!node->is_string()) Fail(*node, "\"" + std::string(key) + "\" must be a string");
    return std::string(*node->value<std::string>());
  }

  std::vector<answers::Role> Roles(const toml::table& table) const {
    const toml::node* node = table.get("roles");
    if (node == nullptr) Fail(table, "missing key \"roles\"");
    const toml::array* array = node->as_array();
    if (array == nullptr || array->empty())
      Fail(*node, "\"roles\" must be a non-empty array of \"etcd\", \"master\", \"worker\"");
    std::vector<answers::Role> roles;
    for (const toml::node& element : *array) {
      std::optional<std::string> name = element.value<std::string>();
      if (name == "etcd") {
        roles.push_back(answers::Role::kEtcd);
      } else if (name == "master") {
        roles.push_back(answers::Role::kMaster);
      } else if (name == "worker") {
        roles.push_back(answers::Role::kWorker);
      } else {
        Fail(element, "unknown role; expected \"etcd\", \"master\" or \"worker\"");
      }
    }
    return roles;
  }

  void OnlyKeys(const toml::table& table, const std::set<std::string_view>& allowed) const {
    for (const auto& [key, value] : table)
      if (!allowed.contains(key.str()))
        Fail(value, "unknown key \"" + std::string(key.str()) + "\"");
  }

  Requirement Binary(const toml::table& table) const {
    OnlyKeys(table, {"name", "roles", "path", "bundle", "version", "source"});
    Requirement requirement;
    requirement.kind = Kind::kBinary;
    requirement.name = String(table, "name", true);
    requirement.roles = Roles(table);
    requirement.path = String(table, "path", true);
    requirement.bundle = String(table, "bundle", true);
    requirement.version = String(table, "version", false);
    requirement.source = String(table, "source", false);
    return requirement;
  }

  Requirement Package(const toml::table& table) const {
    OnlyKeys(table, {"name", "roles", "apt", "source"});
    Requirement requirement;
    requirement.kind = Kind::kPackage;
    requirement.name = String(table, "name", true);
    requirement.roles = Roles(table);
    requirement.source = String(table, "source", false);
    const toml::node* apt = table.get("apt");
    if (apt == nullptr) Fail(table, "missing key \"apt\"");
    if (!apt->is_table()) Fail(*apt, "\"apt\" must be a table of release = \"package name\"");
    for (const auto& [release, name] : *apt->as_table()) {
      if (!name.is_string()) Fail(name, "the package name must be a string");
      requirement.apt[std::string(release.str())] = *name.value<std::string>();
    }
    return requirement;
  }

 private:
  const std::string& source_name_;
};

std::string ResolvePath(const std::string& templ, const answers::Cluster& cluster) {
  std::string result = templ;
  const std::pair<std::string_view, std::string> fields[] = {
      {"{etcd.bin}", cluster.etcd.bin},
      {"{flannel.bin}", cluster.flannel.bin},
      {"{kubernetes.bin_dir}", cluster.kubernetes.bin_dir},
  };
  for (const auto& [placeholder, value] : fields) {
    for (size_t at = result.find(placeholder); at != std::string::npos;
         at = result.find(placeholder, at + value.size()))
      result.replace(at, placeholder.size(), value);
  }
  return result;
}

}  // namespace

std::vector<Requirement> ParseRequirements(std::string_view text, const std::string& source_name) {
  toml::table document;
  try {
    document = toml::parse(text, source_name);
  } catch (const toml::parse_error& error) {
    throw TableError(Where(source_name, error.source()) + std::string(error.description()));
  }
  TableReader reader(source_name);
  std::vector<Requirement> requirements;
  // Binaries come first, then packages (toml++ iterates keys in order);
  // within each, the written order.
  for (const auto& [key, value] : document) {
    Kind kind = Kind::kBinary;
    if (key.str() == "binary") {
      kind = Kind::kBinary;
    } else if (key.str() == "package") {
      kind = Kind::kPackage;
    } else {
      reader.Fail(value, "unknown table \"" + std::string(key.str()) +
                             "\"; expected [[binary]] or [[package]]");
    }
    const toml::array* array = value.as_array();
    if (array == nullptr || !array->is_array_of_tables())
      reader.Fail(value, "\"" + std::string(key.str()) + "\" must be written [[" +
                             std::string(key.str()) + "]]");
    for (const toml::node& element : *array) {
      const toml::table& table = *element.as_table();
      requirements.push_back(kind == Kind::kBinary ? reader.Binary(table) : reader.Package(table));
    }
  }
  return requirements;
}

std::vector<Need> SelectNeeds(const std::vector<Requirement>& table, const host::OsRelease& os,
                              const std::vector<answers::Role>& roles,
                              const answers::Cluster& cluster) {
  std::vector<Need> needs;
  for (const Requirement& requirement : table) {
    std::string needed_by;
    for (answers::Role role : roles) {
      if (std::find(requirement.roles.begin(), requirement.roles.end(), role) ==
          requirement.roles.end())
        continue;
      if (!needed_by.empty()) needed_by += ", ";
      needed_by += answers::RoleName(role);
    }
    if (needed_by.empty()) continue;
    Need need;
    need.kind = requirement.kind;
    need.name = requirement.name;
    need.roles = needed_by;
    need.path = ResolvePath(requirement.path, cluster);
    need.bundle = requirement.bundle;
    need.version = requirement.version;
    need.source = requirement.source;
    if (requirement.kind == Kind::kPackage) {
      auto apt = requirement.apt.find(os.version_id);
      if (apt == requirement.apt.end()) apt = requirement.apt.find("default");
      if (apt != requirement.apt.end()) need.apt = apt->second;
    }
    needs.push_back(std::move(need));
  }
  return needs;
}

}  // namespace kha::deps
