// src/playlist/best_first.h: the rows of a score vector, best first (ties:
// the lower row first), sorted only as far as asked: the lyrics and titles
// signals score tens of thousands of rows and read a few dozen.
//
//   BestFirst order(scores.combined);
//   for (std::uint32_t row : order.first(36)) ...;
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace promptlist {

class BestFirst {
 public:
  // `scores` must outlive this object.
  explicit BestFirst(const std::vector<float>& scores) : scores_(scores), order_(scores.size()) {
    std::iota(order_.begin(), order_.end(), 0u);
  }

  std::size_t size() const { return order_.size(); }
  // The rows, of which the first min(k, size()) are sorted best first.
  const std::vector<std::uint32_t>& first(std::size_t k) {
    k = std::min(k, order_.size());
    if (k > sorted_) {
      std::partial_sort(order_.begin() + static_cast<std::ptrdiff_t>(sorted_),
                        order_.begin() + static_cast<std::ptrdiff_t>(k), order_.end(),
                        [&](std::uint32_t a, std::uint32_t b) {
                          return scores_[a] > scores_[b] || (scores_[a] == scores_[b] && a < b);
                        });
      sorted_ = k;
    }
    return order_;
  }
  // The best score (1 when there are no rows), at least 1e-6: what a single signal's scores are scaled by.
  double best_score() {
    return order_.empty() ? 1.0 : std::max(1e-6, static_cast<double>(scores_[first(1)[0]]));
  }

 private:
  const std::vector<float>& scores_;
  std::vector<std::uint32_t> order_;  // rows, best first up to sorted_
  std::size_t sorted_ = 0;
};

// How strongly the best of `cosines` says the prompt was matched, in
// [0.05, 1]: 0.05 at `unrelated` or below, 1 at `about` or above.
inline double cosine_evidence(const std::vector<float>& cosines, double unrelated, double about) {
  constexpr double kFloor = 0.05;
  float best = 0;
  for (float c : cosines) best = std::max(best, c);
  return std::clamp((best - unrelated) / (about - unrelated), kFloor, 1.0);
}

}  // namespace promptlist
