// eval_feature_predictor: an honest look at the feature predictors, printed
// as JSON: the sound model read on the default embedder ("learned", what
// the engine uses) beside the GloVe word-profile predictor ("builtin").
//
// 1. Held-out playlists (predictor_evaluation.h): every 5th playlist is held
//    out whole (the predictor is trained without its tracks), its name is
//    the prompt, AUC of its tracks under sound fit.
// 2. The seed card's five examples: for every feature the card's answer
//    names, is our prediction on the same side of the catalog mean? Both
//    with stated constraints and learned alone.
//
// Usage: eval_feature_predictor [--examples]   (catalog and models from
// $PROMPTLIST_HOME, as made by setup.sh; --examples lists every playlist)
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "promptlist/builtin_predictor.h"
#include "promptlist/engine.h"
#include "promptlist/learned_predictor.h"
#include "promptlist/predictor_evaluation.h"
#include "promptlist/sound_model.h"
#include "promptlist/sound_ranking.h"

using namespace promptlist;
using nlohmann::json;

namespace {

using Memberships = std::vector<std::pair<std::int64_t, PlaylistLabel>>;
// (exclude, apply_stated) -> a predictor trained without those tracks.
using Trainer = std::function<std::unique_ptr<FeaturePredictor>(const std::vector<std::int64_t>&, bool)>;

struct Seed {
  const char* prompt;
  std::map<std::string, double> card;
};

// The seed card's examples and the card's answers.
const Seed kSeeds[] = {
    {"I need energetic dance music for a party", {{"danceability", 0.9}, {"energy", 0.9}, {"valence", 0.9}}},
    {"Play calm acoustic songs for studying", {{"acousticness", 0.8}, {"energy", 0.2}, {"valence", 0.2}}},
    {"Upbeat music for working out", {{"danceability", 0.7}, {"energy", 0.8}, {"valence", 0.7}}},
    {"Relaxing instrumental background music",
     {{"acousticness", 0.3}, {"energy", 0.2}, {"instrumentalness", 0.8}, {"valence", 0.2}}},
    {"Happy pop music for driving", {{"danceability", 0.8}, {"energy", 0.8}, {"valence", 0.8}}},
};

json held_out(const Trainer& train, const std::vector<Song>& tracks, const Memberships& memberships, bool examples) {
  const auto report = evaluate_held_out_playlists(
      [&](const std::vector<std::int64_t>& exclude) { return train(exclude, true); }, tracks, memberships, 5);
  json out = {{"held_out", report.held_out},
              {"with_a_prediction", report.playlists.size()},
              {"without_any_feature", report.without_prediction},
              {"mean_auc", report.mean_auc},
              {"share_auc_above_0_5", report.share_above_random}};
  if (examples) {
    out["examples"] = json::array();
    for (const auto& p : report.playlists)
      out["examples"].push_back({{"prompt", p.prompt}, {"tracks", p.tracks}, {"auc", p.auc}, {"features", p.features}});
  }
  return out;
}

// How many of the card's named values our target puts on the card's side of
// the catalog mean.
json seed_examples(const FeaturePredictor& predictor, const SoundRanker& ranker) {
  std::size_t named = 0, predicted = 0, agree = 0;
  json cases = json::array();
  for (const auto& s : kSeeds) {
    const FeatureTarget target = predictor.predict(s.prompt);
    json features = json::object();
    for (const auto& [name, card_value] : s.card) {
      const Feature f = *feature_by_name(name);
      const double mean = ranker.mean(f);
      json row = {{"card", card_value}, {"catalog_mean", mean}};
      ++named;
      if (const auto& g = target[f]) {
        const bool same = (g->value > mean) == (card_value > mean);
        row.update({{"ours", g->value}, {"source", to_string(g->source)}, {"evidence", g->evidence}, {"agrees", same}});
        ++predicted;
        agree += same;
      }
      features[name] = row;
    }
    cases.push_back({{"prompt", s.prompt}, {"card_features", features}, {"target", to_json(target)}});
  }
  return {{"card_features", named}, {"we_predict", predicted}, {"same_direction", agree}, {"cases", cases}};
}

json evaluate(const Trainer& train, const std::vector<Song>& tracks, const Memberships& memberships, bool examples) {
  const SoundRanker ranker(tracks);
  return {{"held_out_playlists", held_out(train, tracks, memberships, examples)},
          {"seed_examples", seed_examples(*train({}, true), ranker)},
          {"seed_examples_learned_alone", seed_examples(*train({}, false), ranker)}};
}

}  // namespace

int main(int argc, char** argv) {
  const bool examples = argc > 1 && std::strcmp(argv[1], "--examples") == 0;
  EngineOptions options;
  const auto embedder = open_embedder(options);
  const auto vectors = open_word_vectors(options);
  const Catalog catalog(options.catalog, CatalogAccess::read_only);
  const auto tracks = catalog.songs_with_features();
  const auto memberships = catalog.playlist_memberships();

  const Trainer learned = [&](const std::vector<std::int64_t>& exclude, bool stated) {
    LearnedPredictorOptions o;
    o.apply_stated = stated;
    return std::make_unique<LearnedFeaturePredictor>(train_sound_model(*embedder, tracks, memberships, {}, exclude),
                                                     *embedder, o);
  };
  const Trainer builtin = [&](const std::vector<std::int64_t>& exclude, bool stated) {
    BuiltinPredictorOptions o;
    o.apply_stated = stated;
    return std::make_unique<BuiltinFeaturePredictor>(vectors, tracks, memberships, o, exclude);
  };
  const json out = {{"model", embedder->model_id()},
                    {"learned", evaluate(learned, tracks, memberships, examples)},
                    {"builtin", evaluate(builtin, tracks, memberships, examples)}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
