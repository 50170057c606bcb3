// toml++ into the model: walks the document once, matching each table and
// key against the tables in keys.cc, so every problem is found in one pass.
#include "installer/answers/answers.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstring>

#include "common/did_you_mean.h"
#include "common/file_util.h"
#include "installer/answers/keys.h"
#include "installer/answers/validate.h"
#include "installer/answers/values.h"

namespace kha::answers {
namespace {

std::string_view TypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

Place PlaceOf(const toml::source_region& region) {
  return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

std::string Quoted(std::string_view text) { return '"' + std::string(text) + '"'; }

// toml++ says "Error while parsing X: Y"; keep its detail, in our voice.
std::string SyntaxMessage(std::string_view description) {
  constexpr std::string_view kPrefix = "Error while parsing ";
  if (description.starts_with(kPrefix)) {
    description.remove_prefix(kPrefix.size());
    return "TOML syntax error in " + std::string(description);
  }
  return "TOML syntax error: " + std::string(description);
}

// "\"bin_dir\" belongs in [kubernetes]" when the key exists in other sections.
std::string BelongsElsewhereHint(std::string_view key, std::string_view current_section) {
  std::vector<std::string> homes;
  for (const SectionSpec& section : Sections()) {
    if (section.name == current_section) continue;
    for (const auto& spec : section.keys)
      if (spec.name == key) homes.push_back('[' + std::string(section.name) + ']');
  }
  if (homes.empty()) return {};
  std::string hint = Quoted(key) + " belongs in " + homes[0];
  for (size_t i = 1; i < homes.size(); ++i)
    hint += (i + 1 == homes.size() ? " or " : ", ") + homes[i];
  return hint;
}

class Reader {
 public:
  Reader(const std::string& file, Diagnostics& diagnostics)
      : file_(file), diagnostics_(diagnostics) {}

  void Error(Place place, std::string message, std::string hint = {}) {
    diagnostics_.Error(file_, place.line, place.column, std::move(message), std::move(hint));
  }

  void ReadDocument(const toml::table& document, Cluster& cluster, KeyPlaces& places) {
    for (auto&& [key, node] : document) {
      const Place key_place = PlaceOf(key.source());
      if (key.str() == "node") {
        places["node"] = key_place;
        ReadNodes(node, key_place, cluster);
        continue;
      }
      const SectionSpec* section = FindSection(key.str());
      if (section == nullptr) {
        UnknownTopLevel(key.str(), node, key_place);
      } else if (const toml::table* table = node.as_table()) {
        ReadTable(*table, section->keys, section->name, cluster, places);
      } else {
        Error(PlaceOf(node.source()), std::string(section->name) + ": expected a table, got " +
                                          std::string(TypeName(node.type())));
      }
    }
  }

 private:
  static const SectionSpec* FindSection(std::string_view name) {
    for (const SectionSpec& section : Sections())
      if (section.name == name) return &section;
    return nullptr;
  }

  void UnknownTopLevel(std::string_view key, const toml::node& node, Place place) {
    std::vector<std::string_view> names;
    for (const SectionSpec& section : Sections()) names.push_back(section.name);
    if (node.is_table() || node.is_array_of_tables()) {
      names.push_back("node");
      const bool array = node.is_array_of_tables();
      std::string open = array ? "[[" : "[", close = array ? "]]" : "]";
      std::string hint;
      if (auto match = ClosestMatch(key, names))
        hint = "did you mean " + open + *match + close + "?";
      Error(place, "unknown section " + open + std::string(key) + close, hint);
      return;
    }
    std::string hint = BelongsElsewhereHint(key, "");
    Error(place, "unknown key " + Quoted(key) + " outside any section", hint);
  }

  void ReadNodes(const toml::node& value, Place key_place, Cluster& cluster) {
    const toml::array* array = value.as_array();
    if (array == nullptr) {
      Error(key_place,
            "node: expected an array of tables, got " + std::string(TypeName(value.type())),
            "write [[node]] above each node's keys");
      return;
    }
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      const toml::table* table = element.as_table();
      if (table == nullptr) {
        Error(PlaceOf(element.source()), "node[" + std::to_string(i) + "]: expected a table, got " +
                                             std::string(TypeName(element.type())));
        continue;
      }
      ReadNode(*table, cluster);
    }
  }

  void ReadNode(const toml::table& table, Cluster& cluster) {
    role_errors_ = false;
    Node node;
    node.place = PlaceOf(table.source());
    KeyPlaces places;
    ReadTable(table, NodeKeys(), "node", node, places);
    auto place_of = [&](std::string_view key) {
      auto it = places.find("node." + std::string(key));
      return it == places.end() ? Place{} : it->second;
    };
    node.name_place = place_of("name");
    node.ip_place = place_of("ip");
    node.roles_place = place_of("roles");

    const std::string who =
        node.name_place.line > 0 ? "node " + Quoted(node.name) : std::string("[[node]]");
    for (const auto& spec : NodeKeys()) {
      if (!table.contains(spec.name))
        Error(node.place, who + " is missing the key " + Quoted(spec.name));
    }
    if (node.roles_place.line > 0 && node.roles.empty() && !role_errors_)
      Error(node.roles_place, who + " has no roles",
            "give it one or more of \"etcd\", \"master\" and \"worker\"");
    cluster.nodes.push_back(std::move(node));
  }

  // Reads every key of `table` into `target`; `section` names the table in
  // messages and in `places` ("etcd" → "etcd.peer_port").
  template <typename Target>
  void ReadTable(const toml::table& table, std::span<const KeySpec<Target>> specs,
                 std::string_view section, Target& target, KeyPlaces& places) {
    for (auto&& [key, node] : table) {
      const KeySpec<Target>* spec = nullptr;
      std::vector<std::string_view> names;
      for (const auto& candidate : specs) {
        names.push_back(candidate.name);
        if (candidate.name == key.str()) spec = &candidate;
      }
      const std::string label = std::string(section) + '.' + std::string(key.str());
      if (spec == nullptr) {
        std::string hint;
        if (auto match = ClosestMatch(key.str(), names))
          hint = "did you mean " + Quoted(*match) + "?";
        else if (section != "node")
          hint = BelongsElsewhereHint(key.str(), section);
        const std::string where = section == "node" ? "[[node]]" : '[' + std::string(section) + ']';
        Error(PlaceOf(key.source()), "unknown key " + Quoted(key.str()) + " in " + where, hint);
        continue;
      }
      if (std::optional<Value> value = Convert(*spec, node, label)) {
        spec->set(target, std::move(*value));
        places[label] = PlaceOf(node.source());
      }
    }
  }

  // The value of `node` for `spec`, or nullopt after reporting why not.
  template <typename Target>
  std::optional<Value> Convert(const KeySpec<Target>& spec, const toml::node& node,
                               const std::string& label) {
    const Place place = PlaceOf(node.source());
    auto fail = [&](const std::optional<ValueError>& error, const std::string& where, Place at) {
      if (!error) return false;
      Error(at, where + ": " + error->message, error->hint);
      return true;
    };
    auto wrong_type = [&](std::string_view expected, const toml::node& got,
                          const std::string& where) {
      Error(PlaceOf(got.source()), where + ": expected " + std::string(expected) + ", got " +
                                       std::string(TypeName(got.type())));
      return std::nullopt;
    };

    switch (spec.kind) {
      case Kind::kPort:
      case Kind::kInteger: {
        if (!node.is_integer()) return wrong_type("an integer", node, label);
        const int64_t number = node.as_integer()->get();
        std::optional<ValueError> error =
            spec.kind == Kind::kPort ? CheckPort(number) : CheckInteger(number, spec.min, spec.max);
        if (error && error->hint.empty()) error->hint = std::string(spec.help);
        if (fail(error, label, place)) return std::nullopt;
        return Value{number};
      }
      case Kind::kWordList:
      case Kind::kPluginList:
      case Kind::kRoleList:
        return ConvertList(spec, node, label);
      default:
        break;
    }

    if (!node.is_string()) return wrong_type("a string", node, label);
    const std::string& text = node.as_string()->get();
    switch (spec.kind) {
      case Kind::kWord:
      case Kind::kOptionalWord:
        if (fail(CheckWord(text, spec.kind == Kind::kOptionalWord), label, place))
          return std::nullopt;
        return Value{text};
      case Kind::kPath:
        if (fail(CheckAbsolutePath(text), label, place)) return std::nullopt;
        return Value{text};
      case Kind::kHttpPath:
        if (fail(CheckHttpPath(text), label, place)) return std::nullopt;
        return Value{text};
      case Kind::kDnsLabel:
        if (fail(CheckDnsLabel(text), label, place)) return std::nullopt;
        return Value{text};
      case Kind::kChoice: {
        for (std::string_view choice : spec.choices)
          if (choice == text) return Value{text};
        std::vector<std::string_view> choices(spec.choices.begin(), spec.choices.end());
        std::optional<std::string> match = ClosestMatch(text, choices);
        Error(place, label + ": unknown value " + Quoted(text),
              match ? "did you mean " + Quoted(*match) + "?" : std::string(spec.help));
        return std::nullopt;
      }
      case Kind::kIpv4: {
        Ipv4 ip;
        if (fail(ParseIpv4Value(text, ip), label, place)) return std::nullopt;
        return Value{ip};
      }
      case Kind::kCidr: {
        Cidr cidr;
        if (fail(ParseCidrValue(text, cidr), label, place)) return std::nullopt;
        return Value{cidr};
      }
      case Kind::kPortRange: {
        PortRange range;
        if (fail(ParsePortRange(text, range), label, place)) return std::nullopt;
        return Value{range};
      }
      default:
        break;
    }
    return std::nullopt;  // every kind is handled above
  }

  template <typename Target>
  std::optional<Value> ConvertList(const KeySpec<Target>& spec, const toml::node& node,
                                   const std::string& label) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      Error(PlaceOf(node.source()),
            label + ": expected an array of strings, got " + std::string(TypeName(node.type())));
      return std::nullopt;
    }
    bool ok = true;
    std::vector<std::string> strings;
    std::vector<Role> roles;
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      const std::string where = label + '[' + std::to_string(i) + ']';
      const Place place = PlaceOf(element.source());
      if (!element.is_string()) {
        Error(place, where + ": expected a string, got " + std::string(TypeName(element.type())));
        ok = false;
        continue;
      }
      const std::string& text = element.as_string()->get();
      std::optional<ValueError> error;
      if (spec.kind == Kind::kWordList) {
        error = CheckWord(text, false);
      } else if (spec.kind == Kind::kPluginList) {
        error = CheckPluginName(text);
      } else {
        error = ConvertRole(text, roles);
        if (error) role_errors_ = true;
      }
      if (error) {
        Error(place, where + ": " + error->message, error->hint);
        ok = false;
      }
      strings.push_back(text);
    }
    if (spec.kind == Kind::kRoleList) return Value{std::move(roles)};  // the valid ones
    if (!ok) return std::nullopt;
    return Value{std::move(strings)};
  }

  static std::optional<ValueError> ConvertRole(const std::string& text, std::vector<Role>& roles) {
    std::span<const std::string_view> names = RoleNames();
    for (size_t r = 0; r < names.size(); ++r) {
      if (names[r] != text) continue;
      const Role role = static_cast<Role>(r);
      if (std::find(roles.begin(), roles.end(), role) != roles.end())
        return ValueError{Quoted(text) + " is listed twice", ""};
      roles.push_back(role);
      return std::nullopt;
    }
    std::vector<std::string_view> candidates(names.begin(), names.end());
    std::optional<std::string> match = ClosestMatch(text, candidates);
    return ValueError{"unknown role " + Quoted(text),
                      match ? "did you mean " + Quoted(*match) + "?"
                            : "roles are \"etcd\", \"master\" and \"worker\""};
  }

  const std::string& file_;
  Diagnostics& diagnostics_;
  bool role_errors_ = false;  // the current node's roles had an error already reported
};

}  // namespace

