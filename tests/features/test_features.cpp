// Feature schema, stated constraints, targets, and the built-in predictor
// and sound ranking on the real Spotify feature catalog.
#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "promptlist/builtin_predictor.h"
#include "promptlist/catalog.h"
#include "promptlist/predictor_evaluation.h"
#include "promptlist/sound_ranking.h"
#include "promptlist/text.h"
#include "test_support.h"

using namespace promptlist;

TEST(FeatureSchema, NamesRangesAndLookups) {
  EXPECT_EQ(feature_specs().size(), kFeatureCount);
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    const auto& s = feature_specs()[i];
    EXPECT_EQ(static_cast<std::size_t>(s.feature), i);
    EXPECT_EQ(feature_by_name(s.name), s.feature);
    EXPECT_LE(s.min, s.target_min);
    EXPECT_GE(s.max, s.target_max);
  }
  EXPECT_FALSE(feature_by_name("loudnesss"));
  EXPECT_TRUE(feature_value_valid(Feature::loudness, 3.7));  // real Spotify data
  EXPECT_FALSE(feature_value_valid(Feature::energy, 1.01));
  EXPECT_FALSE(feature_value_valid(Feature::key, 4.5));
  EXPECT_DOUBLE_EQ(clamp_to_target(Feature::loudness, 3.7), 0.0);
  EXPECT_DOUBLE_EQ(clamp_to_target(Feature::time_signature, 1), 3.0);
}

TEST(FeatureTarget, StrongerSourcesWinAndValuesAreClamped) {
  FeatureTarget t;
  t.set(Feature::tempo, {120, 1.0, TargetSource::stated, "\"120 bpm\""});
  t.set(Feature::tempo, {90, 0.9, TargetSource::predicted, "words"});
  EXPECT_DOUBLE_EQ(t[Feature::tempo]->value, 120);
  t.set(Feature::tempo, {400, 1.0, TargetSource::user, "set by you"});
  EXPECT_DOUBLE_EQ(t[Feature::tempo]->value, feature_spec(Feature::tempo).target_max);
  EXPECT_EQ(t[Feature::tempo]->source, TargetSource::user);
  auto j = to_json(t);
  EXPECT_EQ(j["features"]["tempo"]["source"], "user");
  EXPECT_FALSE(j["features"].contains("energy"));
}

TEST(StatedConstraints, ParsesWhatPeopleSay) {
  auto value = [](const char* prompt, Feature f) -> std::optional<double> {
    auto t = stated_constraints(prompt);
    return t[f] ? std::optional<double>(t[f]->value) : std::nullopt;
  };
  EXPECT_EQ(value("running music at 170 BPM", Feature::tempo), 170);
  EXPECT_EQ(value("something around 95bpm", Feature::tempo), 95);
  EXPECT_LT(*value("slow songs", Feature::tempo), 90);
  EXPECT_GT(*value("fast punk", Feature::tempo), 130);
  EXPECT_LE(*value("songs under 3 minutes", Feature::duration_ms), 180000);
  EXPECT_GT(*value("instrumental focus", Feature::instrumentalness), 0.7);
  EXPECT_GT(*value("live recordings", Feature::liveness), 0.6);
  EXPECT_GT(*value("acoustic evening", Feature::acousticness), 0.7);
  EXPECT_EQ(value("sad songs in a minor key", Feature::mode), 0);
  EXPECT_EQ(value("a sonata in D major", Feature::key), 2);
  EXPECT_EQ(value("a sonata in D major", Feature::mode), 1);
  EXPECT_GT(*value("energetic workout", Feature::energy), 0.7);
  EXPECT_LT(*value("calm evening", Feature::energy), 0.4);
  EXPECT_FALSE(value("songs about the sea", Feature::tempo));
  EXPECT_TRUE(stated_constraints("songs about the sea").empty());
  EXPECT_EQ(stated_constraints("120 bpm")[Feature::tempo]->evidence, "\"120 bpm\"");
}

