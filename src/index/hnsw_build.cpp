// Building the HNSW graph: each row is linked in turn (Malkov & Yashunin,
// algorithms 1 and 4), on exact float32 similarities; its int8 codes are
// what the finished graph's searches walk on.
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "index/hnsw_graph.h"
#include "index/hnsw_walk.h"
#include "index/vector_dot.h"
#include "promptlist/error.h"

namespace promptlist {

namespace {

constexpr std::uint32_t kMaxLevel = 15;  // a million rows reach level 5 at m = 16

class HnswBuilder {
 public:
  HnswBuilder(const float* rows, std::size_t count, std::size_t dim, const HnswOptions& options, HnswIndex::Graph& g)
      : rows_(rows), dim_(dim), options_(options), g_(g), rng_(options.seed) {
    g_.count = count;
    g_.dim = dim;
    g_.m = options.m;
    g_.own_levels.assign(count, 0);
    g_.own_upper_start.assign(count, std::numeric_limits<std::uint32_t>::max());
    g_.own_level0.assign(count * g_.level0_width(), 0);
  }

  void link_all() {
    const std::size_t step = std::max<std::size_t>(1, g_.count / 100);
    for (std::uint32_t i = 0; i < g_.count; ++i) {
      insert(i);
      if (options_.progress && (i + 1) % step == 0) options_.progress(i + 1, g_.count);
    }
    if (options_.progress) options_.progress(g_.count, g_.count);
  }

 private:
  const float* row(std::uint32_t i) const { return rows_ + std::size_t{i} * dim_; }
  float sim(std::uint32_t a, std::uint32_t b) const { return dot_f32(row(a), row(b), dim_); }
  std::uint32_t* links(std::uint32_t node, std::uint32_t level) {
    return level == 0 ? g_.own_level0.data() + node * g_.level0_width()
                      : g_.own_upper.data() + (g_.own_upper_start[node] + level - 1) * g_.upper_width();
  }
  std::uint32_t capacity(std::uint32_t level) const { return level == 0 ? 2 * g_.m : g_.m; }

  // Levels fall off geometrically: a node reaches level l with chance m^-l.
  std::uint32_t draw_level() {
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    const double level = -std::log(std::max(u, 1e-300)) / std::log(static_cast<double>(g_.m));
    return std::min<std::uint32_t>(kMaxLevel, static_cast<std::uint32_t>(level));
  }

  void give_levels(std::uint32_t node, std::uint32_t level) {
    g_.own_levels[node] = static_cast<std::uint8_t>(level);
    if (level == 0) return;
    g_.own_upper_start[node] = static_cast<std::uint32_t>(g_.upper_blocks);
    g_.upper_blocks += level;
    g_.own_upper.resize(g_.upper_blocks * g_.upper_width(), 0);
  }

  void insert(std::uint32_t node) {
    const std::uint32_t level = draw_level();
    give_levels(node, level);
    if (node == 0) {
      g_.entry = 0, g_.max_level = level;
      return;
    }
    const auto sim_to_node = [&](std::uint32_t other) { return sim(node, other); };
    const auto link_list = [&](std::uint32_t n, std::uint32_t l) -> const std::uint32_t* { return links(n, l); };
    std::uint32_t near = g_.entry;
    for (std::uint32_t l = g_.max_level; l > level; --l) near = greedy_closest(link_list, sim_to_node, near, l);
    for (std::uint32_t l = std::min(level, g_.max_level) + 1; l-- > 0;) {
      const auto found = search_layer(link_list, sim_to_node, near, options_.ef_construction, l, g_.count, visited_);
      set_links(node, l, chosen_neighbours(found, g_.m));
      for (const ScoredNode& n : found_links(node, l)) link_back(n.node, node, l);
      near = found.front().node;
    }
    if (level > g_.max_level) g_.entry = node, g_.max_level = level;
  }

  // The heuristic of the paper's algorithm 4: a candidate is kept only if
  // it is nearer the node than any neighbour already kept, so links spread
  // in every direction instead of bunching in the nearest cluster.
  std::vector<ScoredNode> chosen_neighbours(const std::vector<ScoredNode>& best_first, std::uint32_t limit) const {
    std::vector<ScoredNode> kept;
    for (const ScoredNode& c : best_first) {
      if (kept.size() >= limit) break;
      bool diverse = true;
      for (const ScoredNode& k : kept)
        if (sim(c.node, k.node) > c.sim) {
          diverse = false;
          break;
        }
      if (diverse) kept.push_back(c);
    }
    return kept;
  }

  void set_links(std::uint32_t node, std::uint32_t level, const std::vector<ScoredNode>& chosen) {
    std::uint32_t* list = links(node, level);
    list[0] = static_cast<std::uint32_t>(chosen.size());
    for (std::size_t i = 0; i < chosen.size(); ++i) list[1 + i] = chosen[i].node;
  }

  std::vector<ScoredNode> found_links(std::uint32_t node, std::uint32_t level) {
    const std::uint32_t* list = links(node, level);
    std::vector<ScoredNode> out;
    for (std::uint32_t i = 1; i <= list[0]; ++i) out.push_back({0, list[i]});
    return out;
  }

  // `to` links back to `from`; a full list keeps the diverse best of both.
  void link_back(std::uint32_t to, std::uint32_t from, std::uint32_t level) {
    std::uint32_t* list = links(to, level);
    if (list[0] < capacity(level)) {
      list[++list[0]] = from;
      return;
    }
    std::vector<ScoredNode> all{{sim(to, from), from}};
    for (std::uint32_t i = 1; i <= list[0]; ++i) all.push_back({sim(to, list[i]), list[i]});
    std::sort(all.begin(), all.end(), [](const ScoredNode& a, const ScoredNode& b) { return a.sim > b.sim; });
    set_links(to, level, chosen_neighbours(all, capacity(level)));
  }

  const float* rows_;
  std::size_t dim_;
  const HnswOptions& options_;
  HnswIndex::Graph& g_;
  std::mt19937_64 rng_;
  VisitedNodes visited_;
};

void quantize_rows(const float* rows, HnswIndex::Graph& g) {
  g.own_scales.resize(g.count);
  g.own_codes.resize(g.count * g.dim);
  for (std::size_t i = 0; i < g.count; ++i) g.own_scales[i] = quantize_i8(rows + i * g.dim, g.dim, g.own_codes.data() + i * g.dim);
}

}  // namespace

HnswIndex HnswIndex::build(const float* rows, std::size_t count, std::size_t dim, const HnswOptions& options) {
  if (options.m < 2 || options.m > 128) throw Error("HNSW m must be 2 to 128, not " + std::to_string(options.m));
  if (count >= std::numeric_limits<std::uint32_t>::max()) throw Error("too many rows for one HNSW graph");
  if (count == 0 || dim == 0) throw Error("an HNSW graph needs at least one row of at least one dimension");
  auto g = std::make_unique<Graph>();
  HnswBuilder(rows, count, dim, options, *g).link_all();
  quantize_rows(rows, *g);
  g->view_own();
  return HnswIndex(std::move(g));
}

}  // namespace promptlist
