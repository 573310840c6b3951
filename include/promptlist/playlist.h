// promptlist/playlist.h: from a prompt to n distinct songs, each with the
// reason it is there.
//
//   PlaylistRequest request;
//   request.prompt = "calm acoustic songs for studying";
//   request.n = 9;                   // by = "both": every signal that can serve
//   Playlist p = make_playlist(engine.sources(), request);   // or engine.playlist(request)
//   for (const PlaylistEntry& e : p.entries)
//     std::printf("%s - %s: %s\n", e.artist.c_str(), e.title.c_str(), e.why.c_str());
//   for (const std::string& note : p.notes) std::printf("note: %s\n", note.c_str());
//
// make_playlist is a short pipeline (src/playlist/): validate the request,
// start every signal it asks for (signal.h: lyrics, sound), rank each over a
// pool of candidates, fuse the rankings (fusion.h), assemble the entries
// (artist cap, evidence, why-lines), and widen the pool until n songs fit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "promptlist/catalog.h"
#include "promptlist/feature_predictor.h"
#include "promptlist/fusion.h"
#include "promptlist/lyrics_search.h"
#include "promptlist/signal.h"
#include "promptlist/sound_ranking.h"
#include "promptlist/track_facts.h"

namespace promptlist {

inline constexpr std::size_t kMaxPromptChars = 1000;
inline constexpr std::size_t kMaxPlaylistSize = 200;
inline constexpr std::size_t kMaxSongIdChars = 200;  // PlaylistRequest::like
// PlaylistRequest::by for "every signal that can serve".
inline constexpr std::string_view kAllSignals = "both";

struct PlaylistRequest {
  std::string prompt;                              // what the listener asked for (valid UTF-8)
  std::size_t n = 9;                               // songs wanted, 1..kMaxPlaylistSize
  std::size_t max_per_artist = 0;                  // at most this many songs by one artist; 0: no cap
  LyricsScoring scoring = LyricsScoring::hybrid;   // how the lyrics signal scores verses
  std::string by = std::string(kAllSignals);       // one signal's name (signal_names()) or kAllSignals
  bool recordings_only = false;                    // leave out texts without a recording (no Spotify id)
  FeatureValues overrides;                         // user-set features; they win over predictions
  // A song's id: songs like it, by its own verses' meaning (lyrics) and its
  // own audio features (sound), the song itself left out. The prompt may
  // then be empty.
  std::string like;
};

// The song a "like" request starts from.
struct PlaylistSeed {
  std::int64_t key = 0;
  std::string id, title, artist;
};

// What a playlist can be made from; a missing source (nullptr) is a signal
// that is not available (no index yet, no audio features in the catalog).
struct PlaylistSources {
  const Catalog* catalog = nullptr;             // the songs (required)
  const LyricsSearch* lyrics = nullptr;         // the verse index and its embedder: the lyrics signal
  const SoundRanker* sound = nullptr;           // the tracks with audio features: the sound signal
  const FeaturePredictor* predictor = nullptr;  // the prompt's sound; without it only overrides count
  const TrackFacts* facts = nullptr;            // artists, genres, years: the artist, genre and era signals
  const LyricsSearch* track_texts = nullptr;    // the track text index and its embedder: the titles signal
};

// How the pipeline widens and fuses (the defaults are what the tests and
// the README's playlists were judged with).
struct PlaylistOptions {
  // The first candidate pool is max(per_song_pool * n, min_pool) songs per
  // signal; it doubles until n songs survive the artist cap.
  std::size_t per_song_pool = 4;
  std::size_t min_pool = 16;
  FusionOptions fusion;  // how the signals' rankings become one
};

struct PlaylistEntry {
  std::int64_t song_key = 0;
  std::string song_id, title, artist, collection, spotify_id;  // spotify_id empty: a text without a recording
  // The song's other recordings in the catalog (a remaster, a re-release
  // under another id), best known first. The entry itself is the best
  // known one (TrackFacts::recordings_by_song), whichever a signal found.
  std::vector<std::string> other_spotify_ids;
  std::optional<int> year;
  // What the playlist is ranked by. One signal: its score scaled by the
  // best (1 = the best song). Several: reciprocal rank fusion, scaled so
  // that first in every signal is 1 (first in one of two only is 0.5).
  float score = 0;
  // Lyrics signal (has_lyrics_match false when the song was chosen by sound alone)
  bool has_lyrics_match = false;
  float lyrics_score = 0;  // the best chunk's combined score
  float semantic = 0;      // cosine of the best chunk
  float lexical = 0;       // scaled BM25 of the best chunk
  // Sound signal
  std::optional<FeatureFit> sound;
  FeatureValues features;  // the track's audio features, when known
  std::uint32_t chunk_row = 0;
  std::uint32_t verse = 0, line_begin = 0, line_end = 0;  // the matched chunk's place in the song
  std::string matched_text;
  std::vector<std::string> shared_words;  // prompt words the chunk contains
  std::string why;                        // one line for people
  std::vector<std::string> found_by;      // the signals that ranked or judged this song
};

struct Playlist {
  PlaylistRequest request;
  std::vector<PlaylistEntry> entries;
  std::size_t top_k = 0;       // verse hits examined to find the songs
  EmbedStats prompt_stats;
  FeatureTarget target;        // the sound asked for (empty when sound was not used)
  std::vector<std::string> signals_used;  // names of the signals that ranked the songs
  bool uses(std::string_view signal) const;
  std::vector<std::string> notes;  // e.g. unknown prompt words, fewer songs than asked
  std::optional<PlaylistSeed> seed;  // the song of request.like
};

// Checks the request (valid UTF-8 prompt of at most kMaxPromptChars
// characters, not empty unless `like` names a song, 1 <= n <= kMaxPlaylistSize, `by` a signal
// or kAllSignals); throws
// promptlist::Error naming the problem.
void validate(const PlaylistRequest& request);
// Throws promptlist::Error unless `by` is a signal's name or kAllSignals.
void check_signal_choice(std::string_view by);
// "lyrics, sound or both": what PlaylistRequest::by may be, for messages.
std::string signal_choices();

// The playlist for a request: exactly n distinct songs, fewer only when the
// catalog has fewer (after the artist cap). Lyrics rank verse chunks and
// keep each song's best; sound predicts the target features, adds the
// overrides and ranks every track by fit; with several signals, reciprocal
// rank fusion. A signal the prompt gives nothing to (no known word; no sound
// named) is dropped with a note when another can serve, and is an error when
// it was the only one. Throws promptlist::Error (bad input or unavailable).
Playlist make_playlist(const PlaylistSources& sources, const PlaylistRequest& request,
                       const PlaylistOptions& options = {});

nlohmann::json to_json(const Playlist& playlist);

}  // namespace promptlist
