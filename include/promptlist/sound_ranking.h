// promptlist/sound_ranking.h: how well a track's real audio features fit a
// target, and the fusion of that with the lyrics score.
#pragma once

#include <array>
#include <cmath>
#include <optional>
#include <vector>

#include "promptlist/catalog.h"
#include "promptlist/feature_target.h"

namespace promptlist {

// Per-feature fit in [0, 1] (1 = exactly on target) and the weighted total.
struct FeatureFit {
  double total = 0;  // weighted mean of the per-feature fits
  std::array<std::optional<double>, kFeatureCount> per_feature{};
};

// Scales each feature's distance by a spread (the catalog's standard
// deviation for linear features), so that 0.1 of energy and 10 BPM of tempo
// count comparably. Built once per catalog.
class SoundRanker {
 public:
  explicit SoundRanker(std::vector<Song> tracks);  // songs_with_features()
  const std::vector<Song>& tracks() const { return tracks_; }
  // Fit of one track; nullopt when the track has none of the target's features.
  std::optional<FeatureFit> fit(const Song& track, const FeatureTarget& target) const;
  // The total fit of every track of tracks() at once, from a dense copy of
  // their features (NaN: the track has none of the target's features).
  // This is the per-request hot path: 66k tracks in a few milliseconds.
  std::vector<float> fit_all(const FeatureTarget& target) const;
  double spread(Feature f) const { return spread_[static_cast<std::size_t>(f)]; }
  double mean(Feature f) const { return mean_[static_cast<std::size_t>(f)]; }

 private:
  std::vector<Song> tracks_;
  std::vector<float> values_;  // [kFeatureCount][tracks]: one column per feature, NaN where unknown
  std::array<double, kFeatureCount> spread_{}, mean_{};
};

}  // namespace promptlist
