#include "int8_linear.h"

// GCC 12 warns inside its own AVX-512 headers (a known false positive of
// -Wmaybe-uninitialized on the intrinsics' undefined-vector arguments).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <utility>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>

#include "promptlist/error.h"

namespace promptlist {

Int8Linear quantize_linear(const float* w, const float* b, int out, int in) {
  Int8Linear q;
  q.kernel = int8_default_kernel();
  q.in = in;
  q.out = out;
  q.in_padded = (in + 3) / 4 * 4;
  q.out_padded = (out + 15) / 16 * 16;
  q.packed.assign(static_cast<std::size_t>(q.out_padded) * q.in_padded, 0);
  q.scale.assign(q.out_padded, 0.0f);
  q.sum.assign(q.out_padded, 0);
  q.bias.assign(q.out_padded, 0.0f);
  const int k4 = q.in_padded / 4;
  for (int o = 0; o < out; ++o) {
    const float* row = w + static_cast<std::size_t>(o) * in;
    float mx = 0;
    for (int k = 0; k < in; ++k) mx = std::max(mx, std::abs(row[k]));
    const float scale = mx > 0 ? mx / 127.0f : 1.0f;
    q.scale[o] = scale;
    q.bias[o] = b ? b[o] : 0.0f;
    for (int k = 0; k < in; ++k) {
      const auto v = static_cast<std::int8_t>(std::lround(std::clamp(row[k] / scale, -127.0f, 127.0f)));
      q.sum[o] += v;
      // block o/16, group k/4, lane o%16, byte k%4
      const std::size_t at = ((static_cast<std::size_t>(o / 16) * k4 + k / 4) * 16 + o % 16) * 4 + k % 4;
      q.packed[at] = v;
    }
  }
  return q;
}

namespace {

// Activations of each row as unsigned bytes, asymmetric: x ~ scale * (q - zero),
// q in [0, 255] spans the row's own [min, max] (with 0 inside, so padding
// and exact zeros stay exact). GELU outputs lie mostly in [-0.17, max]: a
// symmetric code would waste half its levels on negatives that never occur.
__attribute__((target_clones("avx512f", "avx2", "default"))) void quantize_rows_into(
    const float* x, int r0, int r1, int in, int in_padded, std::uint8_t* a, float* scales, std::int32_t* zeros) {
  for (int r = r0; r < r1; ++r) {
    const float* v = x + static_cast<std::size_t>(r) * in;
    float lo = 0, hi = 0;
    // The reductions in SIMD lanes (min and max are exact in any order).
#pragma omp simd reduction(min : lo) reduction(max : hi)
    for (int k = 0; k < in; ++k) {
      lo = std::min(lo, v[k]);
      hi = std::max(hi, v[k]);
    }
    const float scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
    const float inv = 1.0f / scale;
    const auto zero = static_cast<std::int32_t>(std::min(255.0f, std::max(0.0f, -lo * inv + 0.5f)));
    scales[r] = scale;
    zeros[r] = zero;
    std::uint8_t* out = a + static_cast<std::size_t>(r) * in_padded;
    const float fzero = static_cast<float>(zero) + 0.5f;  // + 0.5: round half up without a libm call
    for (int k = 0; k < in; ++k) out[k] = static_cast<std::uint8_t>(std::min(255.0f, std::max(0.0f, v[k] * inv + fzero)));
    for (int k = in; k < in_padded; ++k) out[k] = static_cast<std::uint8_t>(zero);  // exactly 0
  }
}

struct Epilogue {
  nn::Epilogue how;
  const float* row_scale;
  const std::int32_t* row_zero;
};

void finish(std::int32_t acc, int r, int o, const Int8Linear& q, const Epilogue& e, float* y) {
  if (o >= q.out) return;
  float& target = y[static_cast<std::size_t>(r) * q.out + o];
  const float v = static_cast<float>(acc - e.row_zero[r] * q.sum[o]) * e.row_scale[r] * q.scale[o] + q.bias[o];
  target = e.how.accumulate ? target + v : v;
}

// One row and one block of 16 outputs at a time, reading the packed weights
// in order (64 bytes per group of 4 inputs), which the compiler vectorises.
void kernel_portable(const std::uint8_t* a, const Epilogue& e, int rows, int b0, int b1, const Int8Linear& q, float* y) {
  const int k4 = q.in_padded / 4;
  for (int r = 0; r < rows; ++r) {
    const std::uint8_t* ar = a + static_cast<std::size_t>(r) * q.in_padded;
    for (int ob = b0; ob < b1; ++ob) {
      std::int32_t acc[16] = {};
      const std::int8_t* w = q.packed.data() + static_cast<std::size_t>(ob) * k4 * 64;
      for (int g = 0; g < k4; ++g, w += 64)
        for (int lane = 0; lane < 16; ++lane)
          for (int j = 0; j < 4; ++j) acc[lane] += static_cast<std::int32_t>(ar[g * 4 + j]) * w[lane * 4 + j];
      for (int lane = 0; lane < 16; ++lane) finish(acc[lane], r, ob * 16 + lane, q, e, y);
    }
  }
}

void activate_stripe(const nn::Epilogue& how, int r0, int r1, int o0, int o1, int out, float* y) {
  if (!how.activation || o1 <= o0) return;
  for (int r = r0; r < r1; ++r)
    nn::activate(*how.activation, y + static_cast<std::size_t>(r) * out + o0, static_cast<std::size_t>(o1 - o0));
}

// The epilogue of one row and one block of 16 outputs: remove the row's
// zero point, scale, add bias (and the residual already in y). The
// accumulator comes by value: passing the tile's array by pointer made GCC
// keep every accumulator in memory as well.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) inline void finish_block(__m512i acc, const Epilogue& e, int row,
                                                                                  int block, const Int8Linear& q,
                                                                                  float* y) {
  const int o0 = block * 16;
  const int valid = std::min(16, q.out - o0);
  const __mmask16 mask = valid >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << valid) - 1);
  const __m512i shift = _mm512_mullo_epi32(_mm512_loadu_si512(q.sum.data() + o0), _mm512_set1_epi32(e.row_zero[row]));
  const __m512 v = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc, shift));
  float* target = y + static_cast<std::size_t>(row) * q.out + o0;
  __m512 out = _mm512_fmadd_ps(_mm512_mul_ps(v, _mm512_set1_ps(e.row_scale[row])), _mm512_loadu_ps(q.scale.data() + o0),
                               _mm512_loadu_ps(q.bias.data() + o0));
  if (e.how.accumulate) out = _mm512_add_ps(out, _mm512_maskz_loadu_ps(mask, target));
  _mm512_mask_storeu_ps(target, mask, out);
}

