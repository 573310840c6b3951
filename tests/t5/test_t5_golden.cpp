// T5 against the PyTorch reference goldens, every case of both fixture
// models: tokenizer ids, encoder output, first-step logits, greedy and beam
// outputs, at the tolerances of shared/reference/README.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "t5_test_support.h"

using namespace promptlist;
using nlohmann::json;

namespace {

struct GoldenCase {
  std::string model;
  int index;
};

// Readable parameter in failure messages instead of a byte dump.
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.model << " case " << c.index; }

std::string case_name(const testing::TestParamInfo<GoldenCase>& info) {
  std::string name = info.param.model + "_" + std::to_string(info.param.index);
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

std::vector<GoldenCase> all_cases() {
  std::vector<GoldenCase> cases;
  for (const char* model : {"t5-tiny", "t5-tiny-gated"}) {
    const std::size_t n = test::t5_golden(model)["cases"].size();
    for (std::size_t i = 0; i < n; ++i) cases.push_back({model, static_cast<int>(i)});
  }
  return cases;
}

class T5Golden : public testing::TestWithParam<GoldenCase> {
 protected:
  const json& golden() const { return test::t5_golden(GetParam().model); }
  const json& expected() const { return golden()["cases"][GetParam().index]; }
  const T5Generator& generator() const { return test::t5_generator(GetParam().model); }
  std::vector<int> input_ids() const { return generator().tokenizer().encode(expected()["text"].get<std::string>()); }
};

TEST_P(T5Golden, InputIdsMatch) {
  EXPECT_EQ(input_ids(), expected()["input_ids"].get<std::vector<int>>());
  EXPECT_EQ(generator().tokenizer().encode_pieces(expected()["text"].get<std::string>()),
            expected()["input_pieces"].get<std::vector<std::string>>());
}

TEST_P(T5Golden, EncoderOutputMatches) {
  const auto& want = expected()["encoder_last_hidden_state"];
  const std::vector<float> out = generator().model().encode(input_ids());
  const int d = generator().model().config().d_model;
  const int rows = static_cast<int>(out.size()) / d;
  ASSERT_EQ(rows, want["shape"][0].get<int>());
  ASSERT_EQ(d, want["shape"][1].get<int>());
  const double tol = golden()["tolerances"]["encoder_values_max_abs"];
  const auto head = want["first_row_head"].get<std::vector<double>>();
  for (std::size_t i = 0; i < head.size(); ++i) EXPECT_NEAR(out[i], head[i], tol) << "first row, column " << i;
  const auto tail = want["last_row_tail"].get<std::vector<double>>();
  for (std::size_t i = 0; i < tail.size(); ++i)
    EXPECT_NEAR(out[out.size() - tail.size() + i], tail[i], tol) << "last row, tail " << i;
  double sum = 0, abs_sum = 0;
  for (float v : out) {
    sum += v;
    abs_sum += std::fabs(v);
  }
  const double rel = golden()["tolerances"]["encoder_sum_rel"];
  // sum can be near zero; its tolerance is relative to the absolute sum.
  EXPECT_NEAR(sum, want["sum"].get<double>(), rel * want["abs_sum"].get<double>());
  EXPECT_NEAR(abs_sum, want["abs_sum"].get<double>(), rel * want["abs_sum"].get<double>());

  if (expected().contains("debug")) {  // the full matrix for the first cases
    const auto full = expected()["debug"]["encoder_last_hidden_state"];
    double worst = 0;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < d; ++c) worst = std::max(worst, std::fabs(out[r * d + c] - full[r][c].get<double>()));
    RecordProperty("encoder_max_abs_diff", std::to_string(worst));
    EXPECT_LE(worst, tol);
  }
}

