// promptlist song: one song's lyrics and features.
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

namespace fs = std::filesystem;

namespace promptlist::cli {

namespace {

void cmd_song(EngineOptions& paths, const std::string& id, bool json) {
  resolve(paths);
  Catalog catalog(paths.catalog, CatalogAccess::read_only);
  auto song = catalog.find(id);
  if (!song) throw NotFound("no song with id '" + id + "' in " + paths.catalog);
  if (json) {
    std::cout << to_json(*song).dump(2) << "\n";
    return;
  }
  std::printf("%s\n%s", song->title.c_str(), song->artist.c_str());
  if (song->year) std::printf(" (%d)", *song->year);
  std::printf("\n%s\n\n", song->collection.c_str());
  for (const auto& v : song->verses) std::printf("%s\n\n", v.c_str());
  for (const auto& spec : feature_specs())
    if (auto v = song->features[spec.feature]) std::printf("%-17s %g\n", std::string(spec.name).c_str(), *v);
}

}  // namespace

void add_song_command(CLI::App& app, EngineOptions& paths) {
  struct Args {
    std::string id;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* song = app.add_subcommand("song", "Print a song's lyrics and features");
  song->add_option("id", args->id, "Song id, as printed by generate --json")->required();
  song->add_flag("--json", args->json, "Print JSON");
  song->callback([&paths, args] { cmd_song(paths, args->id, args->json); });
}

}  // namespace promptlist::cli
