// promptlist/playlist.h: from a prompt to n distinct songs, each with the
// reason it is there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "promptlist/catalog.h"
#include "promptlist/lyrics_search.h"

namespace promptlist {

inline constexpr std::size_t kMaxPromptChars = 1000;
inline constexpr std::size_t kMaxPlaylistSize = 200;

struct PlaylistRequest {
  std::string prompt;
  std::size_t n = 9;
  std::size_t max_per_artist = 0;  // 0: no cap
  LyricsScoring scoring = LyricsScoring::hybrid;
};

struct PlaylistEntry {
  std::int64_t song_key = 0;
  std::string song_id, title, artist, collection;
  std::optional<int> year;
  float score = 0;     // what the playlist is ranked by
  float semantic = 0;  // cosine of the best chunk
  float lexical = 0;   // scaled BM25 of the best chunk
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
  std::vector<std::string> notes;  // e.g. unknown prompt words, fewer songs than asked
};

// Checks the request (non-empty valid UTF-8 prompt of at most
// kMaxPromptChars characters, 1 <= n <= kMaxPlaylistSize); throws
// promptlist::Error naming the problem.
void validate(const PlaylistRequest& request);

// Ranks verse chunks, then walks them best first, keeping each song's best
// chunk, until n distinct songs are found: top_k starts at 4n and doubles
// while too few songs are found. Returns fewer than n songs only when the
// catalog has fewer (after the artist cap).
Playlist make_playlist(const Catalog& catalog, const LyricsSearch& search, const PlaylistRequest& request);

nlohmann::json to_json(const Playlist& playlist);

}  // namespace promptlist
