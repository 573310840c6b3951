// The built-in embedder on the real GloVe vectors (made by setup.sh).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "promptlist/error.h"
#include "promptlist/sif_embedder.h"
#include "test_support.h"

using namespace promptlist;

namespace {

std::shared_ptr<const WordVectors> glove() {
  static auto vectors = std::make_shared<const WordVectors>(test::glove_model_path().string());
  return vectors;
}

float cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return static_cast<float>(dot / std::sqrt(na * nb));
}

std::vector<float> embed(const SifEmbedder& e, const std::string& text) {
  std::vector<float> v(e.dim());
  e.embed({text}, v.data());
  return v;
}

}  // namespace

TEST(WordVectors, LooksUpWordsByFrequencyRank) {
  auto v = glove();
  EXPECT_EQ(v->dim(), 100u);
  EXPECT_GT(v->size(), 300000u);
  EXPECT_EQ(v->find("the"), 0u);  // GloVe's most frequent token
  ASSERT_TRUE(v->find("cowboy"));
  EXPECT_EQ(v->word(*v->find("cowboy")), "cowboy");
  EXPECT_FALSE(v->find("qwxzzyqv"));
  EXPECT_LT(*v->find("night"), *v->find("nightingale"));
}

TEST(SifEmbedder, SimilarSentencesAreCloserThanDissimilarOnes) {
  // Raw SIF vectors share a large common component (removed later by the
  // index), so only clear-cut pairs are compared here; see
  // tests/playlist for the themed cases in the index's space.
  SifEmbedder e(glove());
  const auto a = embed(e, "the cowboy rode his horse across the prairie");
  EXPECT_GT(cosine(a, embed(e, "a rider and his pony on the plains")),
            cosine(a, embed(e, "prayer and praise to the almighty")));
  EXPECT_NEAR(cosine(a, embed(e, "The cowboy rode his HORSE across the prairie!")), 1.0f, 1e-6);
}

TEST(SifEmbedder, FrequentWordsWeighLess) {
  SifEmbedder e(glove());
  EXPECT_LT(e.weight(*glove()->find("the")), 0.05f);
  EXPECT_GT(e.weight(*glove()->find("prairie")), 0.95f);
}

TEST(SifEmbedder, CountsUnknownWordsAndIsDeterministic) {
  SifEmbedder e(glove());
  std::vector<float> out(2 * e.dim());
  auto stats = e.embed({"the zzqxwv horse", "the zzqxwv horse"}, out.data());
  EXPECT_EQ(stats.texts, 2u);
  EXPECT_EQ(stats.tokens, 6u);
  EXPECT_EQ(stats.unknown, 2u);
  EXPECT_EQ(std::memcmp(out.data(), out.data() + e.dim(), e.dim() * sizeof(float)), 0);
  // One-letter words are not in the npm package; they are not "unknown".
  EXPECT_EQ(e.embed({"I saw a horse"}, out.data()).unknown, 0u);
  // Case and accents do not matter: verses and prompts are normalised alike.
  EXPECT_EQ(embed(e, "Café NIGHT"), embed(e, "cafe night"));
  EXPECT_EQ(e.count_tokens("I don't know"), 4u);
}

TEST(SifEmbedder, ModelIdNamesVectorsAndSettings) {
  SifEmbedder a(glove()), b(glove(), SifOptions{1e-4, 256});
  EXPECT_NE(a.model_id(), b.model_id());
  EXPECT_EQ(a.model_id().rfind("glove-sif-100d/", 0), 0u) << a.model_id();
}

TEST(WordVectors, RefusesCorruptedOrForeignFiles) {
  const auto dir = test::scratch_dir("wv");
  EXPECT_THROW(WordVectors((dir / "missing.plwv").string()), Error);
  const auto junk = test::write_file(dir / "junk.plwv", std::string(300, 'x'));
  try {
    WordVectors w(junk.string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad magic"), std::string::npos) << e.what();
  }
}
