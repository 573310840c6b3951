// promptlist info: what is where.
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
#include "promptlist/verse_index.h"

namespace fs = std::filesystem;

namespace promptlist::cli {

namespace {

void cmd_info(Paths& paths) {
  resolve_paths(paths);
  std::printf("home     %s\n", paths.home.c_str());
  if (fs::exists(paths.catalog)) {
    Catalog catalog(paths.catalog);
    const auto s = catalog.stats();
    std::printf("catalog  %s: %zu songs, %zu with lyrics (%zu verses), %zu with audio features\n",
                paths.catalog.c_str(), s.songs, s.songs_with_lyrics, s.verses, s.songs_with_features);
  } else {
    std::printf("catalog  %s: missing (run 'promptlist import')\n", paths.catalog.c_str());
  }
  std::printf("glove    %s: %s\n", paths.glove.c_str(), fs::exists(paths.glove) ? "present" : "missing");
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

void add_info_command(CLI::App& app, Paths& paths) {
  auto* info = app.add_subcommand("info", "Show the catalog, models and indexes in use");
  info->callback([&paths] { cmd_info(paths); });
}

}  // namespace promptlist::cli
