// Incremental index updates: a rebuild given the index it replaces embeds
// only the chunks whose text that index lacks (a changed song's changed
// verses, a new song's), drops the chunks of removed songs, and ends with
// the chunk table a full rebuild makes; a build killed midway leaves the old
// index as it was.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "../bench/musiccaps_prompts.h"
#include "promptlist/error.h"
#include "promptlist/index_builder.h"
#include "promptlist/verse_index.h"
#include "test_support.h"
#include "test_world.h"

using namespace promptlist;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The world's embedder, remembering every text it is asked to embed.
class CountingEmbedder : public Embedder {
 public:
  explicit CountingEmbedder(const Embedder& inner, std::string id = {}) : inner_(inner), id_(std::move(id)) {}
  std::string model_id() const override { return id_.empty() ? inner_.model_id() : id_; }
  std::size_t dim() const override { return inner_.dim(); }
  std::size_t max_tokens() const override { return inner_.max_tokens(); }
  std::size_t count_tokens(std::string_view t) const override { return inner_.count_tokens(t); }
  std::size_t components_to_remove() const override { return inner_.components_to_remove(); }
  EmbedStats embed(const std::vector<std::string>& texts, float* out, const ProgressFn& p) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    embedded_.insert(embedded_.end(), texts.begin(), texts.end());
    return inner_.embed(texts, out, p);
  }
  const std::vector<std::string>& embedded() const { return embedded_; }

 private:
  const Embedder& inner_;
  std::string id_;
  mutable std::mutex mutex_;
  mutable std::vector<std::string> embedded_;
};

// 200 real songs, changed below: one gets a new last verse, one is new, one is removed.
struct Scenario {
  std::unique_ptr<test::World> world;
  fs::path old_index, updated, full;
  std::int64_t changed = 0, removed = 0;
  std::vector<std::string> embedded;  // by the incremental build
  IndexBuildReport report;
};

std::vector<json> world_songs(const test::World& w) {
  std::ifstream in(w.dir / "songs.jsonl");
  std::vector<json> songs;
  for (std::string line; std::getline(in, line);) songs.push_back(json::parse(line));
  return songs;
}

void import_lines(Catalog& catalog, const fs::path& file, const std::vector<json>& songs) {
  std::ofstream out(file);
  for (const auto& s : songs) out << s.dump() << "\n";
  out.close();
  catalog.import_lyrics_jsonl(file.string());
}

const Scenario& scenario() {
  static const Scenario s = [] {
    Scenario s;
    s.world = test::make_world({"incremental", 1, 200, 0});
    Catalog& catalog = *s.world->catalog;
    const Embedder& embedder = *s.world->engine->embedder();
    s.old_index = s.world->dir / "index.plvi";
    const auto songs = world_songs(*s.world);
    json changed = songs[10], added = songs[20];
    changed["verses"].push_back("And when the harbour lamps are lit\nI row the silver water home\nAnd sing of her I left behind");
    added["id"] = "test/a-new-song";
    added["title"] = "A New Song";
    added["verses"] = {"The lanterns swing above the quay\nThe gulls are crying out to sea\nMy true love waits for me"};
    import_lines(catalog, s.world->dir / "changes.jsonl", {changed, added});
    s.changed = catalog.find(changed["id"].get<std::string>())->key;
    s.removed = catalog.find(songs[30]["id"].get<std::string>())->key;
    catalog.remove_songs({songs[30]["id"].get<std::string>()});

    s.updated = s.world->dir / "updated.plvi";
    s.full = s.world->dir / "full.plvi";
    const CountingEmbedder counting(embedder);
    IndexBuildOptions incremental;
    incremental.reuse_rows_from = s.old_index.string();
    s.report = build_verse_index(catalog, counting, s.updated.string(), incremental);
    s.embedded = counting.embedded();
    build_verse_index(catalog, embedder, s.full.string());
    return s;
  }();
  return s;
}

std::set<std::int64_t> songs_in(const VerseIndex& index) {
  std::set<std::int64_t> keys;
  for (std::size_t i = 0; i < index.size(); ++i) keys.insert(index.chunk_song(i));
  return keys;
}

}  // namespace

