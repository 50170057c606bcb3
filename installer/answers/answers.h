// Reading an answer file (examples/answers.toml documents every key) into the
// typed model, with every problem reported at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/diagnostic.h"
#include "installer/answers/cluster.h"

namespace kha::answers {

// Parses and validates `text`; `file_name` names it in diagnostics and in
// Cluster::source_file. Every error and warning is added to `diagnostics`;
// returns nullopt when there was at least one error (warnings alone, such as
// an even number of etcd members, still return the cluster). Nodes keep the
// file's order. Print the diagnostics with diagnostics.Format(text, style).
std::optional<Cluster> ParseAnswers(std::string_view text, const std::string& file_name,
                                    Diagnostics& diagnostics);

// Reads `path` and parses it as above. An unreadable file is one diagnostic
// naming the path and the reason. `source_text`, when given, receives the
// file's text (empty if unreadable) so the caller can format the diagnostics.
std::optional<Cluster> LoadAnswers(const std::string& path, Diagnostics& diagnostics,
                                   std::string* source_text = nullptr);

}  // namespace kha::answers
