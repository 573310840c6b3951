#include "promptlist/track_text.h"

#include <algorithm>
#include <unordered_map>

#include "promptlist/track_facts.h"
#include "promptlist/tracks_fingerprint.h"

namespace promptlist {

namespace {

// Appends "Label: a<sep>b<sep>c. " for the values, each once, in order.
void append_list(std::string& out, const char* label, const std::vector<std::string>& values, const char* sep) {
  if (values.empty()) return;
  out += ' ';
  out += label;
  out += ": ";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += sep;
    out += values[i];
  }
  out += '.';
}

void push_once(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

std::string track_text(const Song& track, const std::vector<const PlaylistLabel*>& playlists) {
  std::string text = track.title;
  text += '.';
  if (!track.collection.empty() || track.year) {
    text += " Album: ";
    text += track.collection;
    if (track.year) {
      if (!track.collection.empty()) text += ' ';
      text += '(' + std::to_string(*track.year) + ')';
    }
    text += '.';
  }
  std::vector<std::string> names, genres;
  for (const PlaylistLabel* p : playlists) {
    if (names.size() < kMaxTextPlaylists) push_once(names, p->name);
    push_once(genres, p->genre);
    push_once(genres, p->subgenre);
  }
  append_list(text, "Playlists", names, "; ");
  append_list(text, "Genres", genres, ", ");
  return text;
}

std::vector<VerseChunk> track_texts(const std::vector<Song>& tracks,
                                    const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships) {
  std::unordered_map<std::int64_t, std::vector<const PlaylistLabel*>> playlists;
  for (const auto& [key, label] : memberships) playlists[key].push_back(&label);
  const auto songs = TrackFacts::recordings_by_song(tracks);
  std::vector<VerseChunk> out;
  out.reserve(songs.size());
  static const std::vector<const PlaylistLabel*> kNone;
  for (const auto& recordings : songs) {
    const std::uint32_t i = recordings.front();  // the best known

    const auto it = playlists.find(tracks[i].key);
    VerseChunk chunk;
    chunk.song_key = tracks[i].key;
    chunk.text = track_text(tracks[i], it == playlists.end() ? kNone : it->second);
    out.push_back(std::move(chunk));
  }
  std::sort(out.begin(), out.end(), [](const VerseChunk& a, const VerseChunk& b) { return a.song_key < b.song_key; });
  return out;
}

// What track_texts() makes of its inputs: bump it when track_text() or the
// rule of which recording stands for a song changes, so that an index of
// the old texts reads as stale.
constexpr std::uint32_t kTrackTextFormat = 1;

std::uint64_t track_texts_fingerprint(const std::vector<Song>& tracks,
                                      const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships) {
  return tracks_fingerprint(tracks, memberships, kTrackTextFormat, TrackFeatures::popularity);
}

}  // namespace promptlist
