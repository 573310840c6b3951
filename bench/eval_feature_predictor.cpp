// eval_feature_predictor: an honest look at the built-in feature predictor,
// printed as JSON.
//
// 1. Held-out playlists: every 5th playlist of the catalog (by id) is held
//    out whole: none of its tracks is seen in training. Its name is used as
//    the prompt; all tracks with features are ranked by sound fit; the AUC
//    is the chance that one of the playlist's tracks ranks above a random
//    other track (0.5 = no better than random).
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
#include "promptlist/sound_ranking.h"

using namespace promptlist;

int main() {
  const std::string home = std::getenv("PROMPTLIST_HOME") ? std::getenv("PROMPTLIST_HOME")
                                                          : std::string(std::getenv("HOME")) + "/.local/share/promptlist";
  Catalog catalog(home + "/catalog.db");
  auto vectors = std::make_shared<const WordVectors>(home + "/models/glove-6b-100d.plwv");
  const auto tracks = catalog.songs_with_features();
  const auto memberships = catalog.playlist_memberships();

  // Playlists in id order; every 5th is held out.
  std::map<std::string, std::pair<std::string, std::vector<std::int64_t>>> playlists;
  for (const auto& [key, label] : memberships) {
    auto& p = playlists[label.playlist_id];
    p.first = label.name;
    p.second.push_back(key);
  }
  std::vector<std::int64_t> held_out_tracks;
  std::vector<const std::pair<std::string, std::vector<std::int64_t>>*> held_out;
  std::size_t i = 0;
  for (const auto& [id, p] : playlists)
    if (i++ % 5 == 0) {
      held_out.push_back(&p);
      held_out_tracks.insert(held_out_tracks.end(), p.second.begin(), p.second.end());
    }
  BuiltinFeaturePredictor predictor(vectors, tracks, memberships, {}, held_out_tracks);
  SoundRanker ranker(tracks);

  nlohmann::json per_playlist = nlohmann::json::array();
  double auc_sum = 0;
  std::size_t scored = 0, above = 0, empty = 0;
  std::vector<double> fits(tracks.size());
  for (const auto* p : held_out) {
    const FeatureTarget target = predictor.predict(p->first);
    if (target.empty()) {
      ++empty;
      continue;
    }
    const std::set<std::int64_t> members(p->second.begin(), p->second.end());
    for (std::size_t t = 0; t < tracks.size(); ++t) {
      auto f = ranker.fit(tracks[t], target);
      fits[t] = f ? f->total : 0;
    }
    // AUC by ranks (ties count half).
    std::vector<std::size_t> order(tracks.size());
    for (std::size_t t = 0; t < order.size(); ++t) order[t] = t;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fits[a] < fits[b]; });
    double rank_sum = 0;
    std::size_t pos = 0, n_pos = 0;
    while (pos < order.size()) {
      std::size_t end = pos;
      while (end < order.size() && fits[order[end]] == fits[order[pos]]) ++end;
      const double mid_rank = (pos + end + 1) / 2.0;
      for (std::size_t k = pos; k < end; ++k)
        if (members.count(tracks[order[k]].key)) {
          rank_sum += mid_rank;
          ++n_pos;
        }
      pos = end;
    }
    const double n_neg = static_cast<double>(tracks.size() - n_pos);
    const double auc = (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg);
    auc_sum += auc;
    ++scored;
    above += auc > 0.5;
    std::vector<std::string> named;
    for (const auto& spec : feature_specs())
      if (target[spec.feature]) named.push_back(std::string(spec.name));
    per_playlist.push_back({{"prompt", p->first}, {"tracks", n_pos}, {"auc", auc}, {"features", named}});
  }

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
       {{"held_out", held_out.size()},
        {"with_a_prediction", scored},
        {"without_any_feature", empty},
        {"mean_auc", scored ? auc_sum / scored : 0.0},
        {"share_auc_above_0_5", scored ? static_cast<double>(above) / scored : 0.0},
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
