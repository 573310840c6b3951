#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "promptlist/t5.h"

namespace promptlist {

void T5DecoderState::select_rows(const std::vector<int>& source_rows) {
  if (static_cast<int>(source_rows.size()) != rows_)
    throw std::logic_error("T5DecoderState::select_rows: one source row per row expected");
  bool identity = true;
  for (int r = 0; r < rows_; ++r) {
    if (source_rows[r] < 0 || source_rows[r] >= rows_) throw std::logic_error("T5DecoderState::select_rows: bad row");
    identity = identity && source_rows[r] == r;
  }
  if (identity) return;  // common in beam search once beams settle
  // Only the filled positions are copied; the rest of each row is unused.
  const std::size_t row_stride = static_cast<std::size_t>(capacity_) * inner_;
  const std::size_t filled = static_cast<std::size_t>(length_) * inner_;
  gather_scratch_.resize(static_cast<std::size_t>(rows_) * filled);
  auto gather = [&](std::vector<float>& cache) {
    for (int r = 0; r < rows_; ++r)
      std::memcpy(gather_scratch_.data() + r * filled, cache.data() + source_rows[r] * row_stride,
                  filled * sizeof(float));
    for (int r = 0; r < rows_; ++r)
      std::memcpy(cache.data() + r * row_stride, gather_scratch_.data() + r * filled, filled * sizeof(float));
  };
  for (auto& keys : self_keys_) gather(keys);
  for (auto& values : self_values_) gather(values);
}

void T5DecoderState::reserve_next_position() {
  if (length_ < capacity_) return;
  const int grown = std::min(std::max(2 * capacity_, 1), max_length_);
  const std::size_t old_stride = static_cast<std::size_t>(capacity_) * inner_;
  const std::size_t new_stride = static_cast<std::size_t>(grown) * inner_;
  auto regrow = [&](std::vector<float>& cache) {
    std::vector<float> bigger(static_cast<std::size_t>(rows_) * new_stride);
    for (int r = 0; r < rows_; ++r)
      std::memcpy(bigger.data() + r * new_stride, cache.data() + r * old_stride, old_stride * sizeof(float));
    cache.swap(bigger);
  };
  for (auto& keys : self_keys_) regrow(keys);
  for (auto& values : self_values_) regrow(values);
  capacity_ = grown;
}

}  // namespace promptlist
