// End to end on a small catalog drawn from ../shared/data: import, index
// with the built-in model, generate.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "promptlist/catalog.h"
#include "promptlist/error.h"
#include "promptlist/index_builder.h"
#include "promptlist/playlist.h"
#include "promptlist/sif_embedder.h"
#include "promptlist/text.h"
#include "test_support.h"
#include "test_world.h"

using namespace promptlist;
using test::on_theme;
namespace fs = std::filesystem;

namespace {

// Every third song of the shipped lyrics: ~820 songs from every collection.
test::World& world() {
  static auto w = test::make_world({"playlist", 3, 0, 0});
  return *w;
}

Playlist generate(const std::string& prompt, std::size_t n = 9, std::size_t max_per_artist = 0,
                  LyricsScoring scoring = LyricsScoring::hybrid) {
  PlaylistRequest r;
  r.prompt = prompt;
  r.n = n;
  r.max_per_artist = max_per_artist;
  r.scoring = scoring;
  return make_playlist(world().sources(), r);
}

}  // namespace

TEST(Playlist, ReturnsExactlyNDistinctSongsWithTheirBestVerse) {
  for (std::size_t n : {1, 9, 25}) {
    auto p = generate("running wild and free", n);
    ASSERT_EQ(p.entries.size(), n);
    std::set<std::int64_t> keys;
    for (const auto& e : p.entries) {
      keys.insert(e.song_key);
      EXPECT_FALSE(e.title.empty());
      EXPECT_FALSE(e.matched_text.empty());
      EXPECT_LT(e.line_begin, e.line_end);
      EXPECT_FALSE(e.why.empty());
      // The matched text really is those lines of the song.
      auto song = world().catalog->find(e.song_key);
      auto lines = song_lines(song->verses);
      ASSERT_LE(e.line_end, lines.size());
      EXPECT_EQ(lines[e.line_begin], e.matched_text.substr(0, e.matched_text.find('\n')));
    }
    EXPECT_EQ(keys.size(), n);
    for (std::size_t i = 1; i < p.entries.size(); ++i) EXPECT_GE(p.entries[i - 1].score, p.entries[i].score);
  }
}

TEST(Playlist, TopKWidensUntilEnoughSongs) {
  auto p = generate("the lord is my shepherd", 60);
  EXPECT_EQ(p.entries.size(), 60u);
  EXPECT_GE(p.top_k, 240u);
}

TEST(Playlist, FewerSongsOnlyWhenTheCatalogHasFewer) {
  auto songs = world().catalog->stats().songs_with_lyrics;
  auto p = generate("love", kMaxPlaylistSize);
  EXPECT_EQ(p.entries.size(), std::min<std::size_t>(songs, kMaxPlaylistSize));
}

TEST(Playlist, MaxPerArtistCapsOneArtist) {
  auto uncapped = generate("cowboys on the range", 9);
  std::map<std::string, int> count;
  for (const auto& e : uncapped.entries) ++count[e.artist];
  ASSERT_GT(count["Traditional"], 2) << "the test needs an artist with several songs";
  auto capped = generate("cowboys on the range", 9, 2);
  EXPECT_EQ(capped.entries.size(), 9u);
  count.clear();
  for (const auto& e : capped.entries) EXPECT_LE(++count[e.artist], 2) << e.artist;
}

TEST(Playlist, PromptsAboutAThemeFindSongsAboutIt) {
  EXPECT_GE(on_theme(generate("cowboys on the range"), 5, {"cow", "range", "cattle", "ranch", "herd", "trail", "prairie", "horse", "rode", "ride"}), 4u);
  EXPECT_GE(on_theme(generate("Christmas night"), 5, {"christmas", "night", "noel", "bethlehem", "born", "manger", "star"}), 4u);
  EXPECT_GE(on_theme(generate("a child falling asleep"), 5, {"sleep", "asleep", "slept", "slumber", "lullaby", "cradle", "baby", "child", "rest", "bed"}), 4u);
  EXPECT_GE(on_theme(generate("death and mourning"), 5, {"death", "dead", "die", "dying", "grave", "mourn", "weep", "tomb", "tears"}), 4u);
  EXPECT_GE(on_theme(generate("the sea"), 5, {"sea", "ocean", "wave", "ship", "sail", "shore", "deep", "tide"}), 4u);
}

