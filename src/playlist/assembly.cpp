#include "playlist/assembly.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

namespace promptlist {

namespace {

std::string lowercase_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

PlaylistEntry entry_for(const Song& song, double score) {
  PlaylistEntry e;
  e.song_key = song.key;
  e.song_id = song.id;
  e.title = song.title;
  e.artist = song.artist;
  e.collection = song.collection;
  e.spotify_id = song.spotify_id;
  e.year = song.year;
  e.features = song.features;
  e.score = static_cast<float>(score);
  return e;
}


// The best-known recording of the song `found` records (found itself when
// it is, or is no track of facts), and the ids of the song's others.
const Song* best_known(const Song& found, const TrackFacts* facts, SongLookup& songs,
                       std::vector<std::string>& other_ids) {
  const TrackFact* fact = facts ? facts->find(found.key) : nullptr;
  if (!fact) return &found;
  const Song* best = nullptr;
  for (std::uint32_t i : facts->recordings_of(static_cast<std::uint32_t>(fact - facts->tracks().data()))) {
    const Song* recording = songs.find(facts->tracks()[i].song_key);
    if (!recording) continue;  // deleted since the facts were built
    if (!best) best = recording;
    else if (!recording->spotify_id.empty()) other_ids.push_back(recording->spotify_id);
  }
  return best ? best : &found;
}

}  // namespace

const Song* SongLookup::find(std::int64_t key) {
  if (const Song* track = track_in_memory(key)) return track;
  auto it = read_.find(key);
  if (it == read_.end()) it = read_.emplace(key, sources_.catalog->find(key, SongParts::without_verses)).first;
  return it->second ? &*it->second : nullptr;
}

// The facts and the sound ranker hold the same tracks in the same order
// (Engine); the key check keeps a mismatched pair from answering wrong.
const Song* SongLookup::track_in_memory(std::int64_t key) const {
  if (!sources_.facts || !sources_.sound) return nullptr;
  const TrackFact* fact = sources_.facts->find(key);
  if (!fact) return nullptr;
  const auto i = static_cast<std::size_t>(fact - sources_.facts->tracks().data());
  const auto& tracks = sources_.sound->tracks();
  return i < tracks.size() && tracks[i].key == key ? &tracks[i] : nullptr;
}

std::vector<PlaylistEntry> assemble(const std::vector<FusedCandidate>& candidates,
                                    const std::vector<std::unique_ptr<SignalRun>>& runs,
                                    const std::vector<const Signal*>& signals, SongLookup& songs,
                                    const TrackFacts* facts, const PlaylistRequest& request, const Song* seed) {
  std::vector<std::size_t> ranked(candidates.size());
  std::iota(ranked.begin(), ranked.end(), std::size_t{0});
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](std::size_t a, std::size_t b) { return candidates[a].score > candidates[b].score; });
  std::vector<PlaylistEntry> entries;
  std::map<std::string, std::size_t> per_artist;
  std::set<std::string> recordings;  // TrackFacts::song_of() the entries, and of the seed
  // Their titles too: five covers of "White Christmas" by five artists are
  // five songs, but not a playlist a listener wants.
  std::set<std::string> titles;
  if (seed) recordings.insert(TrackFacts::song_of(*seed)), titles.insert(TrackFacts::song_title(seed->title));
  for (std::size_t i : ranked) {
    if (entries.size() >= request.n) break;
    const FusedCandidate& c = candidates[i];
    const Song* song = songs.find(c.song_key);
    if (!song || (request.recordings_only && song->spotify_id.empty())) continue;
    if (!recordings.insert(TrackFacts::song_of(*song)).second) continue;  // the same song again (a remaster, under another id)
    if (!titles.insert(TrackFacts::song_title(song->title)).second) continue;  // another song of that title
    std::size_t& by_artist = per_artist[lowercase_ascii(song->artist)];
    if (request.max_per_artist && by_artist >= request.max_per_artist) continue;
    ++by_artist;
    std::vector<std::string> other_ids;
    const Song* shown = best_known(*song, facts, songs, other_ids);
    PlaylistEntry e = entry_for(*shown, c.score);
    e.other_spotify_ids = std::move(other_ids);
    for (std::size_t s = 0; s < runs.size(); ++s) {
      if (!c.hits[s]) continue;
      runs[s]->explain(*c.hits[s], *shown, e);
      e.found_by.emplace_back(signals[s]->name());
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace promptlist
