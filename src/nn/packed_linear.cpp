#include "nn/packed_linear.h"

// GCC 12 warns inside its own AVX-512 headers (a known false positive of
// -Wmaybe-uninitialized on the intrinsics' undefined-vector arguments).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "nn/kernels.h"

namespace promptlist::nn {

namespace {

constexpr int kPanel = PackedLinear::kPanel;
// Rows per tile: 12 rows x 2 vectors = 24 of the 32 AVX-512 registers hold
// accumulators; a prompt (10 words, 12 rows with [CLS] and [SEP]) is one tile.
constexpr int kTileRows = 12;
// Inputs per pass: a tile's rows of x (12 x 384 floats, 18 KiB) stay in L1
// while every panel of the range passes over them.
constexpr int kInputBlock = 384;

struct Tile {
  const float* x;      // first row, at the block's first input
  int x_stride;        // floats from one row of x to the next
  const float* panel;  // the panel, at the block's first input
  int inputs;          // inputs in this block
  float* y;            // first row, at the panel's first output
  int y_stride;
  const float* bias;   // at the panel's first output
  bool first;          // first input block: start from the bias (+ y when accumulating)
  bool accumulate;
  int valid;           // outputs of the panel that exist (32 but at the matrix's end)
};

template <int R>
__attribute__((target("avx512f"))) void tile_avx512(const Tile& t) {
  const __mmask16 m0 = static_cast<__mmask16>(t.valid >= 16 ? 0xFFFF : (1u << t.valid) - 1);
  const __mmask16 m1 = static_cast<__mmask16>(t.valid >= 32 ? 0xFFFF : t.valid <= 16 ? 0 : (1u << (t.valid - 16)) - 1);
  __m512 c0[R], c1[R];
  for (int r = 0; r < R; ++r) {
    float* yr = t.y + static_cast<std::size_t>(r) * t.y_stride;
    const bool from_y = !t.first || t.accumulate;
    c0[r] = from_y ? _mm512_maskz_loadu_ps(m0, yr) : _mm512_setzero_ps();
    c1[r] = from_y ? _mm512_maskz_loadu_ps(m1, yr + 16) : _mm512_setzero_ps();
    if (t.first) {
      c0[r] = _mm512_add_ps(c0[r], _mm512_load_ps(t.bias));
      c1[r] = _mm512_add_ps(c1[r], _mm512_load_ps(t.bias + 16));
    }
  }
  const float* w = t.panel;
  for (int k = 0; k < t.inputs; ++k, w += kPanel) {
    const __m512 w0 = _mm512_load_ps(w), w1 = _mm512_load_ps(w + 16);
    for (int r = 0; r < R; ++r) {
      const __m512 a = _mm512_set1_ps(t.x[static_cast<std::size_t>(r) * t.x_stride + k]);
      c0[r] = _mm512_fmadd_ps(a, w0, c0[r]);
      c1[r] = _mm512_fmadd_ps(a, w1, c1[r]);
    }
  }
  for (int r = 0; r < R; ++r) {
    float* yr = t.y + static_cast<std::size_t>(r) * t.y_stride;
    _mm512_mask_storeu_ps(yr, m0, c0[r]);
    _mm512_mask_storeu_ps(yr + 16, m1, c1[r]);
  }
}

// The same tile in portable C++ (the compiler vectorises the output loop).
__attribute__((target_clones("avx2", "default"))) void tile_portable(const Tile& t, int rows) {
  for (int r = 0; r < rows; ++r) {
    float acc[kPanel];
    float* yr = t.y + static_cast<std::size_t>(r) * t.y_stride;
    for (int o = 0; o < kPanel; ++o) acc[o] = (!t.first || t.accumulate) && o < t.valid ? yr[o] : 0.0f;
    if (t.first)
      for (int o = 0; o < kPanel; ++o) acc[o] += t.bias[o];
    const float* xr = t.x + static_cast<std::size_t>(r) * t.x_stride;
    for (int k = 0; k < t.inputs; ++k)
      for (int o = 0; o < kPanel; ++o) acc[o] += xr[k] * t.panel[static_cast<std::size_t>(k) * kPanel + o];
    for (int o = 0; o < t.valid; ++o) yr[o] = acc[o];
  }
}

void run_tile(const Tile& t, int rows, bool avx512) {
  if (!avx512) return tile_portable(t, rows);
  switch (rows) {
    case 12: return tile_avx512<12>(t);
    case 11: return tile_avx512<11>(t);
    case 10: return tile_avx512<10>(t);
    case 9: return tile_avx512<9>(t);
    case 8: return tile_avx512<8>(t);
    case 7: return tile_avx512<7>(t);
    case 6: return tile_avx512<6>(t);
    case 5: return tile_avx512<5>(t);
    case 4: return tile_avx512<4>(t);
    case 3: return tile_avx512<3>(t);
    case 2: return tile_avx512<2>(t);
    default: return tile_avx512<1>(t);
  }
}

}  // namespace

bool packed_linear_uses_avx512() {
  static const bool yes = __builtin_cpu_supports("avx512f");
  return yes;
}

PackedLinear pack_linear(const float* w, const float* b, int out, int in) {
  PackedLinear p;
  p.in = in;
  p.out = out;
  const std::size_t weights = static_cast<std::size_t>(p.out_padded()) * in;
  p.storage.assign(weights + p.out_padded() + 16, 0.0f);  // + 16: room to start on a 64-byte boundary
  const auto address = reinterpret_cast<std::uintptr_t>(p.storage.data());
  p.offset = (64 - address % 64) % 64 / sizeof(float);
  float* panels = p.storage.data() + p.offset;
  for (int o = 0; o < out; ++o)
    for (int k = 0; k < in; ++k)
      panels[(static_cast<std::size_t>(o / kPanel) * in + k) * kPanel + o % kPanel] =
          w[static_cast<std::size_t>(o) * in + k];
  if (b) std::copy(b, b + out, panels + weights);
  return p;
}

void packed_linear(const float* x, int rows, const PackedLinear& w, float* y, int o_begin, int o_end,
                   Epilogue epilogue) {
  const bool avx512 = packed_linear_uses_avx512();
  for (int k0 = 0; k0 < w.in; k0 += kInputBlock) {
    const int inputs = std::min(kInputBlock, w.in - k0);
    for (int r0 = 0; r0 < rows; r0 += kTileRows) {
      const int tile_rows = std::min(kTileRows, rows - r0);
      for (int o = o_begin; o < o_end; o += kPanel) {
        const Tile t{x + static_cast<std::size_t>(r0) * w.in + k0, w.in,
                     w.panels() + (static_cast<std::size_t>(o / kPanel) * w.in + k0) * kPanel, inputs,
                     y + static_cast<std::size_t>(r0) * w.out + o, w.out, w.bias() + o, k0 == 0,
                     epilogue.accumulate, std::min(kPanel, o_end - o)};
        run_tile(t, tile_rows, avx512);
      }
      if (k0 + inputs == w.in && epilogue.activation)  // the tile's rows are done: activate them while in cache
        for (int r = r0; r < r0 + tile_rows; ++r)
          activate(*epilogue.activation, y + static_cast<std::size_t>(r) * w.out + o_begin,
                   static_cast<std::size_t>(o_end - o_begin));
    }
  }
}

}  // namespace promptlist::nn
