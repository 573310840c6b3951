#include "nn/t5_kernels.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>

namespace promptlist::t5 {

void linear(const float* x, int rows, int in, const float* w, int out, float* y, bool accumulate) {
  const float beta = accumulate ? 1.0f : 0.0f;
  if (rows == 1)  // one decoder row: a matrix-vector product is cheaper than a 1-row gemm
    cblas_sgemv(CblasRowMajor, CblasNoTrans, out, in, 1.0f, w, in, x, 1, beta, y, 1);
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
