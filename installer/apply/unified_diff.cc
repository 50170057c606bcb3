#include "installer/apply/unified_diff.h"

#include <algorithm>
#include <vector>

namespace kha::apply {
namespace {

constexpr int kContext = 3;
// Beyond this many differing lines the shortest edit is not worth its
// quadratic memory: the diff then replaces the middle block whole.
constexpr int kMaxEdits = 1000;

// Lines with their terminating '\n' (the last may lack it), so a missing
// final newline is itself a difference.
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    size_t length = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(0, length));
    text.remove_prefix(length);
  }
  return lines;
}

enum class Op { kEqual, kDelete, kInsert };
struct Edit {
  Op op;
  int old_index;  // line of the old text this edit is at (or before, for an insert)
  int new_index;
};

// The shortest edit script from a to b, in order (Myers 1986, greedy forward
// pass keeping each round's furthest points for the walk back).
std::vector<Edit> ShortestEdit(const std::vector<std::string_view>& a,
                               const std::vector<std::string_view>& b) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  const int max = n + m;
  std::vector<int> v(2 * max + 3, 0);
  auto at = [&](int k) -> int& { return v[k + max + 1]; };
  std::vector<std::vector<int>> rounds;  // rounds[d][k + d]: furthest x on diagonal k
  int edits = -1;
  for (int d = 0; d <= std::min(max, kMaxEdits) && edits < 0; ++d) {
    std::vector<int> round(2 * d + 1, 0);
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
      int y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      at(k) = x;
      round[k + d] = x;
      if (x >= n && y >= m) edits = d;
    }
    rounds.push_back(std::move(round));
  }

  std::vector<Edit> script;
  if (edits < 0) {
    // Too different: delete every old line, insert every new one.
    for (int i = 0; i < n; ++i) script.push_back({Op::kDelete, i, 0});
    for (int j = 0; j < m; ++j) script.push_back({Op::kInsert, n, j});
    return script;
  }
  int x = n;
  int y = m;
  for (int d = edits; d > 0; --d) {
    const std::vector<int>& previous = rounds[d - 1];
    auto before = [&](int k) { return previous[k + d - 1]; };
    int k = x - y;
    bool down = k == -d || (k != d && before(k - 1) < before(k + 1));
    int previous_k = down ? k + 1 : k - 1;
    int previous_x = before(previous_k);
    int previous_y = previous_x - previous_k;
    while (x > previous_x && y > previous_y) {
      --x, --y;
      script.push_back({Op::kEqual, x, y});
    }
    if (down) {
      script.push_back({Op::kInsert, x, y - 1});
    } else {
      script.push_back({Op::kDelete, x - 1, y});
    }
    x = previous_x;
    y = previous_y;
  }
  while (x > 0 && y > 0) {
    --x, --y;
    script.push_back({Op::kEqual, x, y});
  }
  std::reverse(script.begin(), script.end());
  return script;
}

std::string Range(int start, int count) {
  // diff(1): an empty range names the line before it; a count of 1 is implied.
  if (count == 0) return std::to_string(start) + ",0";
  if (count == 1) return std::to_string(start + 1);
  return std::to_string(start + 1) + "," + std::to_string(count);
}

void AppendLine(std::string& out, char prefix, std::string_view line) {
  out += prefix;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string UnifiedDiff(std::string_view old_text, std::string_view new_text,
                        std::string_view old_label, std::string_view new_label) {
  if (old_text == new_text) return "";
  std::vector<std::string_view> a = SplitLines(old_text);
  std::vector<std::string_view> b = SplitLines(new_text);
  std::vector<Edit> script = ShortestEdit(a, b);

  std::string out = "--- " + std::string(old_label) + "\n+++ " + std::string(new_label) + "\n";
  const int size = static_cast<int>(script.size());
  int i = 0;
  while (i < size) {
    if (script[i].op == Op::kEqual) {
      ++i;
      continue;
    }
    // A hunk: this change, up to kContext equal lines before it, and every
    // later change separated from the previous one by at most 2*kContext
    // equal lines, then up to kContext equal lines after.
    int first = i;
    while (first > 0 && i - first < kContext && script[first - 1].op == Op::kEqual) --first;
    int last = i;  // one past the last change
    for (int j = i; j < size; ++j) {
      if (script[j].op != Op::kEqual) {
        last = j + 1;
      } else if (j - last >= 2 * kContext) {
        break;
      }
    }
    int end = std::min(size, last + kContext);

    int old_count = 0;
    int new_count = 0;
    for (int j = first; j < end; ++j) {
      if (script[j].op != Op::kInsert) ++old_count;
      if (script[j].op != Op::kDelete) ++new_count;
    }
    out += "@@ -" + Range(script[first].old_index, old_count) + " +" +
           Range(script[first].new_index, new_count) + " @@\n";
    for (int j = first; j < end; ++j) {
      switch (script[j].op) {
        case Op::kEqual:
          AppendLine(out, ' ', a[script[j].old_index]);
          break;
        case Op::kDelete:
          AppendLine(out, '-', a[script[j].old_index]);
          break;
        case Op::kInsert:
          AppendLine(out, '+', b[script[j].new_index]);
          break;
      }
    }
    i = end;
  }
  return out;
}

}  // namespace kha::apply
