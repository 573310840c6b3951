// promptlist/index_builder.h: catalog -> verse chunks -> vectors -> index file.
#pragma once

#include <string>

#include "promptlist/catalog.h"
#include "promptlist/embedder.h"

namespace promptlist {

struct IndexBuildOptions {
  std::size_t batch = 256;     // texts per embed() call
  std::size_t min_words = 5;   // see ChunkerOptions
  ProgressFn progress;         // chunks embedded so far, of all
};

struct IndexBuildReport {
  std::size_t songs = 0;
  std::size_t chunks = 0;
  EmbedStats embed;
};

// Builds the index of every song with lyrics and writes it atomically to
// path. Deterministic: the same catalog and model give a byte-identical file.
IndexBuildReport build_verse_index(const Catalog& catalog, const Embedder& embedder, const std::string& path,
                                   const IndexBuildOptions& options = {});

}  // namespace promptlist
