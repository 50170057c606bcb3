// Conversion of a directive's argument tokens into typed values, with the
// error text for each argument kind.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/diagnostic.h"
#include "proxy/config/directives.h"

namespace kha::proxy {

// What `kind` of `directive` accepts, e.g. "a port number from 1 to 65535".
std::string DescribeArgument(const Directive& directive, ArgKind kind);

// Converts `token` (an argument of `directive`, written in `file`). Relative
// file names are taken from `base_dir`. Reports at the token and returns
// nullopt when the argument does not fit.
std::optional<Value> ConvertArgument(const Directive& directive, ArgKind kind, const Token& token,
                                     const std::string& file, const std::string& base_dir,
                                     Diagnostics& diagnostics);

// A numeric IPv4 or IPv6 address in canonical form; nullopt for anything
// else (host names included: they are never resolved).
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// The whole file, or nullopt with `error` set to the reason (strerror text).
std::optional<std::string> ReadConfigFile(const std::string& path, std::string& error);

// `path` when absolute or `base_dir` is empty, else base_dir/path.
std::string ResolvePath(const std::string& base_dir, const std::string& path);

}  // namespace kha::proxy
