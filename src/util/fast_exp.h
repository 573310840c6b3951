// util/fast_exp.h: e^x in float without a libm call, so that loops around
// it vectorise (the transformer's softmax and SiLU, the sound fit of every
// track). Cephes' expf constants: range reduction by ln 2 (split in two for
// precision) and a degree-6 polynomial; max relative error about 1e-7 over
// [-87, 88], where x is clamped.
#pragma once

#include <cstdint>
#include <cstring>

namespace promptlist {

inline float fast_exp(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  // Adding 1.5 * 2^23 rounds to the nearest integer (as nearbyint does in
  // the default rounding mode) with plain arithmetic.
  constexpr float kRound = 12582912.0f;
  const float n = (x * 1.44269504088896341f + kRound) - kRound;
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace promptlist
