// promptlist/feature_target.h: the audio features a prompt asks for.
//
// A target holds only the features the prompt speaks of, each with a value
// inside the feature's target range, a confidence in [0, 1], and where it
// came from: learned by a predictor, stated explicitly ("120 bpm"), or set
// by the user (--tempo 120). Explicit and user values win over predictions.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "promptlist/feature_schema.h"

namespace promptlist {

enum class TargetSource { predicted, stated, user };
const char* to_string(TargetSource);

struct FeatureGoal {
  double value = 0;
  double confidence = 0;       // 0..1: how sure the source is
  TargetSource source = TargetSource::predicted;
  std::string evidence;        // e.g. "\"120 bpm\"", "like playlists 'Chill Vibes', 'Acoustic Hits'"
  // How far from value a track may lie and still fit well, in the
  // feature's units; 0: the catalog's own spread (SoundRanker). A learned
  // goal is as tight as the tracks it was learned from.
  double tolerance = 0;
};

struct FeatureTarget {
  std::array<std::optional<FeatureGoal>, kFeatureCount> goals{};
  std::vector<std::string> notes;  // what was repaired, ignored or guessed

  std::optional<FeatureGoal>& operator[](Feature f) { return goals[static_cast<std::size_t>(f)]; }
  const std::optional<FeatureGoal>& operator[](Feature f) const { return goals[static_cast<std::size_t>(f)]; }
  bool empty() const;
  // Sets a goal unless one from a stronger source is already there
  // (user > stated > predicted); values are clamped to the target range.
  void set(Feature f, FeatureGoal goal);
};

// Sets every given value as the listener's own goal (confidence 1, "set by
// you"): they win over stated and predicted ones.
void apply_overrides(FeatureTarget& target, const FeatureValues& overrides);

// {"features": {"energy": {"value": 0.8, "confidence": 0.7, "source": "predicted", "evidence": "..."}}, "notes": [...]}
nlohmann::json to_json(const FeatureTarget& target);

}  // namespace promptlist
