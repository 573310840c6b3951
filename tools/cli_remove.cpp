// promptlist remove: songs out of the catalog; the next 'index' drops their chunks.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli_commands.h"
#include "cli_context.h"
#include "promptlist/catalog.h"

namespace promptlist::cli {

namespace {

void cmd_remove(EngineOptions& paths, const std::vector<std::string>& ids) {
  resolve(paths);
  Catalog catalog(paths.catalog);
  catalog.remove_songs(ids);
  const auto s = catalog.stats();
  std::printf("removed %zu songs; catalog %s: %zu songs (%zu with lyrics)\n"
              "  run 'promptlist index' to drop them from the indexes\n",
              ids.size(), paths.catalog.c_str(), s.songs, s.songs_with_lyrics);
}

}  // namespace

void add_remove_command(CLI::App& app, EngineOptions& paths) {
  auto ids = std::make_shared<std::vector<std::string>>();
  auto* remove = app.add_subcommand("remove", "Remove songs from the catalog by id (all or none)");
  remove->add_option("ids", *ids, "Song ids, as printed by generate --json")->required();
  remove->callback([&paths, ids] { cmd_remove(paths, *ids); });
}

}  // namespace promptlist::cli
