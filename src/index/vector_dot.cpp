#include "index/vector_dot.h"

#include <algorithm>
#include <cmath>

namespace promptlist {

// Vectorised only because this file may reassociate float sums
// (CMakeLists.txt): a dot product's order of additions is no contract.
__attribute__((target_clones("avx512f", "avx2", "default"))) float dot_f32(const float* a, const float* b,
                                                                             std::size_t dim) {
  float sum = 0;
  for (std::size_t i = 0; i < dim; ++i) sum += a[i] * b[i];
  return sum;
}

__attribute__((target_clones("arch=x86-64-v4", "avx2", "default"))) std::int32_t dot_i8(const std::int8_t* a,
                                                                                    const std::int8_t* b,
                                                                                    std::size_t dim) {
  std::int32_t sum = 0;
  for (std::size_t i = 0; i < dim; ++i) sum += static_cast<std::int16_t>(a[i]) * static_cast<std::int16_t>(b[i]);
  return sum;
}

float quantize_i8(const float* v, std::size_t dim, std::int8_t* codes) {
  float peak = 0;
  for (std::size_t i = 0; i < dim; ++i) peak = std::max(peak, std::abs(v[i]));
  const float scale = peak / 127.0f;
  for (std::size_t i = 0; i < dim; ++i)
    codes[i] = scale > 0 ? static_cast<std::int8_t>(std::lround(std::clamp(v[i] / scale, -127.0f, 127.0f))) : 0;
  return scale;
}

}  // namespace promptlist
