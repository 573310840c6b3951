// nn/t5_kernels.h: the float32 building blocks of the T5 forward pass.
#pragma once

#include <cstddef>

#include "promptlist/t5.h"

namespace promptlist::t5 {

// y[rows][out] = x[rows][in] * w[out][in]^T, or y += that when accumulate
// (the residual connections add straight into the hidden state).
void linear(const float* x, int rows, int in, const float* w, int out, float* y, bool accumulate = false);

// T5LayerNorm: w * x / sqrt(mean(x^2) + eps), no mean subtraction, no bias.
void rms_norm(const float* x, int rows, int dim, const float* weight, float eps, float* y);

void softmax_in_place(float* x, int n);

void activate_in_place(T5Activation activation, float* x, std::size_t n);

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

}  // namespace promptlist::t5
