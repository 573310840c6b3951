#include "promptlist/learned_predictor.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>

#include "features/activity_sounds.h"
#include "features/describing_words.h"
#include "promptlist/error.h"

namespace promptlist {

namespace {

struct Vote {
  std::uint32_t descriptor;
  double similarity;
  double weight;  // closeness beyond min_similarity times the descriptor's evidence
};

// Unit vectors of texts.
std::vector<float> unit_embeddings(const Embedder& embedder, const std::vector<std::string>& texts) {
  const std::size_t dim = embedder.dim();
  std::vector<float> v(texts.size() * dim);
  embedder.embed(texts, v.data());
  for (std::size_t r = 0; r < texts.size(); ++r) {
    double norm = 0;
    for (std::size_t d = 0; d < dim; ++d) norm += static_cast<double>(v[r * dim + d]) * v[r * dim + d];
    if (norm > 0)
      for (std::size_t d = 0; d < dim; ++d) v[r * dim + d] = static_cast<float>(v[r * dim + d] / std::sqrt(norm));
  }
  return v;
}

// The descriptors nearest the query that are near enough to vote, nearest first.
std::vector<Vote> nearest(const SoundModelData& m, const float* query, const LearnedPredictorOptions& o) {
  const std::size_t n = m.descriptors.size();
  std::vector<float> sims(n);
  cblas_sgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(n), static_cast<int>(m.dim), 1.0f, m.vectors.data(),
              static_cast<int>(m.dim), query, 1, 0.0f, sims.data(), 1);
  std::vector<std::uint32_t> order(n);
  for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
  const std::size_t k = std::min(o.neighbours, n);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](std::uint32_t a, std::uint32_t b) { return sims[a] > sims[b] || (sims[a] == sims[b] && a < b); });
  std::vector<Vote> votes;
  for (std::size_t j = 0; j < k && sims[order[j]] > o.min_similarity; ++j) {
    const SoundDescriptor& d = m.descriptors[order[j]];
    const double evidence = (d.kind == DescriptorKind::activity ? kActivityVoteWeight : 1.0) * d.tracks /
                            (d.tracks + o.shrinkage);
    votes.push_back({order[j], sims[order[j]], (sims[order[j]] - o.min_similarity) * evidence});
  }
  return votes;
}

// "like 'Lush Lofi', 'chill'": the two voters that pushed feature i most
// in the direction of the prediction.
std::string evidence_for(const SoundModelData& m, const std::vector<Vote>& votes, std::size_t i, double direction) {
  std::vector<std::pair<double, std::uint32_t>> pushes;
  for (const Vote& v : votes) {
    const double push = v.weight * m.deviation[v.descriptor * m.features.size() + i] * direction;
    if (push > 0) pushes.push_back({-push, v.descriptor});
  }
  std::sort(pushes.begin(), pushes.end());
  std::string evidence = "like";
  for (std::size_t j = 0; j < std::min<std::size_t>(2, pushes.size()); ++j)
    evidence += (j ? ", '" : " '") + m.descriptors[pushes[j].second].text + "'";
  return evidence;
}

// Sets the features the votes move clearly away from typical.
bool apply_votes(FeatureTarget& target, const SoundModelData& m, const std::vector<Vote>& votes,
                 const LearnedPredictorOptions& o) {
  double total_weight = 0, best = o.min_similarity;
  for (const Vote& v : votes) total_weight += v.weight, best = std::max(best, v.similarity);
  if (total_weight <= 0) return false;
  const double strength = std::clamp((best - o.min_similarity) / (o.full_similarity - o.min_similarity), 0.0, 1.0);
  const std::size_t nf = m.features.size();
  bool predicted = false;
  for (std::size_t i = 0; i < nf; ++i) {
    double z = 0, spread = 0;
    for (const Vote& v : votes) {
      z += v.weight * m.deviation[v.descriptor * nf + i];
      spread += v.weight * m.spread[v.descriptor * nf + i];
    }
    z = std::clamp(strength * z / total_weight, -2.5, 2.5);
    if (std::abs(z) < o.min_deviation) continue;
    // As sure as the vote is strong: a weak vote keeps the catalog's spread.
    spread = strength * spread / total_weight + (1 - strength);
    FeatureGoal goal{m.mean[i] + z * m.stddev[i], std::min(1.0, std::abs(z)), TargetSource::predicted,
                     evidence_for(m, votes, i, z)};
    goal.tolerance = std::max(0.05, spread) * m.stddev[i];
    target.set(m.features[i], goal);
    predicted = true;
  }
  return predicted;
}

}  // namespace

LearnedFeaturePredictor::LearnedFeaturePredictor(SoundModelData model, const Embedder& embedder,
                                                 LearnedPredictorOptions options)
    : model_(std::move(model)), embedder_(embedder), options_(options) {
  if (model_.model_id != embedder.model_id() || model_.dim != embedder.dim())
    throw Error("the sound model was learned with " + model_.model_id + ", not with " + embedder.model_id());
}

FeatureTarget LearnedFeaturePredictor::predict(std::string_view prompt) const {
  FeatureTarget target = options_.apply_stated ? stated_constraints(prompt) : FeatureTarget{};
  const std::string words = sound_words(prompt);
  bool predicted = false;
  if (!words.empty() && !model_.descriptors.empty())
    predicted = apply_votes(target, model_, nearest(model_, unit_embeddings(embedder_, {words}).data(), options_), options_);
  if (!predicted && target.empty())
    target.notes.push_back("the prompt says nothing about how the music should sound (no playlist, genre or "
                           "word the catalog knows is near it)");
  return target;
}

}  // namespace promptlist
