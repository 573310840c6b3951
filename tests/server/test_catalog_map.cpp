// The catalog map: one point per song with lyrics, centred, first axis the
// widest, and a vector projected onto the same axes lands where the song
// with that vector is.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "promptlist/catalog_map.h"
#include "test_world.h"

using namespace promptlist;

namespace {

struct MapWorld {
  std::unique_ptr<test::World> world = test::make_world({"catalog_map", 3, 200, 1500});
  std::vector<const VerseIndex*> indexes = {&world->index(), world->engine->track_index()};
  std::unique_ptr<CatalogMap> map = std::make_unique<CatalogMap>(indexes, *world->catalog);
};

MapWorld& map_world() {
  static MapWorld w;
  return w;
}

// The mean of a song's rows (verse chunks, or its track text): what the map places the song by.
std::map<std::int64_t, std::vector<float>> song_means(const std::vector<const VerseIndex*>& indexes) {
  std::map<std::int64_t, std::vector<float>> sums;
  std::map<std::int64_t, int> counts;
  for (const VerseIndex* index : indexes)
    for (std::size_t r = 0; r < index->size(); ++r) {
      auto& sum = sums[index->chunk_song(r)];
      sum.resize(index->dim(), 0.0f);
      for (std::size_t k = 0; k < index->dim(); ++k) sum[k] += index->row(r)[k];
      ++counts[index->chunk_song(r)];
    }
  for (auto& [key, sum] : sums)
    for (float& v : sum) v /= static_cast<float>(counts[key]);
  return sums;
}

}  // namespace

TEST(CatalogMap, OnePointPerSongOfEitherIndexScaledToTheUnitSquare) {
  auto& w = map_world();
  ASSERT_NE(w.indexes[1], nullptr) << "the world has tracks: it has a track text index";
  std::set<std::int64_t> indexed;
  for (const VerseIndex* index : w.indexes)
    for (std::size_t r = 0; r < index->size(); ++r) indexed.insert(index->chunk_song(r));
  ASSERT_EQ(w.map->points().size(), indexed.size());
  float extent = 0;
  std::size_t recordings = 0;
  for (const auto& p : w.map->points()) {
    EXPECT_TRUE(indexed.count(p.song_key)) << p.id;
    EXPECT_FALSE(p.title.empty()) << p.id;
    EXPECT_EQ(p.recording, !w.world->catalog->find(p.song_key)->spotify_id.empty()) << p.id;
    recordings += p.recording;
    EXPECT_EQ(w.map->find(p.song_key), &p);
    EXPECT_LE(std::abs(p.x), 1.0f + 1e-6f);
    EXPECT_LE(std::abs(p.y), 1.0f + 1e-6f);
    extent = std::max({extent, std::abs(p.x), std::abs(p.y)});
  }
  EXPECT_NEAR(extent, 1.0f, 1e-5f);  // the farthest song touches the edge
  EXPECT_EQ(recordings, w.indexes[1]->size()) << "every track of the track index, and no text, is a recording";
  EXPECT_EQ(w.map->find(-1), nullptr);
}

TEST(CatalogMap, CentredWithTheWidestSpreadOnTheFirstAxis) {
  auto& w = map_world();
  double sx = 0, sy = 0, sxx = 0, syy = 0;
  for (const auto& p : w.map->points()) {
    sx += p.x;
    sy += p.y;
    sxx += p.x * p.x;
    syy += p.y * p.y;
  }
  const double n = static_cast<double>(w.map->points().size());
  EXPECT_NEAR(sx / n, 0.0, 1e-4);
  EXPECT_NEAR(sy / n, 0.0, 1e-4);
  EXPECT_GT(sxx / n, syy / n);  // principal components come widest first
  EXPECT_GT(syy / n, 0.0);      // and the second axis is not degenerate
}

TEST(CatalogMap, ASongsOwnMeanVectorProjectsOntoItsPoint) {
  auto& w = map_world();
  const auto means = song_means(w.indexes);
  int checked = 0;
  for (const auto& [key, mean] : means) {
    const MapPoint* p = w.map->find(key);
    ASSERT_NE(p, nullptr);
    const auto [x, y] = w.map->project(mean.data());
    EXPECT_NEAR(x, p->x, 1e-4f) << p->id;
    EXPECT_NEAR(y, p->y, 1e-4f) << p->id;
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(w.map->points().size()));
}
