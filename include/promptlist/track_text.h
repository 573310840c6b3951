// promptlist/track_text.h: what a track's words say about it, for the track
// text index (one row per song, beside the verse index, in the same file
// format and the same model's space).
//
//   auto texts = track_texts(catalog.songs_with_features(), catalog.playlist_memberships());
//   texts[0].text;   // "Born to Be Wild. Album: Steppenwolf (1968).
//                    //  Playlists: Beast Mode; Classic Rock. Genres: rock, classic rock."
//   track_texts_fingerprint(tracks, memberships);   // what a track index was built from
//
// One entry per song: recordings of the same title (TrackFacts::song_title)
// and artist are one, the most popular of them kept, as in playlists.
//
// The artist's name is left out: the artist signal answers a prompt that
// names an artist, and a name matched as words puts a band's whole
// catalogue on a prompt that shares them ("running wild and free" gave
// nine songs by the band Running Wild; "working out", Fall Out Boy).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "promptlist/catalog.h"
#include "promptlist/verse_chunker.h"

namespace promptlist {

// The most playlist names one track's text lists: a hit in 40 playlists
// would otherwise be all playlist names and exceed the model's 128 tokens.
inline constexpr std::size_t kMaxTextPlaylists = 8;

// "Title. Album: A (year). Playlists: P; Q. Genres: g, s." (parts the
// catalog lacks are left out).
std::string track_text(const Song& track, const std::vector<const PlaylistLabel*>& playlists);

// One chunk per song, by song key (so that an index of them finds a song's
// row by binary search), its text track_text() (the chunk's verse and lines
// are 0: a track text has no verses).
std::vector<VerseChunk> track_texts(const std::vector<Song>& tracks,
                                    const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships);

// XXH3-64 of everything track_texts() reads of the tracks and playlists
// (and of its format's version): a track index built from another catalog
// has another. Over the inputs, not the texts, so that a start checks it
// without making 60,000 texts.
std::uint64_t track_texts_fingerprint(const std::vector<Song>& tracks,
                                      const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships);

}  // namespace promptlist
