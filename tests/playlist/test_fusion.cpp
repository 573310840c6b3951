// Playlists by sound and by both signals, on a catalog with real lyrics and
// the real Spotify feature catalog.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "promptlist/builtin_predictor.h"
#include "promptlist/error.h"
#include "promptlist/fusion.h"
#include "promptlist/index_builder.h"
#include "promptlist/playlist.h"
#include "promptlist/sif_embedder.h"
#include "test_support.h"
#include "test_world.h"

using namespace promptlist;

namespace {

// Every fourth song of the lyrics and the whole TidyTuesday feature catalog.
test::World& world() {
  static auto w = test::make_world({"fusion", 4, 0, SIZE_MAX});
  return *w;
}

Playlist generate(const std::string& prompt, const std::string& by, std::size_t n = 20, FeatureValues overrides = {},
                  std::size_t max_per_artist = 0) {
  auto& w = world();
  PlaylistRequest r;
  r.prompt = prompt;
  r.n = n;
  r.by = by;
  r.overrides = overrides;
  r.max_per_artist = max_per_artist;
  return make_playlist(w.sources(), r);
}

double mean_feature(const Playlist& p, Feature f) {
  double sum = 0;
  for (const auto& e : p.entries) sum += *e.features[f];
  return sum / p.entries.size();
}

}  // namespace

TEST(SoundPlaylist, CalmAcousticIsQuieterAndMoreAcousticThanTheCatalog) {
  auto p = generate("calm acoustic songs for studying", "sound");
  ASSERT_EQ(p.entries.size(), 20u);
  EXPECT_TRUE(p.uses("sound"));
  EXPECT_FALSE(p.uses("lyrics"));
  for (const auto& e : p.entries) {
    EXPECT_TRUE(e.sound);
    EXPECT_FALSE(e.has_lyrics_match);
    EXPECT_NE(e.why.find("sound fits"), std::string::npos) << e.why;
    EXPECT_NE(e.why.find("acousticness"), std::string::npos) << e.why;
  }
  const auto& s = *world().engine->sound();
  EXPECT_LT(mean_feature(p, Feature::energy), s.mean(Feature::energy) - 0.2);
  EXPECT_GT(mean_feature(p, Feature::acousticness), s.mean(Feature::acousticness) + 0.3);
}

TEST(SoundPlaylist, EnergeticDanceIsTheReverse) {
  auto p = generate("I need energetic dance music for a party", "sound");
  const auto& s = *world().engine->sound();
  EXPECT_GT(mean_feature(p, Feature::energy), s.mean(Feature::energy) + 0.1);
  EXPECT_GT(mean_feature(p, Feature::danceability), s.mean(Feature::danceability) + 0.1);
  EXPECT_LT(mean_feature(p, Feature::acousticness), s.mean(Feature::acousticness));
}

TEST(SoundPlaylist, UserOverridesWin) {
  FeatureValues o;
  o[Feature::tempo] = 120;
  auto p = generate("calm acoustic songs", "sound", 10, o);
  EXPECT_EQ(p.target[Feature::tempo]->source, TargetSource::user);
  for (const auto& e : p.entries) EXPECT_NEAR(*e.features[Feature::tempo], 120, 12) << e.title;
}

TEST(SoundPlaylist, ArtistCapHolds) {
  auto p = generate("energetic dance", "sound", 20, {}, 1);
  std::set<std::string> artists;
  for (const auto& e : p.entries) EXPECT_TRUE(artists.insert(e.artist).second) << e.artist;
  EXPECT_EQ(p.entries.size(), 20u);
}

TEST(FusedPlaylist, BothSignalsShareTheList) {
  auto p = generate("calm peaceful night", "both");
  ASSERT_EQ(p.entries.size(), 20u);
  EXPECT_TRUE(p.uses("lyrics") && p.uses("sound"));
  std::size_t by_lyrics = 0, by_sound = 0;
  std::set<std::int64_t> keys;
  for (const auto& e : p.entries) {
    by_lyrics += e.has_lyrics_match;
    by_sound += e.sound.has_value();
    keys.insert(e.song_key);
    EXPECT_FALSE(e.why.empty());
  }
  EXPECT_EQ(keys.size(), 20u);
  EXPECT_GE(by_lyrics, 5u);
  EXPECT_GE(by_sound, 5u);
  for (std::size_t i = 1; i < p.entries.size(); ++i) EXPECT_GE(p.entries[i - 1].score, p.entries[i].score);
}

TEST(FusedPlaylist, APromptWithoutSoundFallsBackToLyricsWithANote) {
  auto p = generate("cowboys on the range", "both", 9);
  EXPECT_TRUE(p.uses("lyrics"));
  EXPECT_FALSE(p.uses("sound"));
  ASSERT_FALSE(p.notes.empty());
  EXPECT_NE(p.notes[0].find("names no sound"), std::string::npos);
  // What is left: verses, and titles, albums and playlists that say it.
  for (const auto& e : p.entries)
    EXPECT_TRUE(e.has_lyrics_match || std::count(e.found_by.begin(), e.found_by.end(), "titles")) << e.title;
}

