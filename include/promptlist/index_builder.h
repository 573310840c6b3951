// promptlist/index_builder.h: what 'promptlist index' makes from a catalog:
// verse chunks -> vectors -> the verse index file, track texts
// (track_text.h) -> the track index file in the same format, and the sound
// model (sound_model.h) learned in the same model's space.
#pragma once

#include <string>

#include "promptlist/catalog.h"
#include "promptlist/embedder.h"
#include "promptlist/shard.h"
#include "promptlist/verse_chunker.h"

namespace promptlist {

// From how many chunks an index gets an approximate (HNSW) graph beside
// it: below this an exact scan of every row is fast enough (about 1 ms per
// 100,000 rows of 100 floats) and finds every true neighbour.
inline constexpr std::size_t kApproximateFrom = 200000;

struct IndexBuildOptions {
  std::size_t batch = 256;     // texts per embed() call
  std::size_t min_words = 5;   // see ChunkerOptions
  ProgressFn progress;         // chunks embedded so far, of all
  // Chunks from which the HNSW graph (hnsw_index.h) is built beside the
  // index file; 0: never. A smaller index removes a graph left beside it.
  std::size_t approximate_from = kApproximateFrom;
  ProgressFn linking_progress;  // rows linked into the graph so far, of all
  // An index (usually the file being replaced) whose rows are taken for
  // chunks of the same text instead of embedding them again, so an import
  // that adds or changes a few songs embeds only those (index/reused_rows.h).
  // New rows are projected with its components, which a full build (empty
  // here) computes afresh. Empty, missing, or made by another model: every
  // chunk is embedded.
  std::string reuse_rows_from;
  // The songs build_verse_index takes: by default all; a shard task of a
  // distributed build (tools/shard_index.py) takes one shard's.
  ShardSpec shard;
};

struct IndexBuildReport {
  std::size_t songs = 0;
  std::size_t chunks = 0;
  std::size_t reused = 0;   // chunks given the row of reuse_rows_from (the rest were embedded)
  std::size_t dropped = 0;  // rows of reuse_rows_from that no chunk has any more
  std::string not_reused;   // why reuse_rows_from could not be used, if it existed and was not
  EmbedStats embed;         // of the chunks embedded
};

// Builds the index of every song with lyrics and writes it atomically to
// path. Deterministic: the same catalog and model give a byte-identical file.
IndexBuildReport build_verse_index(const Catalog& catalog, const Embedder& embedder, const std::string& path,
                                   const IndexBuildOptions& options = {});

// Embeds the chunks (any texts with a song key: verses, track texts) and
// writes them as an index, atomically, remembering `fingerprint` (what they
// were made from). Deterministic, as build_verse_index.
IndexBuildReport build_chunk_index(std::vector<VerseChunk> chunks, std::uint64_t fingerprint, const Embedder& embedder,
                                   const std::string& path, const IndexBuildOptions& options = {});

struct SoundModelBuildReport {
  std::size_t tracks = 0;       // tracks with audio features learned from
  std::size_t descriptors = 0;  // playlists, genres, words and activities it knows
};

// Learns the sound model from the catalog's tracks and playlists and writes
// it atomically to path; writes nothing when no track has audio features.
SoundModelBuildReport build_sound_model(const Catalog& catalog, const Embedder& embedder, const std::string& path,
                                        const ProgressFn& progress = {});

}  // namespace promptlist
