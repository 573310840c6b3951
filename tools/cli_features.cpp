// promptlist features: the audio features a prompt asks for, as JSON.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_commands.h"
#include "cli_context.h"
#include "promptlist/engine.h"
#include "promptlist/catalog.h"
#include "promptlist/error.h"

namespace promptlist::cli {

namespace {

void cmd_features(EngineOptions& paths, const std::string& prompt, const FeatureValues& overrides) {
  resolve(paths);
  if (!std::filesystem::exists(paths.catalog))
    throw Error(paths.catalog + ": no catalog yet; run 'promptlist import' first");
  Catalog catalog(paths.catalog, CatalogAccess::read_only);
  // The T5 model reads the prompt itself; the sound model reads it through the embedder.
  const auto embedder = paths.t5_model.empty() ? open_embedder(paths) : nullptr;
  auto predictor = open_feature_predictor(paths, catalog, embedder.get());
  FeatureTarget target = predictor->predict(prompt);
  apply_overrides(target, overrides);
  nlohmann::json out = to_json(target);
  out["prompt"] = prompt;
  out["predictor"] = predictor->name();
  std::cout << out.dump(2) << "\n";
}

}  // namespace

void add_features_command(CLI::App& app, EngineOptions& paths) {
  struct Args {
    std::string prompt;
    FeatureValues overrides;
  };
  auto args = std::make_shared<Args>();
  auto* features = app.add_subcommand("features", "Print the audio features a prompt asks for, as JSON");
  features->add_option("prompt", args->prompt, "What you want to hear")->required();
  features->add_option("--t5", paths.t5_model,
                       "A T5 feature-generator folder, e.g. afsagag/t5-spotify-features-generator (default: the "
                       "sound model 'promptlist index' learned)");
  add_model_options(*features, paths);
  add_feature_override_options(*features, args->overrides);
  features->callback([&paths, args] { cmd_features(paths, args->prompt, args->overrides); });
}

}  // namespace promptlist::cli
