// Reading a pound.cfg into a Config: the entry points the proxy and the
// tests call. The language is described in docs/pound-cfg.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/diagnostic.h"
#include "proxy/config/config.h"

namespace kha::proxy {

// Parses `text`, the content of `file_name`. Include directives read files
// from the real filesystem, relative to the including file's folder. Every
// error found is added to `diagnostics`; returns nullopt when there is one.
std::optional<Config> ParseConfig(std::string_view text, const std::string& file_name,
                                  Diagnostics& diagnostics);

// Reads and parses `path`; a missing or unreadable file is a diagnostic too.
std::optional<Config> LoadConfig(const std::string& path, Diagnostics& diagnostics);

// Pound's form for `kha-proxy -c`: "FILE:LINE.COL: message", no source line.
DiagnosticStyle PoundDiagnosticStyle();

// Every diagnostic formatted with `style`, one per line, ordered by file (in
// the order files were first named) and position; messages about a whole
// file come after those about its lines. Source lines, when the
// style shows them, are read back from each named file.
std::string FormatDiagnostics(const Diagnostics& diagnostics,
                              const DiagnosticStyle& style = PoundDiagnosticStyle());

}  // namespace kha::proxy
