#include "server/shard_wire.h"

#include "promptlist/error.h"

namespace promptlist {

using nlohmann::json;

json shard_hit_to_json(const ShardHit& h) {
  return {{"song_key", h.song_key}, {"verse", h.verse},  {"line_begin", h.line_begin},
          {"line_end", h.line_end}, {"score", h.score}, {"text", h.text}};
}

std::vector<ShardHit> shard_hits_from_json(const json& answer, const std::string& shard) {
  std::vector<ShardHit> hits;
  try {
    for (const json& j : answer.at("hits"))
      hits.push_back({shard, j.at("song_key").get<std::int64_t>(), j.at("verse").get<std::uint32_t>(),
                      j.at("line_begin").get<std::uint32_t>(), j.at("line_end").get<std::uint32_t>(),
                      j.at("score").get<float>(), j.at("text").get<std::string>()});
  } catch (const json::exception& e) {
    throw Error(std::string("answered something that is not a shard's hits (") + e.what() + ")", ErrorKind::unavailable);
  }
  return hits;
}

}  // namespace promptlist
