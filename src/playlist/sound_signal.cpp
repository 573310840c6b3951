// The sound signal: the prompt's target audio features (predicted, plus the
// listener's overrides) and every track ranked by how well its real
// features fit them (SoundRanker).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "playlist/signals.h"
#include "util/radix_sort.h"

namespace promptlist {

namespace {

std::string format_value(Feature f, double v) {
  char buf[32];
  if (f == Feature::tempo) std::snprintf(buf, sizeof buf, "%.0f BPM", v);
  else if (f == Feature::loudness) std::snprintf(buf, sizeof buf, "%.1f dB", v);
  else if (f == Feature::duration_ms) std::snprintf(buf, sizeof buf, "%d:%02d", int(v / 60000), int(v / 1000) % 60);
  else if (f == Feature::key || f == Feature::mode || f == Feature::time_signature) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// "sound fits 93%: energy 0.31 (asked 0.25), acousticness 0.91 (asked
// 0.85)", the features that weigh most first, at most three. A predicted
// goal that barely leaves typical ranks but is not named: it is no reason.
std::string explain_sound(const PlaylistEntry& e, const FeatureTarget& target) {
  constexpr double kNamedConfidence = 0.25;
  std::vector<std::pair<double, Feature>> order;
  for (const auto& spec : feature_specs()) {
    const auto& goal = target[spec.feature];
    if (!goal || !e.features[spec.feature]) continue;
    if (goal->source == TargetSource::predicted && goal->confidence < kNamedConfidence) continue;
    order.push_back({goal->source == TargetSource::predicted ? goal->confidence : 2.0, spec.feature});
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  char fit[32];
  std::snprintf(fit, sizeof fit, "sound fits %.0f%%", e.sound->total * 100);
  std::string why = fit;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, order.size()); ++i) {
    const Feature f = order[i].second;
    why += (i ? ", " : ": ") + std::string(feature_spec(f).name) + " " + format_value(f, *e.features[f]) + " (asked " +
           format_value(f, target[f]->value) + ")";
  }
  return why;
}

class SoundRun : public SignalRun {
 public:
  SoundRun(const SoundRanker& sound, const FeatureTarget& target)
      : sound_(sound), target_(target), fit_of_(sound.fit_all(target)) {
    for (std::uint32_t i = 0; i < fit_of_.size(); ++i)
      if (!std::isnan(fit_of_[i])) by_fit_.push_back(i);
  }

  // The `pool` best-fitting tracks, sorted lazily as the pool widens.
  std::vector<SignalHit> rank(std::size_t pool) override {
    const std::size_t take = std::min(pool, by_fit_.size());
    if (take > sorted_) {
      std::partial_sort(by_fit_.begin() + static_cast<std::ptrdiff_t>(sorted_),
                        by_fit_.begin() + static_cast<std::ptrdiff_t>(take), by_fit_.end(),
                        [&](std::uint32_t a, std::uint32_t b) {
                          return fit_of_[a] > fit_of_[b] || (fit_of_[a] == fit_of_[b] && a < b);
                        });
      sorted_ = take;
    }
    std::vector<SignalHit> hits;
    for (std::size_t i = 0; i < take; ++i) {
      const Song& track = sound_.tracks()[by_fit_[i]];
      // The score is fit()'s (double precision, as explain() shows it), not fit_all's float.
      const auto fit = sound_.fit(track, target_);
      hits.push_back({track.key, fit ? fit->total : fit_of_[by_fit_[i]], i});
    }
    exhausted_ = take >= by_fit_.size();
    return hits;
  }

  bool exhausted() const override { return exhausted_; }
  // By how much the prompt says of sound: a stated or set feature counts
  // one, a predicted one its confidence; two such features count fully.
  double evidence() const override {
    constexpr double kFull = 2.0, kFloor = 0.1;
    double said = 0;
    for (const auto& goal : target_.goals)
      if (goal) said += goal->source == TargetSource::predicted ? goal->confidence : 1.0;
    return std::clamp(said / kFull, kFloor, 1.0);
  }
  // A track that fits worse than a typical one (a fit of about half) is held
  // back in proportion to how much the prompt says of sound: "without
  // vocals" on a sung track, "for sleep" on a loud one.
  double acceptance(const SignalHit& hit) const override {
    constexpr double kTypical = 0.5;
    return 1.0 - evidence() * std::clamp((kTypical - hit.score) / kTypical, 0.0, 1.0);
  }
  double best_score() const override {
    return by_fit_.empty() ? 1.0 : std::max(1e-6, static_cast<double>(fit_of_[by_fit_[0]]));
  }

