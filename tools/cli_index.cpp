// promptlist index: embed every verse and write the index, then the track texts, then learn the sound model.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_commands.h"
#include "cli_context.h"
#include "cli_progress.h"
#include "promptlist/hnsw_index.h"
#include "promptlist/error.h"
#include "promptlist/catalog.h"
#include "promptlist/index_builder.h"
#include "promptlist/model_store.h"
#include "promptlist/shard.h"
#include "promptlist/sound_model.h"
#include "promptlist/track_text.h"
#include "promptlist/verse_index.h"

namespace fs = std::filesystem;

namespace promptlist::cli {

namespace {

// Whether the index at path was built by this model from this catalog.
bool index_is_current(const std::string& path, const Embedder& embedder, const Catalog& catalog) {
  if (!fs::exists(path)) return false;
  try {
    VerseIndex index(path, embedder.model_id());
    return index.catalog_fingerprint() == catalog.lyrics_fingerprint();
  } catch (const Error&) {
    return false;  // another model, or unreadable: rebuild
  }
}

// Whether the sound model at path is readable and was learned by this model.
bool sound_model_is_current(const std::string& path, const Embedder& embedder, std::uint64_t fingerprint) {
  if (!fs::exists(path)) return false;
  try {
    return read_sound_model(path, embedder.model_id()).catalog_fingerprint == fingerprint;
  } catch (const Error&) {
    return false;
  }
}

// The catalog's tracks and their playlists: what the track texts are made of.
struct TrackTextInputs {
  std::vector<Song> tracks;
  std::vector<std::pair<std::int64_t, PlaylistLabel>> memberships;
  std::uint64_t fingerprint() const { return track_texts_fingerprint(tracks, memberships); }
};

TrackTextInputs track_text_inputs(const Catalog& catalog) {
  return {catalog.songs_with_features(), catalog.playlist_memberships()};
}

// Whether the track index at path was built by this model from these inputs.
bool track_index_is_current(const std::string& path, const Embedder& embedder, const TrackTextInputs& inputs) {
  if (!fs::exists(path)) return false;
  try {
    return VerseIndex(path, embedder.model_id()).catalog_fingerprint() == inputs.fingerprint();
  } catch (const Error&) {
    return false;
  }
}

// An index large enough for an approximate graph (kApproximateFrom) has one.
void say_graph_written(const std::string& index_path) {
  const std::string graph = hnsw_path_for(index_path);
  if (fs::exists(graph))
    std::printf("  wrote %s (%.1f MB, the approximate index)\n", graph.c_str(), static_cast<double>(fs::file_size(graph)) / 1e6);
}

// How an index is built: with progress bars, and (unless full) from the rows
// of the index it replaces wherever a chunk's text is unchanged.
IndexBuildOptions build_options(const std::string& path, bool full, ProgressBar& embedding, ProgressBar& linking) {
  IndexBuildOptions options;
  options.progress = [&embedding](std::size_t d, std::size_t t) { embedding.update(d, t); };
  options.linking_progress = [&linking](std::size_t d, std::size_t t) { linking.update(d, t); };
  if (!full) options.reuse_rows_from = path;
  return options;
}

// What an incremental build took from the index it replaced.
void say_reused(const IndexBuildReport& r) {
  if (!r.not_reused.empty()) std::printf("  embedded everything: the last index could not be reused (%s)\n", r.not_reused.c_str());
  if (r.reused || r.dropped)
    std::printf("  embedded %zu new or changed, kept %zu from the last index, dropped %zu no longer in the catalog\n",
                r.embed.texts, r.reused, r.dropped);
}

// Embeds every song's title, album, playlists and genres into the track
// index (the titles signal and the map read it).
void index_track_texts(const EngineOptions& paths, const Embedder& embedder, const TrackTextInputs& inputs, bool full) {
  std::vector<VerseChunk> texts = track_texts(inputs.tracks, inputs.memberships);
  if (texts.empty()) return;  // no tracks
  const auto t0 = std::chrono::steady_clock::now();
  const std::string path = track_index_path_for(paths.home, embedder.model_id());
  const std::uint64_t fingerprint = inputs.fingerprint();
  ProgressBar bar("embedding track texts"), linking("linking the approximate track index");
  const auto r = build_chunk_index(std::move(texts), fingerprint, embedder, path, build_options(path, full, bar, linking));
  bar.finish();
  linking.finish();
  const double secs = seconds_since(t0);
  std::printf("indexed the titles, albums and playlists of %zu songs (%zu tokens) in %.1f s (%.0f texts/s)\n"
              "  wrote %s (%.1f MB)\n",
              r.chunks, r.embed.tokens, secs, static_cast<double>(r.embed.texts) / secs, path.c_str(),
              static_cast<double>(fs::file_size(path)) / 1e6);
  say_reused(r);
  say_graph_written(path);
}

// Learns what playlist names, genres and words say about sound, in this
// model's space, and saves it for the sound signal to load at start.
void learn_sound_model(const EngineOptions& paths, const Embedder& embedder, const Catalog& catalog) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string path = sound_model_path_for(paths.home, embedder.model_id());
  ProgressBar bar("learning the sound model");
  const auto r = build_sound_model(catalog, embedder, path, [&](std::size_t d, std::size_t t) { bar.update(d, t); });
  bar.finish();
  if (r.tracks == 0) return;  // no audio features: nothing to learn from
  std::printf("learned the sound of %zu playlists, genres, words and activities from %zu tracks in %.1f s\n"
              "  wrote %s\n", r.descriptors, r.tracks, seconds_since(t0), path.c_str());
}

// One shard's verse index, for a distributed build (tools/shard_index.py):
// the shard's songs only, to the file named by --index; no track texts or
// sound model (those are the whole catalog's).
void index_shard(EngineOptions& paths, const ShardSpec& shard, bool full) {
  if (paths.index.empty()) throw Error("--shard needs --index FILE: where this shard's index goes");
  auto embedder = open_embedder(paths);
  if (!fs::exists(paths.catalog)) throw Error(paths.catalog + ": no catalog yet; run 'promptlist import' first");
  const Catalog catalog(paths.catalog, CatalogAccess::read_only);
  const auto t0 = std::chrono::steady_clock::now();
  ProgressBar bar("embedding verses of shard " + shard.name()), linking("linking the shard's approximate index");
  IndexBuildOptions options = build_options(paths.index, full, bar, linking);
  options.shard = shard;
  const auto r = build_verse_index(catalog, *embedder, paths.index, options);
  bar.finish();
  linking.finish();
  std::printf("shard %s: indexed %zu songs as %zu verse chunks with %s in %.1f s\n  wrote %s\n", shard.name().c_str(),
              r.songs, r.chunks, embedder->model_id().c_str(), seconds_since(t0), paths.index.c_str());
  say_reused(r);
}

void cmd_index(EngineOptions& paths, bool if_stale, bool full) {
  auto embedder = open_embedder(paths);
  if (!fs::exists(paths.catalog)) throw Error(paths.catalog + ": no catalog yet; run 'promptlist import' first");
  Catalog catalog(paths.catalog);
  const TrackTextInputs texts = track_text_inputs(catalog);
  if (if_stale && index_is_current(paths.index, *embedder, catalog)) {
    std::printf("%s: already indexed with %s for this catalog\n", paths.index.c_str(), embedder->model_id().c_str());
    if (!track_index_is_current(track_index_path_for(paths.home, embedder->model_id()), *embedder, texts))
      index_track_texts(paths, *embedder, texts, full);
    if (!sound_model_is_current(sound_model_path_for(paths.home, embedder->model_id()), *embedder,
                                sound_model_fingerprint(texts.tracks, texts.memberships)))
      learn_sound_model(paths, *embedder, catalog);
    return;
  }
  const auto t0 = std::chrono::steady_clock::now();
  ProgressBar bar("embedding verses"), linking("linking the approximate verse index");
  const auto r = build_verse_index(catalog, *embedder, paths.index, build_options(paths.index, full, bar, linking));
  bar.finish();
  linking.finish();
  const double secs = seconds_since(t0);
  std::printf("indexed %zu songs as %zu verse chunks with %s in %.1f s (%.0f chunks/s)\n", r.songs, r.chunks,
              embedder->model_id().c_str(), secs, static_cast<double>(r.embed.texts) / secs);
  std::printf("  %zu tokens, %zu unknown to the model (%.1f%%), %zu chunks truncated\n", r.embed.tokens,
              r.embed.unknown, r.embed.tokens ? 100.0 * r.embed.unknown / r.embed.tokens : 0.0, r.embed.truncated);
  std::printf("  wrote %s (%.1f MB)\n", paths.index.c_str(), static_cast<double>(fs::file_size(paths.index)) / 1e6);
  say_reused(r);
  say_graph_written(paths.index);
  index_track_texts(paths, *embedder, texts, full);
  learn_sound_model(paths, *embedder, catalog);
}

}  // namespace

void add_index_command(CLI::App& app, EngineOptions& paths) {
  auto* index = app.add_subcommand("index", "Embed every verse and every track's title, album and playlists, and learn the sound model");
  add_model_options(*index, paths);
  auto if_stale = std::make_shared<bool>(false);
  index->add_flag("--if-stale", *if_stale, "Do nothing when the index was built by this model from this catalog");
  auto full = std::make_shared<bool>(false);
  index->add_flag("--full", *full,
                  "Embed every chunk again (by default chunks whose text the last index holds keep its rows)");
  auto shard = std::make_shared<std::string>();
  index->add_option("--shard", *shard,
                    "I/N: only the verses of shard I of N (0-based; by a hash of the song id), to the --index file");
  index->callback([&paths, if_stale, full, shard] {
    if (shard->empty())
      cmd_index(paths, *if_stale, *full);
    else
      index_shard(paths, parse_shard(*shard), *full);
  });
}

}  // namespace promptlist::cli
