#include "nn/kernels.h"

#include <cblas.h>
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

#include "util/fast_exp.h"

namespace promptlist {

std::optional<Activation> activation_from_name(std::string_view name) {
  if (name == "relu") return Activation::relu;
  if (name == "gelu") return Activation::gelu;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return Activation::gelu_tanh;
  if (name == "silu" || name == "swish") return Activation::silu;
  return std::nullopt;
}

}  // namespace promptlist

namespace promptlist::nn {

// Up to this many rows (T5 beams, a BERT prompt) the weights are streamed once
// and reused from L1 for every row; beyond, sgemm's packing pays off.
constexpr int kFewRows = 32;

namespace detail {

// y[r][o] (+)= dot(w[o], x[r]) for a few rows (beams), outputs [o_begin,
// o_end) so threads can share one call. Decoding is memory-bound: every step
// streams all weights once. sgemm would first copy (pack) the whole weight
// matrix for a handful of rows, which measured as half the beam-search time;
// here each weight row is read once and used for every input row.
void few_rows_linear_generic(const float* x, int rows, int in, const float* w, int out, float* y, bool accumulate,
                             int o_begin, int o_end) {
  for (int o = o_begin; o < o_end; ++o) {
    const float* wo = w + static_cast<std::size_t>(o) * in;
    for (int r = 0; r < rows; ++r) {
      const float* xr = x + static_cast<std::size_t>(r) * in;
      float sum = 0;
      for (int i = 0; i < in; ++i) sum += wo[i] * xr[i];
      float& target = y[static_cast<std::size_t>(r) * out + o];
      target = accumulate ? target + sum : sum;
    }
  }
}

__attribute__((target("avx2,fma"))) inline float horizontal_sum(__m256 v) {
  __m128 sum = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
  sum = _mm_add_ss(sum, _mm_movehdup_ps(sum));
  return _mm_cvtss_f32(sum);
}

// 16 KiB ahead: measured best (2-4x over no prefetch) for t5-base rows on the dev box.
constexpr int kPrefetchFloats = 4096;

// Two weight rows against R input rows: each loaded weight vector feeds R
// fused multiply-adds, each loaded input vector two, so the loop keeps up
// with memory instead of being bound by loads.
template <int R>
__attribute__((target("avx2,fma"))) inline void two_outputs_avx2(const float* x, int in, const float* w0,
                                                                 const float* w1, float* sums0, float* sums1) {
  __m256 a0[R], a1[R];
  for (int r = 0; r < R; ++r) a0[r] = a1[r] = _mm256_setzero_ps();
  int i = 0;
  for (; i + 8 <= in; i += 8) {
    // The weights are read once per step: fetch ahead of use.
    _mm_prefetch(reinterpret_cast<const char*>(w0 + i + kPrefetchFloats), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w1 + i + kPrefetchFloats), _MM_HINT_T0);
    const __m256 v0 = _mm256_loadu_ps(w0 + i), v1 = _mm256_loadu_ps(w1 + i);
    for (int r = 0; r < R; ++r) {
      const __m256 xv = _mm256_loadu_ps(x + static_cast<std::size_t>(r) * in + i);
      a0[r] = _mm256_fmadd_ps(v0, xv, a0[r]);
      a1[r] = _mm256_fmadd_ps(v1, xv, a1[r]);
    }
  }
  for (int r = 0; r < R; ++r) {
    const float* xr = x + static_cast<std::size_t>(r) * in;
    float s0 = horizontal_sum(a0[r]), s1 = horizontal_sum(a1[r]);
    for (int k = i; k < in; ++k) {
      s0 += w0[k] * xr[k];
      s1 += w1[k] * xr[k];
    }
    sums0[r] = s0;
    sums1[r] = s1;
  }
}

__attribute__((target("avx2,fma"))) void few_rows_linear_avx2(const float* x, int rows, int in, const float* w,
                                                              int out, float* y, bool accumulate, int o_begin,
                                                              int o_end) {
  float sums0[kFewRows], sums1[kFewRows];
  for (int o = o_begin; o < o_end; o += 2) {
    const bool pair = o + 1 < o_end;
    const float* w0 = w + static_cast<std::size_t>(o) * in;
    const float* w1 = pair ? w0 + in : w0;  // odd tail: computed twice, stored once
    for (int r0 = 0; r0 < rows; r0 += 4) {
      const float* xr = x + static_cast<std::size_t>(r0) * in;
      switch (std::min(4, rows - r0)) {
        case 4: two_outputs_avx2<4>(xr, in, w0, w1, sums0 + r0, sums1 + r0); break;
        case 3: two_outputs_avx2<3>(xr, in, w0, w1, sums0 + r0, sums1 + r0); break;
        case 2: two_outputs_avx2<2>(xr, in, w0, w1, sums0 + r0, sums1 + r0); break;
        default: two_outputs_avx2<1>(xr, in, w0, w1, sums0 + r0, sums1 + r0); break;
      }
    }
    for (int r = 0; r < rows; ++r) {
      float* yr = y + static_cast<std::size_t>(r) * out;
      yr[o] = accumulate ? yr[o] + sums0[r] : sums0[r];
      if (pair) yr[o + 1] = accumulate ? yr[o + 1] + sums1[r] : sums1[r];
    }
  }
}

void few_rows_linear(const float* x, int rows, int in, const float* w, int out, float* y, bool accumulate,
                     int o_begin, int o_end) {
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2)
    few_rows_linear_avx2(x, rows, in, w, out, y, accumulate, o_begin, o_end);
  else
    few_rows_linear_generic(x, rows, in, w, out, y, accumulate, o_begin, o_end);
}

}  // namespace detail

