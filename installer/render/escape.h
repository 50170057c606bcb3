// How a value from the answer file is written into each target format.
// Each function returns the text to insert, or throws RenderError when the
// format cannot hold the value.
#pragma once

#include <string>
#include <string_view>

namespace kha::render {

enum class Format {
  kShell,    // inside "..." of a file sh sources (/etc/default, upstart jobs)
  kSystemd,  // a word of a unit file line (ExecStart=, After=)
  kPound,    // pound.cfg: inside "..." or a bare word
  kJson,     // inside a JSON string
};

std::string Escape(Format format, std::string_view value);

}  // namespace kha::render
