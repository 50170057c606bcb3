// Checks of single answer-file values, independent of TOML. Each returns
// nullopt when the value is fine, else what is wrong with it; the caller adds
// the key's name and place.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "installer/answers/cluster.h"

namespace kha::answers {

struct ValueError {
  std::string message;  // e.g. "must not contain '$'"
  std::string hint;     // may be empty
};

// Values end up inside double-quoted strings of shell-sourced /etc/default
// files and of pound.cfg, where '"', '\', '$', '`' and control characters
// would end the string or be expanded.
std::optional<ValueError> CheckQuotable(std::string_view text);

// One command-line argument: quotable, no whitespace; empty only if allowed.
std::optional<ValueError> CheckWord(std::string_view text, bool allow_empty);

// An absolute path that is also a word.
std::optional<ValueError> CheckAbsolutePath(std::string_view text);

// An HTTP request path ("/healthz"), or empty.
std::optional<ValueError> CheckHttpPath(std::string_view text);

// An RFC 1123 label in lower case, as Kubernetes wants node names.
std::optional<ValueError> CheckDnsLabel(std::string_view text);

// An admission plugin name: letters and digits ("NamespaceLifecycle").
std::optional<ValueError> CheckPluginName(std::string_view text);

std::optional<ValueError> CheckPort(int64_t port);
std::optional<ValueError> CheckInteger(int64_t value, int64_t min, int64_t max);

std::optional<ValueError> ParseIpv4Value(std::string_view text, Ipv4& out);
std::optional<ValueError> ParseCidrValue(std::string_view text, Cidr& out);
// "FIRST-LAST", both ports, FIRST <= LAST.
std::optional<ValueError> ParsePortRange(std::string_view text, PortRange& out);

}  // namespace kha::answers
