// index/hnsw_format.h: the HNSW file's header and where its arrays lie,
// shared by the writer (hnsw_index.cpp) and the reader (hnsw_open.cpp).
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <new>

namespace promptlist {

namespace hnsw_format {

constexpr char kMagic[8] = {'P', 'L', 'H', 'N', 'S', 'W', '0', '1'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kAlignment = 64;

struct Header {
  char magic[8];
  std::uint32_t version, dim;
  std::uint64_t count;
  std::uint32_t m, max_level;
  std::uint32_t entry, reserved;
  std::uint64_t rows_fingerprint;
  std::uint64_t checksum;
  std::uint64_t file_size, upper_blocks;
};
static_assert(sizeof(Header) == 72);

inline std::size_t aligned(std::size_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }

// Where each array starts, from the header's sizes alone (so a file cannot
// point its arrays anywhere else); `end` is the file's size.
struct Layout {
  std::size_t scales, codes, levels, upper_start, level0, upper, end;
};

// Sizes from a file are checked against `limit` before they are multiplied,
// so a crafted count cannot wrap the arithmetic.
inline Layout layout_of(std::size_t count, std::size_t dim, std::size_t m, std::size_t blocks) {
  Layout l{};
  l.scales = aligned(sizeof(Header));
  l.codes = aligned(l.scales + count * sizeof(float));
  l.levels = aligned(l.codes + count * dim);
  l.upper_start = aligned(l.levels + count);
  l.level0 = aligned(l.upper_start + count * sizeof(std::uint32_t));
  l.upper = aligned(l.level0 + count * (1 + 2 * m) * sizeof(std::uint32_t));
  l.end = l.upper + blocks * (1 + m) * sizeof(std::uint32_t);
  return l;
}

inline std::uint64_t checksum_of(const std::uint8_t* file, std::size_t size) {
  Header h;
  std::memcpy(&h, file, sizeof h);
  h.checksum = 0;
  XXH3_state_t* state = XXH3_createState();
  if (!state) throw std::bad_alloc();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, &h, sizeof h);
  XXH3_64bits_update(state, file + sizeof h, size - sizeof h);
  const std::uint64_t sum = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return sum;
}

}  // namespace hnsw_format

}  // namespace promptlist
