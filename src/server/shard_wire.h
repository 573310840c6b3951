// server/shard_wire.h: the JSON a shard server answers and the fan-out
// reads (one copy of the field names):
//   {"hits": [{"song_key", "verse", "line_begin", "line_end", "score", "text"}, ...]}
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "promptlist/shard_search.h"

namespace promptlist {

nlohmann::json shard_hit_to_json(const ShardHit& hit);
// Throws promptlist::Error (unavailable) when the answer is not of that shape.
std::vector<ShardHit> shard_hits_from_json(const nlohmann::json& answer, const std::string& shard);

}  // namespace promptlist
