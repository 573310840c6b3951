// Track texts (title, artist, album, playlists, genres) on the real Spotify
// catalog, the index made of them, and the titles signal over it (with the
// built-in model: the real model's fit is tests/realmodel/test_real_titles.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "promptlist/error.h"
#include "promptlist/index_builder.h"
#include "promptlist/model_store.h"
#include "promptlist/text.h"
#include "promptlist/track_facts.h"
#include "promptlist/track_text.h"
#include "test_support.h"
#include "test_world.h"

using namespace promptlist;

namespace {

const test::World& world() {
  static auto w = test::make_world({"titles", 50, 100, 4000});
  return *w;
}

std::vector<VerseChunk> world_texts() {
  return track_texts(world().catalog->songs_with_features(), world().catalog->playlist_memberships());
}

double popularity(const Song& s) { return s.features[Feature::popularity].value_or(-1); }

const Engine& engine() { return *world().engine; }

}  // namespace

TEST(TrackTexts, OnePerSongByKeyTheMostPopularRecordingKept) {
  const auto tracks = world().catalog->songs_with_features();
  const auto texts = world_texts();
  std::map<std::string, std::vector<const Song*>> recordings;
  std::map<std::int64_t, const Song*> by_key;
  for (const auto& t : tracks) recordings[TrackFacts::song_of(t)].push_back(&t), by_key[t.key] = &t;
  ASSERT_EQ(texts.size(), recordings.size());
  EXPECT_EQ(TrackFacts::count_songs(tracks), recordings.size());
  EXPECT_LT(texts.size(), tracks.size()) << "the catalog holds songs under several ids; each must be one text";
  for (std::size_t i = 1; i < texts.size(); ++i) ASSERT_LT(texts[i - 1].song_key, texts[i].song_key);
  for (const auto& text : texts) {
    const Song& kept = *by_key.at(text.song_key);
    for (const Song* other : recordings.at(TrackFacts::song_of(kept))) EXPECT_GE(popularity(kept), popularity(*other)) << kept.title;
    EXPECT_EQ(text.text.rfind(kept.title + ".", 0), 0u) << text.text;
    if (!kept.artist.empty() && kept.title.find(kept.artist) == std::string::npos &&
        kept.collection.find(kept.artist) == std::string::npos) {
      EXPECT_EQ(text.text.find(" by " + kept.artist), std::string::npos) << "the artist is the artist signal's: " << text.text;
    }
  }
}

TEST(TrackTexts, NameTheAlbumYearPlaylistsAndGenres) {
  const auto texts = world_texts();
  const auto memberships = world().catalog->playlist_memberships();
  std::size_t checked = 0;
  for (const auto& text : texts) {
    const auto it = std::find_if(memberships.begin(), memberships.end(),
                                 [&](const auto& m) { return m.first == text.song_key; });
    if (it == memberships.end()) continue;
    const Song song = *world().catalog->find(text.song_key);
    EXPECT_NE(text.text.find(" Album: " + song.collection), std::string::npos) << text.text;
    if (song.year) {
      EXPECT_NE(text.text.find("(" + std::to_string(*song.year) + ")"), std::string::npos) << text.text;
    }
    EXPECT_NE(text.text.find("Playlists: "), std::string::npos) << text.text;
    EXPECT_NE(text.text.find(it->second.name), std::string::npos) << text.text;
    EXPECT_NE(text.text.find("Genres: " + it->second.genre), std::string::npos) << text.text;
    if (++checked == 200) break;
  }
  EXPECT_EQ(checked, 200u) << "too few tracks with playlists in the world";
}

