#include "promptlist/catalog_map.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "promptlist/error.h"

namespace promptlist {

namespace {

// Each song's mean row over all the indexes, by song key.
std::map<std::int64_t, std::pair<std::vector<double>, int>> song_sums(const std::vector<const VerseIndex*>& indexes,
                                                                      std::size_t dim) {
  std::map<std::int64_t, std::pair<std::vector<double>, int>> sums;
  for (const VerseIndex* index : indexes) {
    if (!index) continue;
    if (index->dim() != dim) throw Error(index->path() + ": its vectors are not of the map's dimension");
    for (std::size_t r = 0; r < index->size(); ++r) {
      auto& [sum, n] = sums[index->chunk_song(r)];
      if (sum.empty()) sum.assign(dim, 0.0);
      const float* row = index->row(r);
      for (std::size_t k = 0; k < dim; ++k) sum[k] += row[k];
      ++n;
    }
  }
  return sums;
}

std::size_t first_dim(const std::vector<const VerseIndex*>& indexes) {
  for (const VerseIndex* index : indexes)
    if (index) return index->dim();
  return 0;
}

}  // namespace

CatalogMap::CatalogMap(const std::vector<const VerseIndex*>& indexes, const Catalog& catalog)
    : dim_(first_dim(indexes)) {
  std::vector<float> songs;
  std::vector<std::int64_t> keys;
  for (const auto& [key, s] : song_sums(indexes, dim_)) {
    keys.push_back(key);
    for (std::size_t k = 0; k < dim_; ++k) songs.push_back(static_cast<float>(s.first[k] / s.second));
  }
  const std::size_t n = keys.size();
  mean_.assign(dim_, 0.0f);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < dim_; ++k) mean_[k] += songs[i * dim_ + k] / static_cast<float>(n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < dim_; ++k) songs[i * dim_ + k] -= mean_[k];
  axes_ = principal_components(songs.data(), n, dim_, 2);
  if (axes_.size() < 2 * dim_) axes_.resize(2 * dim_, 0.0f);
  place(songs, keys, catalog);
}

// The songs' points on the axes, scaled so the farthest is at 1.
void CatalogMap::place(const std::vector<float>& songs, const std::vector<std::int64_t>& keys, const Catalog& catalog) {
  // Two bulk reads instead of one find() per song (60,000 of them took seconds).
  std::unordered_map<std::int64_t, Song> by_key;
  for (auto& s : catalog.songs_with_lyrics()) by_key.emplace(s.key, std::move(s));
  for (auto& s : catalog.songs_with_features()) by_key.emplace(s.key, std::move(s));
  float extent = 1e-6f;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto found = by_key.find(keys[i]);
    if (found == by_key.end()) continue;
    const Song* song = &found->second;
    MapPoint p;
    p.song_key = keys[i];
    p.id = song->id;
    p.title = song->title;
    p.artist = song->artist;
    p.recording = !song->spotify_id.empty();
    for (std::size_t k = 0; k < dim_; ++k) {
      p.x += songs[i * dim_ + k] * axes_[k];
      p.y += songs[i * dim_ + k] * axes_[dim_ + k];
    }
    extent = std::max({extent, std::abs(p.x), std::abs(p.y)});
    points_.push_back(std::move(p));
  }
  scale_ = 1.0f / extent;
  for (auto& p : points_) {
    p.x *= scale_;
    p.y *= scale_;
    by_key_[p.song_key] = &p - points_.data();
  }
}

const MapPoint* CatalogMap::find(std::int64_t song_key) const {
  auto it = by_key_.find(song_key);
  return it == by_key_.end() ? nullptr : &points_[it->second];
}

std::pair<float, float> CatalogMap::project(const float* v) const {
  float x = 0, y = 0;
  for (std::size_t k = 0; k < dim_; ++k) {
    x += (v[k] - mean_[k]) * axes_[k];
    y += (v[k] - mean_[k]) * axes_[dim_ + k];
  }
  // A prompt is one sentence, not an average of verses: it sits further
  // out; clamp it to the picture.
  return {std::clamp(x * scale_, -1.2f, 1.2f), std::clamp(y * scale_, -1.2f, 1.2f)};
}

}  // namespace promptlist
