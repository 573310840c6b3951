#include "promptlist/sound_model.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include "features/activity_sounds.h"
#include "features/describing_words.h"
#include "promptlist/builtin_predictor.h"
#include "promptlist/error.h"
#include "promptlist/text.h"
#include "promptlist/tracks_fingerprint.h"
#include "util/atomic_file.h"

namespace promptlist {

const char* to_string(DescriptorKind kind) {
  static const char* kNames[] = {"playlist", "genre", "word", "activity"};
  return kNames[static_cast<std::size_t>(kind)];
}

namespace {

// The tracks behind one descriptor while training.
struct Tally {
  DescriptorKind kind = DescriptorKind::word;
  std::string text;                 // as first seen (the playlist's own spelling)
  std::vector<std::uint32_t> rows;  // the tracks' rows in TrainingSet::values
};

struct TrainingSet {
  std::vector<Feature> features = learned_features();
  std::vector<float> values;             // [tracks][features]
  std::map<std::string, Tally> tallies;  // by normalised text; ordered: a deterministic file

  std::size_t tracks() const { return values.size() / features.size(); }

  void count(const Song& t, const std::set<std::pair<DescriptorKind, std::string>>& texts) {
    const auto row = static_cast<std::uint32_t>(tracks());
    for (Feature f : features) values.push_back(static_cast<float>(*t.features[f]));
    for (const auto& [kind, text] : texts) {
      const std::string key = normalize_text(text);
      if (key.empty()) continue;
      Tally& tally = tallies[key];
      // A text that is a playlist's name and also a genre counts as the genre.
      if (tally.text.empty() || kind < tally.kind) tally.kind = kind, tally.text = text;
      if (tally.rows.empty() || tally.rows.back() != row) tally.rows.push_back(row);
    }
  }

