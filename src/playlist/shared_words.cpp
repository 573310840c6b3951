// What a prompt and a text have in common, for the why-lines (signals.h).
#include <algorithm>
#include <set>

#include "playlist/signals.h"
#include "promptlist/text.h"

namespace promptlist {

bool is_function_word(const std::string& w) {
  static const std::set<std::string> kWords = {
      "and", "the", "for", "with", "are", "was", "but", "not", "you", "your", "our", "his", "her", "its",
      "this", "that", "from", "into", "some", "all", "any", "can", "will", "has", "have", "had", "who",
      "what", "when", "where", "which", "about", "want", "need", "like", "songs", "song", "music", "n't",
      "just", "get", "got", "something", "anything", "kind", "stuff"};
  return w.size() < 3 || kWords.count(w) != 0;
}

std::vector<std::string> shared_words(const std::vector<std::string>& prompt_words, std::string_view text) {
  const auto words = word_tokens(text);
  std::set<std::string> in_text(words.begin(), words.end());
  std::vector<std::string> shared;
  for (const auto& w : prompt_words)
    if (!is_function_word(w) && in_text.count(w) && std::find(shared.begin(), shared.end(), w) == shared.end())
      shared.push_back(w);
  return shared;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + ("\"" + items[i] + "\"");
  return out;
}

}  // namespace promptlist
