// util/radix_sort.h: sorts floats ascending in three linear passes.
//
//   std::vector<float> fits = ...;      // no NaN
//   sort_floats(fits);                  // same order as std::sort
//
// Why not std::sort: a served playlist sorts the sound fit of every track
// (66k floats) to place the songs it judges, and introsort's n log n
// compares were a fifth of the request. An LSD radix sort on the floats'
// bits does three passes of 11 bits and no compares.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace promptlist {

namespace radix_detail {

// A float's bits, remapped so that unsigned order is numeric order:
// positives get the sign bit set, negatives have every bit flipped.
inline std::uint32_t ordered_bits(float v) {
  std::uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

inline float from_ordered_bits(std::uint32_t b) {
  b = (b & 0x80000000u) ? (b & 0x7fffffffu) : ~b;
  float v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

}  // namespace radix_detail

// Ascending; NaN must not be present (its place would be arbitrary).
inline void sort_floats(std::vector<float>& values) {
  constexpr int kBits = 11, kPasses = 3;
  constexpr std::uint32_t kBuckets = 1u << kBits, kMask = kBuckets - 1;
  const std::size_t n = values.size();
  std::vector<std::uint32_t> keys(n), spare(n);
  for (std::size_t i = 0; i < n; ++i) keys[i] = radix_detail::ordered_bits(values[i]);
  for (int pass = 0; pass < kPasses; ++pass) {
    const int shift = pass * kBits;
    std::array<std::uint32_t, kBuckets> start{};
    for (std::uint32_t k : keys) ++start[(k >> shift) & kMask];
    std::uint32_t sum = 0;
    for (auto& s : start) {
      const std::uint32_t count = s;
      s = sum;
      sum += count;
    }
    for (std::uint32_t k : keys) spare[start[(k >> shift) & kMask]++] = k;
    keys.swap(spare);
  }
  for (std::size_t i = 0; i < n; ++i) values[i] = radix_detail::from_ordered_bits(keys[i]);
}

}  // namespace promptlist
