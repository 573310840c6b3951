// bench/musiccaps_prompts.h: prompts people really write about music, for
// the benchmarks: the first sentence of MusicCaps captions.
#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace promptlist::bench {

// The caption is the sixth column, quoted: take the text after the second
// ',"' of a line, up to its first full stop or quote. Lines that do not
// look like that are skipped (this is a benchmark input, not an importer).
inline std::vector<std::string> musiccaps_prompts(const std::string& csv, std::size_t count) {
  std::vector<std::string> out;
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (out.size() < count && std::getline(in, line)) {
    const auto q = line.find(",\"");
    const auto q2 = q == std::string::npos ? q : line.find(",\"", q + 2);
    if (q2 == std::string::npos) continue;
    std::string caption = line.substr(q2 + 2);
    const auto end = caption.find_first_of(".\"");
    if (end != std::string::npos && end > 10) out.push_back(caption.substr(0, end));
  }
  return out;
}

}  // namespace promptlist::bench
