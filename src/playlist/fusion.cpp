#include "promptlist/fusion.h"

namespace promptlist {

void fuse(std::vector<FusedCandidate>& candidates, const std::vector<double>& best_scores,
          const FusionOptions& options, const std::vector<SignalWeight>& weights) {
  const std::size_t signals = best_scores.size();
  const auto weight = [&](std::size_t s) { return s < weights.size() ? weights[s] : SignalWeight{}; };
  double total_weight = 0;
  for (std::size_t s = 0; s < signals; ++s) total_weight += weight(s).weight;
  const double k1 = options.rrf_k + 1;  // first in a signal of full share
  for (auto& c : candidates) {
    c.score = 0;
    for (std::size_t s = 0; s < signals && s < c.hits.size(); ++s) {
      if (!c.hits[s]) continue;
      // Place p = rank + 1 is read as p / share: a weak signal's first song
      // ranks with a strong one's 1 / share-th, not with its first.
      const SignalWeight w = weight(s);
      const double place = (static_cast<double>(c.hits[s]->rank) + 1) / w.share;
      c.score += signals == 1 ? c.hits[s]->score / best_scores[s] : w.weight / (options.rrf_k + place);
    }
    if (signals > 1) c.score *= k1 / total_weight;
    c.score *= c.acceptance;
  }
}

}  // namespace promptlist
