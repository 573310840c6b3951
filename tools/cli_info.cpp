// promptlist info: what is where.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_commands.h"
#include "cli_context.h"
#include "cli_progress.h"
#include "promptlist/error.h"
#include "promptlist/catalog.h"
#include "promptlist/model_store.h"
#include "promptlist/track_facts.h"
#include "promptlist/verse_index.h"

namespace fs = std::filesystem;

namespace promptlist::cli {

namespace {

void print_model_files(const std::string& folder) {
  std::vector<std::pair<std::string, std::uintmax_t>> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder))
    if (entry.is_regular_file() && !entry.path().filename().string().starts_with("."))
      files.emplace_back(fs::relative(entry.path(), folder).string(), entry.file_size());
  std::sort(files.begin(), files.end());
  for (const auto& [name, bytes] : files) std::printf("           %-36s %10ju bytes\n", name.c_str(), bytes);
}

// The embedding model the other commands would use, and its files.
void print_model_in_use(EngineOptions& paths) {
  const ModelStore store((fs::path(paths.home) / "models").string());
  for (const auto& name : store.names()) std::printf("models   %s/%s\n", store.dir().c_str(), name.c_str());
  try {
    auto embedder = open_embedder(paths);
    std::printf("model    %s (%s)\n", embedder->model_id().c_str(),
                paths.model_folder.empty() ? "built-in GloVe + SIF" : paths.model_folder.c_str());
    if (!paths.model_folder.empty()) print_model_files(paths.model_folder);
    std::printf("index    %s: %s\n", paths.index.c_str(), fs::exists(paths.index) ? "the model's index" : "missing (run 'promptlist index')");
  } catch (const Error& e) {
    std::printf("model    %s\n", e.what());
  }
}

void cmd_info(EngineOptions& paths) {
  resolve(paths);
  std::printf("home     %s\n", paths.home.c_str());
  if (fs::exists(paths.catalog)) {
    Catalog catalog(paths.catalog, CatalogAccess::read_only);
    const auto s = catalog.stats();
    std::printf("catalog  %s: %zu songs (%zu recordings of one title and artist counted once), %zu with lyrics "
                "(%zu verses), %zu with audio features\n",
                paths.catalog.c_str(), s.songs, count_catalog_songs(catalog), s.songs_with_lyrics, s.verses,
                s.songs_with_features);
  } else {
    std::printf("catalog  %s: missing (run 'promptlist import')\n", paths.catalog.c_str());
  }
  std::printf("glove    %s: %s\n", paths.glove.c_str(), fs::exists(paths.glove) ? "present" : "missing");
  print_model_in_use(paths);
  for (const auto& entry : fs::directory_iterator(paths.home)) {
    if (entry.path().extension() != ".plvi") continue;
    try {
      VerseIndex index(entry.path().string());
      std::printf("index    %s: %zu chunks x %zu dims, model %s\n", entry.path().c_str(), index.size(), index.dim(),
                  index.model_id().c_str());
    } catch (const Error& e) {
      std::printf("index    %s\n", e.what());
    }
  }
}

}  // namespace

void add_info_command(CLI::App& app, EngineOptions& paths) {
  auto* info = app.add_subcommand("info", "Show the catalog, models and indexes in use");
  add_model_options(*info, paths);
  info->callback([&paths] { cmd_info(paths); });
}

}  // namespace promptlist::cli
