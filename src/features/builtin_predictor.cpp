#include "promptlist/builtin_predictor.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "promptlist/sif_embedder.h"
#include "promptlist/text.h"
#include "features/describing_words.h"

namespace promptlist {

const std::vector<Feature>& learned_features() {
  static const std::vector<Feature> kLearned = {
      Feature::danceability, Feature::energy,   Feature::valence,  Feature::acousticness, Feature::instrumentalness,
      Feature::speechiness,  Feature::liveness, Feature::loudness, Feature::tempo,
  };
  return kLearned;
}

struct BuiltinFeaturePredictor::Model {
  std::shared_ptr<const WordVectors> vectors;
  SifEmbedder sif;  // for the SIF weight of a prompt word
  BuiltinPredictorOptions options;
  std::size_t nf = 0;                       // learned feature count
  std::vector<double> mean, stddev;         // per learned feature, over training tracks
  std::vector<std::string> words;           // profile words
  std::vector<float> unit;                  // [P][dim] unit GloVe vectors of the profile words
  std::vector<float> deviation;             // [P][nf] shrunk deviation in standard deviations
  std::vector<std::uint32_t> tracks;        // [P] tracks carrying the word

  Model(std::shared_ptr<const WordVectors> v, BuiltinPredictorOptions o) : vectors(v), sif(v), options(o) {}
};

BuiltinFeaturePredictor::BuiltinFeaturePredictor(std::shared_ptr<const WordVectors> vectors,
                                                 const std::vector<Song>& tracks,
                                                 const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships,
                                                 BuiltinPredictorOptions options,
                                                 const std::vector<std::int64_t>& exclude)
    : model_(std::make_unique<Model>(vectors, options)) {
  Model& m = *model_;
  const auto& learned = learned_features();
  m.nf = learned.size();
  const std::set<std::int64_t> excluded(exclude.begin(), exclude.end());

  // The words of each track: its name and album, and its playlists' names,
  // genres and subgenres. A word counts once per track.
  std::unordered_map<std::int64_t, std::string> playlist_text;
  for (const auto& [key, label] : memberships)
    playlist_text[key] += " " + label.name + " " + label.genre + " " + label.subgenre;

  struct Acc {
    std::uint32_t n = 0;
    std::vector<double> sum;
  };
  std::map<std::string, Acc> acc;  // ordered: deterministic profile order
  std::vector<double> sum(m.nf, 0), sum2(m.nf, 0);
  std::size_t n_tracks = 0;
  for (const Song& t : tracks) {
    if (excluded.count(t.key)) continue;
    bool complete = true;
    for (Feature f : learned) complete &= t.features[f].has_value();
    if (!complete) continue;
    ++n_tracks;
    for (std::size_t i = 0; i < m.nf; ++i) {
      const double v = *t.features[learned[i]];
      sum[i] += v;
      sum2[i] += v * v;
    }
    std::string text = t.title + " " + t.collection;
    if (auto it = playlist_text.find(t.key); it != playlist_text.end()) text += it->second;
    std::set<std::string> words;
    for (auto& w : word_tokens(text))
      if (!is_noise_word(w)) words.insert(std::move(w));
    for (const auto& w : words) {
      Acc& a = acc[w];
      if (a.sum.empty()) a.sum.assign(m.nf, 0);
      ++a.n;
      for (std::size_t i = 0; i < m.nf; ++i) a.sum[i] += *t.features[learned[i]];
    }
  }
  m.mean.assign(m.nf, 0);
  m.stddev.assign(m.nf, 1);
  if (n_tracks > 1)
    for (std::size_t i = 0; i < m.nf; ++i) {
      m.mean[i] = sum[i] / n_tracks;
      m.stddev[i] = std::max(1e-9, std::sqrt(std::max(0.0, sum2[i] / n_tracks - m.mean[i] * m.mean[i])));
    }

  const std::size_t dim = vectors->dim();
  for (const auto& [word, a] : acc) {
    if (a.n < options.min_tracks) continue;
    auto id = vectors->find(word);
    if (!id) continue;
    m.words.push_back(word);
    m.tracks.push_back(a.n);
    const float* v = vectors->vector(*id);
    double norm = 0;
    for (std::size_t d = 0; d < dim; ++d) norm += static_cast<double>(v[d]) * v[d];
    const float inv = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0f;
    for (std::size_t d = 0; d < dim; ++d) m.unit.push_back(v[d] * inv);
    const double shrink = a.n / (a.n + options.shrinkage);
    for (std::size_t i = 0; i < m.nf; ++i)
      m.deviation.push_back(static_cast<float>((a.sum[i] / a.n - m.mean[i]) / m.stddev[i] * shrink));
  }
}

BuiltinFeaturePredictor::~BuiltinFeaturePredictor() = default;

std::size_t BuiltinFeaturePredictor::profile_words() const { return model_->words.size(); }

FeatureTarget BuiltinFeaturePredictor::predict(std::string_view prompt) const {
  const Model& m = *model_;
  const auto& learned = learned_features();
  const std::size_t dim = m.vectors->dim(), p = m.words.size();
  // Stated goals win: FeatureTarget::set() keeps them over predictions.
  FeatureTarget target = m.options.apply_stated ? stated_constraints(prompt) : FeatureTarget{};
  if (p == 0) {
    target.notes.push_back("the built-in predictor has no training data (import feature CSVs with playlists)");
    return target;
  }

  std::vector<double> total(m.nf, 0.0);
  // Per feature, the profile words that pushed it most, for the evidence line.
  std::vector<std::map<double, std::string>> pushes(m.nf);
  std::vector<float> sims(p);
  std::set<std::string> seen;
  for (const auto& q : word_tokens(prompt)) {
    if (!seen.insert(q).second) continue;
    auto id = m.vectors->find(q);
    if (!id) continue;
    const float weight = m.sif.weight(*id);
    if (weight < 0.75f || is_request_word(q)) continue;  // function words and "songs" carry no sound
    std::vector<float> qv(m.vectors->vector(*id), m.vectors->vector(*id) + dim);
    double norm = 0;
    for (float x : qv) norm += static_cast<double>(x) * x;
    if (norm == 0) continue;
    for (float& x : qv) x = static_cast<float>(x / std::sqrt(norm));
    cblas_sgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(p), static_cast<int>(dim), 1.0f, m.unit.data(),
                static_cast<int>(dim), qv.data(), 1, 0.0f, sims.data(), 1);
    // The word's nearest profile words (itself first when it has a profile).
    std::vector<std::uint32_t> order(p);
    for (std::uint32_t i = 0; i < p; ++i) order[i] = i;
    const std::size_t k = std::min(m.options.neighbours, p);
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                      [&](std::uint32_t a, std::uint32_t b) { return sims[a] > sims[b] || (sims[a] == sims[b] && a < b); });
    double wsum = 0;
    std::vector<double> dev(m.nf, 0.0);
    for (std::size_t j = 0; j < k; ++j) {
      const std::uint32_t w = order[j];
      const double s = sims[w];
      if (s < m.options.min_similarity) break;
      const double wj = (s - m.options.min_similarity) / (1.0 - m.options.min_similarity);
      wsum += wj;
      for (std::size_t i = 0; i < m.nf; ++i) dev[i] += wj * m.deviation[w * m.nf + i];
    }
    if (wsum == 0) continue;
    const double strength = weight * std::min(1.0, static_cast<double>(sims[order[0]]));
    for (std::size_t i = 0; i < m.nf; ++i) {
      const double d = strength * dev[i] / wsum;
      total[i] += d;
      pushes[i][-std::abs(d)] = m.words[order[0]] == q ? q : q + " (~" + m.words[order[0]] + ")";
    }
  }

  for (std::size_t i = 0; i < m.nf; ++i) {
    const double dev = std::clamp(total[i], -2.5, 2.5);
    if (std::abs(dev) < m.options.min_deviation) continue;
    std::string evidence = "words ";
    int shown = 0;
    for (const auto& [neg, word] : pushes[i]) {
      if (shown == 2 || -neg < 0.05) break;
      evidence += (shown++ ? ", \"" : "\"") + word + "\"";
    }
    target.set(learned[i], FeatureGoal{m.mean[i] + dev * m.stddev[i], std::min(1.0, std::abs(dev)),
                                       TargetSource::predicted, evidence});
  }
  return target;
}

}  // namespace promptlist
