// Our BERT forward pass against the PyTorch reference's golden embeddings,
// for every fixture folder, and the refusal of broken folders.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "promptlist/transformer_embedder.h"
#include "test_support.h"

using namespace promptlist;
namespace fs = std::filesystem;

namespace {

const nlohmann::json& golden() {
  static const nlohmann::json j =
      nlohmann::json::parse(test::read_file(test::shared_dir() / "reference/bert-tiny.golden.json"));
  return j;
}

fs::path fixture(const char* name) { return test::shared_dir() / "reference" / name; }

double max_abs_diff(const float* a, const std::vector<float>& b) {
  double m = 0;
  for (std::size_t i = 0; i < b.size(); ++i) m = std::max(m, std::abs(static_cast<double>(a[i]) - b[i]));
  return m;
}

void expect_golden(const char* folder, const char* field, bool normalizes, Pooling pooling) {
  TransformerEmbedder e(fixture(folder).string());
  EXPECT_EQ(e.normalizes(), normalizes);
  EXPECT_EQ(e.pooling(), pooling);
  EXPECT_EQ(e.max_seq_length(), 64u);
  const double tol = golden()["tolerances"]["embedding_max_abs"];
  std::vector<std::string> texts;
  for (const auto& c : golden()["cases"]) texts.push_back(c["text"]);
  // All at once (sorted, padded batches) and one by one must both match.
  std::vector<float> all(texts.size() * e.dim());
  e.embed(texts, all.data());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto expected = golden()["cases"][i][field].get<std::vector<float>>();
    ASSERT_EQ(expected.size(), e.dim());
    EXPECT_LE(max_abs_diff(all.data() + i * e.dim(), expected), tol) << folder << ": " << texts[i];
    std::vector<float> one(e.dim());
    e.embed({texts[i]}, one.data());
    EXPECT_LE(max_abs_diff(one.data(), expected), tol) << folder << " alone: " << texts[i];
  }
}

}  // namespace

TEST(TransformerEmbedder, MeanPoolingAndNormalizeMatchTheReference) {
  expect_golden("bert-tiny", "embedding", true, Pooling::mean);
}

TEST(TransformerEmbedder, ClsPoolingWithPositionIdsTensorMatchesTheReference) {
  expect_golden("bert-tiny-cls", "embedding_cls", false, Pooling::cls);
}

TEST(TransformerEmbedder, F16WeightsMatchTheReference) {
  expect_golden("bert-tiny-f16", "embedding_f16", true, Pooling::mean);
}

TEST(TransformerEmbedder, CountsUnknownAndTruncatedTokensAndHasAStableId) {
  TransformerEmbedder e(fixture("bert-tiny").string());
  std::vector<float> out(2 * e.dim());
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "music ";
  const auto stats = e.embed({"한국 음악", long_text}, out.data());
  EXPECT_EQ(stats.unknown, 2u);
  EXPECT_EQ(stats.truncated, 1u);
  EXPECT_EQ(e.max_tokens(), 62u);
  EXPECT_EQ(e.model_id(), TransformerEmbedder(fixture("bert-tiny").string()).model_id());
  EXPECT_NE(e.model_id(), TransformerEmbedder(fixture("bert-tiny-f16").string()).model_id());
  EXPECT_EQ(e.model_id().rfind("st:bert-tiny/", 0), 0u) << e.model_id();
}

namespace {

// A copy of bert-tiny in a scratch folder, for breaking.
fs::path broken_copy(const std::string& name) {
  const auto dir = test::scratch_dir("broken") / name;
  fs::copy(fixture("bert-tiny"), dir, fs::copy_options::recursive);
  return dir;
}

std::string load_error(const fs::path& folder) {
  try {
    TransformerEmbedder e(folder.string());
  } catch (const Error& e) {
    return e.what();
  }
  return "loaded";
}

void edit_json(const fs::path& file, const std::function<void(nlohmann::json&)>& edit) {
  auto j = nlohmann::json::parse(test::read_file(file));
  edit(j);
  test::write_file(file, j.dump());
}

}  // namespace

TEST(TransformerEmbedder, RefusesBrokenFoldersNamingFileAndProblem) {
  auto a = broken_copy("no-config");
  fs::remove(a / "config.json");
  EXPECT_NE(load_error(a).find("config.json: missing"), std::string::npos) << load_error(a);

  auto b = broken_copy("shape");
  edit_json(b / "config.json", [](nlohmann::json& j) { j["intermediate_size"] = 96; });
  EXPECT_NE(load_error(b).find("intermediate.dense.weight' has shape [128, 64], config.json implies [96, 64]"),
            std::string::npos)
      << load_error(b);

  auto c = broken_copy("activation");
  edit_json(c / "config.json", [](nlohmann::json& j) { j["hidden_act"] = "swishy"; });
  EXPECT_NE(load_error(c).find("hidden_act 'swishy' is not supported"), std::string::npos) << load_error(c);

  EXPECT_NE(load_error(fixture("t5-tiny")).find("model_type 't5' is not a BERT model"), std::string::npos);

  auto d = broken_copy("truncated");
  const std::string bytes = test::read_file(d / "model.safetensors");
  test::write_file(d / "model.safetensors", bytes.substr(0, bytes.size() / 2));
  EXPECT_NE(load_error(d).find("model.safetensors"), std::string::npos) << load_error(d);

  auto e = broken_copy("layers");
  edit_json(e / "config.json", [](nlohmann::json& j) { j["num_hidden_layers"] = 3; });
  EXPECT_NE(load_error(e).find("encoder.layer.2.attention.self.query.weight' is missing"), std::string::npos)
      << load_error(e);

  auto f = broken_copy("vocab");
  fs::remove(f / "vocab.txt");
  fs::remove(f / "tokenizer.json");
  EXPECT_NE(load_error(f).find("no vocab.txt or tokenizer.json"), std::string::npos) << load_error(f);

  auto g = broken_copy("seq");
  edit_json(g / "sentence_bert_config.json", [](nlohmann::json& j) { j["max_seq_length"] = 4096; });
  EXPECT_NE(load_error(g).find("max_seq_length 4096 does not fit"), std::string::npos) << load_error(g);

  EXPECT_NE(load_error(test::scratch_dir("empty")).find("config.json: missing"), std::string::npos);
}
