#include "installer/apply/unified_diff.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace kha::apply {
namespace {

std::string Numbered(int first, int last) {
  std::string text;
  for (int i = first; i <= last; ++i) text += "line " + std::to_string(i) + "\n";
  return text;
}

TEST(UnifiedDiffTest, EqualTextsGiveNothing) {
  EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n", "a/x", "b/x"), "");
  EXPECT_EQ(UnifiedDiff("", "", "a/x", "b/x"), "");
}

TEST(UnifiedDiffTest, OneChangedLineWithThreeLinesOfContext) {
  std::string old_text = Numbered(1, 10);
  std::string new_text = Numbered(1, 4) + "line five\n" + Numbered(6, 10);
  EXPECT_EQ(UnifiedDiff(old_text, new_text, "a/etc/default/etcd", "b/etc/default/etcd"),
            "--- a/etc/default/etcd\n"
            "+++ b/etc/default/etcd\n"
            "@@ -2,7 +2,7 @@\n"
            " line 2\n"
            " line 3\n"
            " line 4\n"
            "-line 5\n"
            "+line five\n"
            " line 6\n"
            " line 7\n"
            " line 8\n");
}

TEST(UnifiedDiffTest, DistantChangesMakeTwoHunksNearOnesOne) {
  std::string old_text = Numbered(1, 20);
  std::string far = "changed 1\n" + Numbered(2, 19) + "changed 20\n";
  EXPECT_EQ(UnifiedDiff(old_text, far, "a/f", "b/f"),
            "--- a/f\n"
            "+++ b/f\n"
            "@@ -1,4 +1,4 @@\n"
            "-line 1\n"
            "+changed 1\n"
            " line 2\n"
            " line 3\n"
            " line 4\n"
            "@@ -17,4 +17,4 @@\n"
            " line 17\n"
            " line 18\n"
            " line 19\n"
            "-line 20\n"
            "+changed 20\n");

  // Six unchanged lines between two changes still make one hunk.
  std::string near = Numbered(1, 2) + Numbered(4, 9) + "inserted\n" + Numbered(10, 20);
  EXPECT_EQ(UnifiedDiff(old_text, near, "a/f", "b/f"),
            "--- a/f\n"
            "+++ b/f\n"
            "@@ -1,12 +1,12 @@\n"
            " line 1\n"
            " line 2\n"
            "-line 3\n"
            " line 4\n"
            " line 5\n"
            " line 6\n"
            " line 7\n"
            " line 8\n"
            " line 9\n"
            "+inserted\n"
            " line 10\n"
            " line 11\n"
            " line 12\n");
}

TEST(UnifiedDiffTest, CreatedAndEmptiedFiles) {
  EXPECT_EQ(UnifiedDiff("", "a\nb\n", "/dev/null", "b/etc/kha/pound.cfg"),
            "--- /dev/null\n"
            "+++ b/etc/kha/pound.cfg\n"
            "@@ -0,0 +1,2 @@\n"
            "+a\n"
            "+b\n");
  EXPECT_EQ(UnifiedDiff("only\n", "", "a/x", "b/x"),
            "--- a/x\n"
            "+++ b/x\n"
            "@@ -1 +0,0 @@\n"
            "-only\n");
}

TEST(UnifiedDiffTest, MissingFinalNewlineIsShown) {
  EXPECT_EQ(UnifiedDiff("a\nb", "a\nb\n", "a/x", "b/x"),
            "--- a/x\n"
            "+++ b/x\n"
            "@@ -1,2 +1,2 @@\n"
            " a\n"
            "-b\n"
            "\\ No newline at end of file\n"
            "+b\n");
}

TEST(UnifiedDiffTest, InsertionAtTheStartNamesTheLineBefore) {
  EXPECT_EQ(UnifiedDiff(Numbered(1, 5), "new\n" + Numbered(1, 5), "a/x", "b/x"),
            "--- a/x\n"
            "+++ b/x\n"
            "@@ -1,3 +1,4 @@\n"
            "+new\n"
            " line 1\n"
            " line 2\n"
            " line 3\n");
  EXPECT_EQ(UnifiedDiff(Numbered(1, 5), Numbered(1, 5) + "end\n", "a/x", "b/x"),
            "--- a/x\n"
            "+++ b/x\n"
            "@@ -3,3 +3,4 @@\n"
            " line 3\n"
            " line 4\n"
            " line 5\n"
            "+end\n");
}

// Applies a unified diff produced above (no fuzz, no offsets), so random
// texts can check that every diff takes the old text to the new one.
std::string Patch(const std::string& old_text, const std::string& diff) {
  std::vector<std::string> old_lines;
  std::istringstream old_stream(old_text);
  for (std::string line; std::getline(old_stream, line);) old_lines.push_back(line);
  std::istringstream in(diff);
  std::string line;
  std::getline(in, line);  // ---
  std::getline(in, line);  // +++
  std::vector<std::string> result;
  size_t next_old = 0;  // lines of old_lines copied or consumed so far
  while (std::getline(in, line)) {
    if (line.rfind("@@ -", 0) != 0) throw std::runtime_error("expected a hunk: " + line);
    int start = std::stoi(line.substr(4));
    size_t hunk_old = start == 0 ? 0 : static_cast<size_t>(start - 1);
    if (line.substr(4).find(',') != std::string::npos &&
        line.substr(4, line.find(' ', 4) - 4).ends_with(",0"))
      hunk_old = static_cast<size_t>(start);
    while (next_old < hunk_old) result.push_back(old_lines[next_old++]);
    while (in.peek() == ' ' || in.peek() == '-' || in.peek() == '+') {
      std::getline(in, line);
      if (line[0] == ' ') {
        if (old_lines.at(next_old) != line.substr(1)) throw std::runtime_error("context mismatch");
        result.push_back(old_lines[next_old++]);
      } else if (line[0] == '-') {
        if (old_lines.at(next_old) != line.substr(1)) throw std::runtime_error("delete mismatch");
        ++next_old;
      } else {
        result.push_back(line.substr(1));
      }
    }
  }
  while (next_old < old_lines.size()) result.push_back(old_lines[next_old++]);
  std::string text;
  for (const std::string& l : result) text += l + "\n";
  return text;
}

TEST(UnifiedDiffTest, RandomEditsPatchBackToTheNewText) {
  std::mt19937 random(20261125);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> lines;
    int size = static_cast<int>(random() % 30);
    lines.reserve(static_cast<size_t>(size));
    for (int i = 0; i < size; ++i) lines.push_back("l" + std::to_string(random() % 6));
    std::vector<std::string> edited = lines;
    int edits = static_cast<int>(random() % 6);
    for (int e = 0; e < edits; ++e) {
      size_t at = edited.empty() ? 0 : random() % edited.size();
      switch (random() % 3) {
        case 0:
          edited.insert(edited.begin() + static_cast<long>(at), "n" + std::to_string(random() % 6));
          break;
        case 1:
          if (!edited.empty()) edited.erase(edited.begin() + static_cast<long>(at));
          break;
        default:
          if (!edited.empty()) edited[at] = "c" + std::to_string(random() % 6);
      }
    }
    std::string old_text;
    for (const std::string& l : lines) old_text += l + "\n";
    std::string new_text;
    for (const std::string& l : edited) new_text += l + "\n";
    std::string diff = UnifiedDiff(old_text, new_text, "a/f", "b/f");
    EXPECT_EQ(diff.empty(), old_text == new_text);
    if (diff.empty()) continue;
    EXPECT_EQ(Patch(old_text, diff), new_text) << "old:\n" << old_text << "diff:\n" << diff;
  }
}

TEST(UnifiedDiffTest, EverythingDifferentInLargeFilesStillDiffs) {
  std::string old_text;
  std::string new_text;
  for (int i = 0; i < 5000; ++i) {
    old_text += "old " + std::to_string(i) + "\n";
    new_text += "new " + std::to_string(i) + "\n";
  }
  std::string diff = UnifiedDiff(old_text, new_text, "a/f", "b/f");
  EXPECT_TRUE(diff.starts_with("--- a/f\n+++ b/f\n@@ -1,5000 +1,5000 @@\n-old 0\n"))
      << diff.substr(0, 200);
  EXPECT_EQ(Patch(old_text, diff), new_text);
}

}  // namespace
}  // namespace kha::apply
