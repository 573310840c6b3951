#include "promptlist/shard.h"

#include <xxhash.h>

#include <charconv>

#include "promptlist/error.h"

namespace promptlist {

namespace {

constexpr std::size_t kMaxShards = 4096;

bool parse_size(std::string_view text, std::size_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

}  // namespace

bool ShardSpec::holds(std::string_view song_id) const {
  return count <= 1 || XXH3_64bits(song_id.data(), song_id.size()) % count == index;
}

std::string ShardSpec::name() const { return std::to_string(index) + "/" + std::to_string(count); }

ShardSpec parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  ShardSpec spec;
  if (slash == std::string_view::npos || !parse_size(text.substr(0, slash), spec.index) ||
      !parse_size(text.substr(slash + 1), spec.count))
    throw Error("shard '" + std::string(text) + "' is not I/N (e.g. 0/4: the first of four)");
  if (spec.count == 0 || spec.count > kMaxShards || spec.index >= spec.count)
    throw Error("shard '" + std::string(text) + "': I must be below N, and N from 1 to " + std::to_string(kMaxShards));
  return spec;
}

}  // namespace promptlist
