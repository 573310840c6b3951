#include <xxhash.h>

#include <limits>

#include "promptlist/tracks_fingerprint.h"

namespace promptlist {

std::uint64_t tracks_fingerprint(const std::vector<Song>& tracks,
                                 const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships,
                                 std::uint32_t version, TrackFeatures features) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  const auto bytes = [&](const auto& value) { XXH3_64bits_update(state, &value, sizeof value); };
  const auto text = [&](const std::string& t) { XXH3_64bits_update(state, t.c_str(), t.size() + 1); };  // NUL: texts do not run together
  const auto number = [&](const std::optional<double>& v) { bytes(v.value_or(std::numeric_limits<double>::quiet_NaN())); };
  bytes(version);
  for (const Song& t : tracks) {
    bytes(t.key);
    bytes(t.year.value_or(-1));
    for (const std::string* field : {&t.title, &t.artist, &t.collection}) text(*field);
    if (features == TrackFeatures::popularity) number(t.features[Feature::popularity]);
    else
      for (const auto& value : t.features.values) number(value);
  }
  for (const auto& [key, label] : memberships) {
    bytes(key);
    for (const std::string* field : {&label.playlist_id, &label.name, &label.genre, &label.subgenre}) text(*field);
  }
  const std::uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return h;
}

}  // namespace promptlist
