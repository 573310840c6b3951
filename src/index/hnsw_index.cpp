// The HNSW graph's search and its file: written atomically, mapped and
// validated on open (see promptlist/hnsw_index.h for the layout).
#include <algorithm>
#include <cstring>

#include "index/hnsw_format.h"
#include "index/hnsw_graph.h"
#include "index/hnsw_walk.h"
#include "index/vector_dot.h"
#include "promptlist/error.h"
#include "util/atomic_file.h"

namespace promptlist {

HnswIndex::HnswIndex(std::unique_ptr<Graph> graph) : graph_(std::move(graph)) {}
HnswIndex::HnswIndex(HnswIndex&&) noexcept = default;
HnswIndex& HnswIndex::operator=(HnswIndex&&) noexcept = default;
HnswIndex::~HnswIndex() = default;

std::size_t HnswIndex::size() const { return graph_->count; }
std::size_t HnswIndex::dim() const { return graph_->dim; }
std::uint64_t HnswIndex::rows_fingerprint() const { return graph_->rows_fingerprint; }
std::size_t HnswIndex::bytes() const { return hnsw_format::layout_of(graph_->count, graph_->dim, graph_->m, graph_->upper_blocks).end; }

std::vector<IndexHit> HnswIndex::search(const float* query, const float* rows, std::size_t k, std::size_t ef) const {
  const Graph& g = *graph_;
  std::vector<std::int8_t> codes(g.dim);
  const float query_scale = quantize_i8(query, g.dim, codes.data());
  const auto approx = [&](std::uint32_t n) {
    return query_scale * g.scales[n] * static_cast<float>(dot_i8(codes.data(), g.codes + n * g.dim, g.dim));
  };
  const auto links = [&g](std::uint32_t n, std::uint32_t l) { return g.links(n, l); };
  std::uint32_t near = g.entry;
  for (std::uint32_t l = g.max_level; l > 0; --l) near = greedy_closest(links, approx, near, l);
  thread_local VisitedNodes visited;  // a walk's marks, reused by the thread's next search
  const auto found = search_layer(links, approx, near, std::max(ef, k), 0, g.count, visited);
  // Exact scores for the walk's candidates: the codes only steer.
  std::vector<IndexHit> hits;
  hits.reserve(found.size());
  for (const ScoredNode& c : found) hits.push_back({c.node, dot_f32(query, rows + std::size_t{c.node} * g.dim, g.dim)});
  std::sort(hits.begin(), hits.end(),
            [](const IndexHit& a, const IndexHit& b) { return a.score > b.score || (a.score == b.score && a.row < b.row); });
  if (hits.size() > k) hits.resize(k);
  return hits;
}

void HnswIndex::write(const std::string& path, std::uint64_t rows_fingerprint) const {
  const Graph& g = *graph_;
  const hnsw_format::Layout l = hnsw_format::layout_of(g.count, g.dim, g.m, g.upper_blocks);
  hnsw_format::Header h{};
  std::memcpy(h.magic, hnsw_format::kMagic, sizeof hnsw_format::kMagic);
  h.version = hnsw_format::kVersion;
  h.dim = static_cast<std::uint32_t>(g.dim);
  h.count = g.count;
  h.m = g.m;
  h.max_level = g.max_level;
  h.entry = g.entry;
  h.rows_fingerprint = rows_fingerprint;
  h.file_size = l.end;
  h.upper_blocks = g.upper_blocks;
  // The checksum covers every byte, so the file is assembled first.
  std::vector<std::uint8_t> bytes(l.end, 0);
  const auto put = [&](std::size_t at, const void* data, std::size_t size) {
    if (size) std::memcpy(bytes.data() + at, data, size);
  };
  put(l.scales, g.scales, g.count * sizeof(float));
  put(l.codes, g.codes, g.count * g.dim);
  put(l.levels, g.levels, g.count);
  put(l.upper_start, g.upper_start, g.count * sizeof(std::uint32_t));
  put(l.level0, g.level0, g.count * g.level0_width() * sizeof(std::uint32_t));
  put(l.upper, g.upper, g.upper_blocks * g.upper_width() * sizeof(std::uint32_t));
  put(0, &h, sizeof h);
  h.checksum = hnsw_format::checksum_of(bytes.data(), bytes.size());
  put(0, &h, sizeof h);
  AtomicFile out(path);
  out.write(bytes.data(), bytes.size());
  out.commit();
}

}  // namespace promptlist
