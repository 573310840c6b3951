// promptlist/bm25.h: Okapi BM25 over the verse chunks, the lexical signal
// that complements vector similarity (a prompt naming "Christmas" should
// find verses that say it, even where word vectors blur it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace promptlist {

struct Bm25Options {
  float k1 = 1.2f;
  float b = 0.75f;
};

class Bm25Index {
 public:
  // Documents are tokenised with word_tokens(), the same as prompts.
  explicit Bm25Index(const std::vector<std::string_view>& documents, Bm25Options options = {});

  std::size_t size() const { return doc_lengths_.size(); }
  // BM25 score of every document for the query (0 where no term matches).
  std::vector<float> score_all(std::string_view query) const;

 private:
  struct Posting {
    std::uint32_t doc;
    std::uint32_t tf;
  };
  Bm25Options options_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;
  std::vector<std::uint32_t> doc_lengths_;
  double avg_length_ = 0;
};

}  // namespace promptlist