  // A song another signal found that has audio features: its fit, ranked
  // by how many tracks fit better.
  std::optional<SignalHit> judge(const Song& song) override {
    if (song.features.empty()) return std::nullopt;
    const auto fit = sound_.fit(song, target_);
    if (!fit) return std::nullopt;
    // Its place among all tracks; ties share the middle of their places: a
    // vague target that fits thousands of tracks equally is no reason to
    // rank any one of them first.
    // (fit_all's float fits are within kSame of fit()'s.)
    constexpr float kSame = 1e-4f;
    const float mine = static_cast<float>(fit->total);
    const auto& fits = ascending_fits();
    const auto low = std::lower_bound(fits.begin(), fits.end(), mine - kSame);
    const auto high = std::upper_bound(low, fits.end(), mine + kSame);
    const auto above = static_cast<std::size_t>(fits.end() - high), tied = static_cast<std::size_t>(high - low);
    return SignalHit{song.key, fit->total, above + tied / 2};
  }

  void explain(const SignalHit&, const Song& song, PlaylistEntry& e) override {
    e.sound = sound_.fit(song, target_);  // with the per-feature detail
    if (e.sound) append_why(e, explain_sound(e, target_));
  }

 private:
  // Every track's fit, ascending, sorted on the first judge: a playlist
  // judges hundreds of songs, and counting over 66k tracks for each was a
  // tenth of a served request.
  const std::vector<float>& ascending_fits() {
    if (ascending_.empty()) {
      ascending_.reserve(by_fit_.size());
      for (std::uint32_t t : by_fit_) ascending_.push_back(fit_of_[t]);
      sort_floats(ascending_);
    }
    return ascending_;
  }

  const SoundRanker& sound_;
  const FeatureTarget& target_;
  std::vector<float> fit_of_;         // per track of sound_.tracks(); NaN: no fit
  std::vector<std::uint32_t> by_fit_;  // tracks with a fit, best first up to sorted_
  std::vector<float> ascending_;       // the fits of by_fit_, ascending (filled on the first judge)
  std::size_t sorted_ = 0;
  bool exhausted_ = false;
};

class SoundSignal : public Signal {
 public:
  SoundSignal(const SoundRanker* sound, const FeaturePredictor* predictor, const TrackFacts* facts)
      : sound_(sound), predictor_(predictor), facts_(facts) {}
  std::string_view name() const override { return "sound"; }
  std::string_view chosen_by() const override { return "sound"; }
  bool available() const override { return sound_ && !sound_->tracks().empty(); }
  std::string unavailable_reason() const override { return "the catalog has no tracks with audio features"; }

  std::unique_ptr<SignalRun> start(const SignalQuery& q, Refusal& refusal) const override {
    FeatureTarget& target = q.playlist.target;
    if (q.seed) {
      if (q.seed->features.empty()) {
        refusal = {"\"" + q.seed->title + "\" has no audio features", "\"" + q.seed->title + "\" has no audio features to match"};
        return nullptr;
      }
      target = sound_of_seed(*q.seed);
    } else if (predictor_) {
      target = predictor_->predict(facts_ ? without_named_artist(*facts_, q.request.prompt) : q.request.prompt);
    }
    apply_overrides(target, q.request.overrides);
    if (target.empty()) {
      refusal = {"the prompt names no sound",
                 "the prompt says nothing about how the music should sound; name a mood or tempo "
                 "(\"calm\", \"120 bpm\") or set a feature (--energy 0.8)"};
      return nullptr;
    }
    return std::make_unique<SoundRun>(*sound_, target);
  }

 private:
  const SoundRanker* sound_;
  const FeaturePredictor* predictor_;
  const TrackFacts* facts_;  // to leave a named artist out of the prompt's sound
};

}  // namespace

std::unique_ptr<Signal> make_sound_signal(const PlaylistSources& sources) {
  return std::make_unique<SoundSignal>(sources.sound, sources.predictor, sources.facts);
}

FeatureTarget sound_of_seed(const Song& seed) {
  FeatureTarget target;
  for (Feature f : kSoundSummaryFeatures)
    if (auto v = seed.features[f]) target.set(f, FeatureGoal{*v, 1.0, TargetSource::stated, "like \"" + seed.title + "\""});
  return target;
}

}  // namespace promptlist
