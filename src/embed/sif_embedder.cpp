#include "promptlist/sif_embedder.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "promptlist/text.h"

namespace promptlist {

SifEmbedder::SifEmbedder(std::shared_ptr<const WordVectors> vectors, SifOptions options)
    : vectors_(std::move(vectors)), options_(options) {
  // Zipf: p(rank r) = 1 / ((r + 1) * H_N), H_N the N-th harmonic number.
  const double n = static_cast<double>(vectors_->size());
  const double harmonic = std::log(n) + 0.5772156649 + 1.0 / (2.0 * n);
  zipf_norm_ = 1.0 / harmonic;
}

std::string SifEmbedder::model_id() const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "glove-sif-%zud/%016llx/a=%g", vectors_->dim(),
                static_cast<unsigned long long>(vectors_->checksum()), options_.a);
  return buf;
}

std::size_t SifEmbedder::count_tokens(std::string_view text) const { return word_tokens(text).size(); }

float SifEmbedder::weight(std::uint32_t id) const {
  const double p = zipf_norm_ / (static_cast<double>(id) + 1.0);
  return static_cast<float>(options_.a / (options_.a + p));
}

EmbedStats SifEmbedder::embed(const std::vector<std::string>& texts, float* out, const ProgressFn& progress) const {
  EmbedStats stats;
  const std::size_t d = dim();
  for (std::size_t t = 0; t < texts.size(); ++t) {
    float* row = out + t * d;
    std::memset(row, 0, d * sizeof(float));
    auto words = word_tokens(texts[t]);
    if (words.size() > options_.max_tokens) {
      words.resize(options_.max_tokens);
      ++stats.truncated;
    }
    std::size_t known = 0;
    for (const auto& w : words) {
      auto id = vectors_->find(w);
      if (!id) {
        // The npm package leaves out one-letter words ("a", "i"); SIF would
        // give them almost no weight anyway, so they are not "unknown".
        if (utf8_length(w) > 1) ++stats.unknown;
        continue;
      }
      const float wt = weight(*id);
      const float* v = vectors_->vector(*id);
      for (std::size_t i = 0; i < d; ++i) row[i] += wt * v[i];
      ++known;
    }
    if (known > 0)
      for (std::size_t i = 0; i < d; ++i) row[i] /= static_cast<float>(known);
    stats.tokens += words.size();
    ++stats.texts;
    if (progress && (t % 256 == 0 || t + 1 == texts.size())) progress(t + 1, texts.size());
  }
  return stats;
}

}  // namespace promptlist
