#include "promptlist/catalog_map.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "promptlist/error.h"

namespace promptlist {

namespace {

// Each song's mean row over all the indexes: the songs' keys, in the order
// first met, and their means, a row each.
struct SongMeans {
  std::vector<std::int64_t> keys;
  std::vector<float> rows;  // [keys.size()][dim]
};

SongMeans song_means(const std::vector<const VerseIndex*>& indexes, std::size_t dim) {
  SongMeans means;
  std::vector<double> sums;  // [song][dim]: a song's rows summed in double
  std::vector<int> counts;
  std::unordered_map<std::int64_t, std::size_t> place;
  for (const VerseIndex* index : indexes) {
    if (!index) continue;
    if (index->dim() != dim) throw Error(index->path() + ": its vectors are not of the map's dimension");
    for (std::size_t r = 0; r < index->size(); ++r) {
      const auto [it, added] = place.try_emplace(index->chunk_song(r), means.keys.size());
      if (added) means.keys.push_back(it->first), sums.resize(sums.size() + dim, 0.0), counts.push_back(0);
      double* sum = sums.data() + it->second * dim;
      const float* row = index->row(r);
      for (std::size_t k = 0; k < dim; ++k) sum[k] += row[k];
      ++counts[it->second];
    }
  }
  means.rows.resize(sums.size());
  for (std::size_t i = 0; i < sums.size(); ++i) means.rows[i] = static_cast<float>(sums[i] / counts[i / dim]);
  return means;
}

// Every step-th row (at most kAxisSample): the map's two axes are the
// principal components of a sample, which draws the same picture at a
// tenth of the cost (the Gram matrix of 63,000 rows took seconds of a start).
constexpr std::size_t kAxisSample = 8192;

std::vector<float> sample_rows(const std::vector<float>& rows, std::size_t n, std::size_t dim) {
  const std::size_t step = (n + kAxisSample - 1) / kAxisSample;
  if (step <= 1) return rows;
  std::vector<float> sample;
  for (std::size_t i = 0; i < n; i += step) sample.insert(sample.end(), rows.begin() + i * dim, rows.begin() + (i + 1) * dim);
  return sample;
}

std::size_t first_dim(const std::vector<const VerseIndex*>& indexes) {
  for (const VerseIndex* index : indexes)
    if (index) return index->dim();
  return 0;
}

}  // namespace

CatalogMap::CatalogMap(const std::vector<const VerseIndex*>& indexes, const Catalog& catalog)
    : dim_(first_dim(indexes)) {
  SongMeans means = song_means(indexes, dim_);
  std::vector<float>& songs = means.rows;
  const std::vector<std::int64_t>& keys = means.keys;
  const std::size_t n = keys.size();
  mean_.assign(dim_, 0.0f);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < dim_; ++k) mean_[k] += songs[i * dim_ + k] / static_cast<float>(n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < dim_; ++k) songs[i * dim_ + k] -= mean_[k];
  const std::vector<float> sample = sample_rows(songs, n, dim_);
  axes_ = principal_components(sample.data(), sample.size() / std::max<std::size_t>(dim_, 1), dim_, 2);
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
