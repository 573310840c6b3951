// The sound model and the learned predictor on the real catalog (every
// Spotify feature file) and the real all-MiniLM-L6-v2: moods and
// activities people type, only real targets, negation left to the stated
// constraints, held-out playlists, the seed card, and the model file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "promptlist/catalog.h"
#include "promptlist/error.h"
#include "promptlist/learned_predictor.h"
#include "promptlist/predictor_evaluation.h"
#include "promptlist/sound_model.h"
#include "promptlist/sound_ranking.h"
#include "promptlist/transformer_embedder.h"
#include "test_support.h"

using namespace promptlist;
namespace fs = std::filesystem;

namespace {

struct SoundWorld {
  std::vector<Song> tracks;
  std::vector<std::pair<std::int64_t, PlaylistLabel>> memberships;
  std::unique_ptr<Embedder> embedder;
  std::unique_ptr<SoundRanker> ranker;
  std::unique_ptr<LearnedFeaturePredictor> predictor;
  fs::path model_file;
};

// The whole shipped feature catalog, learned once with the real model.
const SoundWorld& world() {
  static SoundWorld w = [] {
    SoundWorld w;
    const auto dir = test::scratch_dir("sound_model");
    Catalog catalog((dir / "catalog.db").string());
    ImportOptions skip;
    skip.skip_bad = true;
    for (const auto& entry : fs::directory_iterator(test::data_dir() / "features"))
      if (entry.path().extension() == ".csv") catalog.import_features_csv(entry.path().string(), skip);
    w.tracks = catalog.songs_with_features();
    w.memberships = catalog.playlist_memberships();
    w.embedder = std::make_unique<TransformerEmbedder>(test::real_model_folder().string());
    w.ranker = std::make_unique<SoundRanker>(w.tracks);
    w.model_file = dir / "sound.plsm";
    write_sound_model(w.model_file.string(), train_sound_model(*w.embedder, w.tracks, w.memberships));
    w.predictor = std::make_unique<LearnedFeaturePredictor>(read_sound_model(w.model_file.string()), *w.embedder);
    return w;
  }();
  return w;
}

#define REQUIRE_WORLD() PROMPTLIST_REQUIRE_REAL_MODEL(test::real_model_folder())

enum class Side { above, below };

// Whether the prompt's target puts feature f on this side of the catalog mean.
::testing::AssertionResult moves(const char* prompt, Feature f, Side side) {
  const FeatureTarget t = world().predictor->predict(prompt);
  if (!t[f]) return ::testing::AssertionFailure() << prompt << ": no " << feature_spec(f).name << " target";
  const double mean = world().ranker->mean(f), v = t[f]->value;
  if ((side == Side::above) != (v > mean))
    return ::testing::AssertionFailure() << prompt << ": " << feature_spec(f).name << " " << v << " ("
                                         << t[f]->evidence << ") on the wrong side of the mean " << mean;
  return ::testing::AssertionSuccess();
}

}  // namespace

TEST(SoundModel, MoodsAndActivitiesMoveTheFeaturesAListenerExpects) {
  REQUIRE_WORLD();
  struct Case {
    const char* prompt;
    Feature feature;
    Side side;
  };
  const Case cases[] = {
      {"angry music", Feature::energy, Side::above},          {"angry music", Feature::valence, Side::below},
      {"music to sleep to", Feature::energy, Side::below},     {"music to sleep to", Feature::acousticness, Side::above},
      {"workout", Feature::energy, Side::above},               {"songs for the gym", Feature::energy, Side::above},
      {"music for studying", Feature::energy, Side::below},    {"music for studying", Feature::instrumentalness, Side::above},
      {"deep focus", Feature::energy, Side::below},            {"party", Feature::danceability, Side::above},
      {"rainy day", Feature::valence, Side::below},            {"romantic dinner", Feature::energy, Side::below},
      {"meditation", Feature::energy, Side::below},            {"meditation", Feature::acousticness, Side::above},
      {"road trip", Feature::valence, Side::above},            {"cleaning the house", Feature::energy, Side::above},
      {"cooking", Feature::valence, Side::above},              {"running", Feature::tempo, Side::above},
      {"running", Feature::energy, Side::above},               {"chill", Feature::energy, Side::below},
      {"Upbeat music for working out", Feature::energy, Side::above},
  };
  for (const auto& c : cases) EXPECT_TRUE(moves(c.prompt, c.feature, c.side));
}

TEST(SoundModel, ThePromptsOwnWordsWinOverTheGenreTheyRecall) {
  REQUIRE_WORLD();
  EXPECT_TRUE(moves("chill music without vocals", Feature::instrumentalness, Side::above))
      << "'without vocals' is not read as vocals";
  EXPECT_TRUE(moves("songs that are not sad", Feature::valence, Side::above));
  EXPECT_TRUE(moves("hard rock", Feature::energy, Side::above));
  EXPECT_TRUE(moves("acoustic covers", Feature::acousticness, Side::above));
  EXPECT_TRUE(moves("gangsta rap", Feature::speechiness, Side::above));
}

