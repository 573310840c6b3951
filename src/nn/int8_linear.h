// nn/int8_linear.h: y = x W^T + b with int8 weights and activations.
//
// Weights are quantised once per output channel (symmetric, scale =
// max|w| / 127) and packed in the VNNI layout: blocks of 16 outputs, each
// 32-bit lane holding 4 consecutive input weights of one output, so one
// vpdpbusd multiplies 4 inputs by 16 outputs. Activations are quantised per
// row at run time, asymmetrically to unsigned bytes over the row's [min, max]
// (x ~ scale * (q - zero)); the zero point is removed again with the
// weights' row sums. The kernel is chosen at run time: AVX-512 VNNI, else
// AVX2, else portable C++ (the environment variable PROMPTLIST_INT8_KERNEL
// may name one, to measure or test it on a CPU that has a faster one). All
// three compute the same integer sums.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "nn/kernels.h"

namespace promptlist {

enum class Int8Kernel { avx512_vnni, avx2, portable };

// Whether this CPU can run the kernel (portable: always).
bool int8_kernel_supported(Int8Kernel kernel);
// "avx512-vnni", "avx2", "portable".
const char* int8_kernel_name(Int8Kernel kernel);
// The kernel a quantised layer runs by default: PROMPTLIST_INT8_KERNEL's,
// else the fastest this CPU supports. Throws Error when the variable names
// an unknown kernel or one this CPU cannot run.
Int8Kernel int8_default_kernel();
// The name of the default kernel (never throws).
const char* int8_kernel_name();
// The kernel of that name ("" : the fastest this CPU supports). Throws Error
// for an unknown name or a kernel this CPU cannot run.
Int8Kernel int8_kernel_named(std::string_view name);

struct Int8Linear {
  int in = 0, out = 0;
  int in_padded = 0, out_padded = 0;  // multiples of 4 and 16
  std::vector<std::int8_t> packed;    // [out_padded / 16][in_padded / 4][16][4]
  std::vector<float> scale;           // per output
  std::vector<std::int32_t> sum;      // per output: sum of its int8 weights
  std::vector<float> bias;            // per output
  Int8Kernel kernel = Int8Kernel::portable;  // the kernel it runs by default: int8_default_kernel() when quantised
};

// w: [out][in] float32 (PyTorch layout), b: [out]. Throws what
// int8_default_kernel() throws.
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
// the 16-output blocks [block_begin, block_end); y is [rows][q.out]. The
// kernel is q.kernel unless another is given; one this CPU cannot run falls
// back to the portable one (tests compare them all). Never throws.
void int8_linear_part(const QuantizedRows& a, int rows, const Int8Linear& q, float* y, int block_begin,
                      int block_end, nn::Epilogue epilogue = {}, std::optional<Int8Kernel> kernel = {});

// y[rows][out] = x[rows][in] W^T + b on the calling thread.
void int8_linear(const float* x, int rows, const Int8Linear& q, float* y, std::optional<Int8Kernel> kernel = {});

}  // namespace promptlist