  // Feature i's mean and standard deviation over the given rows.
  std::pair<double, double> moments(std::size_t i, const std::vector<std::uint32_t>& rows) const {
    double sum = 0, sum2 = 0;
    for (std::uint32_t r : rows) {
      const double v = values[r * features.size() + i];
      sum += v, sum2 += v * v;
    }
    const double n = static_cast<double>(rows.size()), mean = n ? sum / n : 0;
    return {mean, std::sqrt(std::max(0.0, n ? sum2 / n - mean * mean : 0))};
  }
};

bool has_all(const Song& t, const std::vector<Feature>& features) {
  for (Feature f : features)
    if (!t.features[f]) return false;
  return true;
}

// What describes one track: its playlists' names, genres and subgenres,
// and the words of its title, album and playlist names.
std::set<std::pair<DescriptorKind, std::string>> texts_of(const Song& t, const std::vector<const PlaylistLabel*>& labels) {
  std::set<std::pair<DescriptorKind, std::string>> texts;
  std::string names = t.title + " " + t.collection;
  for (const PlaylistLabel* l : labels) {
    texts.insert({DescriptorKind::playlist, l->name});
    if (!l->genre.empty()) texts.insert({DescriptorKind::genre, l->genre});
    if (!l->subgenre.empty()) texts.insert({DescriptorKind::genre, l->subgenre});
    names += " " + l->name;
  }
  for (auto& w : word_tokens(names))
    if (!is_noise_word(w) && !is_request_word(w)) texts.insert({DescriptorKind::word, std::move(w)});
  return texts;
}

void fill_statistics(SoundModelData& m, const TrainingSet& set, const SoundModelTraining& training) {
  const std::size_t nf = set.features.size();
  std::vector<std::uint32_t> all(set.tracks());
  for (std::uint32_t r = 0; r < all.size(); ++r) all[r] = r;
  m.features = set.features;
  for (std::size_t i = 0; i < nf; ++i) {
    const auto [mean, sd] = set.moments(i, all);
    m.mean.push_back(mean);
    m.stddev.push_back(std::max(1e-9, sd));
  }
  for (const auto& [key, t] : set.tallies) {
    const std::size_t needed = t.kind == DescriptorKind::word ? training.min_word_tracks : training.min_label_tracks;
    if (t.rows.size() < needed) continue;
    m.descriptors.push_back({t.text, t.kind, static_cast<std::uint32_t>(t.rows.size())});
    for (std::size_t i = 0; i < nf; ++i) {
      const auto [mean, sd] = set.moments(i, t.rows);
      m.deviation.push_back(static_cast<float>((mean - m.mean[i]) / m.stddev[i]));
      m.spread.push_back(static_cast<float>(sd / m.stddev[i]));
    }
  }
}

// The everyday moods and activities (activity_sounds.h), as descriptors.
void add_activities(SoundModelData& m) {
  for (const ActivitySound& a : activity_sounds()) {
    m.descriptors.push_back({a.phrase, DescriptorKind::activity, kActivityTracks});
    for (Feature f : m.features) {
      double move = 0;
      for (const auto& [feature, z] : a.moves)
        if (feature == f) move = z;
      m.deviation.push_back(static_cast<float>(move));
      m.spread.push_back(kActivitySpread);
    }
  }
}

void embed_descriptors(SoundModelData& m, const Embedder& embedder, const ProgressFn& progress) {
  std::vector<std::string> texts;
  for (const auto& d : m.descriptors) texts.push_back(d.text);
  m.dim = embedder.dim();
  m.model_id = embedder.model_id();
  m.vectors.assign(texts.size() * m.dim, 0.0f);
  if (!texts.empty()) embedder.embed(texts, m.vectors.data(), progress);
  for (std::size_t r = 0; r < texts.size(); ++r) {
    float* v = m.vectors.data() + r * m.dim;
    double norm = 0;
    for (std::size_t d = 0; d < m.dim; ++d) norm += static_cast<double>(v[d]) * v[d];
    const float inv = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0f;
    for (std::size_t d = 0; d < m.dim; ++d) v[d] *= inv;
  }
}

}  // namespace

SoundModelData train_sound_model(const Embedder& embedder, const std::vector<Song>& tracks,
                                 const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships,
                                 const SoundModelTraining& training, const std::vector<std::int64_t>& exclude) {
  const std::set<std::int64_t> excluded(exclude.begin(), exclude.end());
  std::unordered_map<std::int64_t, std::vector<const PlaylistLabel*>> labels;
  for (const auto& [key, label] : memberships) labels[key].push_back(&label);
  TrainingSet set;
  static const std::vector<const PlaylistLabel*> kNone;
  for (const Song& t : tracks) {
    if (excluded.count(t.key) || !has_all(t, set.features)) continue;
    const auto it = labels.find(t.key);
    set.count(t, texts_of(t, it == labels.end() ? kNone : it->second));
  }
  SoundModelData m;
  if (exclude.empty()) m.catalog_fingerprint = sound_model_fingerprint(tracks, memberships);
  fill_statistics(m, set, training);
  add_activities(m);
  embed_descriptors(m, embedder, training.progress);
  return m;
}

std::uint64_t sound_model_fingerprint(const std::vector<Song>& tracks,
                                      const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships) {
  // Bump it when train_sound_model() reads other fields of the tracks.
  constexpr std::uint32_t kTrainingInputs = 1;
  return tracks_fingerprint(tracks, memberships, kTrainingInputs, TrackFeatures::all);
}

// ---- the file --------------------------------------------------------------

namespace {

constexpr char kMagic[8] = {'P', 'L', 'S', 'O', 'U', 'N', 'D', 'M'};
constexpr std::uint32_t kVersion = 2;  // 2: the catalog fingerprint
constexpr std::size_t kModelIdSize = 96;

struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t dim;
  std::uint32_t descriptors;
  std::uint32_t features;
  char model_id[kModelIdSize];
  std::uint64_t catalog_fingerprint;  // SoundModelData::catalog_fingerprint
  std::uint64_t checksum;             // XXH3-64 of the body
};

template <class T>
void put(std::string& body, const T* values, std::size_t count) {
  body.append(reinterpret_cast<const char*>(values), count * sizeof(T));
}

// Reads the body front to back, refusing to step past its end.
class BodyReader {
 public:
  BodyReader(const std::string& path, const std::string& body) : path_(path), body_(body) {}
  template <class T>
  void get(T* values, std::size_t count) {
    if (count > (body_.size() - at_) / sizeof(T)) throw Error(path_ + ": sound model file is truncated");
    std::memcpy(values, body_.data() + at_, count * sizeof(T));
    at_ += count * sizeof(T);
  }
  std::string text(std::size_t length) {
    if (length > body_.size() - at_) throw Error(path_ + ": sound model file is truncated");
    at_ += length;
    return body_.substr(at_ - length, length);
  }
  bool done() const { return at_ == body_.size(); }

