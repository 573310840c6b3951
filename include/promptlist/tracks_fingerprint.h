// promptlist/tracks_fingerprint.h: what a file made from the catalog's
// tracks records of them, to know when it is stale.
//
//   index.catalog_fingerprint() == tracks_fingerprint(catalog.songs_with_features(),
//                                                     catalog.playlist_memberships(), kFormat,
//                                                     TrackFeatures::popularity);
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "promptlist/catalog.h"

namespace promptlist {

// Which audio features a tracks_fingerprint() covers: popularity alone (what
// names and ranks a track, as the track texts use it) or every feature.
enum class TrackFeatures { popularity, all };

// XXH3-64 of `version` (the reader's format), every track's key, year,
// title, artist, album and features (as `features` says) and every playlist
// row: what a file made from the tracks (the track text index, the sound
// model) records, and is stale when the catalog's differs.
std::uint64_t tracks_fingerprint(const std::vector<Song>& tracks,
                                 const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships,
                                 std::uint32_t version, TrackFeatures features);

}  // namespace promptlist
