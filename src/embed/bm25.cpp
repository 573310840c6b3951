#include "promptlist/bm25.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "promptlist/text.h"

namespace promptlist {

Bm25Index::Bm25Index(const std::vector<std::string_view>& documents, Bm25Options options) : options_(options) {
  doc_lengths_.reserve(documents.size());
  std::size_t total = 0;
  for (std::uint32_t d = 0; d < documents.size(); ++d) {
    auto words = word_tokens(documents[d]);
    doc_lengths_.push_back(static_cast<std::uint32_t>(words.size()));
    total += words.size();
    // A word's count in the document is its run in sorted order (cheaper at
    // a start than a map per document: 70,000 documents).
    std::sort(words.begin(), words.end());
    for (std::size_t i = 0; i < words.size();) {
      std::size_t end = i + 1;
      while (end < words.size() && words[end] == words[i]) ++end;
      postings_[std::move(words[i])].push_back({d, static_cast<std::uint32_t>(end - i)});
      i = end;
    }
  }
  avg_length_ = documents.empty() ? 1.0 : std::max(1.0, static_cast<double>(total) / documents.size());
}

std::vector<float> Bm25Index::score_all(std::string_view query) const {
  std::vector<float> scores(doc_lengths_.size(), 0.0f);
  const double n = static_cast<double>(doc_lengths_.size());
  std::unordered_set<std::string> seen;  // a repeated query word counts once
  for (const auto& term : word_tokens(query)) {
    if (!seen.insert(term).second) continue;
    auto it = postings_.find(term);
    if (it == postings_.end()) continue;
    const double df = static_cast<double>(it->second.size());
    const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    for (const auto& p : it->second) {
      const double len_norm = 1.0 - options_.b + options_.b * doc_lengths_[p.doc] / avg_length_;
      const double tf = p.tf;
      scores[p.doc] += static_cast<float>(idf * tf * (options_.k1 + 1.0) / (tf + options_.k1 * len_norm));
    }
  }
  return scores;
}

}  // namespace promptlist
