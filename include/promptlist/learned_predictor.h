// promptlist/learned_predictor.h: prompt -> target audio features, read
// through the sound model (sound_model.h) in the sentence embedder's space.
//
//   LearnedFeaturePredictor predictor(read_sound_model(path, embedder.model_id()), embedder);
//   FeatureTarget t = predictor.predict("calm acoustic songs for studying");
//   // acousticness up, energy down: "like 'Unplugged Hits', 'Lush Lofi'"
//
// The prompt's own words that can describe sound (sound_words: negated
// phrases and "songs", "music" left out) are embedded once; the nearest
// descriptors (playlists, genres, recurring words) vote with their
// tracks' deviation from the catalog, each weighed by how close it is and
// shrunk by how few tracks it stands on. A feature becomes a target only
// where the vote moves it clearly away from typical; a prompt whose nearest
// descriptor is far says nothing about sound, and the target says so in a
// note instead of inventing values. Stated constraints ("120 bpm", "no
// vocals", "not too loud") are applied first and win.
#pragma once

#include "promptlist/embedder.h"
#include "promptlist/feature_predictor.h"
#include "promptlist/sound_model.h"

namespace promptlist {

struct LearnedPredictorOptions {
  std::size_t neighbours = 8;     // descriptors that vote on one prompt
  double min_similarity = 0.30;   // cosine at or below which a descriptor has no vote
  double full_similarity = 0.60;  // the nearest descriptor's cosine at which the vote counts fully
  double shrinkage = 20;          // tracks of pseudo-evidence for "typical" behind every descriptor
  double min_deviation = 0.20;    // standard deviations: a smaller predicted move is no target
  bool apply_stated = true;       // false: the learned part alone (for evaluation)
};

class LearnedFeaturePredictor : public FeaturePredictor {
 public:
  // embedder must be the model's (model.model_id) and outlive the predictor.
  LearnedFeaturePredictor(SoundModelData model, const Embedder& embedder, LearnedPredictorOptions options = {});

  std::string name() const override { return "learned"; }
  FeatureTarget predict(std::string_view prompt) const override;
  const SoundModelData& model() const { return model_; }

 private:
  SoundModelData model_;
  const Embedder& embedder_;
  LearnedPredictorOptions options_;
};

}  // namespace promptlist
