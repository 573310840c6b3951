// promptlist: the command-line tool. Each subcommand lives in its own
// tools/cli_<name>.cpp as a thin layer over the library: flags in, one
// library call, the result printed.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli_commands.h"
#include "promptlist/error.h"

using namespace promptlist;
using namespace promptlist::cli;

int main(int argc, char** argv) {
  CLI::App app{"promptlist: turn a sentence into a playlist.\n\n"
               "  promptlist import            import lyrics (.jsonl) and audio features (.csv)\n"
               "  promptlist index             embed new and changed verses and update the search index\n"
               "  promptlist generate \"...\"    make a playlist for a prompt\n"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  app.set_version_flag("--version", std::string("promptlist ") + PROMPTLIST_VERSION_STRING);

  EngineOptions paths;
  app.add_option("--home", paths.home, "Folder for catalog, models and indexes (env PROMPTLIST_HOME)");
  app.add_option("--catalog", paths.catalog, "Catalog file (default HOME/catalog.db)");
  app.add_option("--glove", paths.glove, "Built-in word vectors (default HOME/models/glove-6b-100d.plwv)");
  app.add_option("--index", paths.index, "Verse index file (default HOME/index-<model>.plvi)");

  add_import_command(app, paths);
  add_remove_command(app, paths);
  add_index_command(app, paths);
  add_generate_command(app, paths);
  add_features_command(app, paths);
  add_serve_command(app, paths);
  add_shard_commands(app, paths);
  add_song_command(app, paths);
  add_model_command(app, paths);
  add_info_command(app, paths);

  try {
    app.parse(argc, argv);  // runs the chosen subcommand's callback
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", describe_failure(e).c_str());
    return 2;
  }
  return 0;
}
