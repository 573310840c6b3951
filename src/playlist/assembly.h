// src/playlist/assembly.h: fused candidates become playlist entries.
#pragma once

#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "promptlist/fusion.h"
#include "promptlist/playlist.h"

namespace promptlist {

// The catalog's songs, each looked up once per request, without their
// verses (no playlist entry shows them).
class SongLookup {
 public:
  explicit SongLookup(const Catalog& catalog) : catalog_(catalog) {}
  // nullptr when the song is gone (deleted since the index was built).
  const Song* find(std::int64_t key);

 private:
  const Catalog& catalog_;
  std::unordered_map<std::int64_t, std::optional<Song>> songs_;
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
