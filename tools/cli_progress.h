// tools/cli_progress.h: a progress bar on stderr, drawn only when stderr is a
// terminal (logs and CI output stay clean).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace promptlist::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();
  void update(std::size_t done, std::size_t total);
  void finish();

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace promptlist::cli