// Four activation bytes as one int.
typedef std::int32_t four_bytes __attribute__((aligned(1), may_alias));
inline std::int32_t load_four(const std::uint8_t* p) { return *reinterpret_cast<const four_bytes*>(p); }

// R rows x C blocks of 16 outputs per tile, both compile-time constants, and
// one plain array of accumulators per block: GCC 12 kept a two-dimensional
// array (or one indexed by a run-time block count) on the stack.
template <int R, int C>
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void tile_vnni(const std::uint8_t* a, const Epilogue& e, int r0,
                                                                         int ob, const Int8Linear& q, float* y) {
  static_assert(C >= 1 && C <= 4);
  const int k4 = q.in_padded / 4;
  __m512i acc0[R], acc1[R], acc2[R], acc3[R];
  // Every loop over the rows fully unrolled: one that is not makes GCC keep
  // the accumulators in memory too.
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) acc0[r] = acc1[r] = acc2[r] = acc3[r] = _mm512_setzero_si512();
  const std::int8_t* w0 = q.packed.data() + static_cast<std::size_t>(ob) * k4 * 64;
  const std::size_t block = static_cast<std::size_t>(k4) * 64;  // bytes from one block of 16 outputs to the next
  const std::uint8_t* rows = a + static_cast<std::size_t>(r0) * q.in_padded;
  for (int g = 0; g < k4; ++g, w0 += 64) {
    const __m512i v0 = _mm512_loadu_si512(w0);
    const __m512i v1 = C > 1 ? _mm512_loadu_si512(w0 + block) : v0;
    const __m512i v2 = C > 2 ? _mm512_loadu_si512(w0 + 2 * block) : v0;
    const __m512i v3 = C > 3 ? _mm512_loadu_si512(w0 + 3 * block) : v0;
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const __m512i av = _mm512_set1_epi32(load_four(rows + static_cast<std::size_t>(r) * q.in_padded + g * 4));
      acc0[r] = _mm512_dpbusd_epi32(acc0[r], av, v0);
      if constexpr (C > 1) acc1[r] = _mm512_dpbusd_epi32(acc1[r], av, v1);
      if constexpr (C > 2) acc2[r] = _mm512_dpbusd_epi32(acc2[r], av, v2);
      if constexpr (C > 3) acc3[r] = _mm512_dpbusd_epi32(acc3[r], av, v3);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
    finish_block(acc0[r], e, r0 + r, ob, q, y);
    if constexpr (C > 1) finish_block(acc1[r], e, r0 + r, ob + 1, q, y);
    if constexpr (C > 2) finish_block(acc2[r], e, r0 + r, ob + 2, q, y);
    if constexpr (C > 3) finish_block(acc3[r], e, r0 + r, ob + 3, q, y);
  }
}

