#include "promptlist/sound_ranking.h"

#include <cmath>

namespace promptlist {

SoundRanker::SoundRanker(std::vector<Song> tracks) : tracks_(std::move(tracks)) {
  // Spread per feature: the catalog's standard deviation for linear
  // features; fixed scales where the feature has its own geometry.
  for (const auto& spec : feature_specs()) {
    const auto i = static_cast<std::size_t>(spec.feature);
    double sum = 0, sum2 = 0;
    std::size_t n = 0;
    for (const auto& t : tracks_)
      if (auto v = t.features[spec.feature]) {
        sum += *v;
        sum2 += *v * *v;
        ++n;
      }
    mean_[i] = n ? sum / n : 0;
    const double sd = n > 1 ? std::sqrt(std::max(0.0, sum2 / n - mean_[i] * mean_[i])) : 0;
    switch (spec.scale) {
      case FeatureScale::circular: spread_[i] = 3; break;   // 3 semitones = one unit of distance
      case FeatureScale::category: spread_[i] = 1; break;
      default: spread_[i] = sd > 0 ? sd : (spec.target_max - spec.target_min) / 4; break;
    }
  }
}

std::optional<FeatureFit> SoundRanker::fit(const Song& track, const FeatureTarget& target) const {
  FeatureFit fit;
  double weighted = 0, weights = 0;
  for (const auto& spec : feature_specs()) {
    const auto& goal = target[spec.feature];
    const auto& value = track.features[spec.feature];
    if (!goal || !value) continue;
    const auto i = static_cast<std::size_t>(spec.feature);
    double diff = std::abs(*value - goal->value);
    if (spec.scale == FeatureScale::circular) diff = std::min(diff, 12 - diff);
    if (spec.scale == FeatureScale::category) diff = diff > 0.5 ? 1 : 0;
    const double z = diff / spread_[i];
    const double f = std::exp(-0.5 * z * z);  // 1 on target, 0.61 at one spread away
    fit.per_feature[i] = f;
    // A feature the prompt stresses weighs more: stated or user-set goals
    // count double, predicted ones by their confidence.
    const double w = goal->source == TargetSource::predicted ? std::max(0.1, goal->confidence) : 2.0;
    weighted += w * f;
    weights += w;
  }
  if (weights == 0) return std::nullopt;
  fit.total = weighted / weights;
  return fit;
}

}  // namespace promptlist