 private:
  const std::string& path_;
  const std::string& body_;
  std::size_t at_ = 0;
};

std::string body_of(const SoundModelData& m) {
  std::string body;
  put(body, m.mean.data(), m.mean.size());
  put(body, m.stddev.data(), m.stddev.size());
  for (Feature f : m.features) body.push_back(static_cast<char>(f));
  for (const auto& d : m.descriptors) {
    const std::uint32_t length = static_cast<std::uint32_t>(d.text.size());
    body.push_back(static_cast<char>(d.kind));
    put(body, &d.tracks, 1);
    put(body, &length, 1);
    body += d.text;
  }
  put(body, m.vectors.data(), m.vectors.size());
  put(body, m.deviation.data(), m.deviation.size());
  put(body, m.spread.data(), m.spread.size());
  return body;
}

Header read_header(const std::string& path, std::ifstream& in, const std::string& expected_model_id) {
  Header h{};
  if (!in.read(reinterpret_cast<char*>(&h), sizeof h))
    throw Error(path + ": not a promptlist sound model (shorter than its header)");
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) throw Error(path + ": not a promptlist sound model");
  if (h.version != kVersion)
    throw Error(path + ": sound model format " + std::to_string(h.version) + " (this promptlist reads " +
                std::to_string(kVersion) + "); run 'promptlist index' again");
  h.model_id[kModelIdSize - 1] = '\0';
  if (!expected_model_id.empty() && expected_model_id != h.model_id)
    throw Error(path + ": sound model was learned with " + h.model_id + ", not " + expected_model_id +
                "; run 'promptlist index' with this model");
  if (h.features > kFeatureCount || h.dim == 0 || h.dim > 65536)
    throw Error(path + ": sound model header is corrupted");
  return h;
}

void read_descriptors(BodyReader& body, SoundModelData& m, std::size_t count, const std::string& path) {
  for (std::size_t i = 0; i < count; ++i) {
    std::uint8_t kind = 0;
    std::uint32_t length = 0;
    SoundDescriptor d;
    body.get(&kind, 1);
    body.get(&d.tracks, 1);
    body.get(&length, 1);
    if (kind > static_cast<std::uint8_t>(DescriptorKind::activity)) throw Error(path + ": sound model is corrupted");
    d.kind = static_cast<DescriptorKind>(kind);
    d.text = body.text(length);
    m.descriptors.push_back(std::move(d));
  }
}

}  // namespace

void write_sound_model(const std::string& path, const SoundModelData& m) {
  if (m.model_id.empty() || m.model_id.size() >= kModelIdSize)
    throw Error(path + ": model id must be 1.." + std::to_string(kModelIdSize - 1) + " bytes");
  if (m.vectors.size() != m.descriptors.size() * m.dim ||
      m.deviation.size() != m.descriptors.size() * m.features.size() || m.spread.size() != m.deviation.size() || m.mean.size() != m.features.size() ||
      m.stddev.size() != m.features.size())
    throw Error(path + ": sound model contents are inconsistent");
  const std::string body = body_of(m);
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kVersion;
  h.dim = static_cast<std::uint32_t>(m.dim);
  h.descriptors = static_cast<std::uint32_t>(m.descriptors.size());
  h.features = static_cast<std::uint32_t>(m.features.size());
  std::memcpy(h.model_id, m.model_id.data(), m.model_id.size());
  h.catalog_fingerprint = m.catalog_fingerprint;
  h.checksum = XXH3_64bits(body.data(), body.size());
  AtomicFile file(path);
  file.write(&h, sizeof h);
  file.write(body.data(), body.size());
  file.commit();
}

SoundModelData read_sound_model(const std::string& path, const std::string& expected_model_id) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the sound model");
  const Header h = read_header(path, in, expected_model_id);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (XXH3_64bits(bytes.data(), bytes.size()) != h.checksum)
    throw Error(path + ": sound model is corrupted or truncated (checksum mismatch); run 'promptlist index' again");
  // Sizes come from the file: check them against its length before allocating.
  if ((std::uint64_t{h.dim} + 2 * std::uint64_t{h.features}) * sizeof(float) * h.descriptors > bytes.size())
    throw Error(path + ": sound model file is truncated");
  SoundModelData m;
  m.model_id = h.model_id;
  m.catalog_fingerprint = h.catalog_fingerprint;
  m.dim = h.dim;
  BodyReader body(path, bytes);
  m.mean.resize(h.features);
  m.stddev.resize(h.features);
  body.get(m.mean.data(), h.features);
  body.get(m.stddev.data(), h.features);
  for (std::size_t i = 0; i < h.features; ++i) {
    std::uint8_t id = 0;
    body.get(&id, 1);
    if (id >= kFeatureCount) throw Error(path + ": sound model names an unknown feature");
    m.features.push_back(static_cast<Feature>(id));
  }
  read_descriptors(body, m, h.descriptors, path);
  m.vectors.resize(static_cast<std::size_t>(h.descriptors) * h.dim);
  m.deviation.resize(static_cast<std::size_t>(h.descriptors) * h.features);
  body.get(m.vectors.data(), m.vectors.size());
  body.get(m.deviation.data(), m.deviation.size());
  m.spread.resize(m.deviation.size());
  body.get(m.spread.data(), m.spread.size());
  if (!body.done()) throw Error(path + ": sound model has trailing bytes (corrupted)");
  return m;
}

}  // namespace promptlist
