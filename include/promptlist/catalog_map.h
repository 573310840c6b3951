// promptlist/catalog_map.h: a 2-D picture of the catalog's embedding space.
//
//   CatalogMap map({engine.index(), engine.track_index()}, engine.catalog());
//   for (const MapPoint& p : map.points()) draw(p.x, p.y, p.recording);
//   auto [x, y] = map.project(lyrics.embed_prompt("songs about the sea").data());
//
// Every song of the given indexes (built by one model: verses and track
// texts share its space) is the mean of its rows' vectors, so a text is
// where its verses are and a track where its title, album and playlists
// are. The map is the first two principal components of those song vectors
// (centred), so songs that mean alike sit together. A prompt's vector is
// projected with the same centre and axes, so it lands among the songs it
// is close to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "promptlist/catalog.h"
#include "promptlist/verse_index.h"

namespace promptlist {

struct MapPoint {
  std::int64_t song_key = 0;
  std::string id, title, artist;
  bool recording = false;  // a track with a Spotify id, not a text
  float x = 0, y = 0;      // in [-1, 1]
};

class CatalogMap {
 public:
  // Null indexes are skipped; they must share one dimension.
  CatalogMap(const std::vector<const VerseIndex*>& indexes, const Catalog& catalog);
  const std::vector<MapPoint>& points() const { return points_; }
  const MapPoint* find(std::int64_t song_key) const;  // nullptr: not on the map
  // A vector in the index's space (unit length) as a point on the map.
  std::pair<float, float> project(const float* vector) const;

 private:
  void place(const std::vector<float>& songs, const std::vector<std::int64_t>& keys, const Catalog& catalog);

  std::size_t dim_ = 0;
  std::vector<float> mean_, axes_;  // axes_: [2][dim]
  float scale_ = 1;
  std::vector<MapPoint> points_;
  std::unordered_map<std::int64_t, std::size_t> by_key_;
};

}  // namespace promptlist
