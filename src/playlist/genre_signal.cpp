// The genre signal: "hard rock", "neo soul", "latin pop", "edm". Tracks
// filed under a genre or subgenre the prompt names (the playlist genres of
// the catalog's feature files), those under every named one first, the most
// popular first. The longest name wins where names overlap ("hard rock"
// over "rock").
#include <algorithm>
#include <map>

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

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

class GenreSignal : public TrackFactsSignal {
 public:
  using TrackFactsSignal::TrackFactsSignal;
  std::string_view name() const override { return "genre"; }
  std::string_view chosen_by() const override { return "the genre named"; }
  std::string unavailable_reason() const override { return "the catalog files no track under a genre"; }

  std::unique_ptr<SignalRun> start(const SignalQuery& q, Refusal& refusal) const override {
    const auto genres = find_genres(*facts_, q.request.prompt);
    if (genres.empty()) {
      refusal = {"", "the prompt names no genre of the catalog; try \"hard rock\", \"neo soul\" or \"latin pop\""};
      return nullptr;
    }
    // How many of the named genres each track is filed under; tracks under
    // more of them first, each group most popular first.
    const auto& tracks = facts_->tracks();
    std::vector<std::uint8_t> matches(tracks.size(), 0);
    for (const auto& g : genres)
      for (std::uint32_t i : *facts_->tracks_in_genre(g)) ++matches[i];
    std::vector<SignalHit> hits;
    for (std::size_t n = genres.size(); n > 0; --n)
      for (std::uint32_t i : facts_->by_popularity())
        if (matches[i] == n) hits.push_back({tracks[i].song_key, static_cast<double>(n) / static_cast<double>(genres.size()), 0});
    auto why = [this, genres](const SignalHit& hit) {
      const auto& filed = facts_->find(hit.song_key)->genres;  // hits are tracks of facts_
      std::vector<std::string> named;
      for (const auto& g : genres)
        if (std::find(filed.begin(), filed.end(), g) != filed.end()) named.push_back(g);
      return "filed under " + quoted_list(named);
    };
    return std::make_unique<RankedListRun>(std::move(hits), why);
  }
};

}  // namespace

std::unique_ptr<Signal> make_genre_signal(const PlaylistSources& sources) {
  return std::make_unique<GenreSignal>(sources.facts);
}

}  // namespace promptlist
