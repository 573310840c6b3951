// The BERT forward pass's own kernels against plain double loops: the packed
// fp32 product (every tile height, odd sizes, output ranges, residual and
// activation epilogues), attention of one head, int8 over output ranges, and
// the thread team (every item once, any thread count, one forward pass per
// call whatever the count).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <random>
#include <thread>

#include "nn/attention.h"
#include "nn/int8_linear.h"
#include "nn/packed_linear.h"
#include "nn/parallel.h"
#include "promptlist/transformer_embedder.h"
#include "test_support.h"

using namespace promptlist;

namespace {

std::vector<float> normal(std::size_t n, unsigned seed, float sd = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, sd);
  std::vector<float> v(n);
  for (float& f : v) f = dist(rng);
  return v;
}

double gelu(double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }

}  // namespace

TEST(PackedLinear, MatchesAPlainLoopForEveryTileAndEpilogue) {
  for (int rows : {1, 5, 12, 13, 25})
    for (auto [in, out] : {std::pair{64, 64}, {45, 37}, {400, 70}, {7, 96}})
      for (int mode = 0; mode < 3; ++mode) {  // plain, residual, GELU
        const auto x = normal(static_cast<std::size_t>(rows) * in, rows + in);
        const auto w = normal(static_cast<std::size_t>(out) * in, out, 0.1f);
        const auto b = normal(out, 3);
        const auto y0 = normal(static_cast<std::size_t>(rows) * out, 4);
        const nn::PackedLinear p = nn::pack_linear(w.data(), b.data(), out, in);
        nn::Epilogue e;
        e.accumulate = mode == 1;
        if (mode == 2) e.activation = Activation::gelu;
        std::vector<float> y = y0;
        // Two calls over two output ranges, as two threads would.
        const int split = out > 32 ? 32 : out;
        nn::packed_linear(x.data(), rows, p, y.data(), 0, split, e);
        nn::packed_linear(x.data(), rows, p, y.data(), split, out, e);
        for (int r = 0; r < rows; ++r)
          for (int o = 0; o < out; ++o) {
            double want = b[o];
            for (int k = 0; k < in; ++k) want += double(x[r * in + k]) * w[static_cast<std::size_t>(o) * in + k];
            if (mode == 1) want += y0[r * out + o];
            if (mode == 2) want = gelu(want);
            ASSERT_NEAR(y[r * out + o], want, 1e-4 * (1 + std::abs(want)))
                << rows << "x" << in << "->" << out << " mode " << mode << " at " << r << "," << o;
          }
      }
}

TEST(Attention, OneHeadMatchesAPlainLoopWithPaddedKeys) {
  for (auto [T, dh, valid] : {std::tuple{1, 32, 1}, {7, 32, 5}, {45, 32, 45}, {40, 64, 33}, {9, 24, 9}}) {
    const int stride = 3 * dh + 5;  // q, k, v side by side, then something else
    const auto qkv = normal(static_cast<std::size_t>(T) * stride, T * dh);
    const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
    std::vector<float> out(static_cast<std::size_t>(T) * dh), scores(T * T), keys(dh * T);
    nn::attention_head({qkv.data(), qkv.data() + dh, qkv.data() + 2 * dh, stride, T, dh, valid, scale, out.data(), dh},
                       scores.data(), keys.data());
    for (int i = 0; i < T; ++i) {
      std::vector<double> p(valid);
      double mx = -1e300, sum = 0;
      for (int j = 0; j < valid; ++j) {
        double dot = 0;
        for (int d = 0; d < dh; ++d) dot += double(qkv[i * stride + d]) * qkv[j * stride + dh + d];
        p[j] = dot * scale;
        mx = std::max(mx, p[j]);
      }
      for (double& v : p) sum += (v = std::exp(v - mx));
      for (int d = 0; d < dh; ++d) {
        double want = 0;
        for (int j = 0; j < valid; ++j) want += p[j] / sum * qkv[j * stride + 2 * dh + d];
        ASSERT_NEAR(out[i * dh + d], want, 1e-5) << "T " << T << " dh " << dh << " at " << i << "," << d;
      }
    }
  }
}

TEST(Int8Linear, OutputRangesAndResidualEqualTheWholeProduct) {
  const int rows = 9, in = 100, out = 150;
  const auto x = normal(static_cast<std::size_t>(rows) * in, 1);
  const auto w = normal(static_cast<std::size_t>(out) * in, 2, 0.05f);
  const auto b = normal(out, 3);
  const Int8Linear q = quantize_linear(w.data(), b.data(), out, in);
  std::vector<float> whole(static_cast<std::size_t>(rows) * out);
  int8_linear(x.data(), rows, q, whole.data());
  QuantizedRows a;
  a.resize(rows, q.in_padded);
  quantize_rows(x.data(), 0, 4, q, a);
  quantize_rows(x.data(), 4, rows, q, a);
  const auto y0 = normal(whole.size(), 4);
  std::vector<float> parts = y0;
  const int blocks = q.out_padded / 16;
  for (int b0 = 0; b0 < blocks; b0 += 3)
    int8_linear_part(a, rows, q, parts.data(), b0, std::min(blocks, b0 + 3), {.accumulate = true, .activation = {}});
  for (std::size_t i = 0; i < whole.size(); ++i) ASSERT_NEAR(parts[i], whole[i] + y0[i], 1e-4) << i;
}

TEST(Team, RunsEveryItemOnceOnAnyThreadCount) {
  for (int threads : {1, 2, 3, 0})
    for (int n : {1, 7, 100, 1000})
      for (int grain : {1, 4, 32}) {
        nn::Team team(threads);
        std::vector<std::atomic<int>> seen(n);
        std::atomic<int> bad_worker{0};
        team.parallel_for(n, grain, [&](int begin, int end, int worker) {
          if (worker < 0 || worker >= team.size()) ++bad_worker;
          if (begin % grain != 0) ++bad_worker;
          for (int i = begin; i < end; ++i) ++seen[i];
        });
        EXPECT_EQ(bad_worker, 0);
        for (int i = 0; i < n; ++i) ASSERT_EQ(seen[i], 1) << "threads " << threads << " n " << n << " item " << i;
      }
}

TEST(Team, ConcurrentCallersEachGetTheirOwnAnswer) {
  // Two forward passes at once: one gets the helpers, the other runs alone;
  // both must finish with the same embeddings as one thread.
  const auto folder = (test::shared_dir() / "reference/bert-tiny").string();
  TransformerEmbedderOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const TransformerEmbedder single(folder, one), team(folder, two);
  const std::vector<std::string> texts = {"I need energetic dance music for a party", "calm songs", "a",
                                          "The quick brown fox jumps over the lazy dog, again and again."};
  std::vector<float> want(texts.size() * single.dim());
  single.embed(texts, want.data());
  std::vector<std::vector<float>> got(4, std::vector<float>(want.size()));
  std::vector<std::thread> callers;
  for (auto& g : got) callers.emplace_back([&] { for (int i = 0; i < 20; ++i) team.embed(texts, g.data()); });
  for (auto& c : callers) c.join();
  for (const auto& g : got)
    for (std::size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(g[i], want[i], 1e-6) << i;
}
