#include "test_world.h"

#include <fstream>

#include "promptlist/index_builder.h"
#include "promptlist/track_text.h"
#include "promptlist/model_store.h"
#include "promptlist/text.h"
#include "test_support.h"

namespace promptlist::test {

std::unique_ptr<World> make_world(const WorldSpec& spec) {
  auto w = std::make_unique<World>();
  w->dir = scratch_dir(spec.name);
  {
    std::ifstream in(data_dir() / "lyrics/songs.jsonl");
    std::ofstream out(w->dir / "songs.jsonl");
    std::string line;
    std::size_t kept = 0;
    for (std::size_t i = 0; std::getline(in, line) && (!spec.lyrics_limit || kept < spec.lyrics_limit); ++i)
      if (i % spec.lyrics_every == 0) out << line << "\n", ++kept;
  }
  w->catalog = std::make_unique<Catalog>((w->dir / "catalog.db").string());
  w->catalog->import_lyrics_jsonl((w->dir / "songs.jsonl").string());
  if (spec.feature_rows) {
    std::ifstream in(data_dir() / "features/spotify_songs.csv");
    std::ofstream out(w->dir / "features.csv");
    std::string line;
    for (std::size_t i = 0; i <= spec.feature_rows && std::getline(in, line); ++i) out << line << "\n";  // + header
    out.close();
    ImportOptions skip;
    skip.skip_bad = true;  // the five NA-named tracks
    w->catalog->import_features_csv((w->dir / "features.csv").string(), skip);
  }
  {
    // The index is built with the engine's own embedder, so the engine
    // opens it as it would open a home's.
    EngineOptions options;
    options.home = w->dir.string();
    options.glove = glove_model_path().string();
    options.model = "glove";
    options.index = (w->dir / "index.plvi").string();
    const auto embedder = open_embedder(options);
    build_verse_index(*w->catalog, *embedder, options.index);
    build_sound_model(*w->catalog, *embedder, sound_model_path_for(options.home, embedder->model_id()));
    const auto tracks = w->catalog->songs_with_features();
    const auto memberships = w->catalog->playlist_memberships();
    if (auto texts = track_texts(tracks, memberships); !texts.empty()) {
      const auto fingerprint = track_texts_fingerprint(tracks, memberships);
      build_chunk_index(std::move(texts), fingerprint, *embedder, track_index_path_for(options.home, embedder->model_id()));
    }
    w->engine = std::make_unique<Engine>(options);
  }
  return w;
}

std::size_t on_theme(const Playlist& p, std::size_t k, const std::set<std::string>& theme) {
  std::size_t hits = 0;
  for (std::size_t i = 0; i < std::min(k, p.entries.size()); ++i) {
    bool hit = false;
    for (const auto& w : word_tokens(p.entries[i].matched_text + " " + p.entries[i].title))
      for (const auto& t : theme) hit |= w.rfind(t, 0) == 0;
    hits += hit;
  }
  return hits;
}

}  // namespace promptlist::test