// Up to 4 rows x 4 blocks: 16 accumulators in registers. With 6 rows (24
// accumulators) GCC 12 kept them on the stack: 20% slower.
constexpr int kTileRows = 4, kTileBlocks = 4;
using TileFn = void (*)(const std::uint8_t*, const Epilogue&, int, int, const Int8Linear&, float*);

template <int R, int... C>
constexpr std::array<TileFn, sizeof...(C)> tile_row(std::integer_sequence<int, C...>) {
  return {&tile_vnni<R, C + 1>...};
}
template <int... R>
constexpr std::array<std::array<TileFn, kTileBlocks>, sizeof...(R)> tile_table(std::integer_sequence<int, R...>) {
  return {tile_row<R + 1>(std::make_integer_sequence<int, kTileBlocks>())...};
}
// kTiles[rows - 1][blocks - 1]
constexpr auto kTiles = tile_table(std::make_integer_sequence<int, kTileRows>());

// Rows are taken 64 at a time and, within them, every group of blocks of 16
// outputs is applied to all rows before moving on: both operands of the
// inner tiles stay in L1/L2 instead of the whole weight matrix streaming once
// per rows. The activation of the epilogue runs on each 64-row stripe while
// it is in cache. tile(rows, blocks) picks the tile function for a tile of
// up to kRows rows and kBlocks blocks.
template <int kRows, int kBlocks, class PickTile>
void run_tiles(const std::uint8_t* a, const Epilogue& e, int rows, int b0, int b1, const Int8Linear& q, float* y,
               PickTile tile) {
  for (int rb = 0; rb < rows; rb += 64) {
    const int re = std::min(rows, rb + 64);
    for (int ob = b0; ob < b1; ob += kBlocks) {
      const int blocks = std::min(kBlocks, b1 - ob);
      for (int r = rb; r < re; r += kRows) tile(std::min(kRows, re - r), blocks)(a, e, r, ob, q, y);
    }
    activate_stripe(e.how, rb, re, b0 * 16, std::min(q.out, b1 * 16), q.out, y);
  }
}

void kernel_vnni(const std::uint8_t* a, const Epilogue& e, int rows, int b0, int b1, const Int8Linear& q, float* y) {
  run_tiles<kTileRows, kTileBlocks>(a, e, rows, b0, b1, q, y, [](int r, int b) { return kTiles[r - 1][b - 1]; });
}

// AVX2 has no byte dot product that cannot overflow (vpmaddubsw saturates
// at 16 bits), so both operands are widened to 16 bits and multiplied in
// pairs by vpmaddwd: exact, the same integer sums as vpdpbusd. R rows of
// one block of 16 outputs: 4R accumulators, 4 weight and 1 activation
// registers (R = 2 fills 13 of the 16).
template <int R>
__attribute__((target("avx2"))) void tile_avx2(const std::uint8_t* a, const Epilogue& e, int r0, int ob,
                                               const Int8Linear& q, float* y) {
  const int k4 = q.in_padded / 4;
  __m256i acc[R][4];
#pragma GCC unroll 2
  for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = acc[r][2] = acc[r][3] = _mm256_setzero_si256();
  const std::int8_t* w = q.packed.data() + static_cast<std::size_t>(ob) * k4 * 64;
  const std::uint8_t* rows = a + static_cast<std::size_t>(r0) * q.in_padded;
  for (int g = 0; g < k4; ++g, w += 64) {
    __m256i wv[4];  // wv[j]: outputs 4j..4j+3, their 4 weights each, as 16-bit
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) wv[j] = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 16 * j)));
#pragma GCC unroll 2
    for (int r = 0; r < R; ++r) {
      const std::int32_t four = load_four(rows + static_cast<std::size_t>(r) * q.in_padded + g * 4);
      const __m256i av = _mm256_broadcastq_epi64(_mm_cvtepu8_epi16(_mm_cvtsi32_si128(four)));  // 4 bytes, 4 times
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) acc[r][j] = _mm256_add_epi32(acc[r][j], _mm256_madd_epi16(av, wv[j]));
    }
  }
  // acc[r][j] holds two partial sums per output: 4j, 4j, 4j+1, 4j+1 | 4j+2, 4j+2, 4j+3, 4j+3.
  // hadd of two of them gives outputs 0, 1, 4, 5 | 2, 3, 6, 7; the permutation puts them in order.
  const __m256i order = _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
#pragma GCC unroll 2
  for (int r = 0; r < R; ++r) {
    alignas(32) std::int32_t sums[16];
    _mm256_store_si256(reinterpret_cast<__m256i*>(sums),
                       _mm256_permutevar8x32_epi32(_mm256_hadd_epi32(acc[r][0], acc[r][1]), order));
    _mm256_store_si256(reinterpret_cast<__m256i*>(sums + 8),
                       _mm256_permutevar8x32_epi32(_mm256_hadd_epi32(acc[r][2], acc[r][3]), order));
    for (int o = 0; o < 16; ++o) finish(sums[o], r0 + r, ob * 16 + o, q, e, y);
  }
}

