// "Did you mean …?" hints, from the edit distance between a misspelt word and
// the words that are allowed where it stands.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kha {

// Levenshtein distance, ASCII case-insensitive.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo
// (at most a third of the word's length, and at least 1 edit), else nullopt.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string_view>& candidates);

}  // namespace kha
