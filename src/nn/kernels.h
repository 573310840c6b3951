// nn/kernels.h: the float32 building blocks of every transformer forward pass
// here (the BERT encoder, T5's encoder and decoder): products, activations,
// normalisations, softmax. One implementation of each, shared by both models.
#pragma once

#include <cstddef>
#include <optional>

#include "promptlist/activation.h"

namespace promptlist::nn {

// What happens to x W^T + b before it is stored.
struct Epilogue {
  bool accumulate = false;                // y += result (a residual connection) instead of y = result
  std::optional<Activation> activation;  // applied to the result (not with accumulate)
};

// y[rows][out] = x[rows][in] * w[out][in]^T, or y += that when accumulate
// (the residual connections add straight into the hidden state). Weights in
// PyTorch's layout as loaded; see packed_linear.h for prepacked weights.
void linear(const float* x, int rows, int in, const float* w, int out, float* y, bool accumulate = false);

// x[i] = act(x[i]) for n values, vectorised (erf and exp are polynomials,
// not libm calls, so the loops use SIMD lanes).
void activate(Activation activation, float* x, std::size_t n);

// LayerNorm of each row in place: (x - mean) / sqrt(var + eps) * gamma + beta.
void layer_norm(float* x, int rows, int dim, const float* gamma, const float* beta, float eps);

// T5LayerNorm: w * x / sqrt(mean(x^2) + eps), no mean subtraction, no bias.
void rms_norm(const float* x, int rows, int dim, const float* weight, float eps, float* y);

// Softmax in place of each of `rows` rows of `cols` scores over its first
// `valid` entries; entries from `valid` on get weight 0 (padded keys: the
// references add float32_min, which underflows to exactly 0 after exp).
void masked_softmax(float* scores, int rows, int cols, int valid);
inline void softmax(float* x, int n) { masked_softmax(x, 1, n, n); }

// out[i] = x[i] - log(sum(exp(x))) in float32, as torch.log_softmax.
void log_softmax(const float* x, int n, float* out);

namespace detail {
// The few-rows product behind linear(), outputs [o_begin, o_end): the
// portable loop, and the dispatcher that picks AVX2/FMA when the CPU has it.
void few_rows_linear_generic(const float* x, int rows, int in, const float* w, int out, float* y, bool accumulate,
                             int o_begin, int o_end);
void few_rows_linear(const float* x, int rows, int in, const float* w, int out, float* y, bool accumulate,
                     int o_begin, int o_end);
}  // namespace detail

}  // namespace promptlist::nn
