#include "cli_context.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "promptlist/error.h"
#include "promptlist/builtin_predictor.h"
#include "promptlist/model_store.h"
#include "promptlist/sif_embedder.h"
#include "promptlist/t5_feature_predictor.h"
#include "promptlist/transformer_embedder.h"

namespace promptlist::cli {

namespace fs = std::filesystem;

void add_model_options(CLI::App& command, EngineOptions& paths) {
  command.add_option("--model", paths.model,
                     "Embedding model: a name in HOME/models, a sentence-transformers folder, or 'glove' "
                     "(default: all-MiniLM-L6-v2 when added, else glove)");
  command.add_flag("--int8", paths.int8, "Run the transformer's dense layers in int8 (its own index)");
}

void add_feature_override_options(CLI::App& command, FeatureValues& overrides) {
  for (const auto& spec : feature_specs()) {
    auto& slot = overrides[spec.feature];
    const Feature f = spec.feature;
    std::string help = "Set " + std::string(spec.name) + " (" + std::string(spec.help) + "; " +
                       std::to_string(static_cast<int>(spec.target_min)) + ".." +
                       std::to_string(static_cast<int>(spec.target_max)) + ")";
    command.add_option_function<double>(
               "--" + std::string(spec.name),
               [&slot, f](double v) {
                 const auto& s = feature_spec(f);
                 if (v < s.target_min || v > s.target_max)
                   throw CLI::ValidationError("--" + std::string(s.name), "must be within " +
                                                                             std::to_string(s.target_min) + ".." +
                                                                             std::to_string(s.target_max));
                 slot = v;
               },
               help)
        ->group("Audio features");
  }
}

std::string default_data_dir() {
  if (const char* env = std::getenv("PROMPTLIST_DATA"); env && *env) return env;
  for (const char* candidate : {"../shared/data", "../../shared/data"})
    if (fs::is_directory(candidate)) return fs::canonical(candidate).string();
  return {};
}

}  // namespace promptlist::cli
