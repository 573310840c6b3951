// promptlist/lyrics_search.h: scores every verse chunk against a prompt.
//
// Two signals: the cosine between the prompt's vector and each chunk's
// vector (meaning), and BM25 over the chunk's words (the prompt's words
// themselves). "hybrid" adds the BM25 score, scaled to [0, 1] by the best
// chunk's, with a weight, to the cosine.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "promptlist/bm25.h"
#include "promptlist/embedder.h"
#include "promptlist/verse_index.h"

namespace promptlist {

enum class LyricsScoring { semantic, lexical, hybrid };

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
  // The index must have been built by this embedder (checked).
  LyricsSearch(const VerseIndex& index, const Embedder& embedder, float lexical_weight = 0.35f);

  const VerseIndex& index() const { return index_; }
  const Embedder& embedder() const { return embedder_; }
  ChunkScores score(std::string_view prompt, LyricsScoring scoring) const;
  // Every chunk by its cosine to a song's own meaning (the mean of its
  // chunks' vectors): "more like this". nullopt when the song has no chunks.
  std::optional<ChunkScores> score_like(std::int64_t song_key) const;
  // The prompt's vector in the index's space (unit length).
  std::vector<float> embed_prompt(std::string_view prompt, EmbedStats* stats = nullptr) const;

 private:
  const VerseIndex& index_;
  const Embedder& embedder_;
  Bm25Index bm25_;
  float lexical_weight_;
};

}  // namespace promptlist
