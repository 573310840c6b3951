// eval_feature_predictor: an honest look at the built-in feature predictor,
// printed as JSON.
//
// 1. Held-out playlists (predictor_evaluation.h): every 5th playlist is held
//    out whole, its name is the prompt, AUC of its tracks under sound fit.
// 2. The seed card's five examples: for every feature the card's answer
//    names, is our prediction on the same side of the catalog mean?
//
// Usage: eval_feature_predictor   (catalog and model from $PROMPTLIST_HOME,
// as made by setup.sh)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "promptlist/builtin_predictor.h"
#include "promptlist/predictor_evaluation.h"
#include "promptlist/sound_ranking.h"

using namespace promptlist;

int main() {
  const std::string home = std::getenv("PROMPTLIST_HOME") ? std::getenv("PROMPTLIST_HOME")
                                                          : std::string(std::getenv("HOME")) + "/.local/share/promptlist";
  Catalog catalog(home + "/catalog.db");
  auto vectors = std::make_shared<const WordVectors>(home + "/models/glove-6b-100d.plwv");
  const auto tracks = catalog.songs_with_features();
  const auto memberships = catalog.playlist_memberships();

  const HeldOutReport held = evaluate_held_out_playlists(vectors, tracks, memberships, 5);
  nlohmann::json per_playlist = nlohmann::json::array();
  for (const auto& p : held.playlists)
    per_playlist.push_back({{"prompt", p.prompt}, {"tracks", p.tracks}, {"auc", p.auc}, {"features", p.features}});
  SoundRanker ranker(tracks);

  // The seed card's examples and the card's answers.
  struct Seed {
    const char* prompt;
    std::map<std::string, double> card;
  };
  const Seed seeds[] = {
      {"I need energetic dance music for a party", {{"danceability", 0.9}, {"energy", 0.9}, {"valence", 0.9}}},
      {"Play calm acoustic songs for studying", {{"acousticness", 0.8}, {"energy", 0.2}, {"valence", 0.2}}},
      {"Upbeat music for working out", {{"danceability", 0.7}, {"energy", 0.8}, {"valence", 0.7}}},
      {"Relaxing instrumental background music", {{"acousticness", 0.3}, {"energy", 0.2}, {"instrumentalness", 0.8}, {"valence", 0.2}}},
      {"Happy pop music for driving", {{"danceability", 0.8}, {"energy", 0.8}, {"valence", 0.8}}},
  };
  BuiltinFeaturePredictor full(vectors, tracks, memberships);
  BuiltinPredictorOptions learned_options;
  learned_options.apply_stated = false;
  BuiltinFeaturePredictor learned_only(vectors, tracks, memberships, learned_options);
  nlohmann::json seed_report = nlohmann::json::array();
  std::size_t agree = 0, named = 0, predicted = 0, learned_predicted = 0, learned_agree = 0;
  for (const auto& s : seeds) {
    const FeatureTarget target = full.predict(s.prompt);
    const FeatureTarget learned = learned_only.predict(s.prompt);
    nlohmann::json features = nlohmann::json::object();
    for (const auto& [name, card_value] : s.card) {
      const Feature f = *feature_by_name(name);
      const double mean = ranker.mean(f);
      const char* card_dir = card_value > mean ? "up" : "down";
      nlohmann::json row = {{"card", card_value}, {"catalog_mean", mean}, {"card_direction", card_dir}};
      ++named;
      if (const auto& g = learned[f]) {
        row["learned_only"] = g->value;
        ++learned_predicted;
        learned_agree += (g->value > mean) == (card_value > mean);
      }
      if (const auto& g = target[f]) {
        const char* ours = g->value > mean ? "up" : "down";
        row["ours"] = g->value;
        row["source"] = to_string(g->source);
        row["our_direction"] = ours;
        row["agrees"] = std::string(ours) == card_dir;
        ++predicted;
        agree += std::string(ours) == card_dir;
      } else {
        row["ours"] = nullptr;
      }
      features[name] = row;
    }
    nlohmann::json extra = nlohmann::json::object();
    for (const auto& spec : feature_specs())
      if (target[spec.feature] && !s.card.count(std::string(spec.name))) extra[std::string(spec.name)] = target[spec.feature]->value;
    seed_report.push_back({{"prompt", s.prompt}, {"card_features", features}, {"other_features_we_predict", extra}});
  }

  nlohmann::json out = {
      {"held_out_playlists",
       {{"held_out", held.held_out},
        {"with_a_prediction", held.playlists.size()},
        {"without_any_feature", held.without_prediction},
        {"mean_auc", held.mean_auc},
        {"share_auc_above_0_5", held.share_above_random},
        {"examples", per_playlist}}},
      {"seed_examples",
       {{"card_features", named},
        {"we_predict", predicted},
        {"same_direction", agree},
        {"learned_part_predicts", learned_predicted},
        {"learned_part_same_direction", learned_agree},
        {"cases", seed_report}}},
      {"profile_words", full.profile_words()},
  };
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
