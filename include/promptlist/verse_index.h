// promptlist/verse_index.h: the searchable file of verse-chunk vectors.
//
// Exact cosine top-k over contiguous float32 rows (unit length), memory-
// mapped at start. The file is versioned and self-describing:
//
//   offset 0   "PLVINDEX"   magic
//          8   u32 version, u32 dim
//         16   u64 count (rows)
//         24   u32 components (removed principal components), u32 reserved
//         32   char model_id[96]  (NUL-padded)
//        128   u64 catalog fingerprint (Catalog::lyrics_fingerprint())
//        136   u64 checksum: XXH3-64 of the whole file, this field read as 0
//        144   u64 file size
//        152   u64 rows offset, u64 chunks offset, u64 texts offset
//        192   float components[components][dim]
//              float rows[count][dim]              (64-byte aligned)
//              ChunkRecord chunks[count]           (8-byte aligned)
//              char texts[]                        (chunk texts, UTF-8)
//
// An index built by another model or an older promptlist (format version 1),
// truncated, or corrupted is refused with a message saying so; so is one
// whose offsets or lengths point outside their section or are misaligned,
// even with a valid checksum. Writes go to a temporary file that replaces the old
// one only when complete (util/atomic_file.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "promptlist/mapped_file.h"
#include "promptlist/verse_chunker.h"

namespace promptlist {

struct IndexContents {
  std::string model_id;
  std::size_t dim = 0;
  std::uint64_t catalog_fingerprint = 0;
  std::vector<float> components;  // [n][dim], removed from every vector
  std::vector<float> vectors;     // [chunks.size()][dim], already unit length
  std::vector<VerseChunk> chunks;
};

struct IndexHit {
  std::uint32_t row;
  float score;
};

class VerseIndex {
 public:
  static void write(const std::string& path, const IndexContents& contents);

  // Maps and validates the file. expected_model_id, when not empty, must
  // match the model that built the index.
  explicit VerseIndex(const std::string& path, const std::string& expected_model_id = {});

  const std::string& path() const { return file_.path(); }
  const std::string& model_id() const { return model_id_; }
  std::size_t dim() const { return dim_; }
  std::size_t size() const { return count_; }
  std::uint64_t catalog_fingerprint() const { return fingerprint_; }
  // The file's XXH3 checksum: what an approximate index built over its rows names.
  std::uint64_t checksum() const { return checksum_; }

  const float* row(std::size_t i) const { return rows_ + i * dim_; }
  VerseChunk chunk(std::size_t i) const;  // copies the chunk's text
  std::string_view chunk_text(std::size_t i) const;
  std::int64_t chunk_song(std::size_t i) const;

  // Turns a raw embedder vector into the index's space: removes the stored
  // components and scales to unit length (in place).
  void project(float* vector) const;
  // The principal components removed from every row ([n][dim]; empty for
  // models that remove none).
  std::vector<float> components() const;
  // Cosine similarity of the (projected) query with every row.
  std::vector<float> similarities(const float* query) const;
  // The k best rows, best first (ties: lower row first).
  std::vector<IndexHit> top_k(const float* query, std::size_t k) const;

 private:
  MappedFile file_;
  std::string model_id_;
  std::size_t dim_ = 0, count_ = 0, n_components_ = 0;
  std::uint64_t fingerprint_ = 0, checksum_ = 0;
  const float* components_ = nullptr;
  const float* rows_ = nullptr;
  const struct ChunkRecord* records_ = nullptr;
  const char* texts_ = nullptr;
  std::size_t texts_size_ = 0;
};

// Removes the given components from each row and scales rows to unit length.
void project_rows(float* rows, std::size_t n, std::size_t dim, const std::vector<float>& components);
// The first `count` principal components (uncentred, as in SIF) of the rows,
// by deterministic power iteration: the same rows always give the same bytes.
std::vector<float> principal_components(const float* rows, std::size_t n, std::size_t dim, std::size_t count);

}  // namespace promptlist
