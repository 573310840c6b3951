// The titles signal on the real all-MiniLM-L6-v2 over the whole demo catalog
// as setup.sh leaves it in HOME (its track text index): an activity's
// playlists, a title's words, and a negation that keeps its word out.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "promptlist/engine.h"
#include "promptlist/text.h"
#include "test_support.h"

using namespace promptlist;

namespace {

const Engine& home_engine() {
  static const auto engine = [] {
    EngineOptions options;
    options.home = test::promptlist_home().string();
    return std::make_unique<Engine>(options);
  }();
  return *engine;
}

Playlist by_titles(const std::string& prompt, std::size_t n) {
  PlaylistRequest r;
  r.prompt = prompt;
  r.by = "titles";
  r.n = n;
  return home_engine().playlist(r);
}

// Whether the song's title or one of its playlists has a word starting with one of the stems.
bool says(const Song& song, const std::vector<std::string>& stems) {
  std::string text = song.title;
  for (const auto& p : home_engine().catalog().playlists_of(song.key)) text += " " + p.name;
  for (const auto& w : word_tokens(text))
    for (const auto& s : stems)
      if (w.rfind(s, 0) == 0) return true;
  return false;
}

}  // namespace

TEST(RealModelTitles, AWorkoutIsFoundInWorkoutPlaylistsAndTitles) {
  PROMPTLIST_REQUIRE_REAL_MODEL(test::real_model_folder());
  const Playlist p = by_titles("songs for a workout", 20);
  ASSERT_EQ(p.entries.size(), 20u);
  std::size_t on_topic = 0;
  for (const auto& e : p.entries) {
    const auto song = home_engine().catalog().find(e.song_id);
    ASSERT_TRUE(song);
    on_topic += says(*song, {"workout", "work", "gym", "cardio", "fitness", "training", "run", "beast"});
  }
  std::printf("'songs for a workout' by titles: %zu/20 in a workout playlist or title\n", on_topic);
  EXPECT_GE(on_topic, 16u);
}

TEST(RealModelTitles, ATitlesWordsComeFirstAndSayWhy) {
  PROMPTLIST_REQUIRE_REAL_MODEL(test::real_model_folder());
  const Playlist p = by_titles("music for a rainy day", 9);
  ASSERT_EQ(p.entries.size(), 9u);
  for (const auto& e : p.entries) {
    const auto words = word_tokens(e.title);
    EXPECT_TRUE(std::any_of(words.begin(), words.end(), [](const std::string& w) { return w.rfind("rain", 0) == 0; }))
        << e.title;
    EXPECT_NE(e.why.find("says \"rainy\""), std::string::npos) << e.why;
  }
}

TEST(RealModelTitles, ANegatedWordIsNotMatched) {
  PROMPTLIST_REQUIRE_REAL_MODEL(test::real_model_folder());
  const Playlist p = by_titles("not sad, something hopeful", 9);
  ASSERT_FALSE(p.entries.empty());
  for (const auto& e : p.entries) EXPECT_EQ(e.why.find("\"sad\""), std::string::npos) << e.title << ": " << e.why;
}

TEST(RealModelTitles, InTheDefaultMixThemesGetTracksAsWellAsTexts) {
  PROMPTLIST_REQUIRE_REAL_MODEL(test::real_model_folder());
  PlaylistRequest r;
  r.prompt = "christmas songs";
  const Playlist p = home_engine().playlist(r);
  std::size_t tracks = 0, texts = 0;
  for (const auto& e : p.entries) (e.spotify_id.empty() ? texts : tracks) += 1;
  std::printf("'christmas songs': %zu tracks, %zu texts\n", tracks, texts);
  EXPECT_GE(tracks, 3u) << "the catalog's Christmas recordings are missing";
  EXPECT_GE(texts, 2u) << "the carols' verses are missing";
}
