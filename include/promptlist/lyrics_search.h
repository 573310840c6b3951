// promptlist/lyrics_search.h: scores every verse chunk against a prompt.
//
// Two signals: the cosine between the prompt's vector and each chunk's
// vector (meaning), and BM25 over the chunk's words (the prompt's words
// themselves). "hybrid" adds the BM25 score, scaled to [0, 1] by the best
// chunk's, with a weight, to the cosine.
//
// Over a large index with an HNSW graph beside it (hnsw_index.h), only the
// graph's kApproximatePool nearest chunks and the kApproximatePool best by
// BM25 of the others get their cosine (exact); every other chunk's reads 0,
// below any candidate's.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "promptlist/bm25.h"
#include "promptlist/embedder.h"
#include "promptlist/hnsw_index.h"
#include "promptlist/verse_index.h"

namespace promptlist {

enum class LyricsScoring { semantic, lexical, hybrid };

// Candidates an HNSW graph hands the lyrics and titles signals per prompt
// (also the width of its walk): many more than the pool any playlist ranks.
inline constexpr std::size_t kApproximatePool = 1000;
// What hybrid scoring weighs the scaled BM25 by, beside the cosine.
inline constexpr float kLexicalWeight = 0.35f;

const char* to_string(LyricsScoring);
LyricsScoring lyrics_scoring_from_string(std::string_view);  // throws promptlist::Error
std::vector<std::string> lyrics_scoring_names();             // "semantic", "lexical", "hybrid"

struct ChunkScores {
  std::vector<float> semantic;  // cosine per chunk
  std::vector<float> lexical;   // BM25 / best BM25 per chunk, in [0, 1]
  std::vector<float> combined;  // what chunks are ranked by
  EmbedStats prompt;            // tokens and unknown words of the prompt
  bool lexical_hits = false;    // some chunk shares a word with the prompt
};

class LyricsSearch {
 public:
  // The index must have been built by this embedder (checked). approximate:
  // the graph over the index's rows (HnswIndex::open_beside), or null to
  // scan every row.
  LyricsSearch(const VerseIndex& index, const Embedder& embedder, float lexical_weight = kLexicalWeight,
               const HnswIndex* approximate = nullptr);

  const VerseIndex& index() const { return index_; }
  const Embedder& embedder() const { return embedder_; }
  ChunkScores score(std::string_view prompt, LyricsScoring scoring) const;
  // Every chunk by its cosine to a song's own meaning (the mean of its
  // chunks' vectors): "more like this". nullopt when the song has no chunks.
  std::optional<ChunkScores> score_like(std::int64_t song_key) const;
  // The prompt's vector in the index's space (unit length).
  std::vector<float> embed_prompt(std::string_view prompt, EmbedStats* stats = nullptr) const;

 private:
  // The query's cosine with every row, or with the graph's nearest only.
  std::vector<float> similarities(const float* query) const;
  // With a graph: the exact cosine of the kApproximatePool chunks with the
  // best BM25 among those the graph did not find.
  void score_lexical_hits(const float* query, ChunkScores& scores) const;

  const VerseIndex& index_;
  const Embedder& embedder_;
  const HnswIndex* approximate_;
  Bm25Index bm25_;
  float lexical_weight_;
};

}  // namespace promptlist
