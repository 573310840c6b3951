#include "index/reused_rows.h"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "promptlist/error.h"
#include "promptlist/verse_index.h"

namespace promptlist {

namespace {

ReusedRows nothing_reused(std::size_t chunks, std::string why) {
  ReusedRows none;
  none.why_not = std::move(why);
  none.missing.resize(chunks);
  std::iota(none.missing.begin(), none.missing.end(), std::size_t{0});
  return none;
}

// Whether the old index lives in the space the embedder makes now.
std::string why_incompatible(const VerseIndex& old, const Embedder& embedder) {
  if (old.dim() != embedder.dim()) return "it has " + std::to_string(old.dim()) + " dimensions";
  if (old.components().size() != embedder.components_to_remove() * old.dim())
    return "it removes another number of components";
  return {};
}

}  // namespace

ReusedRows reuse_rows(const std::string& old_path, const Embedder& embedder, const std::vector<VerseChunk>& chunks,
                      float* rows) {
  if (old_path.empty() || !std::filesystem::exists(old_path)) return nothing_reused(chunks.size(), {});
  std::optional<VerseIndex> old;
  try {
    old.emplace(old_path, embedder.model_id());
  } catch (const Error& e) {
    return nothing_reused(chunks.size(), e.what());
  }
  if (auto why = why_incompatible(*old, embedder); !why.empty())
    return nothing_reused(chunks.size(), old_path + ": " + why);

  // Text -> the first old row with it; the views point into the mapped file.
  std::unordered_map<std::string_view, std::uint32_t> row_of_text;
  row_of_text.reserve(old->size());
  for (std::uint32_t r = 0; r < old->size(); ++r) row_of_text.emplace(old->chunk_text(r), r);

  ReusedRows reused;
  reused.from_old_index = true;
  reused.components = old->components();
  std::vector<bool> used(old->size(), false);
  const std::size_t dim = old->dim();
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const auto found = row_of_text.find(chunks[i].text);
    if (found == row_of_text.end()) {
      reused.missing.push_back(i);
      continue;
    }
    std::copy_n(old->row(found->second), dim, rows + i * dim);
    used[found->second] = true;
    ++reused.reused;
  }
  // Rows sharing a text with a used one are duplicates, not dropped songs.
  for (std::uint32_t r = 0; r < old->size(); ++r)
    if (!used[r] && !used[row_of_text.at(old->chunk_text(r))]) ++reused.dropped;
  return reused;
}

}  // namespace promptlist