// Negation and degree: what a prompt rules out is not what it asks for.
TEST(StatedConstraints, NegationAsksForTheOtherSide) {
  auto value = [](const char* prompt, Feature f) -> std::optional<double> {
    auto t = stated_constraints(prompt);
    return t[f] ? std::optional<double>(t[f]->value) : std::nullopt;
  };
  const double typical_valence = 0.5, typical_energy = 0.5;
  for (const char* p : {"no vocals", "without vocals", "music with no singing"})
    EXPECT_GT(*value(p, Feature::instrumentalness), 0.7) << p;
  EXPECT_LT(*value("songs with vocals", Feature::instrumentalness), 0.1);
  EXPECT_GT(*value("not sad", Feature::valence), typical_valence);
  EXPECT_LT(*value("not sad", Feature::valence), *value("happy", Feature::valence)) << "not sad is not happy";
  for (const char* p : {"not too loud", "nothing too loud"}) {
    EXPECT_LT(*value(p, Feature::energy), typical_energy) << p;
    EXPECT_GT(*value(p, Feature::energy), *value("calm", Feature::energy)) << p << ": not silent either";
  }
  EXPECT_LT(*value("not acoustic", Feature::acousticness), 0.3);
  EXPECT_LT(*value("not fast", Feature::tempo), *value("fast", Feature::tempo));
  EXPECT_EQ(stated_constraints("not sad")[Feature::valence]->evidence, "\"not sad\"");
  // A negation ends at "and", "but", "or", "with".
  EXPECT_GT(*value("no ballads but loud", Feature::energy), 0.7);
  EXPECT_LT(*value("not fast but sad", Feature::valence), 0.3);
}

// What each phrasing asks of one feature: a value at least `low` and at
// most `high`. Negations flip presence features, move moods moderately to
// the other side ("not sad" is not "happy") and cap intensity; softeners
// ("a bit", "slightly") move half way back to typical.
TEST(StatedConstraints, FortyPhrasingsOfNegationAndDegree) {
  struct Case {
    const char* prompt;
    Feature feature;
    double low, high;
  };
  using F = Feature;
  const Case cases[] = {
      {"no vocals", F::instrumentalness, 0.7, 1},           {"without vocals", F::instrumentalness, 0.7, 1},
      {"music with no singing", F::instrumentalness, 0.7, 1}, {"no lyrics please", F::instrumentalness, 0.7, 1},
      {"never any vocals", F::instrumentalness, 0.7, 1},     {"songs with vocals", F::instrumentalness, 0, 0.1},
      {"with lyrics", F::instrumentalness, 0, 0.1},          {"not instrumental", F::instrumentalness, 0, 0.1},
      {"no instrumentals", F::instrumentalness, 0, 0.1},     {"instrumental", F::instrumentalness, 0.7, 1},
      {"not sad", F::valence, 0.55, 0.7},                    {"nothing sad", F::valence, 0.55, 0.7},
      {"not too sad", F::valence, 0.55, 0.7},                {"less sad", F::valence, 0.55, 0.7},
      {"a bit sad", F::valence, 0.3, 0.45},                  {"slightly sad", F::valence, 0.3, 0.45},
      {"sad", F::valence, 0, 0.25},                          {"not happy", F::valence, 0.3, 0.45},
      {"a little happy", F::valence, 0.55, 0.7},             {"happy", F::valence, 0.75, 1},
      {"not too loud", F::energy, 0.3, 0.45},                {"nothing too loud", F::energy, 0.3, 0.45},
      {"less loud", F::energy, 0.3, 0.45},                   {"not aggressive", F::energy, 0.3, 0.45},
      {"not energetic", F::energy, 0.3, 0.45},               {"a bit energetic", F::energy, 0.6, 0.7},
      {"slightly more energetic", F::energy, 0.6, 0.7},      {"energetic", F::energy, 0.8, 1},
      {"not calm", F::energy, 0.55, 0.7},                    {"not too calm", F::energy, 0.55, 0.7},
      {"a bit calm", F::energy, 0.3, 0.45},                  {"calm", F::energy, 0, 0.3},
      {"not acoustic", F::acousticness, 0, 0.3},             {"no acoustic guitars", F::acousticness, 0, 0.3},
      {"acoustic", F::acousticness, 0.7, 1},                 {"not electronic", F::acousticness, 0.7, 1},
      {"not live", F::liveness, 0, 0.3},                     {"no live recordings", F::liveness, 0, 0.3},
      {"live", F::liveness, 0.7, 1},                         {"no rap", F::speechiness, 0.6, 0.75},
      {"not fast", F::tempo, 90, 105},                       {"nothing too fast", F::tempo, 90, 105},
      {"not slow", F::tempo, 110, 120},                      {"slightly faster", F::tempo, 120, 130},
      {"a bit slow", F::tempo, 90, 100},                     {"no ballads but loud", F::energy, 0.8, 1},
      {"not fast but sad", F::valence, 0, 0.25},             {"calm and not sad", F::energy, 0, 0.3},
      {"calm and not sad", F::valence, 0.55, 0.7},
  };
  static_assert(std::size(cases) >= 40);
  for (const auto& c : cases) {
    const auto t = stated_constraints(c.prompt);
    ASSERT_TRUE(t[c.feature]) << c.prompt << ": no " << feature_spec(c.feature).name;
    EXPECT_GE(t[c.feature]->value, c.low) << c.prompt << " (" << t[c.feature]->evidence << ")";
    EXPECT_LE(t[c.feature]->value, c.high) << c.prompt << " (" << t[c.feature]->evidence << ")";
  }
  EXPECT_EQ(stated_constraints("a bit sad")[Feature::valence]->evidence, "\"a bit sad\"");
  EXPECT_EQ(stated_constraints("less loud")[Feature::energy]->evidence, "\"less loud\"");
}

