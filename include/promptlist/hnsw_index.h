// promptlist/hnsw_index.h: approximate nearest neighbours over unit-length
// vectors (inner product = cosine), for catalogs too large to scan exactly.
//
//   HnswIndex ann = HnswIndex::build(rows, n, dim, HnswOptions{});
//   ann.write("verses.plhn", fingerprint);             // atomic
//   HnswIndex mapped("verses.plhn");                   // memory-mapped, checked
//   auto hits = mapped.search(query, rows, 10);        // best first, exact scores
//
// A hierarchical navigable small-world graph (Malkov & Yashunin, 2018) whose
// walk compares int8 codes of the vectors (a quarter of float32's bytes);
// the candidates it ends with are re-scored exactly on the float32 rows the
// caller holds (the verse index's), so every returned score is exact and
// only recall is approximate. The file is versioned and checksummed like the
// verse index and names the fingerprint of the rows it was built from:
//
//   offset 0   "PLHNSW01"  magic
//          8   u32 version, u32 dim
//         16   u64 count, u32 m, u32 max_level
//         32   u32 entry, u32 reserved, u64 rows fingerprint
//         48   u64 checksum: XXH3-64 of the whole file, this field read as 0
//         56   u64 file size, u64 upper block count
//         72   then, each 64-byte aligned: float scales[count],
//              int8 codes[count][dim], u8 levels[count],
//              u32 upper_start[count], u32 level0[count][1 + 2m],
//              u32 upper[blocks][1 + m]
// (a link list is its count, then the neighbours' rows).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "promptlist/verse_index.h"

namespace promptlist {

// Where the graph over an index file lives: beside it, ".plhn" for ".plvi".
std::string hnsw_path_for(const std::string& index_path);

struct HnswOptions {
  // Links a node keeps on each upper level; level 0 keeps twice as many.
  // More: better recall, a larger graph, slower builds.
  std::uint32_t m = 16;
  // Candidates weighed when a node is linked in: the graph's quality.
  std::uint32_t ef_construction = 100;
  // The level draw's seed: the same rows and seed give the same graph.
  std::uint64_t seed = 42;
  // Called now and then with rows linked so far, of all (may be empty).
  std::function<void(std::size_t done, std::size_t total)> progress;
};

class HnswIndex {
 public:
  // Links every row in; rows stay the caller's (only their codes are kept).
  static HnswIndex build(const float* rows, std::size_t count, std::size_t dim, const HnswOptions& options);
  // Maps and validates a file written by write(); refuses another format
  // version, a truncated or corrupted file, or links that leave the graph.
  explicit HnswIndex(const std::string& path);
  HnswIndex(HnswIndex&&) noexcept;
  HnswIndex& operator=(HnswIndex&&) noexcept;
  ~HnswIndex();

  // Written to a temporary file that replaces `path` only when complete.
  void write(const std::string& path, std::uint64_t rows_fingerprint) const;

  // The k rows nearest the query, best first, scored exactly on `rows`
  // (the float32 rows the index was built from). ef: candidates kept on the
  // walk (at least k); more is slower and finds more of the true top k.
  std::vector<IndexHit> search(const float* query, const float* rows, std::size_t k, std::size_t ef = 64) const;

  std::size_t size() const;
  std::size_t dim() const;
  std::uint64_t rows_fingerprint() const;  // as written; 0 for a built index
  std::size_t bytes() const;               // what the file holds (or would)

  // The graph over a verse or track index's rows, if its file exists:
  // "index-x.plvi" -> "index-x.plhn". nullptr when there is none; throws
  // when it is damaged or was built over other rows (a stale graph).
  static std::unique_ptr<HnswIndex> open_beside(const VerseIndex& index);

  struct Graph;  // the arrays (src/index/hnsw_graph.h), for the builder and the reader

 private:
  explicit HnswIndex(std::unique_ptr<Graph> graph);
  std::unique_ptr<Graph> graph_;
};

}  // namespace promptlist
