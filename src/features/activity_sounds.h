// features/activity_sounds.h: how music for everyday moods and activities
// sounds, as a listener would expect it, for the moments the catalog's own
// playlists barely cover (it has few sleep, study or meditation playlists,
// and no playlist is named "romantic dinner").
//
// Each entry becomes a descriptor of the sound model (kind "activity"),
// embedded like the playlist names, so "gym session" or "heading out for a
// jog" reach it by meaning. Its moves are in catalog standard deviations;
// features it does not name stay typical. Definitional mood words
// ("calm", "sad", "energetic") are stated constraints instead
// (stated_constraints.cpp), which win.
#pragma once

#include <utility>
#include <vector>

#include "promptlist/feature_schema.h"

namespace promptlist {

struct ActivitySound {
  const char* phrase;                            // what a listener types, e.g. "workout at the gym"
  std::vector<std::pair<Feature, double>> moves;  // feature, standard deviations from the catalog mean
};

const std::vector<ActivitySound>& activity_sounds();

// The pseudo-evidence of an entry (as if learned from this many tracks)
// and how widely its tracks may spread, relative to the catalog.
inline constexpr std::uint32_t kActivityTracks = 200;
inline constexpr float kActivitySpread = 0.8f;
// How much more an entry's vote counts than a learned descriptor's at the
// same closeness: the catalog's many neutral neighbours ("trip", "road",
// "highway" for "road trip") would otherwise outvote what a listener means.
inline constexpr double kActivityVoteWeight = 4.0;

}  // namespace promptlist
