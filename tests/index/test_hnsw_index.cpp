// HnswIndex: the approximate index finds what the exact scan finds, on the
// real verses of the demo catalog (GloVe rows) and real MusicCaps prompts,
// survives a round trip through its file, and refuses damaged files.
#include <gtest/gtest.h>

#include <xxhash.h>

#include <cstring>
#include <set>

#include "promptlist/error.h"
#include "promptlist/hnsw_index.h"
#include "promptlist/lyrics_search.h"
#include "../bench/musiccaps_prompts.h"
#include "index/hnsw_format.h"
#include "test_support.h"
#include "test_world.h"

using namespace promptlist;

namespace {

const test::World& world() {
  static auto w = test::make_world({"hnsw", 1, 0, 0});  // every song with lyrics
  return *w;
}

const HnswIndex& built() {
  static HnswIndex ann = HnswIndex::build(world().index().row(0), world().index().size(), world().index().dim(), {});
  return ann;
}

// Real prompts: the first sentence of MusicCaps captions.
std::vector<std::vector<float>> prompt_vectors(std::size_t count) {
  std::vector<std::vector<float>> out;
  for (const auto& caption : bench::musiccaps_prompts((test::data_dir() / "descriptions" / "musiccaps-public.csv").string(), count))
    out.push_back(world().engine->lyrics()->embed_prompt(caption));
  return out;
}

double recall_at_10(const HnswIndex& ann, std::size_t ef) {
  const auto& exact = world().index();
  const auto prompts = prompt_vectors(200);
  std::size_t found = 0, wanted = 0;
  for (const auto& q : prompts) {
    std::set<std::uint32_t> truth;
    for (const auto& h : exact.top_k(q.data(), 10)) truth.insert(h.row);
    for (const auto& h : ann.search(q.data(), exact.row(0), 10, ef)) found += truth.count(h.row);
    wanted += truth.size();
  }
  return static_cast<double>(found) / static_cast<double>(wanted);
}

}  // namespace

TEST(HnswIndex, FindsNearlyAllOfTheExactTopTenOnRealVersesAndPrompts) {
  ASSERT_GT(world().index().size(), 5000u);
  const double recall = recall_at_10(built(), 64);
  EXPECT_GE(recall, 0.95) << "recall@10 at ef 64";
  EXPECT_GE(recall_at_10(built(), 256), recall) << "a wider walk finds no less";
}

TEST(HnswIndex, ScoresAreExactAndBestFirst) {
  const auto& exact = world().index();
  const auto q = prompt_vectors(1).front();
  const auto hits = built().search(q.data(), exact.row(0), 20, 100);
  ASSERT_EQ(hits.size(), 20u);
  const auto all = exact.similarities(q.data());
  for (std::size_t i = 0; i < hits.size(); ++i) {
    EXPECT_NEAR(hits[i].score, all[hits[i].row], 1e-5f);
    if (i) {
      EXPECT_GE(hits[i - 1].score, hits[i].score);
    }
  }
}

TEST(HnswIndex, RoundTripsThroughItsFileAndAnswersTheSame) {
  const auto path = test::scratch_dir("hnsw_file") / "verses.plhn";
  built().write(path.string(), 1234);
  const HnswIndex mapped(path.string());
  EXPECT_EQ(mapped.size(), built().size());
  EXPECT_EQ(mapped.dim(), built().dim());
  EXPECT_EQ(mapped.rows_fingerprint(), 1234u);
  EXPECT_EQ(std::filesystem::file_size(path), built().bytes());
  for (const auto& q : prompt_vectors(20)) {
    const auto a = built().search(q.data(), world().index().row(0), 10), b = mapped.search(q.data(), world().index().row(0), 10);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].row, b[i].row);
  }
}

TEST(HnswIndex, TheSameRowsAndSeedBuildTheSameFile) {
  const auto dir = test::scratch_dir("hnsw_same");
  const auto& exact = world().index();
  HnswIndex::build(exact.row(0), 2000, exact.dim(), {}).write((dir / "a.plhn").string(), 0);
  HnswIndex::build(exact.row(0), 2000, exact.dim(), {}).write((dir / "b.plhn").string(), 0);
  EXPECT_EQ(test::read_file(dir / "a.plhn"), test::read_file(dir / "b.plhn"));
}

TEST(HnswIndex, RefusesTruncatedCorruptedAndForeignFiles) {
  const auto dir = test::scratch_dir("hnsw_bad");
  const auto good = dir / "good.plhn";
  HnswIndex::build(world().index().row(0), 500, world().index().dim(), {}).write(good.string(), 0);
  const std::string bytes = test::read_file(good);
  auto refused = [&](const std::string& content, const std::string& words) {
    const auto p = test::write_file(dir / "bad.plhn", content);
    try {
      HnswIndex index(p.string());
      ADD_FAILURE() << "accepted: " << words;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  refused(bytes.substr(0, bytes.size() - 7), "truncated");
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  refused(flipped, "checksum");
  refused("PLVINDEX" + bytes.substr(8), "not an HNSW index");
  refused("tiny", "too short");
  std::string version = bytes;
  version[8] = 9;
  refused(version, "version 9");
}

TEST(HnswIndex, RefusesOptionsAndInputsItCannotBuild) {
  const float row[4] = {1, 0, 0, 0};
  HnswOptions bad;
  bad.m = 1;
  EXPECT_THROW(HnswIndex::build(row, 1, 4, bad), Error);
  EXPECT_THROW(HnswIndex::build(row, 0, 4, {}), Error);
  const HnswIndex one = HnswIndex::build(row, 1, 4, {});
  const auto hits = one.search(row, row, 5);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].row, 0u);
}

// A file whose checksum is right but whose links point past the graph (a
// bug in another writer, or a crafted file) must not reach a search.
TEST(HnswIndex, RefusesLinksThatLeaveTheGraphEvenWithAValidChecksum) {
  const auto dir = test::scratch_dir("hnsw_links");
  const std::size_t count = 500, dim = world().index().dim();
  HnswIndex::build(world().index().row(0), count, dim, {}).write((dir / "good.plhn").string(), 0);
  std::string bytes = test::read_file(dir / "good.plhn");
  const std::size_t level0 = hnsw_format::layout_of(count, dim, 16, 0).level0;  // upper blocks do not move level 0
  const std::uint32_t outside = count + 7;
  std::memcpy(bytes.data() + level0 + 4, &outside, 4);  // node 0's first neighbour
  std::memset(bytes.data() + 48, 0, 8);
  const std::uint64_t sum = XXH3_64bits(bytes.data(), bytes.size());
  std::memcpy(bytes.data() + 48, &sum, 8);
  const auto path = test::write_file(dir / "bad.plhn", bytes);
  try {
    HnswIndex index(path.string());
    ADD_FAILURE() << "a link outside the graph was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("links leave the graph"), std::string::npos) << e.what();
  }
}
