// src/playlist/assembly.h: fused candidates become playlist entries.
#pragma once

#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "promptlist/fusion.h"
#include "promptlist/playlist.h"

namespace promptlist {

// The catalog's songs, each looked up once per request. A track comes from
// the engine's tracks in memory (read at its start, as the sound and the
// facts the signals rank by were); a text from the catalog, without its
// verses (no playlist entry shows them).
class SongLookup {
 public:
  explicit SongLookup(const PlaylistSources& sources) : sources_(sources) {}
  // nullptr when the song is gone (deleted since the index was built).
  const Song* find(std::int64_t key);

 private:
  const Song* track_in_memory(std::int64_t key) const;

  const PlaylistSources& sources_;
  std::unordered_map<std::int64_t, std::optional<Song>> read_;  // from the catalog
};

// Walks the candidates best first (by score, ties in their order) and makes
// at most request.n entries (recordings only when the request says so):
// each song once (another recording of a song listed, or of the seed of a
// "like" request, is skipped: TrackFacts::song_of; so is another song of a
// title listed), at most request.max_per_artist per artist, each with every
// signal's evidence and why-line (runs[i] of signals[i] explains hits[i]).
// With facts, an entry is its song's best-known recording and lists the
// others, whichever recording the signals found.
std::vector<PlaylistEntry> assemble(const std::vector<FusedCandidate>& candidates,
                                    const std::vector<std::unique_ptr<SignalRun>>& runs,
                                    const std::vector<const Signal*>& signals, SongLookup& songs,
                                    const TrackFacts* facts, const PlaylistRequest& request,
                                    const Song* seed = nullptr);

}  // namespace promptlist
