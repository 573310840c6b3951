// Loading T5 folders: what real exports contain is accepted (tied copies,
// stale tensors HF ignores, F16), and broken or mismatched folders are
// refused with a message that names the file and the problem.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "promptlist/error.h"
#include "safetensors_writer.h"
#include "t5_test_support.h"

using namespace promptlist;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A writable copy of a fixture folder in the test scratch space.
fs::path copy_fixture(const std::string& name, const std::string& label) {
  const fs::path dir = test::scratch_dir("t5-" + label) / name;
  fs::copy(test::t5_fixture(name), dir, fs::copy_options::recursive);
  // The fixtures are read-only; the copies get edited.
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add);
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    fs::permissions(entry.path(), entry.is_directory() ? fs::perms::owner_all : fs::perms::owner_write,
                    fs::perm_options::add);
  return dir;
}

void edit_json(const fs::path& path, const std::function<void(json&)>& edit) {
  json j = json::parse(test::read_file(path));
  edit(j);
  test::write_file(path, j.dump(2));
}

void edit_tensors(const fs::path& dir, const std::function<void(std::map<std::string, test::RawTensor>&)>& edit) {
  const std::string path = (dir / "model.safetensors").string();
  auto tensors = test::read_raw_tensors(path);
  edit(tensors);
  test::write_raw_tensors(path, tensors);
}

// Runs fn, which must throw promptlist::Error whose message contains every
// one of `parts`.
void expect_refused(const std::function<void()>& fn, const std::vector<std::string>& parts) {
  try {
    fn();
    ADD_FAILURE() << "no error thrown; expected one mentioning " << parts.front();
  } catch (const Error& e) {
    const std::string message = e.what();
    for (const auto& part : parts) EXPECT_NE(message.find(part), std::string::npos) << "message: " << message;
  }
}

std::vector<float> first_step_logits(const T5Generator& g, const std::string& text) {
  const T5Model& m = g.model();
  T5DecoderState state = m.start_decoding(m.encode(g.tokenizer().encode(text)), 1, 2);
  std::vector<float> logits;
  m.decode_step(state, {m.config().decoder_start_token_id}, logits);
  return logits;
}

}  // namespace

TEST(T5Refuses, MissingSpieceModel) {
  const fs::path dir = copy_fixture("t5-tiny", "no-spiece");
  fs::remove(dir / "spiece.model");
  expect_refused([&] { T5Generator g(dir.string()); }, {(dir / "spiece.model").string(), "missing"});
}

TEST(T5Refuses, CorruptSpieceModel) {
  const fs::path dir = copy_fixture("t5-tiny", "bad-spiece");
  test::write_file(dir / "spiece.model", "this is not a protobuf");
  expect_refused([&] { T5Generator g(dir.string()); }, {"spiece.model", "not a sentencepiece model"});
}

TEST(T5Refuses, MissingTensor) {
  const fs::path dir = copy_fixture("t5-tiny", "missing-tensor");
  edit_tensors(dir, [](auto& t) { t.erase("decoder.block.1.layer.2.DenseReluDense.wo.weight"); });
  expect_refused([&] { T5Model::load(dir.string()); },
                 {"model.safetensors", "'decoder.block.1.layer.2.DenseReluDense.wo.weight'", "missing"});
}

TEST(T5Refuses, TensorShapeDiffersFromFile) {
  const fs::path dir = copy_fixture("t5-tiny", "bad-shape");
  // Same bytes, other shape: only the shape check can catch it.
  edit_tensors(dir, [](auto& t) { t.at("encoder.block.1.layer.0.SelfAttention.k.weight").shape = {32, 128}; });
  expect_refused([&] { T5Model::load(dir.string()); },
                 {"model.safetensors", "'encoder.block.1.layer.0.SelfAttention.k.weight'", "[32, 128]", "[64, 64]"});
}

TEST(T5Refuses, ConfigShapeDiffersFromTensors) {
  const fs::path dir = copy_fixture("t5-tiny-gated", "bad-dff");
  edit_json(dir / "config.json", [](json& j) { j["d_ff"] = 100; });
  expect_refused([&] { T5Model::load(dir.string()); },
                 {"model.safetensors", "'encoder.block.0.layer.1.DenseReluDense.wi_0.weight'", "[96, 64]",
                  "config.json implies [100, 64]"});
}

TEST(T5Refuses, UnknownFeedForwardProj) {
  const fs::path dir = copy_fixture("t5-tiny", "bad-ff");
  edit_json(dir / "config.json", [](json& j) { j["feed_forward_proj"] = "gated-swiglu"; });
  expect_refused([&] { T5Model::load(dir.string()); }, {"config.json", "feed_forward_proj 'gated-swiglu'"});
}

TEST(T5Refuses, BertFolder) {
  const std::string bert = test::t5_fixture("bert-tiny").string();
  expect_refused([&] { T5Generator g(bert); }, {"config.json", "model_type 'bert' is not a T5 model"});
  // Without model_type the missing T5 fields give it away.
  const fs::path dir = copy_fixture("bert-tiny", "bert-no-type");
  edit_json(dir / "config.json", [](json& j) { j.erase("model_type"); });
  expect_refused([&] { T5Model::load(dir.string()); }, {"config.json", "field 'd_model' is missing"});
}

TEST(T5Refuses, MoreLayersInConfigThanInFile) {
  const fs::path dir = copy_fixture("t5-tiny", "more-layers");
  edit_json(dir / "config.json", [](json& j) { j["num_decoder_layers"] = 3; });
  expect_refused([&] { T5Model::load(dir.string()); }, {"'decoder.block.2.layer.0.layer_norm.weight'", "missing"});
}

