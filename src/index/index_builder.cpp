#include "promptlist/index_builder.h"

#include "promptlist/sound_model.h"

#include "promptlist/error.h"
#include "promptlist/verse_chunker.h"
#include "promptlist/verse_index.h"

namespace promptlist {

IndexBuildReport build_verse_index(const Catalog& catalog, const Embedder& embedder, const std::string& path,
                                   const IndexBuildOptions& options) {
  IndexBuildReport report;
  IndexContents contents;
  contents.model_id = embedder.model_id();
  contents.dim = embedder.dim();
  contents.catalog_fingerprint = catalog.lyrics_fingerprint();

  ChunkerOptions chunking;
  chunking.max_tokens = embedder.max_tokens();
  chunking.min_words = options.min_words;
  const TokenCounter counter = [&](std::string_view t) { return embedder.count_tokens(t); };
  for (const Song& song : catalog.songs_with_lyrics()) {
    auto chunks = chunk_song(song.key, song.verses, counter, chunking);
    for (auto& c : chunks) contents.chunks.push_back(std::move(c));
    ++report.songs;
  }
  report.chunks = contents.chunks.size();
  if (report.chunks == 0) throw Error(catalog.path() + ": the catalog has no lyrics to index (run 'promptlist import' first)");

  const std::size_t dim = contents.dim;
  contents.vectors.resize(report.chunks * dim);
  std::vector<std::string> batch;
  for (std::size_t start = 0; start < report.chunks; start += options.batch) {
    const std::size_t end = std::min(report.chunks, start + options.batch);
    batch.clear();
    for (std::size_t i = start; i < end; ++i) batch.push_back(contents.chunks[i].text);
    EmbedStats s = embedder.embed(batch, contents.vectors.data() + start * dim);
    report.embed.texts += s.texts;
    report.embed.tokens += s.tokens;
    report.embed.unknown += s.unknown;
    report.embed.truncated += s.truncated;
    if (options.progress) options.progress(end, report.chunks);
  }

  contents.components =
      principal_components(contents.vectors.data(), report.chunks, dim, embedder.components_to_remove());
  project_rows(contents.vectors.data(), report.chunks, dim, contents.components);
  VerseIndex::write(path, contents);
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
