// promptlist/shard.h: which of N shards a song belongs to.
//
//   const ShardSpec spec = parse_shard("2/4");   // the third of four
//   if (spec.holds(song.id)) ...                  // XXH3 of the id, mod 4
//
// A song's shard depends on its id alone, so every shard task (and every
// machine) agrees on it without talking to the others, and a song keeps its
// shard across imports.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace promptlist {

struct ShardSpec {
  std::size_t index = 0;  // 0-based: this shard
  std::size_t count = 1;  // of how many; 1: the whole catalog
  bool holds(std::string_view song_id) const;
  std::string name() const;  // "2/4"
};

// "I/N" with 0 <= I < N <= 4096; throws promptlist::Error naming the problem.
ShardSpec parse_shard(std::string_view text);

}  // namespace promptlist
