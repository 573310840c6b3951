// tools/cli_context.h: what every command shares: the engine's options
// (--home, --catalog, --model, ...; promptlist/engine.h has where each file
// lives), the options that set features, and timings.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "promptlist/engine.h"

namespace promptlist::cli {

// --model and --int8, the same on every command that embeds.
void add_model_options(CLI::App& command, EngineOptions& paths);

// --danceability 0.8, --tempo 120, ... : one option per feature.
void add_feature_override_options(CLI::App& command, FeatureValues& overrides);
// The data folder: --data, else $PROMPTLIST_DATA, else ../shared/data when
// it exists. Empty when none is found.
std::string default_data_dir();

// Seconds since t0, for the timings commands print.
inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace promptlist::cli
