#include "nn/attention.h"

// GCC 12 warns inside its own AVX-512 headers (a known false positive of
// -Wmaybe-uninitialized on the intrinsics' undefined-vector arguments).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <immintrin.h>

#include <algorithm>
#include <cstddef>

#include "nn/kernels.h"

namespace promptlist::nn {

namespace {

// The keys transposed and scaled, keys[d][j] = k[j][d] * scale, so that the
// score products below run along a row of keys (no horizontal sums).
void transpose_keys(const AttentionHead& h, float* keys) {
  for (int j = 0; j < h.valid; ++j)
    for (int d = 0; d < h.head_dim; ++d)
      keys[static_cast<std::size_t>(d) * h.length + j] = h.k[static_cast<std::size_t>(j) * h.stride + d] * h.scale;
}

// Tiles of 4 queries x 32 keys (scores) and 4 queries x 32 dimensions
// (context): 8 accumulators in registers, each loaded vector used 4 times.
// The last tile's missing queries repeat the last row and are not stored.
constexpr int kQueries = 4;

__attribute__((target("avx512f"))) void scores_avx512(const AttentionHead& h, const float* keys, float* scores) {
  const int T = h.length;
  for (int i0 = 0; i0 < T; i0 += kQueries) {
    const float* q[kQueries];
    for (int a = 0; a < kQueries; ++a) q[a] = h.q + static_cast<std::size_t>(std::min(i0 + a, T - 1)) * h.stride;
    for (int j0 = 0; j0 < h.valid; j0 += 32) {
      const int n = std::min(32, h.valid - j0);
      const __mmask16 m0 = static_cast<__mmask16>(n >= 16 ? 0xFFFF : (1u << n) - 1);
      const __mmask16 m1 = static_cast<__mmask16>(n >= 32 ? 0xFFFF : n <= 16 ? 0 : (1u << (n - 16)) - 1);
      __m512 acc0[kQueries], acc1[kQueries];
      for (int a = 0; a < kQueries; ++a) acc0[a] = acc1[a] = _mm512_setzero_ps();
      for (int d = 0; d < h.head_dim; ++d) {
        const float* kd = keys + static_cast<std::size_t>(d) * T + j0;
        const __m512 k0 = _mm512_maskz_loadu_ps(m0, kd), k1 = _mm512_maskz_loadu_ps(m1, kd + 16);
        for (int a = 0; a < kQueries; ++a) {
          const __m512 qa = _mm512_set1_ps(q[a][d]);
          acc0[a] = _mm512_fmadd_ps(qa, k0, acc0[a]);
          acc1[a] = _mm512_fmadd_ps(qa, k1, acc1[a]);
        }
      }
      for (int a = 0; a < kQueries && i0 + a < T; ++a) {
        float* s = scores + static_cast<std::size_t>(i0 + a) * T + j0;
        _mm512_mask_storeu_ps(s, m0, acc0[a]);
        _mm512_mask_storeu_ps(s + 16, m1, acc1[a]);
      }
    }
  }
}

// out[i][d0 .. d0+32) = sum_j p[i][j] v[j][d0 .. d0+32), head_dim a multiple of 32.
__attribute__((target("avx512f"))) void context_avx512(const AttentionHead& h, const float* scores) {
  const int T = h.length;
  for (int i0 = 0; i0 < T; i0 += kQueries) {
    const float* p[kQueries];
    for (int a = 0; a < kQueries; ++a) p[a] = scores + static_cast<std::size_t>(std::min(i0 + a, T - 1)) * T;
    for (int d0 = 0; d0 < h.head_dim; d0 += 32) {
      __m512 acc0[kQueries], acc1[kQueries];
      for (int a = 0; a < kQueries; ++a) acc0[a] = acc1[a] = _mm512_setzero_ps();
      for (int j = 0; j < h.valid; ++j) {
        const float* vj = h.v + static_cast<std::size_t>(j) * h.stride + d0;
        const __m512 v0 = _mm512_loadu_ps(vj), v1 = _mm512_loadu_ps(vj + 16);
        for (int a = 0; a < kQueries; ++a) {
          const __m512 pa = _mm512_set1_ps(p[a][j]);
          acc0[a] = _mm512_fmadd_ps(pa, v0, acc0[a]);
          acc1[a] = _mm512_fmadd_ps(pa, v1, acc1[a]);
        }
      }
      for (int a = 0; a < kQueries && i0 + a < T; ++a) {
        float* o = h.out + static_cast<std::size_t>(i0 + a) * h.out_stride + d0;
        _mm512_storeu_ps(o, acc0[a]);
        _mm512_storeu_ps(o + 16, acc1[a]);
      }
    }
  }
}

// The same products in plain loops, for any CPU and head size.
void scores_portable(const AttentionHead& h, const float* keys, float* scores) {
  for (int i = 0; i < h.length; ++i) {
    float* s = scores + static_cast<std::size_t>(i) * h.length;
    const float* qi = h.q + static_cast<std::size_t>(i) * h.stride;
    for (int j = 0; j < h.valid; ++j) s[j] = 0;
    for (int d = 0; d < h.head_dim; ++d)
      for (int j = 0; j < h.valid; ++j) s[j] += qi[d] * keys[static_cast<std::size_t>(d) * h.length + j];
  }
}

void context_portable(const AttentionHead& h, const float* scores) {
  for (int i = 0; i < h.length; ++i) {
    float* o = h.out + static_cast<std::size_t>(i) * h.out_stride;
    const float* s = scores + static_cast<std::size_t>(i) * h.length;
    for (int d = 0; d < h.head_dim; ++d) o[d] = 0;
    for (int j = 0; j < h.valid; ++j)
      for (int d = 0; d < h.head_dim; ++d) o[d] += s[j] * h.v[static_cast<std::size_t>(j) * h.stride + d];
  }
}

}  // namespace

void attention_head(const AttentionHead& h, float* scores, float* keys) {
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  transpose_keys(h, keys);
  if (avx512) scores_avx512(h, keys, scores);
  else scores_portable(h, keys, scores);
  masked_softmax(scores, h.length, h.length, h.valid);
  if (avx512 && h.head_dim % 32 == 0) context_avx512(h, scores);
  else context_portable(h, scores);
}

}  // namespace promptlist::nn
