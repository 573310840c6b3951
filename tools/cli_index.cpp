// promptlist index: embed every verse and write the index.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_commands.h"
#include "cli_context.h"
#include "cli_progress.h"
#include "promptlist/error.h"
#include "promptlist/catalog.h"
#include "promptlist/index_builder.h"
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

void cmd_index(EngineOptions& paths, bool if_stale) {
  auto embedder = open_embedder(paths);
  if (!fs::exists(paths.catalog)) throw Error(paths.catalog + ": no catalog yet; run 'promptlist import' first");
  Catalog catalog(paths.catalog);
  if (if_stale && index_is_current(paths.index, *embedder, catalog)) {
    std::printf("%s: already indexed with %s for this catalog\n", paths.index.c_str(), embedder->model_id().c_str());
    return;
  }
  const auto t0 = std::chrono::steady_clock::now();
  ProgressBar bar("embedding verses");
  IndexBuildOptions options;
  options.progress = [&](std::size_t d, std::size_t t) { bar.update(d, t); };
  const auto r = build_verse_index(catalog, *embedder, paths.index, options);
  bar.finish();
  const double secs = seconds_since(t0);
  std::printf("indexed %zu songs as %zu verse chunks with %s in %.1f s (%.0f chunks/s)\n", r.songs, r.chunks,
              embedder->model_id().c_str(), secs, static_cast<double>(r.chunks) / secs);
  std::printf("  %zu tokens, %zu unknown to the model (%.1f%%), %zu chunks truncated\n", r.embed.tokens,
              r.embed.unknown, r.embed.tokens ? 100.0 * r.embed.unknown / r.embed.tokens : 0.0, r.embed.truncated);
  std::printf("  wrote %s (%.1f MB)\n", paths.index.c_str(), static_cast<double>(fs::file_size(paths.index)) / 1e6);
}

}  // namespace

void add_index_command(CLI::App& app, EngineOptions& paths) {
  auto* index = app.add_subcommand("index", "Embed every verse of the catalog and write the search index");
  add_model_options(*index, paths);
  auto if_stale = std::make_shared<bool>(false);
  index->add_flag("--if-stale", *if_stale, "Do nothing when the index was built by this model from this catalog");
  index->callback([&paths, if_stale] { cmd_index(paths, *if_stale); });
}

}  // namespace promptlist::cli