std::optional<Cluster> ParseAnswers(std::string_view text, const std::string& file_name,
                                    Diagnostics& diagnostics) {
  Diagnostics found;
  Cluster cluster;
  cluster.source_file = file_name;
  toml::table document;
  try {
    document = toml::parse(text, std::string_view(file_name));
  } catch (const toml::parse_error& error) {
    found.Error(file_name, static_cast<int>(error.source().begin.line),
                static_cast<int>(error.source().begin.column), SyntaxMessage(error.description()));
  }
  if (!found.HasErrors()) {
    KeyPlaces places;
    Reader(file_name, found).ReadDocument(document, cluster, places);
    ValidateCluster(cluster, places, found);
  }
  const bool failed = found.HasErrors();
  for (const Diagnostic& d : found.list()) diagnostics.Add(d);
  if (failed) return std::nullopt;
  return cluster;
}

std::optional<Cluster> LoadAnswers(const std::string& path, Diagnostics& diagnostics,
                                   std::string* source_text) {
  std::string text;
  try {
    text = ReadFile(path);
  } catch (const SystemError& error) {
    if (source_text != nullptr) source_text->clear();
    diagnostics.Error(
        path, 0, 0,
        "cannot read the answer file: " + std::string(std::strerror(error.error_number())));
    return std::nullopt;
  }
  std::optional<Cluster> cluster = ParseAnswers(text, path, diagnostics);
  if (source_text != nullptr) *source_text = std::move(text);
  return cluster;
}

}  // namespace kha::answers
