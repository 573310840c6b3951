// promptlist/feature_predictor.h: prompt -> target audio features.
//
// Implementations: BuiltinFeaturePredictor (learned from the catalog's
// playlists over the word vectors, no download) and T5FeaturePredictor (the
// seed's fine-tuned T5, run by our own T5). Both finish with the explicit
// constraints parsed from the prompt (stated_constraints), which win.
#pragma once

#include <string>
#include <string_view>

#include "promptlist/feature_target.h"

namespace promptlist {

class FeaturePredictor {
 public:
  virtual ~FeaturePredictor() = default;
  virtual std::string name() const = 0;
  virtual FeatureTarget predict(std::string_view prompt) const = 0;
};

// Constraints a prompt states outright: "120 bpm", "slow", "fast",
// "under 3 minutes", "instrumental", "live", "acoustic", "in a minor key",
// "in D major" (confidence 1), and words that name a feature's own
// definition: "energetic", "calm", "happy", "sad", "danceable"
// (confidence 0.8). Every goal has source stated.
FeatureTarget stated_constraints(std::string_view prompt);

}  // namespace promptlist
