// promptlist/sif_embedder.h: the built-in sentence embedder, GloVe word
// vectors combined with SIF weighting (Arora, Liang, Ma: "A Simple but
// Tough-to-Beat Baseline for Sentence Embeddings", ICLR 2017).
//
// A sentence vector is the average of its words' vectors, each weighted
// a / (a + p(w)), so frequent words ("the", "and") count little. p(w) is
// estimated from the word's frequency rank with Zipf's law, since the word
// list is ordered by corpus frequency. The paper's second step, removing
// the first principal component fitted on the catalog's verses, is done by
// the index (components_to_remove() == 1) so that verses and prompts get
// exactly the same projection.
#pragma once

#include <memory>

#include "promptlist/embedder.h"
#include "promptlist/word_vectors.h"

namespace promptlist {

struct SifOptions {
  double a = 1e-3;             // the paper's smoothing parameter
  std::size_t max_tokens = 256;
};

class SifEmbedder : public Embedder {
 public:
  explicit SifEmbedder(std::shared_ptr<const WordVectors> vectors, SifOptions options = {});

  std::string model_id() const override;
  std::size_t dim() const override { return vectors_->dim(); }
  std::size_t max_tokens() const override { return options_.max_tokens; }
  std::size_t count_tokens(std::string_view text) const override;
  std::size_t components_to_remove() const override { return 1; }
  EmbedStats embed(const std::vector<std::string>& texts, float* out,
                   const ProgressFn& progress = {}) const override;

  // SIF weight of a word id (its frequency rank).
  float weight(std::uint32_t id) const;

 private:
  std::shared_ptr<const WordVectors> vectors_;
  SifOptions options_;
  double zipf_norm_;  // 1 / H(N), the Zipf probability of rank 0
};

}  // namespace promptlist