TEST(StatedConstraints, EverydayMoodsAndActivitiesNameASound) {
  auto value = [](const char* prompt, Feature f) -> std::optional<double> {
    auto t = stated_constraints(prompt);
    return t[f] ? std::optional<double>(t[f]->value) : std::nullopt;
  };
  EXPECT_GT(*value("angry music", Feature::energy), 0.7);
  EXPECT_LT(*value("angry music", Feature::valence), 0.4);
  for (const char* p : {"sleep", "music to fall asleep to", "a lullaby for bedtime"}) {
    EXPECT_LT(*value(p, Feature::energy), 0.3) << p;
    EXPECT_GT(*value(p, Feature::acousticness), 0.6) << p;
  }
}

namespace {

struct FeatureWorld {
  std::vector<Song> tracks;
  std::vector<std::pair<std::int64_t, PlaylistLabel>> memberships;
  std::shared_ptr<const WordVectors> vectors;
};

// The TidyTuesday catalog: 28k real tracks in 471 labelled playlists.
const FeatureWorld& features_world() {
  static FeatureWorld w = [] {
    FeatureWorld w;
    const auto dir = test::scratch_dir("features");
    Catalog catalog((dir / "catalog.db").string());
    ImportOptions skip;
    skip.skip_bad = true;
    catalog.import_features_csv((test::data_dir() / "features/spotify_songs.csv").string(), skip);
    w.tracks = catalog.songs_with_features();
    w.memberships = catalog.playlist_memberships();
    w.vectors = std::make_shared<const WordVectors>(test::glove_model_path().string());
    return w;
  }();
  return w;
}

double mean_of(const std::vector<const Song*>& songs, Feature f) {
  double sum = 0;
  for (const Song* s : songs) sum += *s->features[f];
  return sum / songs.size();
}

// The k best-fitting tracks for a prompt.
std::vector<const Song*> top_tracks(const BuiltinFeaturePredictor& p, const SoundRanker& r, const char* prompt,
                                    std::size_t k) {
  const FeatureTarget target = p.predict(prompt);
  std::vector<std::pair<double, const Song*>> scored;
  for (const auto& t : r.tracks())
    if (auto f = r.fit(t, target)) scored.push_back({-f->total, &t});
  std::sort(scored.begin(), scored.end(), [](auto& a, auto& b) { return a.first < b.first || (a.first == b.first && a.second->key < b.second->key); });
  std::vector<const Song*> top;
  for (std::size_t i = 0; i < std::min(k, scored.size()); ++i) top.push_back(scored[i].second);
  return top;
}

}  // namespace

TEST(BuiltinPredictor, CalmAcousticAndEnergeticDanceRankTheRealCatalogOppositeWays) {
  const auto& w = features_world();
  BuiltinFeaturePredictor predictor(w.vectors, w.tracks, w.memberships);
  SoundRanker ranker(w.tracks);
  const auto calm = top_tracks(predictor, ranker, "calm acoustic songs for studying", 50);
  const auto party = top_tracks(predictor, ranker, "I need energetic dance music for a party", 50);
  ASSERT_EQ(calm.size(), 50u);
  EXPECT_LT(mean_of(calm, Feature::energy), ranker.mean(Feature::energy) - 0.2);
  EXPECT_GT(mean_of(calm, Feature::acousticness), ranker.mean(Feature::acousticness) + 0.3);
  EXPECT_GT(mean_of(party, Feature::energy), ranker.mean(Feature::energy) + 0.1);
  EXPECT_LT(mean_of(party, Feature::acousticness), ranker.mean(Feature::acousticness));
  EXPECT_GT(mean_of(party, Feature::danceability), ranker.mean(Feature::danceability) + 0.1);
}