TEST(FusedPlaylist, SoundOnlyWithoutSoundWordsIsAClearError) {
  try {
    generate("cowboys on the range", "sound");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("says nothing about how the music should sound"), std::string::npos);
  }
}

TEST(FusedPlaylist, JsonCarriesTargetFitAndFeatures) {
  auto j = to_json(generate("calm acoustic evening", "both", 6));
  EXPECT_EQ(j["by"], "both");
  EXPECT_TRUE(j["target"]["features"].contains("acousticness"));
  bool saw_sound = false;
  for (const auto& s : j["songs"]) {
    if (s["sound"].is_null()) continue;
    saw_sound = true;
    EXPECT_TRUE(s["sound"]["per_feature"].contains("acousticness"));
    EXPECT_TRUE(s["features"].contains("tempo"));
    EXPECT_TRUE(s["spotify_id"].is_string());
  }
  EXPECT_TRUE(saw_sound);
}

TEST(Fusion, OneSignalScalesByItsBestSeveralUseReciprocalRanks) {
  std::vector<FusedCandidate> one = {{1, {SignalHit{1, 0.8, 0}}, 0}, {2, {SignalHit{2, 0.4, 1}}, 0}};
  fuse(one, {0.8}, FusionOptions{});
  EXPECT_DOUBLE_EQ(one[0].score, 1.0);
  EXPECT_DOUBLE_EQ(one[1].score, 0.5);

  std::vector<FusedCandidate> two = {{1, {SignalHit{1, 0.8, 0}, SignalHit{1, 0.9, 0}}, 0},
                                     {2, {SignalHit{2, 0.4, 1}, std::nullopt}, 0},
                                     {3, {std::nullopt, SignalHit{3, 0.5, 0}}, 0}};
  FusionOptions options;
  options.rrf_k = 60;
  fuse(two, {0.8, 0.9}, options);
  EXPECT_DOUBLE_EQ(two[0].score, 1.0) << "first in both signals";
  EXPECT_DOUBLE_EQ(two[2].score, 0.5) << "first in one of two";
  EXPECT_DOUBLE_EQ(two[1].score, (1.0 / 62) * 61 / 2) << "second in one of two";
  options.rrf_k = 0;  // the constant decides how much a place is worth
  fuse(two, {0.8, 0.9}, options);
  EXPECT_DOUBLE_EQ(two[1].score, 0.25);
}

TEST(Fusion, AWeakSignalGetsFewerPlacesNotNone) {
  // Signal 0 matches the prompt fully, signal 1 at a quarter of that: its
  // k-th song ranks with signal 0's 4k-th.
  std::vector<FusedCandidate> c;
  for (std::int64_t i = 0; i < 40; ++i) {
    c.push_back({i, {SignalHit{i, 1.0, static_cast<std::size_t>(i)}, std::nullopt}, 0});
    c.push_back({100 + i, {std::nullopt, SignalHit{100 + i, 1.0, static_cast<std::size_t>(i)}}, 0});
  }
  fuse(c, {1.0, 1.0}, FusionOptions{}, {{1, 1}, {1, 0.25}});
  std::sort(c.begin(), c.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
  std::size_t weak = 0;
  for (std::size_t i = 0; i < 20; ++i) weak += c[i].song_key >= 100;
  EXPECT_GE(weak, 3u);
  EXPECT_LE(weak, 5u) << "about a fifth of the places for a quarter of the evidence";
  fuse(c, {1.0, 1.0}, FusionOptions{}, {{3, 1}, {1, 1}});  // a request: its first places come first
  std::sort(c.begin(), c.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
  for (std::size_t i = 0; i < 20; ++i) EXPECT_LT(c[i].song_key, 100) << i;
}

TEST(Fusion, ASongASignalObjectsToKeepsOnlyThatShareOfItsScore) {
  std::vector<FusedCandidate> c = {{1, {SignalHit{1, 1.0, 0}, SignalHit{1, 0.5, 3}}, 0},
                                   {2, {SignalHit{2, 1.0, 0}, SignalHit{2, 0.5, 3}}, 0}};
  c[1].acceptance = 0.4;
  fuse(c, {1.0, 1.0}, FusionOptions{});
  EXPECT_GT(c[0].score, 0);
  EXPECT_DOUBLE_EQ(c[1].score, 0.4 * c[0].score);
}

TEST(Fusion, AnUnknownSignalIsRefusedByName) {
  try {
    generate("calm night", "vibes");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::bad_input);
    EXPECT_NE(std::string(e.what()).find("'vibes' (expected lyrics, sound, "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(" or both)"), std::string::npos) << e.what();
  }
}
