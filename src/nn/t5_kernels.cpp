#include "nn/t5_kernels.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

namespace promptlist::t5 {

// Up to this many rows (beams) the weight-streaming kernel beats sgemm.
constexpr int kFewRows = 8;

namespace detail {

// y[r][o] (+)= dot(w[o], x[r]) for a few rows. Decoding beams is
// memory-bound: every step streams all weights once. sgemm would first copy
// (pack) the whole weight matrix for a handful of rows, which measured as
// half the beam-search time; here each weight row is read once from memory
// and reused from L1 for every input row. Compiled for AVX2 and a
// generic fallback, picked at load time.
// Computes the outputs [o_begin, o_end) so threads can share one call.
__attribute__((target_clones("avx2", "default"))) void few_rows_linear(const float* x, int rows, int in,
                                                                        const float* w, int out, float* y,
                                                                        bool accumulate, int o_begin, int o_end) {
  typedef float lanes __attribute__((vector_size(32)));
  for (int o = o_begin; o < o_end; ++o) {
    const float* wo = w + static_cast<std::size_t>(o) * in;
    for (int r = 0; r < rows; ++r) {
      const float* xr = x + static_cast<std::size_t>(r) * in;
      lanes a0 = {}, a1 = {};
      int i = 0;
      for (; i + 16 <= in; i += 16) {
        lanes w0, w1, x0, x1;
        std::memcpy(&w0, wo + i, sizeof w0);
        std::memcpy(&w1, wo + i + 8, sizeof w1);
        std::memcpy(&x0, xr + i, sizeof x0);
        std::memcpy(&x1, xr + i + 8, sizeof x1);
        a0 += w0 * x0;
        a1 += w1 * x1;
      }
      a0 += a1;
      float sum = 0;
      for (int k = 0; k < 8; ++k) sum += a0[k];
      for (; i < in; ++i) sum += wo[i] * xr[i];
      float& target = y[static_cast<std::size_t>(r) * out + o];
      target = accumulate ? target + sum : sum;
    }
  }
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

void softmax_in_place(float* x, int n) {
  const float max = *std::max_element(x, x + n);
  float sum = 0;
  for (int i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - max);
    sum += x[i];
  }
  const float inv = 1.0f / sum;
  for (int i = 0; i < n; ++i) x[i] *= inv;
}

void activate_in_place(T5Activation activation, float* x, std::size_t n) {
  switch (activation) {
    case T5Activation::Relu:
      for (std::size_t i = 0; i < n; ++i) x[i] = std::max(x[i], 0.0f);
      break;
    case T5Activation::GeluNew: {
      // transformers' NewGELUActivation (tanh approximation).
      const float k = std::sqrt(2.0f / static_cast<float>(M_PI));
      for (std::size_t i = 0; i < n; ++i) {
        const float v = x[i];
        x[i] = 0.5f * v * (1.0f + std::tanh(k * (v + 0.044715f * v * v * v)));
      }
      break;
    }
    case T5Activation::Gelu:
      for (std::size_t i = 0; i < n; ++i) x[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] / std::sqrt(2.0f)));
      break;
    case T5Activation::Silu:
      for (std::size_t i = 0; i < n; ++i) x[i] = x[i] / (1.0f + std::exp(-x[i]));
      break;
  }
}

void log_softmax(const float* x, int n, float* out) {
  const float max = *std::max_element(x, x + n);
  double sum = 0;  // double: the sum of up to 32k terms, then rounded once
  for (int i = 0; i < n; ++i) sum += std::exp(static_cast<double>(x[i] - max));
  const float log_sum = static_cast<float>(std::log(sum));
  for (int i = 0; i < n; ++i) out[i] = (x[i] - max) - log_sum;
}

}  // namespace promptlist::t5