namespace {

// Splits the outputs of a large product over OpenBLAS's thread count, so one
// setting (OPENBLAS_NUM_THREADS / openblas_set_num_threads) governs all the
// math. Small products stay on one thread: starting threads costs more.
void few_rows_linear_threaded(const float* x, int rows, int in, const float* w, int out, float* y, bool accumulate) {
  constexpr std::size_t kMinWeightsPerThread = 1u << 19;
  const std::size_t weights = static_cast<std::size_t>(out) * in;
  const int threads = static_cast<int>(std::min<std::size_t>(
      {static_cast<std::size_t>(std::max(openblas_get_num_threads(), 1)), weights / kMinWeightsPerThread, 8}));
  if (threads <= 1) {
    detail::few_rows_linear(x, rows, in, w, out, y, accumulate, 0, out);
    return;
  }
  std::vector<std::thread> helpers;
  const int chunk = (out + threads - 1) / threads;
  for (int t = 1; t < threads; ++t)
    helpers.emplace_back(detail::few_rows_linear, x, rows, in, w, out, y, accumulate, t * chunk,
                         std::min(out, (t + 1) * chunk));
  detail::few_rows_linear(x, rows, in, w, out, y, accumulate, 0, std::min(out, chunk));
  for (auto& h : helpers) h.join();
}

}  // namespace

void linear(const float* x, int rows, int in, const float* w, int out, float* y, bool accumulate) {
  const float beta = accumulate ? 1.0f : 0.0f;
  if (rows == 1)  // one decoder row: a matrix-vector product (multi-threaded in OpenBLAS)
    cblas_sgemv(CblasRowMajor, CblasNoTrans, out, in, 1.0f, w, in, x, 1, beta, y, 1);
  else if (rows <= kFewRows)
    few_rows_linear_threaded(x, rows, in, w, out, y, accumulate);
  else
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, out, in, 1.0f, x, in, w, in, beta, y, out);
}

namespace {

// erf as a rational function of x on [-4, 4] (beyond, erf is +-1 to float
// precision), max abs error 4.5e-7. Unlike libm's erff it has no calls or
// branches, so the GELU loop vectorises; libm's erff was a fifth of
// the BERT forward pass.
inline float fast_erf(float x) {
  x = x < -4.f ? -4.f : (x > 4.f ? 4.f : x);
  const float x2 = x * x;
  float p = -2.72614225801306e-10f;
  p = p * x2 + 2.77068142495902e-08f;
  p = p * x2 + -2.10102402082508e-06f;
  p = p * x2 + -5.69250639462346e-05f;
  p = p * x2 + -7.34990630326855e-04f;
  p = p * x2 + -2.95459980854025e-03f;
  p = p * x2 + -1.60960333262415e-02f;
  float q = -1.45660718464996e-05f;
  q = q * x2 + -2.13374055278905e-04f;
  q = q * x2 + -1.68282697438203e-03f;
  q = q * x2 + -7.37332916720468e-03f;
  q = q * x2 + -1.42647390514189e-02f;
  return p * x / q;
}

// exp by range reduction (x = n ln2 + r) and a degree-6 polynomial for

}  // namespace

