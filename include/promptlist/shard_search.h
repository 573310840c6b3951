// promptlist/shard_search.h: one query over many shard servers, merged.
//
//   const ShardSearchResult r = search_shards({"127.0.0.1:9001", "127.0.0.1:9002"}, "the sea at night", 10);
//   for (const ShardHit& h : r.hits) ...         // the best 10 of all shards, best first
//   for (const auto& m : r.missing) ...          // "127.0.0.1:9002: Connection" for a shard that did not answer
//
// Each shard server (shard_server.h) holds the verse index of one shard
// (index --shard I/N) and answers GET /api/search?q=...&k=...; every shard is
// asked at once, and an answer is the best k of those that answered, with
// the ones that did not named: a dead shard makes a smaller answer, not a
// failed one.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "promptlist/embedder.h"
#include "promptlist/verse_index.h"

namespace promptlist {

// The most hits one search returns (a shard is asked for at most this many).
inline constexpr std::size_t kMaxShardHits = 1000;

struct ShardHit {
  std::string shard;          // the address (or index file) that found it
  std::int64_t song_key = 0;
  std::uint32_t verse = 0, line_begin = 0, line_end = 0;
  float score = 0;            // cosine of the prompt and the verse chunk
  std::string text;
};

struct ShardSearchResult {
  std::vector<ShardHit> hits;        // best first
  std::vector<std::string> answered; // addresses that answered
  std::vector<std::string> missing;  // "address: why" for each that did not
};

// The k best chunks of one index for the prompt (what a shard server
// answers); the prompt must be valid UTF-8 of at most kMaxPromptChars.
std::vector<ShardHit> search_index(const VerseIndex& index, const Embedder& embedder, const std::string& prompt,
                                   std::size_t k, const std::string& shard_name);

// The k best of all shards' hits, best first (ties: the shard listed first).
std::vector<ShardHit> merge_hits(const std::vector<std::vector<ShardHit>>& per_shard, std::size_t k);

// Asks every "host:port" at once, each within `timeout`, and merges.
// Throws promptlist::Error for a malformed address or k outside 1..kMaxShardHits.
ShardSearchResult search_shards(const std::vector<std::string>& addresses, const std::string& prompt, std::size_t k,
                                std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

}  // namespace promptlist
