// The int8 path against fp32 on the real all-MiniLM-L6-v2: every verse
// chunk of the demo catalog within cosine 0.99, and the verse search of 300
// MusicCaps captions keeping at least 9 of its top 10 on average, on the
// int8 kernel this CPU runs (PROMPTLIST_INT8_KERNEL may choose another). The fp32
// vectors are the default index that setup.sh builds in HOME.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string_view>

#include "../../bench/musiccaps_prompts.h"
#include "promptlist/model_store.h"
#include "promptlist/transformer_embedder.h"
#include "promptlist/verse_index.h"
#include "test_support.h"

using namespace promptlist;
namespace fs = std::filesystem;

namespace {

TransformerEmbedder load(const fs::path& folder, Precision precision) {
  TransformerEmbedderOptions options;
  options.precision = precision;
  return TransformerEmbedder(folder.string(), options);
}

void normalize(float* v, std::size_t d) {
  double n = 0;
  for (std::size_t k = 0; k < d; ++k) n += double(v[k]) * v[k];
  const float inv = static_cast<float>(1 / std::max(std::sqrt(n), 1e-12));
  for (std::size_t k = 0; k < d; ++k) v[k] *= inv;
}

// Rows of the k best dot products of query with rows[n][d].
std::set<std::size_t> top_rows(const float* rows, std::size_t n, std::size_t d, const float* query, std::size_t k) {
  std::vector<std::pair<float, std::size_t>> scored(n);
  for (std::size_t i = 0; i < n; ++i) {
    float dot = 0;
    for (std::size_t j = 0; j < d; ++j) dot += rows[i * d + j] * query[j];
    scored[i] = {-dot, i};
  }
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(k), scored.end());
  std::set<std::size_t> out;
  for (std::size_t i = 0; i < k; ++i) out.insert(scored[i].second);
  return out;
}

}  // namespace

TEST(RealModelInt8, EveryVerseNearFp32AndSearchesKeepTheirTopTen) {
  const fs::path model = test::real_model_folder();
  PROMPTLIST_REQUIRE_REAL_MODEL(model);
  const TransformerEmbedder fp32 = load(model, Precision::fp32), int8 = load(model, Precision::int8);
  const VerseIndex index(index_path_for(test::promptlist_home().string(), fp32.model_id()), fp32.model_id());
  const std::size_t n = index.size(), d = index.dim();

  // The portable kernel (a CPU without AVX2) is some 30 times slower: there,
  // every 16th verse is checked, so that the test ends within its time.
  const std::size_t stride = std::string_view(int8_kernel_name()) == "portable" ? 16 : 1;
  std::vector<std::string> chunks;
  for (std::size_t i = 0; i < n; i += stride) chunks.emplace_back(index.chunk_text(i));
  std::vector<float> sampled8(chunks.size() * d);
  int8.embed(chunks, sampled8.data());
  float worst = 1;
  std::size_t below = 0;
  for (std::size_t s = 0; s < chunks.size(); ++s) {
    normalize(&sampled8[s * d], d);
    float cos = 0;
    for (std::size_t k = 0; k < d; ++k) cos += sampled8[s * d + k] * index.row(s * stride)[k];
    worst = std::min(worst, cos);
    below += cos < 0.99f;
  }
  EXPECT_EQ(below, 0u) << "verses under cosine 0.99 to fp32; worst " << worst;
  if (stride > 1) {
    std::printf("int8 (%s) vs fp32: %zu of %zu verses, worst cosine %.5f (the search check needs every verse: skipped)\n",
                int8_kernel_name(), chunks.size(), n, worst);
    return;
  }
  const std::vector<float>& rows8 = sampled8;

  const auto prompts = bench::musiccaps_prompts((test::data_dir() / "descriptions/musiccaps-public.csv").string(), 300);
  ASSERT_EQ(prompts.size(), 300u);
  std::vector<float> q32(prompts.size() * d), q8(q32.size());
  fp32.embed(prompts, q32.data());
  int8.embed(prompts, q8.data());
  double overlap = 0;
  std::size_t min_overlap = 10;
  for (std::size_t p = 0; p < prompts.size(); ++p) {
    normalize(&q8[p * d], d);
    const auto a = top_rows(index.row(0), n, d, &q32[p * d], 10), b = top_rows(rows8.data(), n, d, &q8[p * d], 10);
    std::size_t shared = 0;
    for (auto r : a) shared += b.count(r);
    overlap += static_cast<double>(shared) / 10.0;
    min_overlap = std::min(min_overlap, shared);
  }
  overlap /= static_cast<double>(prompts.size());
  std::printf("int8 (%s) vs fp32: %zu verses, worst cosine %.5f; top-10 overlap over %zu captions: mean %.3f, min %zu/10\n",
              int8_kernel_name(), n, worst, prompts.size(), overlap, min_overlap);
  EXPECT_GE(overlap, 0.9);
}