// The embedder's promise, checked in the index's space (SIF vectors with the
// catalog's common component removed, as every search sees them).
TEST(LyricsSearch, RelatedMeaningsScoreHigherThanUnrelated) {
  struct Case {
    const char* anchor;
    const char* related;
    const char* unrelated;
  };
  const Case cases[] = {
      {"cowboys riding on the range", "the cattle trail and the prairie herd", "the baby sleeps in her cradle"},
      {"Christmas night", "the shepherds watched the star over Bethlehem", "a drinking song of sailors at sea"},
      {"a child falling asleep", "hush little baby, go to sleep in your cradle", "the soldiers marched into battle"},
      {"death and mourning", "we weep and grieve beside his grave, for he is dead", "the merry dance at the wedding feast"},
      {"the sea", "waves and ships upon the ocean", "wheat fields in the summer valley"},
  };
  auto cosine = [](const std::vector<float>& a, const std::vector<float>& b) {
    float dot = 0;
    for (std::size_t i = 0; i < a.size(); ++i) dot += a[i] * b[i];
    return dot;  // both unit length
  };
  const auto& s = *world().engine->lyrics();
  for (const auto& c : cases) {
    const auto a = s.embed_prompt(c.anchor);
    EXPECT_GT(cosine(a, s.embed_prompt(c.related)), cosine(a, s.embed_prompt(c.unrelated)) + 0.05f) << c.anchor;
  }
}

TEST(Playlist, DifferentThemesGiveDifferentSongs) {
  auto a = generate("cowboys on the range"), b = generate("Christmas night"), c = generate("the sea");
  auto overlap = [](const Playlist& x, const Playlist& y) {
    std::size_t n = 0;
    for (const auto& e : x.entries)
      for (const auto& f : y.entries) n += e.song_key == f.song_key;
    return n;
  };
  EXPECT_LE(overlap(a, b), 1u);
  EXPECT_LE(overlap(a, c), 1u);
  EXPECT_LE(overlap(b, c), 1u);
}

TEST(Playlist, SemanticScoringFindsMeaningWithoutSharedWords) {
  // No verse needs to contain "equine" for horses to come up.
  auto p = generate("equine gallop", 5, 0, LyricsScoring::semantic);
  EXPECT_GE(on_theme(p, 5, {"horse", "steed", "ride", "rode", "gallop", "pony", "saddle", "bronco"}), 2u);
}

TEST(Playlist, BadRequestsAreRefusedWithAReason) {
  auto message = [](const std::string& prompt, std::size_t n = 9) {
    try {
      generate(prompt, n);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message(""), "prompt is empty");
  EXPECT_EQ(message("   \n"), "prompt is empty");
  EXPECT_NE(message(std::string(kMaxPromptChars + 1, 'a')).find("longer than"), std::string::npos);
  EXPECT_NE(message("bad \xFF").find("UTF-8"), std::string::npos);
  EXPECT_NE(message("the sea", 0).find("between 1 and"), std::string::npos);
  EXPECT_NE(message("the sea", kMaxPlaylistSize + 1).find("between 1 and"), std::string::npos);
  EXPECT_NE(message("zzqxv qqxvz").find("none of the prompt's words"), std::string::npos);
}

TEST(Playlist, JsonHasEverySongField) {
  auto j = to_json(generate("the sea", 3));
  ASSERT_EQ(j["songs"].size(), 3u);
  for (const auto& s : j["songs"]) {
    for (const char* key : {"id", "title", "artist", "score", "why", "match"}) EXPECT_TRUE(s.contains(key)) << key;
    EXPECT_TRUE(s["match"].contains("line_begin"));
    EXPECT_TRUE(s["match"]["text"].is_string());
  }
  EXPECT_EQ(j["prompt"], "the sea");
  EXPECT_EQ(j["scoring"], "hybrid");
}

TEST(IndexBuilder, SameCatalogGivesAByteIdenticalIndex) {
  const auto again = (world().dir / "again.plvi").string();
  build_verse_index(*world().catalog, *world().engine->embedder(), again);
  EXPECT_EQ(test::read_file(again), test::read_file(world().dir / "index.plvi"));
  EXPECT_EQ(world().index().catalog_fingerprint(), world().catalog->lyrics_fingerprint());
}

TEST(LyricsSearch, RefusesAnIndexOfAnotherModel) {
  SifEmbedder other(std::make_shared<const WordVectors>(test::glove_model_path().string()), SifOptions{1e-4, 256});
  EXPECT_THROW(LyricsSearch(world().index(), other), Error);
}