TEST(BuiltinPredictor, OutputsOnlyWhatThePromptSpeaksOf) {
  const auto& w = features_world();
  BuiltinFeaturePredictor predictor(w.vectors, w.tracks, w.memberships);
  EXPECT_GT(predictor.profile_words(), 1000u);
  const auto target = predictor.predict("songs about the number seven");
  std::size_t named = 0;
  for (const auto& g : target.goals) named += g.has_value();
  EXPECT_LE(named, 2u) << nlohmann::json(to_json(target)).dump();
  const auto stated = predictor.predict("instrumental music at 70 bpm");
  EXPECT_EQ(stated[Feature::tempo]->value, 70);
  EXPECT_EQ(stated[Feature::tempo]->source, TargetSource::stated);
}

TEST(BuiltinPredictor, UnseenWordsMapThroughNeighbours) {
  // Every track whose name or album says "unplugged" is left out of
  // training, so the word has no profile of its own; it must still lean
  // acoustic through its GloVe neighbours ("acoustic", "stripped" ...).
  const auto& w = features_world();
  std::vector<std::int64_t> exclude;
  for (const auto& t : w.tracks) {
    const auto words = word_tokens(t.title + " " + t.collection);
    if (std::find(words.begin(), words.end(), "unplugged") != words.end()) exclude.push_back(t.key);
  }
  ASSERT_GT(exclude.size(), 0u) << "the catalog should have unplugged tracks to leave out";
  BuiltinPredictorOptions learned_only;
  learned_only.apply_stated = false;
  BuiltinFeaturePredictor predictor(w.vectors, w.tracks, w.memberships, learned_only, exclude);
  const auto t = predictor.predict("unplugged");
  ASSERT_TRUE(t[Feature::acousticness] || t[Feature::energy]) << to_json(t).dump();
  const SoundRanker catalog(w.tracks);
  if (t[Feature::acousticness]) {
    EXPECT_GT(t[Feature::acousticness]->value, catalog.mean(Feature::acousticness));
  }
  if (t[Feature::energy]) {
    EXPECT_LT(t[Feature::energy]->value, catalog.mean(Feature::energy));
  }
}

TEST(BuiltinPredictor, HeldOutPlaylistsRankAboveRandom) {
  const auto& w = features_world();
  const auto train = [&](const std::vector<std::int64_t>& exclude) -> std::unique_ptr<FeaturePredictor> {
    return std::make_unique<BuiltinFeaturePredictor>(w.vectors, w.tracks, w.memberships, BuiltinPredictorOptions{},
                                                     exclude);
  };
  const auto report = evaluate_held_out_playlists(train, w.tracks, w.memberships, 5);
  EXPECT_GT(report.held_out, 80u);
  EXPECT_GT(report.playlists.size(), report.held_out * 3 / 4);
  EXPECT_GT(report.mean_auc, 0.6);
  EXPECT_GT(report.share_above_random, 0.75);
}

TEST(SoundRanker, FitAllAgreesWithFitOnEveryTrack) {
  const auto& w = features_world();
  const SoundRanker r(w.tracks);
  FeatureTarget t;
  t.set(Feature::energy, {0.8, 0.7, TargetSource::predicted, ""});
  FeatureGoal learned{0.2, 0.6, TargetSource::predicted, ""};
  learned.tolerance = 0.1;  // a learned goal: the likelihood ratio path
  t.set(Feature::acousticness, learned);
  t.set(Feature::key, {11, 1, TargetSource::stated, ""});   // circular
  t.set(Feature::mode, {0, 1, TargetSource::stated, ""});   // a category
  t.set(Feature::tempo, {120, 1, TargetSource::user, ""});
  const auto all = r.fit_all(t);
  ASSERT_EQ(all.size(), w.tracks.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto one = r.fit(r.tracks()[i], t);
    ASSERT_EQ(one.has_value(), !std::isnan(all[i])) << i;
    if (one) ASSERT_NEAR(one->total, all[i], 1e-5) << r.tracks()[i].title;
  }
}

TEST(SoundRanker, FitIsOneOnTargetAndFallsWithDistance) {
  Song a, b, c;
  a.features[Feature::energy] = 0.8;
  a.features[Feature::key] = 11;
  b.features[Feature::energy] = 0.4;
  b.features[Feature::key] = 0;
  c.features[Feature::tempo] = 100;  // no energy, no key
  SoundRanker r({a, b});
  FeatureTarget t;
  t.set(Feature::energy, {0.8, 1.0, TargetSource::predicted, ""});
  EXPECT_NEAR(r.fit(a, t)->total, 1.0, 1e-9);
  EXPECT_LT(r.fit(b, t)->total, 0.5);
  EXPECT_FALSE(r.fit(c, t));
  FeatureTarget key;
  key.set(Feature::key, {0, 1.0, TargetSource::user, ""});
  EXPECT_GT(r.fit(a, key)->total, 0.9) << "B is a semitone from C: key is circular";
}
