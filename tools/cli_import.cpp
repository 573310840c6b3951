// promptlist import: lyrics and audio features into the catalog.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_commands.h"
#include "cli_context.h"
#include "cli_progress.h"
#include "promptlist/error.h"
#include <algorithm>

#include "promptlist/catalog.h"

namespace fs = std::filesystem;

namespace promptlist::cli {

namespace {

void print_report(const ImportReport& r) {
  std::printf("%s: %zu lines, %zu new, %zu updated", r.file.c_str(), r.lines, r.inserted, r.updated);
  if (r.skipped) std::printf(", %zu skipped", r.skipped);
  std::printf("\n");
  for (const auto& p : r.problems) std::printf("  skipped %s\n", p.c_str());
  if (r.skipped > r.problems.size()) std::printf("  ... and %zu more\n", r.skipped - r.problems.size());
}

int cmd_import(EngineOptions& paths, std::vector<std::string> files, std::string data_dir, bool skip_bad) {
  resolve(paths);
  if (files.empty()) {
    if (data_dir.empty()) data_dir = default_data_dir();
    if (data_dir.empty())
      throw Error("no files given and no data folder found: pass files, --data DIR, or set PROMPTLIST_DATA");
    std::vector<std::string> found;
    for (const char* sub : {"lyrics", "features"}) {
      fs::path dir = fs::path(data_dir) / sub;
      if (!fs::is_directory(dir)) continue;
      for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".jsonl" || entry.path().extension() == ".csv")
          found.push_back(entry.path().string());
    }
    std::sort(found.begin(), found.end());
    if (found.empty()) throw Error(data_dir + ": no lyrics/*.jsonl or features/*.csv files found");
    files = found;
  }
  Catalog catalog(paths.catalog);
  int failures = 0;
  for (const auto& file : files) {
    ImportOptions options;
    options.skip_bad = skip_bad;
    ProgressBar bar("importing " + fs::path(file).filename().string());
    options.progress = [&](std::size_t d, std::size_t t) { bar.update(d, t); };
    try {
      const auto ext = fs::path(file).extension();
      ImportReport r;
      if (ext == ".jsonl" || ext == ".ndjson")
        r = catalog.import_lyrics_jsonl(file, options);
      else if (ext == ".csv")
        r = catalog.import_features_csv(file, options);
      else
        throw Error(file + ": unknown file type (expected .jsonl lyrics or .csv audio features)");
      bar.finish();
      print_report(r);
    } catch (const Error& e) {
      bar.finish();
      std::fprintf(stderr, "error: %s\n", e.what());
      ++failures;
    }
  }
  const auto s = catalog.stats();
  std::printf("catalog %s: %zu songs (%zu with lyrics, %zu with audio features), %zu verses, %zu playlists\n",
              paths.catalog.c_str(), s.songs, s.songs_with_lyrics, s.songs_with_features, s.verses, s.playlists);
  std::printf("  run 'promptlist index' to update the indexes: only new and changed songs are embedded\n");
  return failures ? 1 : 0;
}

}  // namespace

void add_import_command(CLI::App& app, EngineOptions& paths) {
  struct Args {
    std::vector<std::string> files;
    std::string data_dir;
    bool skip_bad = false;
  };
  auto args = std::make_shared<Args>();
  auto* import = app.add_subcommand("import", "Import lyrics (.jsonl) and audio features (.csv) into the catalog");
  import->add_option("files", args->files, "Files to import (default: every file of the data folder)");
  import->add_option("--data", args->data_dir, "Data folder with lyrics/ and features/ (env PROMPTLIST_DATA)");
  import->add_flag("--skip-bad", args->skip_bad, "Import the good lines of a file and report the bad ones");
  import->callback([&paths, args] {
    if (cmd_import(paths, args->files, args->data_dir, args->skip_bad) != 0)
      throw Error("some files were not imported (see above)");
  });
}

}  // namespace promptlist::cli
