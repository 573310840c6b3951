// The genre signal: "hard rock", "neo soul", "latin pop", "edm". Tracks
// filed under a genre or subgenre the prompt names (the playlist genres of
// the catalog's feature files), those that sound most like the genre first:
// a genre's playlists also hold hits of other genres (a rap hit in one EDM
// playlist), and a listener asking for EDM wants what EDM sounds like. The
// longest name wins where names overlap ("hard rock" over "rock").
#include <algorithm>
#include <cmath>

#include "playlist/ranked_list_run.h"
#include "promptlist/text.h"

namespace promptlist {

namespace {

// Genres named in the prompt: at each word the longest known name that
// starts there, names not overlapping.
std::vector<std::string> find_genres(const TrackFacts& facts, std::string_view prompt) {
  const auto words = word_tokens(prompt);
  const std::size_t longest = std::min<std::size_t>(facts.longest_name_words(), 4);
  std::vector<std::string> found;
  for (std::size_t begin = 0; begin < words.size();) {
    std::size_t matched = 0;
    for (std::size_t end = std::min(words.size(), begin + longest); end > begin && !matched; --end) {
      std::string phrase = TrackFacts::phrase(words, begin, end);
      if (facts.tracks_in_genre(phrase)) found.push_back(std::move(phrase)), matched = end - begin;
    }
    begin += matched ? matched : 1;
  }
  return found;
}

// The members' typical sound: their mean, as wide as they spread, as a
// learned goal (fitted against the whole catalog).
FeatureTarget sound_of_members(const std::vector<Song>& tracks, const std::vector<std::uint32_t>& members) {
  FeatureTarget target;
  for (Feature f : kSoundSummaryFeatures) {
    double sum = 0, sum2 = 0, n = 0;
    for (std::uint32_t i : members)
      if (auto v = tracks[i].features[f]) sum += *v, sum2 += *v * *v, ++n;
    if (n < 2) continue;
    const double mean = sum / n, sd = std::sqrt(std::max(0.0, sum2 / n - mean * mean));
    FeatureGoal goal{mean, 1.0, TargetSource::predicted, "the genre's sound"};
    goal.tolerance = std::max(1e-3, sd);
    target.set(f, goal);
  }
  return target;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

class GenreSignal : public TrackFactsSignal {
 public:
  GenreSignal(const TrackFacts* facts, const SoundRanker* sound) : TrackFactsSignal(facts), sound_(sound) {}
  std::string_view name() const override { return "genre"; }
  std::string_view chosen_by() const override { return "the genre named"; }
  std::string unavailable_reason() const override { return "the catalog files no track under a genre"; }

  std::unique_ptr<SignalRun> start(const SignalQuery& q, Refusal& refusal) const override {
    const auto genres = q.seed ? genres_of(*q.seed) : find_genres(*facts_, q.request.prompt);
    if (genres.empty()) {
      refusal = {"", q.seed ? "\"" + q.seed->title + "\" is filed under no genre"
                            : "the prompt names no genre of the catalog; try \"hard rock\", \"neo soul\" or \"latin pop\""};
      return nullptr;
    }
    // Each member by how much it sounds like the genre, times how much of
    // it is the genre (the named genres' share of its playlists), times how
    // well known it is: the issue is songs people know.
    const auto& tracks = facts_->tracks();
    std::vector<float> share(tracks.size(), 0);
    std::vector<std::uint32_t> order;
    for (const auto& g : genres)
      for (std::uint32_t i : *facts_->tracks_in_genre(g)) {
        if (share[i] == 0) order.push_back(i);
        share[i] += genre_share_of(tracks[i], g) / static_cast<float>(genres.size());
      }
    std::vector<double> score(tracks.size(), 0);
    const bool aligned = sound_ && sound_->tracks().size() == tracks.size();  // same tracks, same order
    // fit_all: one vectorised pass over every track is cheaper than a fit() per member.
    // "More like this": the seed's own sound, not its genres' typical one.
    std::vector<float> fit;
    if (aligned) fit = sound_->fit_all(q.seed ? sound_of_seed(*q.seed) : sound_of_members(sound_->tracks(), order));
    for (std::uint32_t i : order) {
      const double sounds_like = aligned && !std::isnan(fit[i]) ? fit[i] : 1.0;
      const double known = tracks[i].popularity < 0 ? 0.5 : 0.5 + 0.5 * tracks[i].popularity / 100;
      score[i] = sounds_like * (0.5 + 0.5 * share[i]) * known;
    }
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (score[a] != score[b]) return score[a] > score[b];
      return tracks[a].popularity > tracks[b].popularity || (tracks[a].popularity == tracks[b].popularity && a < b);
    });
    std::vector<SignalHit> hits;
    for (std::uint32_t i : order) hits.push_back({tracks[i].song_key, score[i], 0});
    auto why = [this, genres](const SignalHit& hit) {
      const auto& filed = facts_->find(hit.song_key)->genres;  // hits are tracks of facts_
      std::vector<std::string> named;
      for (const auto& g : genres)
        if (std::find(filed.begin(), filed.end(), g) != filed.end()) named.push_back(g);
      return "filed under " + quoted_list(named);
    };
    return std::make_unique<RankedListRun>(std::move(hits), why, /*named=*/q.seed == nullptr);
  }

 private:
  // A seed track's genres ("more like this"): those its playlists file it under.
  std::vector<std::string> genres_of(const Song& seed) const {
    const TrackFact* fact = facts_->find(seed.key);
    return fact ? fact->genres : std::vector<std::string>{};
  }

  const SoundRanker* sound_;  // to rank a genre's tracks by how typical their sound is; may be null
};

}  // namespace

std::unique_ptr<Signal> make_genre_signal(const PlaylistSources& sources) {
  return std::make_unique<GenreSignal>(sources.facts, sources.sound);
}

}  // namespace promptlist
