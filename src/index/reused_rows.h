// src/index/reused_rows.h: the rows of an existing index that a rebuild
// takes instead of embedding their chunks again.
//
//   std::vector<float> rows(chunks.size() * dim);
//   const ReusedRows old = reuse_rows(path, embedder, chunks, rows.data());
//   // embed chunks[old.missing[i]] into rows, project them with old.components
//
// A chunk's vector depends on its text alone (each chunk is embedded by
// itself), so a chunk whose text the old index holds, in any song, gets the
// old row as it is: an import that changes a few songs embeds only those.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "promptlist/embedder.h"
#include "promptlist/verse_chunker.h"

namespace promptlist {

struct ReusedRows {
  bool from_old_index = false;         // false: nothing reused, every chunk is missing
  std::string why_not;                 // why the old index could not be used (empty when it was, or was absent)
  std::vector<float> components;       // the old index's: new rows must be projected with them
  std::vector<std::size_t> missing;    // chunks (ascending) whose rows are still to be embedded
  std::size_t reused = 0;              // chunks given an old row
  std::size_t dropped = 0;             // old rows no chunk has any more (removed or changed texts)
};

// Fills rows[i * dim...] for every chunk whose text the index at old_path
// holds, when that index was made by this embedder with as many components
// removed as it asks; otherwise reuses nothing. A missing file is no error;
// an unreadable one is reported in why_not and left alone.
ReusedRows reuse_rows(const std::string& old_path, const Embedder& embedder, const std::vector<VerseChunk>& chunks,
                      float* rows);

}  // namespace promptlist
