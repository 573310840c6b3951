// The int8 path: the kernel against float32 products, the SIMD kernel
// against the portable one, and whole embeddings against fp32.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "nn/int8_linear.h"
#include "promptlist/error.h"
#include "promptlist/transformer_embedder.h"
#include "test_support.h"

using namespace promptlist;

TEST(Int8Linear, CloseToFloatAndEveryKernelEqualsPortable) {
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::size_t kernels_run = 0;
  for (auto [rows, out, in] : {std::tuple{1, 16, 64}, {5, 37, 70}, {13, 384, 384}, {9, 100, 1536}, {70, 48, 36}}) {
    std::vector<float> w(static_cast<std::size_t>(out) * in), b(out), x(static_cast<std::size_t>(rows) * in);
    for (auto& v : w) v = dist(rng) * 0.05f;
    for (auto& v : b) v = dist(rng) * 0.1f;
    for (auto& v : x) v = dist(rng);
    const Int8Linear q = quantize_linear(w.data(), b.data(), out, in);
    std::vector<float> portable(static_cast<std::size_t>(rows) * out);
    int8_linear(x.data(), rows, q, portable.data(), Int8Kernel::portable);
    for (Int8Kernel kernel : {Int8Kernel::avx512_vnni, Int8Kernel::avx2}) {
      if (!int8_kernel_supported(kernel)) continue;
      ++kernels_run;
      std::vector<float> simd(portable.size());
      int8_linear(x.data(), rows, q, simd.data(), kernel);
      // Same integer sums; the float epilogue may be fused (FMA) in one kernel.
      for (std::size_t i = 0; i < simd.size(); ++i)
        ASSERT_NEAR(simd[i], portable[i], 1e-5 * (1 + std::abs(portable[i])))
            << rows << "x" << out << "x" << in << " (" << int8_kernel_name(kernel) << ") at " << i;
    }
    double err = 0, norm = 0;
    for (int r = 0; r < rows; ++r)
      for (int o = 0; o < out; ++o) {
        double ref = b[o];
        for (int k = 0; k < in; ++k) ref += static_cast<double>(x[r * in + k]) * w[static_cast<std::size_t>(o) * in + k];
        err += std::pow(portable[static_cast<std::size_t>(r) * out + o] - ref, 2);
        norm += ref * ref;
      }
    EXPECT_LT(std::sqrt(err / norm), 0.03) << rows << "x" << out << "x" << in;
  }
  // Every x86-64 CPU of the last decade has AVX2: a machine without it would leave the SIMD kernels untested.
  EXPECT_GT(kernels_run, 0u) << "no SIMD int8 kernel runs on this CPU";
}

TEST(Int8Linear, AKernelIsNamedOrRefusedByName) {
  EXPECT_EQ(int8_kernel_named("portable"), Int8Kernel::portable);
  EXPECT_EQ(int8_kernel_named(""), int8_default_kernel());
  EXPECT_STREQ(int8_kernel_name(int8_kernel_named("")), int8_kernel_name());
  try {
    int8_kernel_named("sse9");
    ADD_FAILURE() << "an unknown kernel was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "int8 kernel 'sse9': not one of avx512-vnni, avx2, portable");
  }
  if (!int8_kernel_supported(Int8Kernel::avx512_vnni)) {
    EXPECT_THROW(int8_kernel_named("avx512-vnni"), Error) << "a kernel this CPU cannot run was accepted";
  }
}

TEST(Int8Embedder, CosineToFp32IsAtLeast099) {
  const auto folder = (test::shared_dir() / "reference/bert-tiny").string();
  TransformerEmbedder fp32(folder);
  TransformerEmbedderOptions o;
  o.precision = Precision::int8;
  TransformerEmbedder int8(folder, o);
  EXPECT_NE(fp32.model_id(), int8.model_id()) << "an int8 index must not pass for an fp32 one";
  const std::vector<std::string> texts = {"I need energetic dance music for a party", "calm acoustic songs for studying",
                                          "Running wild and free!", "The quick brown fox jumps over the lazy dog.",
                                          "sad piano ballads for a rainy day", "For me doth make Thee languish?"};
  std::vector<float> a(texts.size() * fp32.dim()), b(a.size());
  fp32.embed(texts, a.data());
  int8.embed(texts, b.data());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    double dot = 0, na = 0, nb = 0;
    for (std::size_t k = 0; k < fp32.dim(); ++k) {
      dot += a[i * fp32.dim() + k] * b[i * fp32.dim() + k];
      na += a[i * fp32.dim() + k] * a[i * fp32.dim() + k];
      nb += b[i * fp32.dim() + k] * b[i * fp32.dim() + k];
    }
    EXPECT_GE(dot / std::sqrt(na * nb), 0.99) << texts[i];
  }
}