TEST(SoundModel, OnlyRealTargetsAndSilenceForPromptsWithoutSound) {
  REQUIRE_WORLD();
  for (const char* nonsense : {"asdf qwerty zxcv", "songs", "the"}) {
    const FeatureTarget t = world().predictor->predict(nonsense);
    EXPECT_TRUE(t.empty()) << nonsense;
    ASSERT_FALSE(t.notes.empty()) << nonsense;
    EXPECT_NE(t.notes[0].find("says nothing about how the music should sound"), std::string::npos);
  }
  // Every predicted goal is a real move away from typical, with its reasons.
  for (const char* p : {"calm acoustic songs for studying", "edm for the gym", "sad songs", "90s hip hop"}) {
    const FeatureTarget t = world().predictor->predict(p);
    for (const auto& spec : feature_specs()) {
      const auto& g = t[spec.feature];
      if (!g || g->source != TargetSource::predicted) continue;
      const double z = std::abs(g->value - world().ranker->mean(spec.feature)) / world().ranker->spread(spec.feature);
      EXPECT_GE(z, 0.15) << p << ": " << spec.name << " is no move";
      EXPECT_GT(g->tolerance, 0) << p << ": a learned goal carries its tracks' spread";
      EXPECT_EQ(g->evidence.rfind("like '", 0), 0u) << g->evidence;
    }
  }
}

TEST(SoundModel, ATypicalTrackDoesNotFitALearnedGoalFully) {
  REQUIRE_WORLD();
  const FeatureTarget t = world().predictor->predict("music for studying");
  ASSERT_FALSE(t.empty());
  std::size_t full = 0;
  const auto fits = world().ranker->fit_all(t);
  for (float f : fits) full += f >= 0.995f;
  EXPECT_LT(full, fits.size() / 100) << "a learned goal is a likelihood against the catalog, not a distance";
}

TEST(SoundModel, HeldOutPlaylistsAndTheSeedCard) {
  REQUIRE_WORLD();
  const auto& w = world();
  const auto train = [&](const std::vector<std::int64_t>& exclude) -> std::unique_ptr<FeaturePredictor> {
    return std::make_unique<LearnedFeaturePredictor>(train_sound_model(*w.embedder, w.tracks, w.memberships, {}, exclude),
                                                     *w.embedder);
  };
  const auto report = evaluate_held_out_playlists(train, w.tracks, w.memberships, 5);
  EXPECT_GT(report.playlists.size(), report.held_out * 9 / 10);
  EXPECT_GE(report.mean_auc, 0.75);
  // The seed card's five examples: each named value on the card's side of the mean.
  EXPECT_TRUE(moves("I need energetic dance music for a party", Feature::valence, Side::above));
  EXPECT_TRUE(moves("Play calm acoustic songs for studying", Feature::valence, Side::below));
  EXPECT_TRUE(moves("Upbeat music for working out", Feature::danceability, Side::above));
  EXPECT_TRUE(moves("Relaxing instrumental background music", Feature::acousticness, Side::above));
  EXPECT_TRUE(moves("Relaxing instrumental background music", Feature::valence, Side::below));
  EXPECT_TRUE(moves("Happy pop music for driving", Feature::energy, Side::above));
  EXPECT_TRUE(moves("Happy pop music for driving", Feature::danceability, Side::above));
}

TEST(SoundModel, TheFileRoundTripsAndRefusesDamage) {
  REQUIRE_WORLD();
  const auto& w = world();
  const SoundModelData m = read_sound_model(w.model_file.string(), w.embedder->model_id());
  EXPECT_EQ(m.model_id, w.embedder->model_id());
  EXPECT_GT(m.descriptors.size(), 1000u);
  EXPECT_EQ(m.vectors.size(), m.descriptors.size() * m.dim);
  EXPECT_THROW(read_sound_model(w.model_file.string(), "st:another-model/0"), Error);
  // It says which catalog it was learned from: a changed feature, playlist
  // or title is another catalog.
  EXPECT_EQ(m.catalog_fingerprint, sound_model_fingerprint(w.tracks, w.memberships));
  auto tracks = w.tracks;
  tracks[tracks.size() / 3].features.values[static_cast<std::size_t>(Feature::energy)] = 0.123;
  EXPECT_NE(sound_model_fingerprint(tracks, w.memberships), m.catalog_fingerprint);
  auto memberships = w.memberships;
  memberships.back().second.name += " Mix";
  EXPECT_NE(sound_model_fingerprint(w.tracks, memberships), m.catalog_fingerprint);
  tracks = w.tracks;
  tracks.front().title += "!";
  EXPECT_NE(sound_model_fingerprint(tracks, w.memberships), m.catalog_fingerprint);

  const std::string bytes = test::read_file(w.model_file);
  const auto damaged = [&](const std::string& name, std::string content) {
    const auto path = w.model_file.parent_path() / name;
    std::ofstream(path, std::ios::binary) << content;
    try {
      read_sound_model(path.string());
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("read");
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x20;
  EXPECT_NE(damaged("flipped.plsm", flipped).find("checksum"), std::string::npos);
  EXPECT_NE(damaged("short.plsm", bytes.substr(0, 40)).find("not a promptlist sound model"), std::string::npos);
  EXPECT_NE(damaged("cut.plsm", bytes.substr(0, bytes.size() - 100)).find("corrupted or truncated"), std::string::npos);
  EXPECT_NE(damaged("index.plsm", "PLVINDEX" + bytes.substr(8)).find("not a promptlist sound model"), std::string::npos);
}
