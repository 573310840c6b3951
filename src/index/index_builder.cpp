#include "promptlist/index_builder.h"

#include "promptlist/sound_model.h"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <set>

#include "index/reused_rows.h"
#include "promptlist/error.h"
#include "promptlist/hnsw_index.h"
#include "promptlist/verse_chunker.h"
#include "promptlist/verse_index.h"

namespace promptlist {

IndexBuildReport build_verse_index(const Catalog& catalog, const Embedder& embedder, const std::string& path,
                                   const IndexBuildOptions& options) {
  ChunkerOptions chunking;
  chunking.max_tokens = embedder.max_tokens();
  chunking.min_words = options.min_words;
  const TokenCounter counter = [&](std::string_view t) { return embedder.count_tokens(t); };
  std::vector<VerseChunk> chunks;
  std::size_t songs = 0;
  for (const Song& song : catalog.songs_with_lyrics()) {
    if (!options.shard.holds(song.id)) continue;
    for (auto& c : chunk_song(song.key, song.verses, counter, chunking)) chunks.push_back(std::move(c));
    ++songs;
  }
  if (chunks.empty() && options.shard.count > 1)
    throw Error(catalog.path() + ": shard " + options.shard.name() + " holds no song with lyrics (use fewer shards)");
  if (chunks.empty()) throw Error(catalog.path() + ": the catalog has no lyrics to index (run 'promptlist import' first)");
  IndexBuildReport report = build_chunk_index(std::move(chunks), catalog.lyrics_fingerprint(), embedder, path, options);
  report.songs = songs;
  return report;
}

namespace {

// The graph over the rows just written, named by their file's checksum; a
// crash between the two files leaves a graph that names the old rows,
// which the engine refuses as stale and scans exactly instead.
void write_approximate_index(const std::string& path, std::size_t chunks, const IndexBuildOptions& options) {
  const std::string graph_path = hnsw_path_for(path);
  if (options.approximate_from == 0 || chunks < options.approximate_from) {
    std::filesystem::remove(graph_path);
    return;
  }
  const VerseIndex written(path);  // its rows as written (projected) and its checksum
  HnswOptions graph;
  graph.progress = options.linking_progress;
  HnswIndex::build(written.row(0), written.size(), written.dim(), graph).write(graph_path, written.checksum());
}

}  // namespace

namespace {

// Embeds the given chunks into their rows of `rows`, longest first, so that
// each batch pads to little more than its own texts (track texts run from 5
// to 60 tokens); the rows keep the chunks' order.
EmbedStats embed_chunks(const std::vector<VerseChunk>& chunks, std::vector<std::size_t> which,
                        const Embedder& embedder, float* rows, const IndexBuildOptions& options) {
  std::vector<std::size_t> tokens(chunks.size());
  for (std::size_t i : which) tokens[i] = embedder.count_tokens(chunks[i].text);
  std::stable_sort(which.begin(), which.end(), [&](std::size_t a, std::size_t b) { return tokens[a] > tokens[b]; });
  const std::size_t dim = embedder.dim();
  EmbedStats total;
  std::vector<std::string> batch;
  std::vector<float> vectors;
  for (std::size_t start = 0; start < which.size(); start += options.batch) {
    const std::size_t end = std::min(which.size(), start + options.batch);
    batch.clear();
    for (std::size_t i = start; i < end; ++i) batch.push_back(chunks[which[i]].text);
    vectors.resize(batch.size() * dim);
    const EmbedStats s = embedder.embed(batch, vectors.data());
    for (std::size_t i = start; i < end; ++i)
      std::copy_n(vectors.data() + (i - start) * dim, dim, rows + which[i] * dim);
    total.texts += s.texts;
    total.tokens += s.tokens;
    total.unknown += s.unknown;
    total.truncated += s.truncated;
    if (options.progress) options.progress(end, which.size());
  }
  return total;
}

}  // namespace

IndexBuildReport build_chunk_index(std::vector<VerseChunk> chunks, std::uint64_t fingerprint, const Embedder& embedder,
                                   const std::string& path, const IndexBuildOptions& options) {
  IndexBuildReport report;
  IndexContents contents;
  contents.model_id = embedder.model_id();
  contents.dim = embedder.dim();
  contents.catalog_fingerprint = fingerprint;
  contents.chunks = std::move(chunks);
  report.chunks = contents.chunks.size();
  std::set<std::int64_t> songs;
  for (const auto& c : contents.chunks) songs.insert(c.song_key);
  report.songs = songs.size();

  const std::size_t dim = contents.dim;
  contents.vectors.resize(report.chunks * dim);
  ReusedRows old = reuse_rows(options.reuse_rows_from, embedder, contents.chunks, contents.vectors.data());
  report.reused = old.reused;
  report.dropped = old.dropped;
  report.not_reused = old.why_not;
  report.embed = embed_chunks(contents.chunks, old.missing, embedder, contents.vectors.data(), options);

  if (old.from_old_index) {
    // Reused rows are already projected; only the new ones are raw.
    contents.components = std::move(old.components);
    for (std::size_t i : old.missing) project_rows(contents.vectors.data() + i * dim, 1, dim, contents.components);
  } else {
    contents.components =
        principal_components(contents.vectors.data(), report.chunks, dim, embedder.components_to_remove());
    project_rows(contents.vectors.data(), report.chunks, dim, contents.components);
  }
  VerseIndex::write(path, contents);
  write_approximate_index(path, report.chunks, options);
  return report;
}

SoundModelBuildReport build_sound_model(const Catalog& catalog, const Embedder& embedder, const std::string& path,
                                        const ProgressFn& progress) {
  const auto tracks = catalog.songs_with_features();
  if (tracks.empty()) return {};
  SoundModelTraining training;
  training.progress = progress;
  const SoundModelData model = train_sound_model(embedder, tracks, catalog.playlist_memberships(), training);
  write_sound_model(path, model);
  return {tracks.size(), model.descriptors.size()};
}

}  // namespace promptlist
