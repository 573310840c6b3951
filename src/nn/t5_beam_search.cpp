// beam_search: generate() with num_beams > 1, do_sample=False, for one input
// (BeamSearchScorer.process / finalize and BeamHypotheses, transformers
// >= 4.35; the rules are spelled out in shared/reference/README.md).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "nn/kernels.h"
#include "promptlist/t5_generation.h"

namespace promptlist {

namespace {

// The n-best list of finished hypotheses (BeamHypotheses).
class FinishedHypotheses {
 public:
  FinishedHypotheses(const GenerationConfig& config) : config_(config) {}

  struct Hypothesis {
    double score;
    std::vector<int> ids;  // start token first, no eos
  };

  std::size_t size() const { return list_.size(); }

  // generated_len: tokens generated, the eos included when there is one.
  void add(const std::vector<int>& ids, double sum_log_probs, int generated_len) {
    const double score = sum_log_probs / std::pow(static_cast<double>(generated_len), config_.length_penalty);
    const std::size_t n = static_cast<std::size_t>(config_.num_beams);
    if (list_.size() < n || score > worst_score_) {
      list_.push_back({score, ids});
      if (list_.size() > n) {
        // Drop the lowest score (the earliest of equals, as a sort of
        // (score, index) pairs picks), the next lowest becomes the bar.
        std::size_t lowest = 0;
        for (std::size_t i = 1; i < list_.size(); ++i)
          if (list_[i].score < list_[lowest].score) lowest = i;
        list_.erase(list_.begin() + static_cast<std::ptrdiff_t>(lowest));
        worst_score_ = list_.front().score;
        for (const auto& h : list_) worst_score_ = std::min(worst_score_, h.score);
      } else {
        worst_score_ = std::min(score, worst_score_);
      }
    }
  }

  // cur_len: the running sequences' length once this step's token is added.
  bool is_done(double best_sum_log_probs, int cur_len) const {
    if (list_.size() < static_cast<std::size_t>(config_.num_beams)) return false;
    const double lp = config_.length_penalty;
    switch (config_.early_stopping) {
      case EarlyStopping::WhenEnoughHypotheses:
        return true;
      case EarlyStopping::Heuristic:
        return worst_score_ >= best_sum_log_probs / std::pow(static_cast<double>(cur_len - 1), lp);
      case EarlyStopping::Never: {
        // With a positive penalty the best reachable score uses the longest
        // possible length; otherwise the current one.
        const int len = lp > 0.0 ? config_.max_length - 1 : cur_len - 1;
        return worst_score_ >= best_sum_log_probs / std::pow(static_cast<double>(len), lp);
      }
    }
    return false;
  }

  // Highest score; among equal scores the later-added one (HF sorts stably
  // and pops the last).
  const Hypothesis& best() const {
    std::size_t best = 0;
    for (std::size_t i = 1; i < list_.size(); ++i)
      if (list_[i].score >= list_[best].score) best = i;
    return list_[best];
  }

 private:
  const GenerationConfig& config_;
  std::vector<Hypothesis> list_;
  double worst_score_ = 1e9;
};

struct Candidate {
  float score;
  int index;  // beam * vocab + token
};

// The k best candidates, highest first, lower index first among equal scores.
std::vector<Candidate> top_candidates(const std::vector<float>& scores, int k) {
  std::vector<Candidate> top;
  top.reserve(k + 1);
  auto better = [](const Candidate& a, const Candidate& b) {
    return a.score > b.score || (a.score == b.score && a.index < b.index);
  };
  for (int i = 0; i < static_cast<int>(scores.size()); ++i) {
    const Candidate c{scores[i], i};
    if (static_cast<int>(top.size()) == k && !better(c, top.back())) continue;
    top.insert(std::upper_bound(top.begin(), top.end(), c, better), c);
    if (static_cast<int>(top.size()) > k) top.pop_back();
  }
  return top;
}

}  // namespace

GenerationResult beam_search(NextTokenModel& model, const GenerationConfig& config) {
  const int beams = config.num_beams, vocab = model.vocab_size(), eos = config.eos_token_id;
  GenerationResult result;
  if (config.max_length <= 1) {
    result.ids = {config.decoder_start_token_id};
    return result;
  }
  std::vector<std::vector<int>> sequences(beams, std::vector<int>{config.decoder_start_token_id});
  // Only the first copy expands at the first step.
  std::vector<float> beam_scores(beams, -1e9f);
  beam_scores[0] = 0.0f;
  std::vector<int> next_tokens(beams, config.decoder_start_token_id);
  FinishedHypotheses finished(config);
  model.start(beams, config.max_length);

  std::vector<float> logits, candidates(static_cast<std::size_t>(beams) * vocab);
  bool done = false;
  while (true) {
    model.step(next_tokens, logits);
    for (int b = 0; b < beams; ++b) {
      float* row = candidates.data() + static_cast<std::size_t>(b) * vocab;
      nn::log_softmax(logits.data() + static_cast<std::size_t>(b) * vocab, vocab, row);
      for (int v = 0; v < vocab; ++v) row[v] += beam_scores[b];
    }
    const std::vector<Candidate> top = top_candidates(candidates, 2 * beams);
    const int cur_len = static_cast<int>(sequences[0].size()) + 1;

    std::vector<float> kept_scores;
    std::vector<int> kept_tokens, kept_sources;
    for (int rank = 0; rank < static_cast<int>(top.size()); ++rank) {
      const int source = top[rank].index / vocab, token = top[rank].index % vocab;
      if (token == eos) {
        // An eos below the first num_beams ranks is not a better ending.
        if (rank >= beams) continue;
        finished.add(sequences[source], top[rank].score, cur_len - 1);
      } else {
        kept_scores.push_back(top[rank].score);
        kept_tokens.push_back(token);
        kept_sources.push_back(source);
      }
      if (static_cast<int>(kept_tokens.size()) == beams) break;
    }
    // 2*num_beams candidates hold at most num_beams eos (one per beam), so
    // this only fails for a vocabulary of eos alone.
    if (static_cast<int>(kept_tokens.size()) < beams) throw std::logic_error("beam_search: vocabulary too small");
    done = done || finished.is_done(top.front().score, cur_len);

    std::vector<std::vector<int>> next_sequences(beams);
    for (int b = 0; b < beams; ++b) {
      next_sequences[b] = sequences[kept_sources[b]];
      next_sequences[b].push_back(kept_tokens[b]);
    }
    sequences = std::move(next_sequences);
    beam_scores = kept_scores;
    next_tokens = kept_tokens;
    if (done || static_cast<int>(sequences[0].size()) >= config.max_length) break;
    model.select_rows(kept_sources);
  }
  if (!done)
    for (int b = 0; b < beams; ++b)
      finished.add(sequences[b], beam_scores[b], static_cast<int>(sequences[b].size()) - 1);

  const auto& best = finished.best();
  result.ids = best.ids;
  if (static_cast<int>(result.ids.size()) < config.max_length) result.ids.push_back(eos);
  result.score = static_cast<float>(best.score);
  return result;
}

}  // namespace promptlist
