// What the terminal allows: colour only on a TTY and never with NO_COLOR;
// a progress bar only on a TTY and not when quiet.
#pragma once

#include <cstdio>
#include <string>

namespace kha {

// True when `stream` is a terminal, NO_COLOR is unset or empty, and TERM is not "dumb".
bool ColourAllowed(std::FILE* stream);

// A one-line progress bar redrawn in place on stderr; silent unless enabled.
class ProgressBar {
 public:
  ProgressBar(std::string label, unsigned long long total, bool enabled);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Advance(unsigned long long amount);
  void Finish();

 private:
  void Draw();

  std::string label_;
  unsigned long long total_;
  unsigned long long done_ = 0;
  int last_percent_ = -1;
  bool enabled_;
  bool finished_ = false;
};

}  // namespace kha
