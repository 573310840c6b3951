// nn/packed_linear.h: y = x W^T + b in float32, W repacked once at load
// time for our own GEMM kernel.
//
// Packing: panels of 32 outputs, each [in][32] (input-major), so one step
// of the kernel loads the 32 weights of one input with two vector loads and
// multiplies them by up to 12 rows of x (24 vector accumulators). OpenBLAS
// packs the weights again on every call and threads by a process-wide
// setting; here packing is paid once and the caller splits the outputs over
// its own threads. AVX-512 when the CPU has it, else a portable loop.
#pragma once

#include <cstddef>
#include <vector>

#include "nn/kernels.h"

namespace promptlist::nn {

struct PackedLinear {
  static constexpr int kPanel = 32;  // outputs per panel
  int in = 0, out = 0;
  // The panels, [out_padded / 32][in][32], then the bias, [out_padded] (zero
  // past out), from the first 64-byte boundary of storage: the kernel's
  // loads are aligned. Moving keeps the buffer; copying would not keep its
  // alignment, hence move-only.
  std::vector<float> storage;
  std::size_t offset = 0;  // floats before that boundary

  PackedLinear() = default;
  PackedLinear(PackedLinear&&) = default;
  PackedLinear& operator=(PackedLinear&&) = default;
  PackedLinear(const PackedLinear&) = delete;
  PackedLinear& operator=(const PackedLinear&) = delete;

  const float* panels() const { return storage.data() + offset; }
  const float* bias() const { return panels() + static_cast<std::size_t>(out_padded()) * in; }
  int out_padded() const { return (out + kPanel - 1) / kPanel * kPanel; }
};

// w: [out][in] float32 (PyTorch layout), b: [out] or null.
PackedLinear pack_linear(const float* w, const float* b, int out, int in);


// y[r][o] for all `rows` rows of x ([rows][in]) and the outputs [o_begin,
// o_end); o_begin a multiple of 32. y is [rows][out].
void packed_linear(const float* x, int rows, const PackedLinear& w, float* y, int o_begin, int o_end,
                   Epilogue epilogue = {});

// True when packed_linear runs the AVX-512 kernel here.
bool packed_linear_uses_avx512();

}  // namespace promptlist::nn
