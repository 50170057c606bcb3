// The answer file's keys as data: one table per section, each key with its
// kind (which decides the TOML type and the checks), the default as written
// in examples/answers.toml, one line of help (the same line documents the key
// there; a test keeps the two in step) and a setter into the model.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "installer/answers/cluster.h"

namespace kha::answers {

enum class Kind {
  kWord,          // string: one command-line argument, not empty
  kOptionalWord,  // string: as kWord, or empty
  kPath,          // string: an absolute path
  kHttpPath,      // string: "/healthz" or empty
  kDnsLabel,      // string: an RFC 1123 label
  kChoice,        // string: one of `choices`
  kIpv4,          // string: a dotted quad
  kCidr,          // string: a.b.c.d/n without host bits
  kPortRange,     // string: "FIRST-LAST"
  kPort,          // integer: 1-65535
  kInteger,       // integer: min-max
  kWordList,      // array of kWord strings
  kPluginList,    // array of admission plugin names
  kRoleList,      // array of role names
};

// What a key's setter receives, by kind: kPort and kInteger an int64_t;
// kIpv4 an Ipv4; kCidr a Cidr; kPortRange a PortRange; the lists a vector of
// strings, except kRoleList a vector of roles; the rest a string.
using Value = std::variant<int64_t, std::string, Ipv4, Cidr, PortRange, std::vector<std::string>,
                           std::vector<Role>>;

template <typename Target>
struct KeySpec {
  std::string_view name;
  Kind kind;
  std::string_view default_text;  // TOML, e.g. `4000`, `"/opt/etcd"`, `[]`
  std::string_view help;
  void (*set)(Target& target, Value&& value);
  int64_t min = 0;  // kInteger only
  int64_t max = std::numeric_limits<int64_t>::max();
  std::span<const std::string_view> choices = {};  // kChoice only
};

struct SectionSpec {
  std::string_view name;  // [name]
  std::string_view help;
  std::span<const KeySpec<Cluster>> keys;
};

// Every [section] in the order examples/answers.toml documents them.
std::span<const SectionSpec> Sections();

// The keys of each [[node]] table.
std::span<const KeySpec<Node>> NodeKeys();

// "etcd", "master", "worker".
std::span<const std::string_view> RoleNames();

}  // namespace kha::answers
