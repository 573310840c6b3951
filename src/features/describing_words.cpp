#include "features/describing_words.h"

#include <algorithm>
#include <unordered_set>

#include "promptlist/text.h"

namespace promptlist {

bool is_noise_word(const std::string& w) {
  static const std::unordered_set<std::string> kNoise = {"feat", "remastered", "remaster", "version", "edit",
                                                          "radio", "original", "mix", "vol", "the", "and"};
  return w.size() < 3 || kNoise.count(w) != 0 || std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_request_word(const std::string& w) {
  static const std::unordered_set<std::string> kRequest = {"song", "songs", "music", "track", "tracks", "playlist",
                                                            "tune", "tunes", "play", "need", "want", "some", "like"};
  return kRequest.count(w) != 0;
}

std::string negation_before(const std::vector<std::string>& w, std::size_t i) {
  static const char* kNegators[] = {"no", "not", "without", "n't", "never", "nothing", "none", "non", "less"};
  static const char* kBreaks[] = {"and", "but", "or", "with", "yet"};
  for (std::size_t back = 1; back <= 3 && back <= i; ++back) {
    const std::string& word = w[i - back];
    for (const char* b : kBreaks)
      if (word == b) return {};
    for (const char* n : kNegators) {
      if (word != n) continue;
      std::string phrase;
      for (std::size_t k = i - back; k < i; ++k) phrase += w[k] + " ";
      return phrase;
    }
  }
  return {};
}

std::string sound_words(std::string_view prompt) {
  std::string kept;
  // A negation ends with its clause: "not sad, something hopeful" keeps "something hopeful".
  for (std::size_t start = 0; start <= prompt.size();) {
    const std::size_t end = std::min(prompt.find_first_of(",;.!?", start), prompt.size());
    const auto words = word_tokens(prompt.substr(start, end - start));
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::string& w = words[i];
      // The negator itself goes too: it is the first word of the phrase that
      // governs the next one.
      const bool negator = i + 1 < words.size() && negation_before(words, i + 1) == w + " ";
      if (negator || !negation_before(words, i).empty() || is_request_word(w)) continue;
      kept += (kept.empty() ? "" : " ") + w;
    }
    start = end + 1;
  }
  return kept;
}

}  // namespace promptlist