TEST(TrackTexts, AFingerprintFollowsEverythingATextIsMadeOf) {
  auto tracks = world().catalog->songs_with_features();
  auto memberships = world().catalog->playlist_memberships();
  const auto before = track_texts_fingerprint(tracks, memberships);
  EXPECT_EQ(track_texts_fingerprint(world().catalog->songs_with_features(), memberships), before);
  const auto changed = [&](auto change) {
    auto t = tracks;
    auto m = memberships;
    change(t[tracks.size() / 2], m[memberships.size() / 2].second);
    return track_texts_fingerprint(t, m) != before;
  };
  EXPECT_TRUE(changed([](Song& s, PlaylistLabel&) { s.title += " "; }));
  EXPECT_TRUE(changed([](Song& s, PlaylistLabel&) { s.collection = "Another Album"; }));
  EXPECT_TRUE(changed([](Song& s, PlaylistLabel&) { s.year = s.year.value_or(1900) + 1; }));
  EXPECT_TRUE(changed([](Song& s, PlaylistLabel&) { s.artist += "x"; }));  // another song: recordings regroup
  EXPECT_TRUE(changed([](Song& s, PlaylistLabel&) { s.features.values[static_cast<std::size_t>(Feature::popularity)] = 101; }));
  EXPECT_TRUE(changed([](Song&, PlaylistLabel& p) { p.name += "!"; }));
  EXPECT_TRUE(changed([](Song&, PlaylistLabel& p) { p.subgenre = "polka"; }));
  // What a text does not say (the sound) leaves the fingerprint alone.
  EXPECT_FALSE(changed([](Song& s, PlaylistLabel&) { s.features.values[static_cast<std::size_t>(Feature::energy)] = 0.5; }));
}

TEST(ChunkIndex, RowsKeepTheChunksOrderThoughEmbeddedLongestFirst) {
  const Embedder& embedder = *world().engine->embedder();
  std::vector<VerseChunk> chunks;
  for (const char* t : {"rain", "the long road home under the stars tonight my love", "summer",
                        "dancing in the moonlight with everyone feeling warm and bright", "sea"}) {
    VerseChunk c;
    c.song_key = static_cast<std::int64_t>(chunks.size()) + 1;
    c.text = t;
    chunks.push_back(c);
  }
  const auto path = test::scratch_dir("chunk_index") / "rows.plvi";
  IndexBuildOptions options;
  options.batch = 2;  // several batches, in another order than the rows
  build_chunk_index(chunks, 42, embedder, path.string(), options);
  const VerseIndex index(path.string(), embedder.model_id());
  ASSERT_EQ(index.size(), chunks.size());
  EXPECT_EQ(index.catalog_fingerprint(), 42u);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(index.chunk_text(i), chunks[i].text);
    EXPECT_EQ(index.chunk_song(i), chunks[i].song_key);
    std::vector<float> v(embedder.dim());
    embedder.embed({chunks[i].text}, v.data());
    index.project(v.data());
    double dot = 0;
    for (std::size_t k = 0; k < v.size(); ++k) dot += double(v[k]) * index.row(i)[k];
    EXPECT_NEAR(dot, 1.0, 1e-4) << "row " << i << " is not the vector of its own text";
  }
}

TEST(TitlesSignal, WithoutATrackIndexItIsUnavailableAndSaysWhatToRun) {
  // The world's catalog and verse index, in a home without a track text index.
  EngineOptions options = world().engine->options();
  options.home = test::scratch_dir("titles-missing").string();
  const Engine without(options);
  const auto described = without.describe();
  bool listed = false;
  for (const auto& s : described["signals"]) {
    if (s["name"] != "titles") continue;
    listed = true;
    EXPECT_FALSE(s["available"].get<bool>());
  }
  EXPECT_TRUE(listed);
  options.signals = "titles";
  try {
    Engine alone(options);
    ADD_FAILURE() << "an engine for a signal without its index";
  } catch (const Unavailable& e) {
    EXPECT_NE(std::string(e.what()).find("run 'promptlist index'"), std::string::npos) << e.what();
  }
}

TEST(TitlesSignal, AnArtistsNameIsTheArtistSignalsNotATitlesWord) {
  const auto& facts = *world().engine->sources().facts;
  const std::string artist = facts.tracks()[facts.by_popularity()[0]].artist;
  PlaylistRequest r;
  r.prompt = "songs like " + artist;
  r.by = "titles";
  try {
    world().engine->playlist(r);
    ADD_FAILURE() << "titles answered \"" << r.prompt << "\"";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("names only an artist"), std::string::npos) << e.what();
  }
}

