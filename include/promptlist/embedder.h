// promptlist/embedder.h: turns texts into fixed-size vectors.
//
// Two families implement it: the built-in GloVe + SIF embedder
// (sif_embedder.h) and sentence-transformers BERT models run by our own
// forward pass (sentence_transformer.h). The rest of promptlist only sees
// this interface, so an index can be built and searched with either.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace promptlist {

// Called with (done, total) while a long batch is embedded.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

struct EmbedStats {
  std::size_t texts = 0;
  std::size_t tokens = 0;      // tokens seen (words or word pieces)
  std::size_t unknown = 0;     // tokens the model has no vector for ([UNK], OOV words)
  std::size_t truncated = 0;   // texts cut at max_tokens()
};

class Embedder {
 public:
  virtual ~Embedder() = default;

  // Stable identifier of the model and its settings; an index stores it and
  // refuses to be searched with a different one.
  virtual std::string model_id() const = 0;
  virtual std::size_t dim() const = 0;

  // Token budget of one text; the verse chunker splits longer verses.
  virtual std::size_t max_tokens() const = 0;
  virtual std::size_t count_tokens(std::string_view text) const = 0;

  // How many principal components of the catalog's vectors the index
  // removes from every vector (SIF's common-component removal); 0 for
  // models whose vectors are used as they are.
  virtual std::size_t components_to_remove() const { return 0; }

  // Writes texts.size() rows of dim() floats, row-major, into out. Rows are
  // the model's raw sentence vectors (not necessarily unit length).
  virtual EmbedStats embed(const std::vector<std::string>& texts, float* out,
                           const ProgressFn& progress = {}) const = 0;
};

}  // namespace promptlist