// Built for AVX-512, AVX2 and any x86-64 and picked at load time: the
// element-wise loops are a large share of a batch once the products are int8.
__attribute__((target_clones("avx512f", "avx2", "default"))) void activate(Activation activation, float* x,
                                                                           std::size_t n) {
  switch (activation) {
    case Activation::relu:
      for (std::size_t i = 0; i < n; ++i) x[i] = x[i] > 0 ? x[i] : 0.0f;
      break;
    case Activation::gelu:
      for (std::size_t i = 0; i < n; ++i) x[i] = 0.5f * x[i] * (1.0f + fast_erf(x[i] * 0.70710678118654752f));
      break;
    case Activation::gelu_tanh:  // transformers' NewGELUActivation
      for (std::size_t i = 0; i < n; ++i) {
        const float v = x[i];
        x[i] = 0.5f * v * (1.0f + std::tanh(0.7978845608028654f * (v + 0.044715f * v * v * v)));
      }
      break;
    case Activation::silu:
      for (std::size_t i = 0; i < n; ++i) x[i] = x[i] / (1.0f + fast_exp(-x[i]));
      break;
  }
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void layer_norm(float* x, int rows, int dim,
                                                                              const float* gamma, const float* beta,
                                                                              float eps) {
  // float sums in SIMD lanes (omp simd reduction): hidden sizes are a few
  // hundred, well within float precision for a mean and a variance.
  for (int r = 0; r < rows; ++r) {
    float* v = x + static_cast<std::size_t>(r) * dim;
    float sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int i = 0; i < dim; ++i) sum += v[i];
    const float m = sum / static_cast<float>(dim);
    float squares = 0;
#pragma omp simd reduction(+ : squares)
    for (int i = 0; i < dim; ++i) squares += (v[i] - m) * (v[i] - m);
    const float inv = 1.0f / std::sqrt(squares / static_cast<float>(dim) + eps);
    for (int i = 0; i < dim; ++i) v[i] = (v[i] - m) * inv * gamma[i] + beta[i];
  }
}

void rms_norm(const float* x, int rows, int dim, const float* weight, float eps, float* y) {
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + static_cast<std::size_t>(r) * dim;
    float* yr = y + static_cast<std::size_t>(r) * dim;
    double sum_squares = 0;
    for (int i = 0; i < dim; ++i) sum_squares += static_cast<double>(xr[i]) * xr[i];
    const float variance = static_cast<float>(sum_squares / dim);
    const float scale = 1.0f / std::sqrt(variance + eps);
    for (int i = 0; i < dim; ++i) yr[i] = weight[i] * (xr[i] * scale);
  }
}

// No branches in the loops, so they vectorise.
__attribute__((target_clones("avx512f", "avx2", "default"))) void masked_softmax(float* scores, int rows, int cols,
                                                                                  int valid) {
  for (int i = 0; i < rows; ++i) {
    float* s = scores + static_cast<std::size_t>(i) * cols;
    float mx = s[0];
#pragma omp simd reduction(max : mx)
    for (int j = 1; j < valid; ++j) mx = std::max(mx, s[j]);
    float sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int j = 0; j < valid; ++j) {
      s[j] = fast_exp(s[j] - mx);
      sum += s[j];
    }
    const float inv = 1.0f / sum;
    for (int j = 0; j < valid; ++j) s[j] *= inv;
    for (int j = valid; j < cols; ++j) s[j] = 0.0f;
  }
}

void log_softmax(const float* x, int n, float* out) {
  const float max = *std::max_element(x, x + n);
  double sum = 0;  // double: the sum of up to 32k terms, then rounded once
  for (int i = 0; i < n; ++i) sum += std::exp(static_cast<double>(x[i] - max));
  const float log_sum = static_cast<float>(std::log(sum));
  for (int i = 0; i < n; ++i) out[i] = (x[i] - max) - log_sum;
}

}  // namespace promptlist::nn
