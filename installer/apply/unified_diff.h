// Line diffs in the unified format of diff -u and git, for --dry-run.
#pragma once

#include <string>
#include <string_view>

namespace kha::apply {

// "--- OLD_LABEL\n+++ NEW_LABEL\n" then "@@ -l,n +l,n @@" hunks with 3 lines
// of context (a count of 1 is left out, as diff does), computed with Myers'
// O(ND) algorithm; "\ No newline at end of file" marks a last line without
// one. Empty when the texts are equal. Labels are e.g. "a/etc/default/etcd",
// or "/dev/null" for a file that does not exist.
std::string UnifiedDiff(std::string_view old_text, std::string_view new_text,
                        std::string_view old_label, std::string_view new_label);

}  // namespace kha::apply
