// The approximate index in use: `index` writes the graph beside a large
// index (forced here with a low approximate_from), the engine opens it, and
// the lyrics signal finds what the exact scan finds; a stale graph is set
// aside with a warning; a small index removes a graph left beside it.
#include <gtest/gtest.h>

#include <set>

#include "../bench/musiccaps_prompts.h"
#include "promptlist/error.h"
#include "promptlist/hnsw_index.h"
#include "promptlist/index_builder.h"
#include "promptlist/lyrics_search.h"
#include "test_support.h"
#include "test_world.h"

using namespace promptlist;
namespace fs = std::filesystem;

namespace {

const test::World& world() {
  static auto w = test::make_world({"approximate", 1, 0, 0});
  return *w;
}

// The world's verse index again, with a graph beside it.
fs::path index_with_graph() {
  static const fs::path path = [] {
    const fs::path p = test::scratch_dir("approximate_index") / "verses.plvi";
    IndexBuildOptions options;
    options.approximate_from = 1;
    build_verse_index(*world().catalog, *world().engine->embedder(), p.string(), options);
    return p;
  }();
  return path;
}

std::vector<std::string> prompts() {
  return bench::musiccaps_prompts((test::data_dir() / "descriptions" / "musiccaps-public.csv").string(), 100);
}

std::vector<std::uint32_t> top_rows(const ChunkScores& s, std::size_t k) {
  std::vector<std::uint32_t> rows(s.combined.size());
  for (std::uint32_t i = 0; i < rows.size(); ++i) rows[i] = i;
  std::partial_sort(rows.begin(), rows.begin() + k, rows.end(),
                    [&](std::uint32_t a, std::uint32_t b) { return s.combined[a] > s.combined[b] || (s.combined[a] == s.combined[b] && a < b); });
  rows.resize(k);
  return rows;
}

}  // namespace

TEST(ApproximateSearch, IndexWritesTheGraphBesideALargeIndexNamingItsRows) {
  const fs::path graph = hnsw_path_for(index_with_graph().string());
  EXPECT_EQ(graph.extension(), ".plhn");
  const VerseIndex rows(index_with_graph().string());
  const auto opened = HnswIndex::open_beside(rows);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->size(), rows.size());
  EXPECT_EQ(opened->rows_fingerprint(), rows.checksum());
}

TEST(ApproximateSearch, HybridScoresRankTheSameTopChunksAsTheExactScan) {
  const VerseIndex rows(index_with_graph().string());
  const auto graph = HnswIndex::open_beside(rows);
  const LyricsSearch exact(rows, *world().engine->embedder());
  const LyricsSearch approximate(rows, *world().engine->embedder(), kLexicalWeight, graph.get());
  std::size_t same = 0, all = 0;
  for (const auto& p : prompts()) {
    const auto want = top_rows(exact.score(p, LyricsScoring::hybrid), 10);
    const auto got = top_rows(approximate.score(p, LyricsScoring::hybrid), 10);
    const std::set<std::uint32_t> truth(want.begin(), want.end());
    for (std::uint32_t r : got) same += truth.count(r);
    all += want.size();
  }
  EXPECT_GE(double(same) / double(all), 0.97);
}

TEST(ApproximateSearch, TheEngineUsesTheGraphAndMakesTheSamePlaylists) {
  EngineOptions o = world().engine->options();
  o.index = index_with_graph().string();
  const Engine with_graph(o);
  EXPECT_TRUE(with_graph.warnings().empty()) << with_graph.warnings().front();
  std::size_t same = 0, all = 0;
  auto some = prompts();
  some.resize(30);
  for (const auto& p : some) {
    PlaylistRequest r;
    r.prompt = p;
    r.by = "lyrics";
    if (p.find("no vocals") != std::string::npos || p.find("instrumental") != std::string::npos) continue;  // refused by lyrics
    Playlist a, b;
    try {
      a = world().engine->playlist(r);
    } catch (const Error&) {
      EXPECT_THROW(with_graph.playlist(r), Error) << p;  // refused the same way
      continue;
    }
    b = with_graph.playlist(r);
    std::set<std::int64_t> want;
    for (const auto& e : a.entries) want.insert(e.song_key);
    for (const auto& e : b.entries) same += want.count(e.song_key);
    all += a.entries.size();
  }
  EXPECT_GE(double(same) / double(all), 0.95);
}

TEST(ApproximateSearch, AStaleGraphIsSetAsideWithAWarningAndTheScanAnswers) {
  const fs::path dir = test::scratch_dir("approximate_stale");
  const fs::path index = dir / "verses.plvi";
  fs::copy_file(index_with_graph(), index);
  // A graph over other rows: what a crash between the two writes leaves.
  const VerseIndex rows(index.string());
  HnswIndex::build(rows.row(0), rows.size(), rows.dim(), {}).write(hnsw_path_for(index.string()), rows.checksum() + 1);
  EngineOptions o = world().engine->options();
  o.index = index.string();
  const Engine engine(o);
  ASSERT_EQ(engine.warnings().size(), 1u);
  EXPECT_NE(engine.warnings()[0].find("built over other rows"), std::string::npos) << engine.warnings()[0];
  PlaylistRequest r;
  r.prompt = "the sea at night";
  r.by = "lyrics";
  EXPECT_EQ(engine.playlist(r).entries.size(), r.n);
}

TEST(ApproximateSearch, ASmallIndexRemovesAGraphLeftBesideIt) {
  const fs::path dir = test::scratch_dir("approximate_small");
  const fs::path index = dir / "verses.plvi";
  fs::copy_file(index_with_graph(), index);
  fs::copy_file(hnsw_path_for(index_with_graph().string()), hnsw_path_for(index.string()));
  build_verse_index(*world().catalog, *world().engine->embedder(), index.string());  // below kApproximateFrom
  EXPECT_FALSE(fs::exists(hnsw_path_for(index.string())));
}