TEST(IncrementalIndex, EmbedsOnlyTheChangedVerseAndTheNewSong) {
  const Scenario& s = scenario();
  const VerseIndex updated(s.updated.string());
  std::set<std::int64_t> embedded_songs;
  for (std::size_t i = 0; i < updated.size(); ++i)
    for (const auto& text : s.embedded)
      if (updated.chunk_text(i) == text) embedded_songs.insert(updated.chunk_song(i));
  const std::int64_t added = s.world->catalog->find(std::string("test/a-new-song"))->key;
  EXPECT_EQ(embedded_songs, (std::set<std::int64_t>{s.changed, added}));
  EXPECT_LE(s.embedded.size(), 3u) << "a new verse and a new song's verse, each one or two chunks";
  EXPECT_EQ(s.report.embed.texts, s.embedded.size());
  EXPECT_EQ(s.report.reused + s.embedded.size(), updated.size());
  EXPECT_GT(s.report.dropped, 0u);  // the removed song's chunks
  EXPECT_TRUE(s.report.not_reused.empty());
}

TEST(IncrementalIndex, EndsWithTheChunksOfAFullRebuildAndNoneOfTheRemovedSong) {
  const Scenario& s = scenario();
  const VerseIndex updated(s.updated.string()), full(s.full.string());
  ASSERT_EQ(updated.size(), full.size());
  for (std::size_t i = 0; i < full.size(); ++i) {
    const VerseChunk a = updated.chunk(i), b = full.chunk(i);
    ASSERT_EQ(std::tie(a.song_key, a.verse, a.line_begin, a.line_end, a.text),
              std::tie(b.song_key, b.verse, b.line_begin, b.line_end, b.text)) << "chunk " << i;
  }
  EXPECT_EQ(updated.catalog_fingerprint(), s.world->catalog->lyrics_fingerprint());
  EXPECT_EQ(songs_in(updated).count(s.removed), 0u);
  EXPECT_EQ(songs_in(VerseIndex(s.old_index.string())).count(s.removed), 1u);
}

TEST(IncrementalIndex, FindsWhatAFullRebuildFinds) {
  // The update keeps the old index's removed component (a full rebuild
  // computes it afresh over a slightly different catalog): the top verses
  // for real prompts must still be those of the full rebuild.
  const Scenario& s = scenario();
  const VerseIndex updated(s.updated.string()), full(s.full.string());
  const Embedder& embedder = *s.world->engine->embedder();
  const auto prompts =
      bench::musiccaps_prompts((test::data_dir() / "descriptions" / "musiccaps-public.csv").string(), 100);
  std::size_t same = 0, all = 0;
  std::vector<float> q(embedder.dim());
  for (const auto& p : prompts) {
    embedder.embed({p}, q.data());
    std::vector<float> qu = q, qf = q;
    updated.project(qu.data());
    full.project(qf.data());
    std::set<std::uint32_t> want;
    for (const auto& h : full.top_k(qf.data(), 10)) want.insert(h.row);
    for (const auto& h : updated.top_k(qu.data(), 10)) same += want.count(h.row);
    all += 10;
  }
  EXPECT_GE(double(same) / double(all), 0.95);
}

TEST(IncrementalIndex, AnIndexOfAnotherModelIsNotReusedAndSaysWhy) {
  const Scenario& s = scenario();
  const CountingEmbedder other(*s.world->engine->embedder(), "other-model/1");
  IndexBuildOptions options;
  options.reuse_rows_from = s.updated.string();
  const auto dir = test::scratch_dir("incremental_other");
  const auto r = build_verse_index(*s.world->catalog, other, (dir / "other.plvi").string(), options);
  EXPECT_EQ(r.reused, 0u);
  EXPECT_EQ(other.embedded().size(), r.chunks);
  EXPECT_NE(r.not_reused.find("built by model"), std::string::npos) << r.not_reused;
}

TEST(IncrementalIndex, AnUpdateKilledMidwayLeavesTheOldIndexAsItWas) {
  const Scenario& s = scenario();
  const auto dir = test::scratch_dir("incremental_killed");
  const fs::path index = dir / "index.plvi";
  fs::copy_file(s.old_index, index);
  const std::string before = test::read_file(index);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    IndexBuildOptions options;
    options.reuse_rows_from = index.string();
    options.batch = 1;
    options.progress = [](std::size_t, std::size_t) { ::raise(SIGKILL); };  // kill -9 after the first embedded chunk
    try {
      build_verse_index(*s.world->catalog, *s.world->engine->embedder(), index.string(), options);
    } catch (...) {
    }
    ::_exit(1);  // never run the rest of the tests in the child
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_EQ(test::read_file(index), before);
  EXPECT_NO_THROW(VerseIndex{index.string()});
}