TEST(T5Refuses, FewerLayersInConfigThanInFile) {
  const fs::path dir = copy_fixture("t5-tiny-gated", "fewer-layers");
  edit_json(dir / "config.json", [](json& j) { j["num_decoder_layers"] = 2; });
  expect_refused([&] { T5Model::load(dir.string()); }, {"model.safetensors", "'decoder.block.2.", "not part of the model"});
}

TEST(T5Refuses, UntiedConfigWithoutLmHead) {
  const fs::path dir = copy_fixture("t5-tiny", "untied");
  edit_json(dir / "config.json", [](json& j) { j["tie_word_embeddings"] = false; });
  expect_refused([&] { T5Model::load(dir.string()); }, {"'lm_head.weight'", "missing"});
}

TEST(T5Refuses, MissingOrBrokenFiles) {
  const fs::path dir = copy_fixture("t5-tiny", "files");
  expect_refused([&] { T5Model::load((dir / "nope").string()); }, {"nope", "does not exist"});

  const std::string weights = test::read_file(dir / "model.safetensors");
  test::write_file(dir / "model.safetensors", weights.substr(0, weights.size() / 2));
  expect_refused([&] { T5Model::load(dir.string()); }, {"model.safetensors", "truncated"});

  fs::remove(dir / "model.safetensors");
  test::write_file(dir / "pytorch_model.bin", "x");
  expect_refused([&] { T5Model::load(dir.string()); }, {"model.safetensors", "missing", "pytorch_model.bin"});

  fs::remove(dir / "config.json");
  expect_refused([&] { T5Model::load(dir.string()); }, {"config.json", "missing"});
}

TEST(T5Refuses, UnsupportedGenerationSettings) {
  const fs::path dir = copy_fixture("t5-tiny", "gen-unsupported");
  edit_json(dir / "generation_config.json", [](json& j) { j["no_repeat_ngram_size"] = 3; });
  expect_refused([&] { T5Generator g(dir.string()); }, {"generation_config.json", "no_repeat_ngram_size 3"});
  edit_json(dir / "generation_config.json", [](json& j) {
    j.erase("no_repeat_ngram_size");
    j["early_stopping"] = "sometimes";
  });
  expect_refused([&] { T5Generator g(dir.string()); }, {"generation_config.json", "early_stopping"});
}

TEST(T5Loads, GenerationConfigSettings) {
  const fs::path dir = copy_fixture("t5-tiny", "gen");
  edit_json(dir / "generation_config.json", [](json& j) {
    j["num_beams"] = 4;
    j["early_stopping"] = "never";
    j["length_penalty"] = 0.5;
    j["max_new_tokens"] = 10;
    j["max_length"] = 50;  // max_new_tokens wins
  });
  const GenerationConfig c = T5Generator(dir.string()).default_config();
  EXPECT_EQ(c.num_beams, 4);
  EXPECT_EQ(c.early_stopping, EarlyStopping::Never);
  EXPECT_FLOAT_EQ(c.length_penalty, 0.5f);
  EXPECT_EQ(c.max_length, 11);
  EXPECT_EQ(c.eos_token_id, 1);

  // Without generation_config.json: config.json and generate()'s defaults.
  fs::remove(dir / "generation_config.json");
  const GenerationConfig d = T5Generator(dir.string()).default_config();
  EXPECT_EQ(d.num_beams, 1);
  EXPECT_EQ(d.max_length, 20);
  EXPECT_EQ(d.early_stopping, EarlyStopping::Heuristic);
}

TEST(T5Loads, TiedCopiesAndStaleTensorsOfOtherExports) {
  const fs::path dir = copy_fixture("t5-tiny", "aliases");
  edit_tensors(dir, [](auto& t) {
    auto shared = t.at("shared.weight");
    t.erase("shared.weight");
    t["encoder.embed_tokens.weight"] = shared;
    t["decoder.embed_tokens.weight"] = shared;
    t["lm_head.weight"] = shared;  // tied: HF ignores what is stored here
    for (auto& b : t["lm_head.weight"].bytes) b = 0;
    t["decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight"] =
        t.at("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
  });
  const T5Generator copy(dir.string());
  const T5Generator& original = test::t5_generator("t5-tiny");
  const std::string text = test::t5_golden("t5-tiny")["cases"][1]["text"];
  EXPECT_EQ(first_step_logits(copy, text), first_step_logits(original, text));
  const auto& want = test::t5_golden("t5-tiny")["cases"][1]["beam"];
  EXPECT_EQ(copy.generate(text, test::t5_golden_generation(test::t5_golden("t5-tiny"))).ids,
            want["ids"].get<std::vector<int>>());
}

TEST(T5Loads, Float16Weights) {
  const fs::path dir = copy_fixture("t5-tiny-gated", "f16");
  edit_tensors(dir, [](auto& t) {
    for (auto& [name, tensor] : t) tensor = test::to_f16(tensor);
  });
  const T5Generator half(dir.string());
  const T5Generator& full = test::t5_generator("t5-tiny-gated");
  const std::string text = test::t5_golden("t5-tiny-gated")["cases"][0]["text"];
  const auto a = first_step_logits(half, text), b = first_step_logits(full, text);
  ASSERT_EQ(a.size(), b.size());
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(double(a[i]) - b[i]));
  // Rounding the weights to 11 bits moves the logits a little, not a lot.
  EXPECT_GT(worst, 0.0);
  EXPECT_LT(worst, 0.5);
  EXPECT_EQ(std::max_element(a.begin(), a.end()) - a.begin(), std::max_element(b.begin(), b.end()) - b.begin());
}