TEST(TitlesSignal, ATitlesWordsFindItAndTheWhyLineSaysSo) {
  // The most popular track whose title has two words of four letters or more.
  const TrackFacts& facts = *engine().sources().facts;
  const TrackFact* pick = nullptr;
  for (std::uint32_t i : facts.by_popularity()) {
    std::size_t long_words = 0;
    for (const auto& w : word_tokens(facts.tracks()[i].title)) long_words += w.size() >= 4;
    if (long_words >= 2) {
      pick = &facts.tracks()[i];
      break;
    }
  }
  ASSERT_NE(pick, nullptr);
  PlaylistRequest r;
  r.prompt = pick->title;
  r.by = "titles";
  r.n = 5;
  const Playlist p = engine().playlist(r);
  ASSERT_FALSE(p.entries.empty());
  EXPECT_EQ(TrackFacts::song_title(p.entries[0].title), TrackFacts::song_title(pick->title)) << p.entries[0].why;
  EXPECT_NE(p.entries[0].why.find("title \"" + p.entries[0].title + "\" says"), std::string::npos) << p.entries[0].why;
  EXPECT_EQ(p.signals_used, std::vector<std::string>{"titles"});
}

TEST(TitlesSignal, APlaylistsNameFindsItsTracksAndIsNamed) {
  // The playlist with the most tracks in the world, asked for by its name.
  std::map<std::string, std::set<std::int64_t>> members;
  for (const auto& [key, label] : world().catalog->playlist_memberships()) members[label.name].insert(key);
  const auto biggest = std::max_element(members.begin(), members.end(),
                                        [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
  ASSERT_GE(biggest->second.size(), 10u);
  PlaylistRequest r;
  r.prompt = biggest->first;
  r.by = "titles";
  r.n = 10;
  const Playlist p = engine().playlist(r);
  ASSERT_EQ(p.entries.size(), 10u);
  // A playlist of the same words counts ("post-teen pop", "Post Teen Pop", "The Sound of Post-Teen Pop").
  const auto words_of = [](const std::string& name) {
    const auto w = word_tokens(name);
    return std::set<std::string>(w.begin(), w.end());
  };
  const auto asked = words_of(biggest->first);
  std::size_t members_first = 0, named = 0;
  for (const auto& e : p.entries) {
    const auto song = engine().catalog().find(e.song_id);
    ASSERT_TRUE(song);
    for (const auto& label : engine().catalog().playlists_of(song->key)) {
      const auto has = words_of(label.name);
      if (std::includes(has.begin(), has.end(), asked.begin(), asked.end())) {
        ++members_first;
        break;
      }
    }
    named += e.why.find("in playlist") != std::string::npos;
  }
  EXPECT_GE(members_first, 8u) << "prompt \"" << biggest->first << "\"";
  EXPECT_GE(named, 8u) << p.entries[0].why;
}

TEST(TitlesSignal, JoinsTheDefaultMixAndJudgesWhatOthersFound) {
  PlaylistRequest r;
  r.prompt = "summer party";
  r.n = 12;
  const Playlist p = engine().playlist(r);
  EXPECT_TRUE(p.uses("titles"));
  std::size_t by_two = 0;
  for (const auto& e : p.entries) by_two += e.found_by.size() >= 2;
  EXPECT_GT(by_two, 0u) << "no song was found by two signals";
}

TEST(TitlesSignal, ATitleThatSaysItDoesNotOutweighASoundThePromptRulesOut) {
  PlaylistRequest r;
  r.prompt = "chill songs without vocals";  // titles say "chill"; most such tracks are sung
  r.n = 9;
  const Playlist p = engine().playlist(r);
  ASSERT_TRUE(p.uses("sound"));
  std::size_t tracks = 0;
  for (const auto& e : p.entries) {
    const auto inst = e.features[Feature::instrumentalness];
    if (!inst) continue;
    ++tracks;
    EXPECT_GE(*inst, 0.5) << e.title << ": " << e.why;
  }
  EXPECT_GT(tracks, 0u);
}
