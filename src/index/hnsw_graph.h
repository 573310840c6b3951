// index/hnsw_graph.h: the HNSW graph's arrays, the same whether built in
// memory (hnsw_build.cpp) or mapped from a file (hnsw_index.cpp): views
// that search reads, over storage the graph owns either way.
#pragma once

#include <cstdint>
#include <vector>

#include "promptlist/hnsw_index.h"
#include "promptlist/mapped_file.h"

namespace promptlist {

struct HnswIndex::Graph {
  std::size_t count = 0, dim = 0;
  std::uint32_t m = 0;          // links per upper level; level 0 keeps 2m
  std::uint32_t max_level = 0;  // of the entry node
  std::uint32_t entry = 0;      // where every walk starts
  std::uint64_t rows_fingerprint = 0;
  std::size_t upper_blocks = 0;  // upper link lists, one per (node, level >= 1)

  const float* scales = nullptr;             // [count]: code * scale ~ the vector
  const std::int8_t* codes = nullptr;        // [count][dim]
  const std::uint8_t* levels = nullptr;      // [count]: a node's top level
  const std::uint32_t* upper_start = nullptr;  // [count]: its first upper block (level 1)
  const std::uint32_t* level0 = nullptr;     // [count][1 + 2m]
  const std::uint32_t* upper = nullptr;      // [upper_blocks][1 + m]

  // A built graph's storage (a mapped one leaves these empty).
  std::vector<float> own_scales;
  std::vector<std::int8_t> own_codes;
  std::vector<std::uint8_t> own_levels;
  std::vector<std::uint32_t> own_upper_start, own_level0, own_upper;
  MappedFile file;

  std::size_t level0_width() const { return 1 + 2 * std::size_t{m}; }
  std::size_t upper_width() const { return 1 + std::size_t{m}; }
  // The link list of a node on a level it has: its count, then neighbours.
  const std::uint32_t* links(std::uint32_t node, std::uint32_t level) const {
    return level == 0 ? level0 + node * level0_width() : upper + (upper_start[node] + level - 1) * upper_width();
  }
  // Points the views at the owned vectors (after building).
  void view_own() {
    scales = own_scales.data();
    codes = own_codes.data();
    levels = own_levels.data();
    upper_start = own_upper_start.data();
    level0 = own_level0.data();
    upper = own_upper.data();
  }
};

}  // namespace promptlist
