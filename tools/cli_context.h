// tools/cli_context.h: where the CLI keeps its files, and which embedder it
// loads. Everything lives under one home folder:
//   $PROMPTLIST_HOME (or --home), default ~/.local/share/promptlist
//     catalog.db                   the catalog (SQLite)
//     models/glove-6b-100d.plwv    the built-in word vectors (also the feature predictor's)
//     models/<name>/               sentence-transformers models ('promptlist model add')
//     index-<model>.plvi           one verse index per embedding model
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "promptlist/catalog.h"
#include "promptlist/embedder.h"
#include "promptlist/word_vectors.h"
#include "promptlist/feature_predictor.h"
#include "promptlist/playlist.h"
#include "promptlist/verse_index.h"

namespace promptlist::cli {

struct Paths {
  std::string home;
  std::string catalog;  // --catalog overrides
  std::string glove;    // --glove overrides
  std::string index;    // --index overrides; default depends on the model
  std::string model;    // --model: a name in HOME/models, a folder, or "glove"; empty = the default
  std::string model_folder;  // the folder --model resolved to; empty for GloVe (set by load_embedder)
  std::string t5_model; // --t5: a T5 feature-generator folder; empty = built-in predictor
  bool int8 = false;    // --int8: run the transformer's dense layers in int8
};

// Fills unset paths from --home / $PROMPTLIST_HOME / the default.
void resolve_paths(Paths& paths);

// The embedder selected by --model (default: all-MiniLM-L6-v2 when it is in
// HOME/models, else GloVe), and the index path that belongs to it.
std::unique_ptr<Embedder> load_embedder(Paths& paths);

// --model and --int8, the same on every command that embeds.
void add_model_options(CLI::App& command, Paths& paths);

// The word vectors of the built-in model (shared by embedder and predictor).
std::shared_ptr<const WordVectors> load_word_vectors(Paths& paths);

// The feature predictor selected by --t5 (or the built-in one, trained on
// the catalog's tracks and playlists).
std::unique_ptr<FeaturePredictor> load_feature_predictor(Paths& paths, const Catalog& catalog);

// --danceability 0.8, --tempo 120, ... : one option per feature.
void add_feature_override_options(CLI::App& command, FeatureValues& overrides);
// Sets every given override as a user goal (they win over everything).
void apply_overrides(FeatureTarget& target, const FeatureValues& overrides);

// Everything a playlist may be made from; a signal whose files are missing
// stays empty and make_playlist() decides whether that is an error.
struct LoadedSources {
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<Embedder> embedder;
  std::unique_ptr<VerseIndex> index;
  std::unique_ptr<LyricsSearch> lyrics;
  std::unique_ptr<SoundRanker> sound;
  std::unique_ptr<FeaturePredictor> predictor;
  PlaylistSources sources() const { return {catalog.get(), lyrics.get(), sound.get(), predictor.get()}; }
};

// Opens the catalog and, as `by` needs them, the lyrics index (warning on
// stderr when it is older than the catalog) and the sound ranker.
LoadedSources load_sources(Paths& paths, SignalMix by);

// The data folder: --data, else $PROMPTLIST_DATA, else ../shared/data when
// it exists. Empty when none is found.
std::string default_data_dir();

// Seconds since t0, for the timings commands print.
inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace promptlist::cli