void kernel_avx2(const std::uint8_t* a, const Epilogue& e, int rows, int b0, int b1, const Int8Linear& q, float* y) {
  run_tiles<2, 1>(a, e, rows, b0, b1, q, y, [](int r, int) { return r == 2 ? &tile_avx2<2> : &tile_avx2<1>; });
}

void kernel_portable_blocks(const std::uint8_t* a, const Epilogue& e, int rows, int b0, int b1, const Int8Linear& q,
                            float* y) {
  kernel_portable(a, e, rows, b0, b1, q, y);
  activate_stripe(e.how, 0, rows, b0 * 16, std::min(q.out, b1 * 16), q.out, y);
}

using KernelFn = void (*)(const std::uint8_t*, const Epilogue&, int, int, int, const Int8Linear&, float*);

struct KernelEntry {
  Int8Kernel kernel;
  const char* name;
  bool (*supported)();
  KernelFn run;
};

// Fastest first: the default is the first this CPU supports.
const KernelEntry kKernels[] = {
    {Int8Kernel::avx512_vnni, "avx512-vnni",
     []() -> bool {
       return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
              __builtin_cpu_supports("avx512vnni");
     },
     kernel_vnni},
    {Int8Kernel::avx2, "avx2", []() -> bool { return __builtin_cpu_supports("avx2"); }, kernel_avx2},
    {Int8Kernel::portable, "portable", [] { return true; }, kernel_portable_blocks},
};

const KernelEntry& entry(Int8Kernel kernel) {
  for (const auto& k : kKernels)
    if (k.kernel == kernel) return k;
  return kKernels[std::size(kKernels) - 1];
}

std::string kernel_names() {
  std::string names;
  for (const auto& k : kKernels) names += (names.empty() ? "" : ", ") + std::string(k.name);
  return names;
}

// The default kernel, or why PROMPTLIST_INT8_KERNEL cannot be used: kept
// once per process, as a forward pass must not throw.
struct DefaultKernel {
  Int8Kernel kernel = Int8Kernel::portable;
  std::string error;
};

const DefaultKernel& default_kernel() {
  static const DefaultKernel chosen = [] {
    const char* wanted = std::getenv("PROMPTLIST_INT8_KERNEL");
    try {
      return DefaultKernel{int8_kernel_named(wanted ? wanted : ""), {}};
    } catch (const Error& e) {
      return DefaultKernel{Int8Kernel::portable, std::string("PROMPTLIST_INT8_KERNEL: ") + e.what()};
    }
  }();
  return chosen;
}

}  // namespace

bool int8_kernel_supported(Int8Kernel kernel) { return entry(kernel).supported(); }
const char* int8_kernel_name(Int8Kernel kernel) { return entry(kernel).name; }

Int8Kernel int8_default_kernel() {
  const DefaultKernel& chosen = default_kernel();
  if (!chosen.error.empty()) throw Error(chosen.error);
  return chosen.kernel;
}

const char* int8_kernel_name() { return int8_kernel_name(default_kernel().kernel); }

Int8Kernel int8_kernel_named(std::string_view name) {
  for (const auto& k : kKernels) {
    if (!name.empty() && name != k.name) continue;
    if (k.supported()) return k.kernel;
    if (!name.empty()) throw Error("int8 kernel '" + std::string(name) + "': this CPU cannot run it");
  }
  throw Error("int8 kernel '" + std::string(name) + "': not one of " + kernel_names());
}

void QuantizedRows::resize(int rows, int row_width) {
  in_padded = row_width;
  a.resize(static_cast<std::size_t>(rows) * row_width);
  scale.resize(rows);
  zero.resize(rows);
}

void quantize_rows(const float* x, int r0, int r1, const Int8Linear& q, QuantizedRows& out) {
  quantize_rows_into(x, r0, r1, q.in, q.in_padded, out.a.data(), out.scale.data(), out.zero.data());
}

void int8_linear_part(const QuantizedRows& a, int rows, const Int8Linear& q, float* y, int block_begin, int block_end,
                      nn::Epilogue epilogue, std::optional<Int8Kernel> kernel) {
  const Epilogue e{epilogue, a.scale.data(), a.zero.data()};
  const KernelEntry& k = entry(kernel.value_or(q.kernel));
  (k.supported() ? k.run : kernel_portable_blocks)(a.a.data(), e, rows, block_begin, block_end, q, y);
}

void int8_linear(const float* x, int rows, const Int8Linear& q, float* y, std::optional<Int8Kernel> kernel) {
  QuantizedRows a;
  a.resize(rows, q.in_padded);
  quantize_rows(x, 0, rows, q, a);
  int8_linear_part(a, rows, q, y, 0, q.out_padded / 16, {}, kernel);
}

}  // namespace promptlist
