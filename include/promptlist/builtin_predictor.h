// promptlist/builtin_predictor.h: the built-in feature predictor, learned
// from the catalog's own tracks; no download.
//
// Training: every word of a track's name, album and playlists (name, genre,
// subgenre) gets a profile: how far the mean audio features of the tracks
// carrying it sit from the catalog mean, shrunk towards 0 for rare words
// (n / (n + shrinkage)). "acoustic", "remix", "sleep", "party" get strong
// profiles; "the" or "love" none.
//
// Prediction: each prompt word is matched to its nearest profile words in
// GloVe space (itself when present), so a word never seen in training, like
// "tranquil", still maps through neighbours such as "calm" and "peaceful".
// The deviations are averaged with SIF word weights. A feature is output
// only when its predicted deviation is large enough to matter (the prompt
// speaks of it); confidence grows with the deviation and the match
// strength. Stated constraints ("120 bpm", "acoustic") are applied last and
// win.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "promptlist/catalog.h"
#include "promptlist/feature_predictor.h"
#include "promptlist/word_vectors.h"

namespace promptlist {

struct BuiltinPredictorOptions {
  double shrinkage = 25;          // pseudo-count pulling rare words' profiles to 0
  std::size_t min_tracks = 5;     // words on fewer tracks get no profile
  std::size_t neighbours = 8;     // profile words each prompt word is matched to
  double min_similarity = 0.45;   // GloVe cosine below which a neighbour is ignored
  double min_deviation = 0.15;  // in catalog standard deviations: below, the feature is not output
  bool apply_stated = true;      // false: the learned part alone (for evaluation)
};

// The features the built-in predictor learns (the others are only stated).
const std::vector<Feature>& learned_features();

class BuiltinFeaturePredictor : public FeaturePredictor {
 public:
  // tracks: Catalog::songs_with_features(); memberships:
  // Catalog::playlist_memberships(). Tracks whose key is in exclude are left
  // out of training (held-out evaluation).
  BuiltinFeaturePredictor(std::shared_ptr<const WordVectors> vectors, const std::vector<Song>& tracks,
                          const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships,
                          BuiltinPredictorOptions options = {}, const std::vector<std::int64_t>& exclude = {});
  ~BuiltinFeaturePredictor() override;

  std::string name() const override { return "builtin"; }
  FeatureTarget predict(std::string_view prompt) const override;
  std::size_t profile_words() const;

 private:
  struct Model;
  std::unique_ptr<Model> model_;
};

}  // namespace promptlist
