#include "promptlist/sound_ranking.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "util/fast_exp.h"

namespace promptlist {

namespace {

// One target feature, ready for the inner loop.
struct Goal {
  std::size_t feature;
  double value, spread, weight;
  FeatureScale scale;
  double tolerance;   // > 0: a learned goal, fitted against the catalog (below)
  double background;  // the catalog's mean of the feature
  double log_width;   // log(tolerance / spread), once per goal rather than per track
};

std::vector<Goal> goals_of(const FeatureTarget& target, const std::array<double, kFeatureCount>& spread,
                           const std::array<double, kFeatureCount>& mean) {
  std::vector<Goal> goals;
  for (const auto& spec : feature_specs()) {
    const auto& g = target[spec.feature];
    if (!g) continue;
    // A feature the prompt stresses weighs more: stated or user-set goals
    // count double, predicted ones by their confidence.
    const double w = g->source == TargetSource::predicted ? std::max(0.1, g->confidence) : 2.0;
    const auto i = static_cast<std::size_t>(spec.feature);
    const double tolerance = spec.scale == FeatureScale::linear || spec.scale == FeatureScale::unit ? g->tolerance : 0;
    goals.push_back({i, g->value, spread[i], w, spec.scale, tolerance, mean[i],
                     tolerance > 0 ? std::log(tolerance / spread[i]) : 0.0});
  }
  return goals;
}

// A goal learned from tracks (a value and how widely those tracks spread):
// how much more a value looks like those tracks than like the catalog's,
// as the chance it is one of them at even odds. A typical value scores
// about 0.5 however close it lies to the goal, so a prompt that barely
// moves a feature cannot make typical tracks "fit 100%". Past the goal
// (further from typical) the fit stays at the goal's: more of a quality
// is no better than what was asked.
double learned_fit(const Goal& g, double value) {
  if ((value - g.value) * (g.value - g.background) > 0) value = g.value;
  const double to_goal = (value - g.value) / g.tolerance, to_catalog = (value - g.background) / g.spread;
  const double log_ratio = 0.5 * (to_catalog * to_catalog - to_goal * to_goal) - g.log_width;
  return 1.0 / (1.0 + std::exp(-std::clamp(log_ratio, -50.0, 50.0)));
}

// exp(-z^2 / 2) of the scaled distance: 1 on target, 0.61 one spread away.
double feature_fit(const Goal& g, double value) {
  if (g.tolerance > 0) return learned_fit(g, value);
  double diff = std::abs(value - g.value);
  if (g.scale == FeatureScale::circular) diff = std::min(diff, 12 - diff);
  if (g.scale == FeatureScale::category) diff = diff > 0.5 ? 1 : 0;
  const double z = diff / g.spread;
  return std::exp(-0.5 * z * z);
}

// The fit of one goal for a whole column of values (NaN stays NaN), in
// float: the same functions as feature_fit. Cloned per vector width: it
// runs over every track up to three times a served playlist.
__attribute__((target_clones("avx512f", "avx2", "default"))) void column_fit(const Goal& g, const float* values, std::size_t n, float* out) {
  const float goal = static_cast<float>(g.value), per_spread = static_cast<float>(1 / g.spread);
  if (g.tolerance > 0) {
    const float per_tol = static_cast<float>(1 / g.tolerance);
    const float bg = static_cast<float>(g.background), width = static_cast<float>(g.log_width), side = goal - bg;
    for (std::size_t t = 0; t < n; ++t) {
      const float v = (values[t] - goal) * side > 0 ? goal : values[t];  // flat past the goal
      const float to_goal = (v - goal) * per_tol, to_catalog = (v - bg) * per_spread;
      const float log_ratio = std::clamp(0.5f * (to_catalog * to_catalog - to_goal * to_goal) - width, -50.0f, 50.0f);
      out[t] = 1.0f / (1.0f + fast_exp(-log_ratio));
    }
  } else if (g.scale == FeatureScale::circular) {
    for (std::size_t t = 0; t < n; ++t) {
      const float diff = std::abs(values[t] - goal), z = std::min(diff, 12 - diff) * per_spread;
      out[t] = fast_exp(-0.5f * z * z);
    }
  } else if (g.scale == FeatureScale::category) {
    for (std::size_t t = 0; t < n; ++t) out[t] = std::abs(values[t] - goal) > 0.5f ? fast_exp(-0.5f * per_spread * per_spread) : 1.0f;
  } else {
    for (std::size_t t = 0; t < n; ++t) {
      const float z = (values[t] - goal) * per_spread;
      out[t] = fast_exp(-0.5f * z * z);
    }
  }
  for (std::size_t t = 0; t < n; ++t) out[t] = std::isnan(values[t]) ? values[t] : out[t];
}

// Adds one goal's fits, weighted, to the running sums; an unknown value
// (NaN) adds nothing.
__attribute__((target_clones("avx512f", "avx2", "default"))) void add_weighted_fit(float w, const float* fit, std::size_t n,
                                                                                      float* weighted, float* weights) {
  for (std::size_t t = 0; t < n; ++t) {
    const bool known = !std::isnan(fit[t]);
    weighted[t] += known ? w * fit[t] : 0.0f;
    weights[t] += known ? w : 0.0f;
  }
}

}  // namespace

SoundRanker::SoundRanker(std::vector<Song> tracks) : tracks_(std::move(tracks)) {
  values_.assign(tracks_.size() * kFeatureCount, std::nanf(""));
  for (std::size_t t = 0; t < tracks_.size(); ++t)
    for (std::size_t f = 0; f < kFeatureCount; ++f)
      if (auto v = tracks_[t].features.values[f]) values_[f * tracks_.size() + t] = static_cast<float>(*v);
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
  for (const Goal& g : goals_of(target, spread_, mean_)) {
    const auto& value = track.features.values[g.feature];
    if (!value) continue;
    const double f = feature_fit(g, *value);
    fit.per_feature[g.feature] = f;
    weighted += g.weight * f;
    weights += g.weight;
  }
  if (weights == 0) return std::nullopt;
  fit.total = weighted / weights;
  return fit;
}

std::vector<float> SoundRanker::fit_all(const FeatureTarget& target) const {
  const std::size_t n = tracks_.size();
  std::vector<float> weighted(n, 0.0f), weights(n, 0.0f), fit(n);
  for (const Goal& g : goals_of(target, spread_, mean_)) {
    column_fit(g, values_.data() + g.feature * n, n, fit.data());
    add_weighted_fit(static_cast<float>(g.weight), fit.data(), n, weighted.data(), weights.data());
  }
  for (std::size_t t = 0; t < n; ++t) weighted[t] = weights[t] > 0 ? weighted[t] / weights[t] : std::nanf("");
  return weighted;
}

}  // namespace promptlist
