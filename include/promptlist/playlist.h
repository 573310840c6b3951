// promptlist/playlist.h: from a prompt to n distinct songs, each with the
// reason it is there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "promptlist/catalog.h"
#include "promptlist/feature_predictor.h"
#include "promptlist/lyrics_search.h"
#include "promptlist/sound_ranking.h"

namespace promptlist {

inline constexpr std::size_t kMaxPromptChars = 1000;
inline constexpr std::size_t kMaxPlaylistSize = 200;

// Which signals rank the songs: what the lyrics say, how the tracks sound
// (their audio features against the prompt's target), or both.
enum class SignalMix { lyrics, sound, both };
const char* to_string(SignalMix);
SignalMix signal_mix_from_string(std::string_view);  // throws promptlist::Error

struct PlaylistRequest {
  std::string prompt;
  std::size_t n = 9;
  std::size_t max_per_artist = 0;  // 0: no cap
  LyricsScoring scoring = LyricsScoring::hybrid;
  SignalMix by = SignalMix::both;
  FeatureValues overrides;  // user-set features; they win over predictions
};

// What a playlist can be made from; a missing source (nullptr) is a signal
// that is not available (no index yet, no audio features in the catalog).
struct PlaylistSources {
  const Catalog* catalog = nullptr;
  const LyricsSearch* lyrics = nullptr;
  const SoundRanker* sound = nullptr;
  const FeaturePredictor* predictor = nullptr;
};

struct PlaylistEntry {
  std::int64_t song_key = 0;
  std::string song_id, title, artist, collection, spotify_id;
  std::optional<int> year;
  // What the playlist is ranked by. One signal: its score scaled by the
  // best (1 = the best song). Both: reciprocal rank fusion, scaled so that
  // first by lyrics and by sound is 1 and first by one signal only is 0.5.
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
};

struct Playlist {
  PlaylistRequest request;
  std::vector<PlaylistEntry> entries;
  std::size_t top_k = 0;       // verse hits examined to find the songs
  EmbedStats prompt_stats;
  FeatureTarget target;        // the sound asked for (empty when sound was not used)
  bool used_lyrics = false, used_sound = false;
  std::vector<std::string> notes;  // e.g. unknown prompt words, fewer songs than asked
};

// Checks the request (non-empty valid UTF-8 prompt of at most
// kMaxPromptChars characters, 1 <= n <= kMaxPlaylistSize); throws
// promptlist::Error naming the problem.
void validate(const PlaylistRequest& request);

// Lyrics: ranks verse chunks, then walks them best first, keeping each
// song's best chunk, until enough distinct songs are found (top_k starts at
// 4n and doubles while too few are found). Sound: predicts the target
// features, adds the overrides, and ranks every track with features by fit.
// Both: reciprocal rank fusion of the two rankings. Returns exactly n distinct songs, fewer
// only when the catalog has fewer (after the artist cap). A signal the
// prompt gives nothing to (no known word; no sound named) is dropped with a
// note when the other can serve, and is an error when it was the only one.
Playlist make_playlist(const PlaylistSources& sources, const PlaylistRequest& request);

nlohmann::json to_json(const Playlist& playlist);

}  // namespace promptlist
