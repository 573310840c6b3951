// tools/cli_commands.h: every subcommand of the promptlist tool. Each
// tools/cli_<name>.cpp adds its subcommand, flags and a callback that does
// the work; main() only lists them here.
#pragma once

#include <CLI/CLI.hpp>

#include "cli_context.h"

namespace promptlist::cli {

void add_model_command(CLI::App& app, EngineOptions& paths);
void add_import_command(CLI::App& app, EngineOptions& paths);
void add_remove_command(CLI::App& app, EngineOptions& paths);
void add_index_command(CLI::App& app, EngineOptions& paths);
void add_generate_command(CLI::App& app, EngineOptions& paths);
void add_song_command(CLI::App& app, EngineOptions& paths);
void add_info_command(CLI::App& app, EngineOptions& paths);
void add_features_command(CLI::App& app, EngineOptions& paths);
void add_serve_command(CLI::App& app, EngineOptions& paths);
void add_shard_commands(CLI::App& app, EngineOptions& paths);  // serve-shard, search

}  // namespace promptlist::cli
