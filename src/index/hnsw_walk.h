// index/hnsw_walk.h: the two walks over an HNSW graph that building and
// searching share: the greedy descent through the upper levels, and the
// best-first search that keeps the `ef` nearest nodes of one level.
//
//   auto links = [&](std::uint32_t node, std::uint32_t level) { return list; };  // count, then ids
//   auto sim = [&](std::uint32_t node) { return similarity to the query; };
//   std::uint32_t near = greedy_closest(links, sim, entry, level);
//   std::vector<ScoredNode> best = search_layer(links, sim, near, ef, 0, visited);
#pragma once

#include <algorithm>
#include <cstdint>
#include <queue>
#include <vector>

namespace promptlist {

struct ScoredNode {
  float sim;
  std::uint32_t node;
};

// Which nodes one walk has met: a mark per node, and an epoch so that a new
// walk starts empty without clearing a million marks.
class VisitedNodes {
 public:
  void start(std::size_t nodes) {
    if (marks_.size() < nodes) marks_.assign(nodes, 0);
    if (++epoch_ == 0) {  // wrapped: old marks would read as this walk's
      std::fill(marks_.begin(), marks_.end(), 0);
      epoch_ = 1;
    }
  }
  // True the first time a node is met in this walk.
  bool first_visit(std::uint32_t node) {
    if (marks_[node] == epoch_) return false;
    marks_[node] = epoch_;
    return true;
  }

 private:
  std::vector<std::uint32_t> marks_;
  std::uint32_t epoch_ = 0;
};

// From `entry`, moves to a more similar neighbour on `level` until none is.
template <class Links, class Sim>
std::uint32_t greedy_closest(const Links& links, const Sim& sim, std::uint32_t entry, std::uint32_t level) {
  std::uint32_t here = entry;
  float here_sim = sim(here);
  for (bool moved = true; moved;) {
    moved = false;
    const std::uint32_t* list = links(here, level);
    for (std::uint32_t i = 1; i <= list[0]; ++i)
      if (const float s = sim(list[i]); s > here_sim) here = list[i], here_sim = s, moved = true;
  }
  return here;
}

// The (at most) ef nodes of `level` most similar to the query, best first:
// expands the best unexpanded node until none left could enter the ef best.
template <class Links, class Sim>
std::vector<ScoredNode> search_layer(const Links& links, const Sim& sim, std::uint32_t entry, std::size_t ef,
                                     std::uint32_t level, std::size_t nodes, VisitedNodes& visited) {
  auto worse_on_top = [](const ScoredNode& a, const ScoredNode& b) { return a.sim > b.sim; };
  auto better_on_top = [](const ScoredNode& a, const ScoredNode& b) { return a.sim < b.sim; };
  std::priority_queue<ScoredNode, std::vector<ScoredNode>, decltype(worse_on_top)> best(worse_on_top);
  std::priority_queue<ScoredNode, std::vector<ScoredNode>, decltype(better_on_top)> frontier(better_on_top);
  visited.start(nodes);
  visited.first_visit(entry);
  const ScoredNode start{sim(entry), entry};
  best.push(start);
  frontier.push(start);
  while (!frontier.empty()) {
    const ScoredNode next = frontier.top();
    if (best.size() >= ef && next.sim < best.top().sim) break;
    frontier.pop();
    const std::uint32_t* list = links(next.node, level);
    for (std::uint32_t i = 1; i <= list[0]; ++i) {
      const std::uint32_t n = list[i];
      if (!visited.first_visit(n)) continue;
      const float s = sim(n);
      if (best.size() >= ef && s <= best.top().sim) continue;
      best.push({s, n});
      frontier.push({s, n});
      if (best.size() > ef) best.pop();
    }
  }
  std::vector<ScoredNode> out(best.size());
  for (std::size_t i = out.size(); i-- > 0; best.pop()) out[i] = best.top();
  return out;
}

}  // namespace promptlist
