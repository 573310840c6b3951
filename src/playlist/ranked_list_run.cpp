#include "playlist/ranked_list_run.h"

#include <algorithm>

namespace promptlist {

RankedListRun::RankedListRun(std::vector<SignalHit> hits, std::function<std::string(const SignalHit&)> why, bool named)
    : why_(std::move(why)), named_(named) {
  for (auto& hit : hits) {
    if (!place_.try_emplace(hit.song_key, hits_.size()).second) continue;  // listed twice: keep the first
    hit.rank = hits_.size();
    hits_.push_back(hit);
  }
}

std::vector<SignalHit> RankedListRun::rank(std::size_t pool) {
  const std::size_t take = std::min(pool, hits_.size());
  exhausted_ = take == hits_.size();
  return {hits_.begin(), hits_.begin() + static_cast<std::ptrdiff_t>(take)};
}

double RankedListRun::best_score() const { return hits_.empty() ? 1.0 : std::max(1e-6, hits_.front().score); }

std::optional<SignalHit> RankedListRun::judge(const Song& song) {
  auto it = place_.find(song.key);
  if (it == place_.end()) return std::nullopt;
  return hits_[it->second];
}

void RankedListRun::explain(const SignalHit& hit, const Song&, PlaylistEntry& entry) { append_why(entry, why_(hit)); }

void append_hits(const TrackFacts& facts, const std::vector<std::uint32_t>& indices, double score,
                 std::vector<SignalHit>& hits) {
  for (std::uint32_t i : indices) hits.push_back({facts.tracks()[i].song_key, score, 0});
}

}  // namespace promptlist
