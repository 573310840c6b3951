// promptlist/catalog_map.h: a 2-D picture of the catalog's embedding space.
//
// Each song with lyrics is the mean of its verse chunks' vectors; the map
// is the first two principal components of those song vectors (centred), so
// songs that mean alike sit together. A prompt's vector is projected with
// the same centre and axes, so it lands among the songs it is close to.
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
  float x = 0, y = 0;  // roughly in [-1, 1]
};

class CatalogMap {
 public:
  CatalogMap(const VerseIndex& index, const Catalog& catalog);
  const std::vector<MapPoint>& points() const { return points_; }
  const MapPoint* find(std::int64_t song_key) const;
  // A vector in the index's space (unit length) as a point on the map.
  std::pair<float, float> project(const float* vector) const;

 private:
  std::size_t dim_ = 0;
  std::vector<float> mean_, axes_;  // axes_: [2][dim]
  float scale_ = 1;
  std::vector<MapPoint> points_;
  std::unordered_map<std::int64_t, std::size_t> by_key_;
};

}  // namespace promptlist
