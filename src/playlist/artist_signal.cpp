// The artist signal: "songs like Queen", "more by ABBA", "something like
// Taylor Swift". The named artist's own tracks (most popular first), then the
// tracks that sound most like them: nearest by audio features to the mean of
// the artist's tracks. Only artists of tracks with a recording count, and a
// name counts only after "like", "by" or "more" (or as the whole prompt), so
// "queen" in a hymn's prompt is no request for Queen.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "playlist/ranked_list_run.h"
#include "promptlist/text.h"

namespace promptlist {

namespace {

constexpr std::size_t kSoundAlikes = 400;  // tracks that sound like the artist, after their own

struct NamedArtist {
  std::string name;                          // as the catalog spells it
  const std::vector<std::uint32_t>* tracks;  // into TrackFacts::tracks()
};

// The longest artist name right after a cue word, or the whole prompt.
std::optional<NamedArtist> find_artist(const TrackFacts& facts, std::string_view prompt) {
  static const std::set<std::string> kCues = {"like", "by", "more", "to"};  // "similar to"
  static const std::set<std::string> kFiller = {"songs", "song", "music", "tracks", "the", "best", "of"};  // before a name
  const auto words = word_tokens(prompt);
  const std::size_t longest = std::min<std::size_t>(facts.longest_name_words(), 8);
  auto lookup = [&](std::size_t begin, std::size_t end) -> std::optional<NamedArtist> {
    if (const auto* tracks = facts.tracks_by_artist(TrackFacts::phrase(words, begin, end)))
      return NamedArtist{facts.tracks()[tracks->front()].artist, tracks};
    return std::nullopt;
  };
  for (std::size_t cue = 0; cue < words.size(); ++cue) {
    if (!kCues.count(words[cue])) continue;
    for (std::size_t end = std::min(words.size(), cue + 1 + longest); end > cue + 1; --end)
      if (auto found = lookup(cue + 1, end)) return found;
  }
  // The whole prompt ("Taylor Swift", "songs of the rolling stones"), when
  // it is two words or more: a one-word prompt ("love", "heart") is a theme.
  std::size_t begin = 0;
  while (begin < words.size() && kFiller.count(words[begin])) ++begin;
  if (begin > 0 && words[begin - 1] == "the") --begin;  // "the" belongs to "The Beatles"
  const std::size_t n = words.size() - begin;
  if (n >= 2 && n <= longest) return lookup(begin, words.size());
  return std::nullopt;
}

FeatureTarget sound_of(const std::vector<Song>& tracks, const std::vector<std::uint32_t>& own, const std::string& artist) {
  FeatureTarget target;
  for (Feature f : kSoundSummaryFeatures) {
    double sum = 0;
    std::size_t n = 0;
    for (std::uint32_t i : own)
      if (auto v = tracks[i].features[f]) sum += *v, ++n;
    if (n) target.set(f, FeatureGoal{sum / static_cast<double>(n), 1.0, TargetSource::stated, "like " + artist});
  }
  return target;
}

class ArtistSignal : public TrackFactsSignal {
 public:
  ArtistSignal(const TrackFacts* facts, const SoundRanker* sound) : TrackFactsSignal(facts), sound_(sound) {}
  std::string_view name() const override { return "artist"; }
  std::string_view chosen_by() const override { return "the artist named"; }
  std::string unavailable_reason() const override { return "the catalog has no tracks with an artist"; }

  std::unique_ptr<SignalRun> start(const SignalQuery& q, Refusal& refusal) const override {
    const auto artist = find_artist(*facts_, q.request.prompt);
    if (!artist) {
      refusal = {"", "the prompt names no artist of the catalog; try \"songs like Queen\" or \"more by ABBA\""};
      return nullptr;
    }
    std::vector<SignalHit> hits;
    append_hits(*facts_, *artist->tracks, 1.0, hits);
    const std::size_t own = hits.size();
    // TrackFacts and the SoundRanker are made from the same tracks, in one order.
    if (sound_ && sound_->tracks().size() == facts_->tracks().size()) add_sound_alikes(*artist, hits);
    auto why = [name = artist->name, own](const SignalHit& hit) {
      if (hit.rank < own) return "by " + name;
      char fit[64];
      std::snprintf(fit, sizeof fit, "sounds like %s (fit %.0f%%)", name.c_str(), hit.score * 100);
      return std::string(fit);
    };
    return std::make_unique<RankedListRun>(std::move(hits), why);
  }

 private:
  // The tracks nearest to the artist's sound, scored below their own (<= 0.9).
  void add_sound_alikes(const NamedArtist& artist, std::vector<SignalHit>& hits) const {
    const FeatureTarget target = sound_of(sound_->tracks(), *artist.tracks, artist.name);
    const std::vector<float> fit = sound_->fit_all(target);
    std::vector<std::uint32_t> order;
    for (std::uint32_t i = 0; i < fit.size(); ++i)
      if (!std::isnan(fit[i])) order.push_back(i);
    const std::size_t take = std::min(kSoundAlikes, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(take), order.end(),
                      [&](std::uint32_t a, std::uint32_t b) { return fit[a] > fit[b] || (fit[a] == fit[b] && a < b); });
    for (std::size_t i = 0; i < take; ++i) hits.push_back({sound_->tracks()[order[i]].key, 0.9 * fit[order[i]], 0});
  }

  const SoundRanker* sound_;
};

}  // namespace

std::unique_ptr<Signal> make_artist_signal(const PlaylistSources& sources) {
  return std::make_unique<ArtistSignal>(sources.facts, sources.sound);
}

std::string without_named_artist(const TrackFacts& facts, std::string_view prompt) {
  const auto artist = find_artist(facts, prompt);
  if (!artist) return std::string(prompt);
  const auto name = word_tokens(artist->name);
  std::set<std::string> named(name.begin(), name.end());
  std::string rest;
  for (const auto& w : word_tokens(prompt))
    if (!named.count(w)) rest += (rest.empty() ? "" : " ") + w;
  return rest;
}

}  // namespace promptlist
