// Beam search and greedy search on small hand-made next-token models, where
// the right answer can be found by enumerating every sequence.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "nn/kernels.h"
#include "promptlist/t5_generation.h"

using namespace promptlist;

namespace {

// Logits are a fixed pseudo-random function of the prefix, so the model has
// no state but the prefixes themselves.
class PrefixHashModel : public NextTokenModel {
 public:
  PrefixHashModel(int vocab, unsigned seed, float spread) : vocab_(vocab), seed_(seed), spread_(spread) {}

  int vocab_size() const override { return vocab_; }
  void start(int rows, int) override { prefixes_.assign(rows, {}); }
  void step(const std::vector<int>& tokens, std::vector<float>& logits) override {
    logits.resize(prefixes_.size() * vocab_);
    for (std::size_t r = 0; r < prefixes_.size(); ++r) {
      prefixes_[r].push_back(tokens[r]);
      const auto l = logits_for(prefixes_[r]);
      std::copy(l.begin(), l.end(), logits.begin() + r * vocab_);
    }
  }
  void select_rows(const std::vector<int>& source_rows) override {
    auto old = prefixes_;
    for (std::size_t r = 0; r < source_rows.size(); ++r) prefixes_[r] = old[source_rows[r]];
  }

  std::vector<float> logits_for(const std::vector<int>& prefix) const {
    std::size_t h = seed_;
    for (int t : prefix) h = h * 1000003u + static_cast<std::size_t>(t) + 1;
    std::mt19937 rng(static_cast<unsigned>(h ^ (h >> 32)));
    std::normal_distribution<float> normal(0.0f, spread_);
    std::vector<float> l(vocab_);
    for (float& v : l) v = normal(rng);
    return l;
  }

  std::vector<float> log_probs_for(const std::vector<int>& prefix) const {
    auto l = logits_for(prefix);
    std::vector<float> lp(l.size());
    nn::log_softmax(l.data(), vocab_, lp.data());
    return lp;
  }

 private:
  int vocab_;
  unsigned seed_;
  float spread_;
  std::vector<std::vector<int>> prefixes_;
};

struct Scored {
  std::vector<int> ids;
  double score;
};

// Every finished sequence (ending in eos) and every max-length sequence,
// scored as beam search scores hypotheses; best first.
std::vector<Scored> enumerate_all(const PrefixHashModel& m, const GenerationConfig& c) {
  std::vector<Scored> all;
  std::function<void(std::vector<int>&, double)> walk = [&](std::vector<int>& seq, double sum) {
    const int generated = static_cast<int>(seq.size()) - 1;
    if (static_cast<int>(seq.size()) == c.max_length) {
      all.push_back({seq, sum / std::pow(generated, c.length_penalty)});
      return;
    }
    const auto lp = m.log_probs_for(seq);
    for (int t = 0; t < m.vocab_size(); ++t) {
      seq.push_back(t);
      if (t == c.eos_token_id)
        all.push_back({seq, (sum + lp[t]) / std::pow(generated + 1, c.length_penalty)});
      else
        walk(seq, sum + lp[t]);
      seq.pop_back();
    }
  };
  std::vector<int> seq{c.decoder_start_token_id};
  walk(seq, 0.0);
  std::sort(all.begin(), all.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
  return all;
}

}  // namespace

TEST(BeamSearch, NeverStoppingEarlyFindsTheBestSequence) {
  // vocab 3, max_length 5, 24 beams: at most 2^3 running prefixes, so
  // nothing can be pruned and beam search must return the global optimum.
  int compared = 0;
  for (float length_penalty : {0.5f, 1.0f, 2.0f})
    for (unsigned seed = 1; seed <= 40; ++seed) {
      PrefixHashModel model(3, seed, 2.0f);
      GenerationConfig c;
      c.num_beams = 24;
      c.max_length = 5;
      c.length_penalty = length_penalty;
      c.early_stopping = EarlyStopping::Never;
      c.decoder_start_token_id = 0;
      c.eos_token_id = 1;
      const auto all = enumerate_all(model, c);
      const GenerationResult got = beam_search(model, c);
      EXPECT_NEAR(got.score, all[0].score, 1e-5) << "seed " << seed << " lp " << length_penalty;
      if (all[0].score - all[1].score > 1e-4) {  // ids only when the optimum is clear
        EXPECT_EQ(got.ids, all[0].ids) << "seed " << seed << " lp " << length_penalty;
        ++compared;
      }
    }
  EXPECT_GT(compared, 100);
}

TEST(BeamSearch, ScoreIsSumOfLogProbsOverGeneratedLength) {
  // Whatever the stopping rule, the returned score must be the returned
  // sequence's own normalised score.
  for (EarlyStopping es : {EarlyStopping::WhenEnoughHypotheses, EarlyStopping::Heuristic, EarlyStopping::Never})
    for (unsigned seed = 1; seed <= 20; ++seed) {
      PrefixHashModel model(7, seed, 1.5f);
      GenerationConfig c;
      c.num_beams = 3;
      c.max_length = 8;
      c.length_penalty = 1.3f;
      c.early_stopping = es;
      const GenerationResult got = beam_search(model, c);
      ASSERT_GE(got.ids.size(), 2u);
      ASSERT_LE(static_cast<int>(got.ids.size()), c.max_length);
      const bool ended = got.ids.back() == c.eos_token_id;
      ASSERT_TRUE(ended || static_cast<int>(got.ids.size()) == c.max_length);
      double sum = 0;
      std::vector<int> prefix{got.ids[0]};
      for (std::size_t i = 1; i < got.ids.size(); ++i) {
        sum += model.log_probs_for(prefix)[got.ids[i]];
        prefix.push_back(got.ids[i]);
      }
      const int generated = static_cast<int>(got.ids.size()) - 1;
      EXPECT_NEAR(got.score, sum / std::pow(generated, c.length_penalty), 1e-5);
    }
}

TEST(GreedySearch, PicksTheArgmaxEachStepAndStopsAtMaxLength) {
  PrefixHashModel model(5, 7, 1.0f);
  GenerationConfig c;
  c.max_length = 12;
  c.eos_token_id = 99;  // never produced: runs to max_length
  const GenerationResult got = greedy_search(model, c);
  ASSERT_EQ(static_cast<int>(got.ids.size()), c.max_length);
  std::vector<int> prefix{0};
  double sum = 0;
  for (std::size_t i = 1; i < got.ids.size(); ++i) {
    const auto l = model.logits_for(prefix);
    EXPECT_EQ(got.ids[i], std::max_element(l.begin(), l.end()) - l.begin());
    sum += model.log_probs_for(prefix)[got.ids[i]];
    prefix.push_back(got.ids[i]);
  }
  EXPECT_NEAR(got.score, sum, 1e-5);
}
