// nn/int8_linear.h: y = x W^T + b with int8 weights and activations.
//
// Weights are quantised once per output channel (symmetric, scale =
// max|w| / 127) and packed in the VNNI layout: blocks of 16 outputs, each
// 32-bit lane holding 4 consecutive input weights of one output, so one
// vpdpbusd multiplies 4 inputs by 16 outputs. Activations are quantised per
// row at run time, asymmetrically to unsigned bytes over the row's [min, max]
// (x ~ scale * (q - zero)); the zero point is removed again with the
// weights' row sums. The kernel is chosen
// at run time: AVX-512 VNNI when the CPU has it, else portable C++.
#pragma once

#include <cstdint>
#include <vector>

#include "nn/kernels.h"

namespace promptlist {

struct Int8Linear {
  int in = 0, out = 0;
  int in_padded = 0, out_padded = 0;  // multiples of 4 and 16
  std::vector<std::int8_t> packed;    // [out_padded / 16][in_padded / 4][16][4]
  std::vector<float> scale;           // per output
  std::vector<std::int32_t> sum;      // per output: sum of its int8 weights
  std::vector<float> bias;            // per output
};

// w: [out][in] float32 (PyTorch layout), b: [out].
Int8Linear quantize_linear(const float* w, const float* b, int out, int in);

// Rows of activations quantised for the kernel: x ~ scale * (a - zero).
struct QuantizedRows {
  int in_padded = 0;
  std::vector<std::uint8_t> a;  // [rows][in_padded]
  std::vector<float> scale;     // per row
  std::vector<std::int32_t> zero;

  void resize(int rows, int row_width);
};

// Quantises rows [r0, r1) of x ([rows][q.in]) into `out` (already sized for
// q.in_padded), so that threads can share the work.
void quantize_rows(const float* x, int r0, int r1, const Int8Linear& q, QuantizedRows& out);

// y[r][o] = x[r] W^T + b for all `rows` quantised rows and the outputs of
// the 16-output blocks [block_begin, block_end); y is [rows][q.out]. simd
// false forces the portable kernel (tests compare the two).
void int8_linear_part(const QuantizedRows& a, int rows, const Int8Linear& q, float* y, int block_begin,
                      int block_end, nn::Epilogue epilogue = {}, bool simd = true);

// y[rows][out] = x[rows][in] W^T + b on the calling thread.
void int8_linear(const float* x, int rows, const Int8Linear& q, float* y, bool simd = true);

// "avx512-vnni" or "portable": which kernel int8_linear() runs here.
const char* int8_kernel_name();

}  // namespace promptlist
