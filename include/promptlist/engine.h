// promptlist/engine.h: everything a playlist is made from, opened from one
// options struct: the catalog, the embedding model and its verse index, the
// tracks with audio features and the feature predictor.
//
//   EngineOptions options;            // defaults: $PROMPTLIST_HOME, the default model
//   options.home = "/data/promptlist";
//   Engine engine(options);           // throws promptlist::Error naming what is missing
//   for (const auto& w : engine.warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
//
//   PlaylistRequest request;
//   request.prompt = "songs about the sea";
//   Playlist p = engine.playlist(request);
//   std::puts(to_json(p).dump(2).c_str());
//   std::puts(engine.describe().dump().c_str());   // signals, features, formats
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "promptlist/catalog.h"
#include "promptlist/embedder.h"
#include "promptlist/feature_predictor.h"
#include "promptlist/playlist.h"
#include "promptlist/verse_index.h"
#include "promptlist/word_vectors.h"

namespace promptlist {

// Where the engine's files are and what it opens. Everything lives under
// one home folder:
//   HOME/catalog.db                  the catalog (SQLite)
//   HOME/models/glove-6b-100d.plwv   the built-in word vectors (also the built-in predictor's)
//   HOME/models/<name>/              sentence-transformers models ('promptlist model add')
//   HOME/index-<model>.plvi          one verse index per embedding model
//   HOME/tracks-<model>.plvi         ... and its track text index (track_text.h)
//   HOME/sound-<model>.plsm          ... and its sound model (sound_model.h)
// Empty fields take the defaults below; resolve() fills them in.
struct EngineOptions {
  // The home folder; empty: $PROMPTLIST_HOME, else $XDG_DATA_HOME/promptlist,
  // else ~/.local/share/promptlist.
  std::string home;
  std::string catalog;  // the catalog file; empty: HOME/catalog.db
  // The built-in word vectors; empty: $PROMPTLIST_GLOVE, else HOME/models/glove-6b-100d.plwv.
  std::string glove;
  std::string index;  // the verse index; empty: the model's own index in HOME (index_path_for)
  // The embedding model: a name in HOME/models, a sentence-transformers
  // folder, or "glove"; empty: all-MiniLM-L6-v2 when it is in HOME/models, else GloVe.
  std::string model;
  std::string t5_model;  // a T5 feature-generator folder; empty: the built-in predictor
  bool int8 = false;     // run the transformer's dense layers in int8 (it has its own index)
  // Threads of each transformer forward pass (a prompt, a batch of verses);
  // 0: one per core. A server whose parallelism is across requests sets 1.
  int threads = 0;
  // Which signals to open: one signal's name (signal_names()) or kAllSignals.
  // Opening only what a request needs keeps a CLI call fast.
  std::string signals = std::string(kAllSignals);
  // Set by resolve(): the folder `model` resolved to; empty for GloVe.
  std::string model_folder;
};

// Fills unset paths from the environment and the defaults.
void resolve(EngineOptions& options);

// The embedder `model` selects; sets options.model_folder and, when unset,
// options.index to the model's index path.
std::unique_ptr<Embedder> open_embedder(EngineOptions& options);

// The built-in word vectors (the GloVe embedder's and the built-in predictor's).
std::shared_ptr<const WordVectors> open_word_vectors(EngineOptions& options);

// The predictor `t5_model` selects; else the sound model learned for this
// embedder by 'promptlist index' (HOME/sound-<model>.plsm, loaded in
// milliseconds); else the GloVe word-profile predictor, trained on the
// catalog's tracks and playlists as it opens (seconds).
std::unique_ptr<FeaturePredictor> open_feature_predictor(EngineOptions& options, const Catalog& catalog,
                                                         const Embedder* embedder);

class Engine {
 public:
  // Opens the catalog (read-only) and what the selected signals need. A
  // signal whose files are missing stays closed (make_playlist() decides
  // whether that is an error), except one selected alone: its missing files
  // are an Error (Unavailable).
  explicit Engine(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Playlist playlist(const PlaylistRequest& request, const PlaylistOptions& options = {}) const;

  const EngineOptions& options() const;  // resolved
  const Catalog& catalog() const;
  PlaylistSources sources() const;
  const Embedder* embedder() const;         // null when the lyrics signal is not opened
  const VerseIndex* index() const;          // null without an index
  const VerseIndex* track_index() const;    // the track text index; null without one
  const LyricsSearch* lyrics() const;       // null without an index
  const SoundRanker* sound() const;         // null without tracks with features
  const FeaturePredictor* predictor() const;  // null without tracks with features
  // What went wrong but did not stop the engine ("the catalog changed since
  // the index was built; run 'promptlist index'").
  const std::vector<std::string>& warnings() const;

  // What this engine offers, for a page or a CLI to build its choices from:
  // {"signals": [{"name", "available"}], "all_signals": "both",
  //  "features": [{"name", "min", "max", "step", "unit", "help"}],
  //  "export_formats": [{"name", "label", "extension"}], "scorings": [...],
  //  "limits": {"prompt_chars", "n"}, "model", "predictor"}
  nlohmann::json describe() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace promptlist
