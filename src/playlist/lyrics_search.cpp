#include "promptlist/lyrics_search.h"

#include <algorithm>
#include <cmath>

#include "index/vector_dot.h"
#include "promptlist/error.h"
#include "promptlist/name_table.h"
#include "promptlist/text.h"

namespace promptlist {

namespace {
std::vector<std::string_view> chunk_texts(const VerseIndex& index) {
  std::vector<std::string_view> texts;
  texts.reserve(index.size());
  for (std::size_t i = 0; i < index.size(); ++i) texts.push_back(index.chunk_text(i));
  return texts;
}
}  // namespace

namespace {
constexpr NamedValue<LyricsScoring> kScorings[] = {
    {LyricsScoring::semantic, "semantic"}, {LyricsScoring::lexical, "lexical"}, {LyricsScoring::hybrid, "hybrid"}};
}  // namespace

const char* to_string(LyricsScoring s) { return name_of(kScorings, s); }

std::vector<std::string> lyrics_scoring_names() { return names(kScorings); }

LyricsScoring lyrics_scoring_from_string(std::string_view s) {
  if (auto scoring = value_named(kScorings, s)) return *scoring;
  throw Error("unknown lyrics scoring '" + std::string(utf8_prefix(s, 40)) + "' (expected " + name_list(kScorings) + ")");
}

LyricsSearch::LyricsSearch(const VerseIndex& index, const Embedder& embedder, float lexical_weight,
                           const HnswIndex* approximate)
    : index_(index), embedder_(embedder), approximate_(approximate), bm25_(chunk_texts(index)),
      lexical_weight_(lexical_weight) {
  if (index.model_id() != embedder.model_id())
    throw Error(index.path() + ": index was built by model '" + index.model_id() + "', not by the current model '" +
                embedder.model_id() + "' (rebuild it with 'promptlist index')");
  if (index.dim() != embedder.dim()) throw Error(index.path() + ": index dimension does not match the model");
}

std::vector<float> LyricsSearch::embed_prompt(std::string_view prompt, EmbedStats* stats) const {
  std::vector<float> q(embedder_.dim());
  EmbedStats s = embedder_.embed({std::string(prompt)}, q.data());
  if (stats) *stats = s;
  index_.project(q.data());
  return q;
}

ChunkScores LyricsSearch::score(std::string_view prompt, LyricsScoring scoring) const {
  ChunkScores out;
  const std::size_t n = index_.size();
  std::vector<float> q;
  if (scoring != LyricsScoring::lexical) {
    q = embed_prompt(prompt, &out.prompt);
    out.semantic = similarities(q.data());
  } else {
    out.semantic.assign(n, 0.0f);
  }
  out.lexical = bm25_.score_all(prompt);
  if (!q.empty()) score_lexical_hits(q.data(), out);
  const float best = out.lexical.empty() ? 0.0f : *std::max_element(out.lexical.begin(), out.lexical.end());
  out.lexical_hits = best > 0;
  if (best > 0)
    for (float& x : out.lexical) x /= best;
  out.combined.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    switch (scoring) {
      case LyricsScoring::semantic: out.combined[i] = out.semantic[i]; break;
      case LyricsScoring::lexical: out.combined[i] = out.lexical[i]; break;
      case LyricsScoring::hybrid: out.combined[i] = out.semantic[i] + lexical_weight_ * out.lexical[i]; break;
    }
  }
  return out;
}

std::optional<ChunkScores> LyricsSearch::score_like(std::int64_t song_key) const {
  const std::size_t dim = index_.dim();
  std::vector<float> mean(dim, 0.0f);
  std::size_t chunks = 0;
  for (std::size_t r = 0; r < index_.size(); ++r) {
    if (index_.chunk_song(r) != song_key) continue;
    const float* row = index_.row(r);
    for (std::size_t k = 0; k < dim; ++k) mean[k] += row[k];
    ++chunks;
  }
  if (chunks == 0) return std::nullopt;
  double norm = 0;
  for (float x : mean) norm += double(x) * x;
  const float scale = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0f;
  for (float& x : mean) x *= scale;
  ChunkScores out;
  out.semantic = similarities(mean.data());
  out.lexical.assign(out.semantic.size(), 0.0f);
  out.combined = out.semantic;
  return out;
}

std::vector<float> LyricsSearch::similarities(const float* query) const {
  if (!approximate_) return index_.similarities(query);
  std::vector<float> scores(index_.size(), 0.0f);
  for (const IndexHit& hit : approximate_->search(query, index_.row(0), kApproximatePool, kApproximatePool))
    scores[hit.row] = hit.score;
  return scores;
}

void LyricsSearch::score_lexical_hits(const float* query, ChunkScores& scores) const {
  if (!approximate_) return;  // the scan scored every chunk already
  // The best kApproximatePool by BM25 of the chunks the graph did not find:
  // at a million chunks a common word is in hundreds of thousands, and one
  // outside the best thousand by its words and the best thousand by meaning
  // does not reach a playlist.
  std::vector<std::uint32_t> hits;
  for (std::uint32_t i = 0; i < scores.lexical.size(); ++i)
    if (scores.lexical[i] > 0 && scores.semantic[i] == 0) hits.push_back(i);
  if (hits.size() > kApproximatePool) {
    const auto more_lexical = [&](std::uint32_t a, std::uint32_t b) {
      return scores.lexical[a] > scores.lexical[b] || (scores.lexical[a] == scores.lexical[b] && a < b);
    };
    std::nth_element(hits.begin(), hits.begin() + kApproximatePool, hits.end(), more_lexical);
    hits.resize(kApproximatePool);
  }
  for (std::uint32_t i : hits) scores.semantic[i] = dot_f32(query, index_.row(i), index_.dim());
}

}  // namespace promptlist