TEST_P(T5Golden, FirstStepLogitsMatch) {
  const auto& want = expected()["first_step_logits"];
  const T5Model& model = generator().model();
  T5DecoderState state = model.start_decoding(model.encode(input_ids()), 1, 4);
  std::vector<float> logits;
  model.decode_step(state, {model.config().decoder_start_token_id}, logits);
  ASSERT_EQ(static_cast<int>(logits.size()), model.config().vocab_size);
  const double tol = golden()["tolerances"]["logits_max_abs"];
  const auto head = want["head"].get<std::vector<double>>();
  for (std::size_t i = 0; i < head.size(); ++i) EXPECT_NEAR(logits[i], head[i], tol) << "logit " << i;
  EXPECT_EQ(std::max_element(logits.begin(), logits.end()) - logits.begin(), want["argmax"].get<int>());
  EXPECT_NEAR(*std::max_element(logits.begin(), logits.end()), want["max"].get<double>(), tol);
  for (const auto& pair : want["top5"]) EXPECT_NEAR(logits[pair[0].get<int>()], pair[1].get<double>(), tol);
  if (expected().contains("debug")) {
    const auto full = expected()["debug"]["first_step_logits"].get<std::vector<double>>();
    double worst = 0;
    for (std::size_t i = 0; i < full.size(); ++i) worst = std::max(worst, std::fabs(logits[i] - full[i]));
    RecordProperty("logits_max_abs_diff", std::to_string(worst));
    EXPECT_LE(worst, tol);
  }
}

TEST_P(T5Golden, GreedyMatches) {
  GenerationConfig config = test::t5_golden_generation(golden());
  config.num_beams = 1;
  const GenerationResult result = generator().generate(expected()["text"], config);
  const auto& want = expected()["greedy"];
  EXPECT_EQ(result.ids, want["ids"].get<std::vector<int>>());
  EXPECT_EQ(result.text, want["text_cleaned"].get<std::string>());
  double sum_log_probs = 0;
  for (double lp : want["step_logprobs"]) sum_log_probs += lp;
  EXPECT_NEAR(result.score, sum_log_probs, 1e-4);
}

TEST_P(T5Golden, BeamMatches) {
  const GenerationConfig config = test::t5_golden_generation(golden());
  ASSERT_GT(config.num_beams, 1);
  const GenerationResult result = generator().generate(expected()["text"], config);
  const auto& want = expected()["beam"];
  EXPECT_EQ(result.ids, want["ids"].get<std::vector<int>>());
  EXPECT_EQ(result.text, want["text_cleaned"].get<std::string>());
  EXPECT_NEAR(result.score, want["score"].get<double>(), golden()["tolerances"]["beam_score_abs"].get<double>());
  RecordProperty("beam_score_diff", std::to_string(std::fabs(result.score - want["score"].get<double>())));
}

INSTANTIATE_TEST_SUITE_P(AllCases, T5Golden, testing::ValuesIn(all_cases()), case_name);

TEST(T5GoldenSetup, CoversAllSixteenCasesOfBothModels) {
  EXPECT_EQ(all_cases().size(), 32u);
}

TEST(T5Tokenizer, DecodeSkipsSpecialTokensAndSentinels) {
  const T5Tokenizer& tok = test::t5_generator("t5-tiny").tokenizer();
  EXPECT_EQ(tok.piece_count(), 1000);
  EXPECT_EQ(tok.sentinel_id(0), 1099);
  EXPECT_EQ(tok.sentinel_id(99), 1000);
  const json& golden = test::t5_golden("t5-tiny");
  for (const auto& c : golden["cases"]) {
    const auto ids = c["beam"]["ids"].get<std::vector<int>>();
    EXPECT_EQ(tok.decode(ids), c["beam"]["text_cleaned"].get<std::string>());
  }
  // The same pieces read back with a sentinel, pad, eos and unk mixed in.
  const auto jazz = tok.encode("prompt: jazz");
  std::vector<int> noisy = {0, jazz[0], tok.sentinel_id(3), 2, jazz[1], jazz[2], 1099, 1};
  EXPECT_EQ(tok.decode(noisy), "prompt: jazz");
}

TEST(T5Tokenizer, CleanUpTokenizationMatchesTransformers) {
  EXPECT_EQ(clean_up_tokenization("a , b . c ! d ? I 'm it 's do n't we 're you 've x ' y"),
            "a, b. c! d? I'm it's don't we're you've x'y");
}

TEST(T5Tokenizer, TruncationKeepsEos) {
  const T5Tokenizer& tok = test::t5_generator("t5-tiny").tokenizer();
  const auto full = tok.encode("prompt: I need energetic dance music for a party");
  const auto cut = tok.encode("prompt: I need energetic dance music for a party", 5);
  ASSERT_EQ(cut.size(), 5u);
  EXPECT_EQ(std::vector<int>(cut.begin(), cut.end() - 1), std::vector<int>(full.begin(), full.begin() + 4));
  EXPECT_EQ(cut.back(), 1);
}

}  // namespace
