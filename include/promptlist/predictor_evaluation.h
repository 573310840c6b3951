// promptlist/predictor_evaluation.h: how well a learned feature predictor
// (the sound model's or the built-in one) generalises, measured on
// playlists it never saw.
//
// Every k-th playlist (by id) is held out whole: none of its tracks is used
// in training. Its name is the prompt; every track with features is ranked
// by sound fit to the prediction; the AUC is the chance that one of the
// playlist's own tracks ranks above a random other track (0.5 = random).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "promptlist/catalog.h"
#include "promptlist/feature_predictor.h"

namespace promptlist {

struct HeldOutPlaylist {
  std::string prompt;  // the playlist's name
  std::size_t tracks = 0;
  double auc = 0.5;
  std::vector<std::string> features;  // what the predictor named
};

struct HeldOutReport {
  std::size_t held_out = 0;
  std::size_t without_prediction = 0;  // playlists whose name named no feature
  double mean_auc = 0.5;               // over playlists with a prediction
  double share_above_random = 0;       // share of those with AUC > 0.5
  std::vector<HeldOutPlaylist> playlists;
};

// Trains a predictor on every track except those in `exclude`.
using PredictorTrainer = std::function<std::unique_ptr<FeaturePredictor>(const std::vector<std::int64_t>& exclude)>;

HeldOutReport evaluate_held_out_playlists(const PredictorTrainer& train, const std::vector<Song>& tracks,
                                          const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships,
                                          std::size_t every = 5);

}  // namespace promptlist
