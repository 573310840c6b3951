#include "promptlist/shard_search.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <future>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "promptlist/playlist.h"
#include "promptlist/text.h"
#include "server/shard_wire.h"

namespace promptlist {

using nlohmann::json;

namespace {

struct Address {
  std::string host;
  int port = 0;
};

Address parse_address(const std::string& text) {
  const auto colon = text.rfind(':');
  Address a;
  if (colon == std::string::npos || colon == 0) throw Error("shard address '" + text + "' is not HOST:PORT");
  a.host = text.substr(0, colon);
  const std::string_view port(text.data() + colon + 1, text.size() - colon - 1);
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), a.port);
  if (ec != std::errc{} || end != port.data() + port.size() || a.port <= 0 || a.port > 65535)
    throw Error("shard address '" + text + "' has no valid port");
  return a;
}

// One shard's hits, or an Error saying why it gave none.
std::vector<ShardHit> ask_shard(const std::string& address, const std::string& prompt, std::size_t k,
                                std::chrono::milliseconds timeout) {
  const Address a = parse_address(address);
  httplib::Client client(a.host, a.port);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout - seconds);
  client.set_connection_timeout(seconds.count(), micros.count());
  client.set_read_timeout(seconds.count(), micros.count());
  client.set_write_timeout(seconds.count(), micros.count());
  const httplib::Params params{{"q", prompt}, {"k", std::to_string(k)}};
  const auto res = client.Get("/api/search", params, httplib::Headers{});
  if (!res) throw Error(httplib::to_string(res.error()), ErrorKind::unavailable);
  if (res->status != 200) throw Error("answered " + std::to_string(res->status) + ": " + res->body, ErrorKind::unavailable);
  return shard_hits_from_json(json::parse(res->body), address);
}

}  // namespace

std::vector<ShardHit> search_index(const VerseIndex& index, const Embedder& embedder, const std::string& prompt,
                                   std::size_t k, const std::string& shard_name) {
  if (k == 0 || k > kMaxShardHits) throw Error("k must be from 1 to " + std::to_string(kMaxShardHits));
  if (const auto bad = find_invalid_utf8(prompt)) throw Error("the prompt is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  if (utf8_length(prompt) > kMaxPromptChars)
    throw Error("the prompt is longer than " + std::to_string(kMaxPromptChars) + " characters");
  std::vector<float> query(index.dim());
  embedder.embed({prompt}, query.data());
  index.project(query.data());
  std::vector<ShardHit> hits;
  for (const IndexHit& h : index.top_k(query.data(), k)) {
    const VerseChunk c = index.chunk(h.row);
    hits.push_back({shard_name, c.song_key, c.verse, c.line_begin, c.line_end, h.score, c.text});
  }
  return hits;
}

std::vector<ShardHit> merge_hits(const std::vector<std::vector<ShardHit>>& per_shard, std::size_t k) {
  std::vector<ShardHit> all;
  for (const auto& hits : per_shard) all.insert(all.end(), hits.begin(), hits.end());
  // Stable: equal scores keep the order of the shards as listed.
  std::stable_sort(all.begin(), all.end(), [](const ShardHit& a, const ShardHit& b) { return a.score > b.score; });
  if (all.size() > k) all.resize(k);
  return all;
}

ShardSearchResult search_shards(const std::vector<std::string>& addresses, const std::string& prompt, std::size_t k,
                                std::chrono::milliseconds timeout) {
  if (k == 0 || k > kMaxShardHits) throw Error("k must be from 1 to " + std::to_string(kMaxShardHits));
  for (const auto& a : addresses) parse_address(a);  // a typo is the caller's error, not a missing shard
  std::vector<std::future<std::vector<ShardHit>>> asked;
  for (const auto& a : addresses) asked.push_back(std::async(std::launch::async, ask_shard, a, prompt, k, timeout));
  ShardSearchResult result;
  std::vector<std::vector<ShardHit>> per_shard;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    try {
      per_shard.push_back(asked[i].get());
      result.answered.push_back(addresses[i]);
    } catch (const std::exception& e) {
      result.missing.push_back(addresses[i] + ": " + e.what());
    }
  }
  result.hits = merge_hits(per_shard, k);
  return result;
}

}  // namespace promptlist
