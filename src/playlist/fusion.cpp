#include "promptlist/fusion.h"

namespace promptlist {

void fuse(std::vector<FusedCandidate>& candidates, const std::vector<double>& best_scores,
          const FusionOptions& options, const std::vector<double>& weights) {
  const std::size_t signals = best_scores.size();
  const auto weight = [&](std::size_t s) { return s < weights.size() ? weights[s] : 1.0; };
  double total_weight = 0;
  for (std::size_t s = 0; s < signals; ++s) total_weight += weight(s);
  const double k1 = options.rrf_k + 1;
  for (auto& c : candidates) {
    c.score = 0;
    for (std::size_t s = 0; s < signals && s < c.hits.size(); ++s) {
      if (!c.hits[s]) continue;
      c.score += signals == 1 ? c.hits[s]->score / best_scores[s]
                              : weight(s) / (k1 + static_cast<double>(c.hits[s]->rank));
    }
    if (signals > 1) c.score *= k1 / total_weight;
  }
}

}  // namespace promptlist
