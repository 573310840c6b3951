// Opening an HNSW file: mapped, then checked byte for byte (checksum) and
// link for link, so that no file, however crafted, sends a search outside
// the graph.
#include <filesystem>
#include <limits>

#include "index/hnsw_format.h"
#include "index/hnsw_graph.h"
#include "promptlist/error.h"

namespace promptlist {

namespace {

using hnsw_format::Header;

constexpr std::uint64_t kMaxDim = 65536;
constexpr std::uint64_t kMaxBlocksPerNode = 16;  // levels 1..15 (hnsw_build.cpp)

void check_header(const Header& h, std::size_t file_size, const std::string& path) {
  if (std::memcmp(h.magic, hnsw_format::kMagic, sizeof h.magic) != 0)
    throw Error(path + ": not an HNSW index (no PLHNSW01 magic)");
  if (h.version != hnsw_format::kVersion)
    throw Error(path + ": HNSW index format version " + std::to_string(h.version) + "; this promptlist reads version " +
                std::to_string(hnsw_format::kVersion) + " (rebuild the index)");
  if (h.file_size != file_size)
    throw Error(path + ": truncated or extended HNSW index (" + std::to_string(file_size) + " bytes, its header says " +
                std::to_string(h.file_size) + ")");
  if (h.count == 0 || h.count >= std::numeric_limits<std::uint32_t>::max() || h.dim == 0 || h.dim > kMaxDim || h.m < 2 ||
      h.m > 128 || h.upper_blocks > h.count * kMaxBlocksPerNode || h.entry >= h.count || h.max_level >= kMaxBlocksPerNode)
    throw Error(path + ": HNSW index header has impossible sizes");
  if (hnsw_format::layout_of(h.count, h.dim, h.m, h.upper_blocks).end != file_size)
    throw Error(path + ": HNSW index sizes do not add up to its length");
}

// Every list within its capacity, every neighbour a node that has the
// level it is linked on, every upper block inside the file.
bool links_stay_inside(const HnswIndex::Graph& g) {
  if (g.levels[g.entry] != g.max_level) return false;
  for (std::uint32_t n = 0; n < g.count; ++n) {
    const std::uint32_t top = g.levels[n];
    if (top > g.max_level) return false;
    if (top > 0 && (g.upper_start[n] >= g.upper_blocks || g.upper_blocks - g.upper_start[n] < top)) return false;
    for (std::uint32_t l = 0; l <= top; ++l) {
      const std::uint32_t* list = g.links(n, l);
      if (list[0] > (l == 0 ? 2 * g.m : g.m)) return false;
      for (std::uint32_t i = 1; i <= list[0]; ++i)
        if (list[i] >= g.count || g.levels[list[i]] < l) return false;
    }
  }
  return true;
}

}  // namespace

HnswIndex::HnswIndex(const std::string& path) : graph_(std::make_unique<Graph>()) {
  Graph& g = *graph_;
  g.file = MappedFile(path);
  const std::uint8_t* data = g.file.data();
  if (g.file.size() < sizeof(Header)) throw Error(path + ": too short to be an HNSW index");
  Header h;
  std::memcpy(&h, data, sizeof h);
  check_header(h, g.file.size(), path);
  if (hnsw_format::checksum_of(data, g.file.size()) != h.checksum)
    throw Error(path + ": HNSW index checksum mismatch (the file is corrupted; rebuild it)");
  const auto l = hnsw_format::layout_of(h.count, h.dim, h.m, h.upper_blocks);
  g.count = h.count, g.dim = h.dim, g.m = h.m, g.max_level = h.max_level, g.entry = h.entry;
  g.rows_fingerprint = h.rows_fingerprint, g.upper_blocks = h.upper_blocks;
  g.scales = reinterpret_cast<const float*>(data + l.scales);
  g.codes = reinterpret_cast<const std::int8_t*>(data + l.codes);
  g.levels = data + l.levels;
  g.upper_start = reinterpret_cast<const std::uint32_t*>(data + l.upper_start);
  g.level0 = reinterpret_cast<const std::uint32_t*>(data + l.level0);
  g.upper = reinterpret_cast<const std::uint32_t*>(data + l.upper);
  if (!links_stay_inside(g)) throw Error(path + ": HNSW index links leave the graph (the file is corrupted; rebuild it)");
}

}  // namespace promptlist

namespace promptlist {

std::string hnsw_path_for(const std::string& index_path) {
  const auto dot = index_path.rfind(".plvi");
  return (dot != std::string::npos && dot + 5 == index_path.size() ? index_path.substr(0, dot) : index_path) + ".plhn";
}

std::unique_ptr<HnswIndex> HnswIndex::open_beside(const VerseIndex& index) {
  const std::string path = hnsw_path_for(index.path());
  if (!std::filesystem::exists(path)) return nullptr;
  auto graph = std::make_unique<HnswIndex>(path);
  if (graph->rows_fingerprint() != index.checksum() || graph->size() != index.size() || graph->dim() != index.dim())
    throw Error(path + ": the approximate index was built over other rows than " + index.path() +
                " (run 'promptlist index')");
  return graph;
}

}  // namespace promptlist
