// What is checked once the whole file is read: inherited values filled in,
// then the rules that span directives (a listener needs a service, …).
#pragma once

#include "common/diagnostic.h"
#include "proxy/config/config.h"

namespace kha::proxy {

// Replaces the kInherit sentinels left by the parser with the global values.
void ResolveInheritedValues(Config& config);

// Reports every rule the parsed `config` breaks; `main_file` names errors
// about the file as a whole.
void ValidateConfig(const Config& config, const std::string& main_file, Diagnostics& diagnostics);

}  // namespace kha::proxy
