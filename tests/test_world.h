// tests/test_world.h: a catalog drawn from ../shared/data, indexed with the
// built-in model (verses, track texts, sound model), and the Engine opened over it: what the playlist, fusion
// and server tests stand on.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "promptlist/engine.h"
#include "promptlist/playlist.h"

namespace promptlist::test {

struct WorldSpec {
  std::string name;               // scratch folder name
  std::size_t lyrics_every = 1;   // keep every k-th song of songs.jsonl ...
  std::size_t lyrics_limit = 0;   // ... at most this many (0: no limit)
  std::size_t feature_rows = 0;   // first rows of spotify_songs.csv (0: none, SIZE_MAX: all)
};

struct World {
  std::filesystem::path dir;
  std::unique_ptr<Catalog> catalog;  // writable: what the world was imported with
  // Over dir/catalog.db with the GloVe model, dir/index.plvi, its sound
  // model and its track text index (when the world has tracks).
  std::unique_ptr<Engine> engine;

  PlaylistSources sources() const { return engine->sources(); }
  const VerseIndex& index() const { return *engine->index(); }
};

std::unique_ptr<World> make_world(const WorldSpec& spec);

// How many of the first k songs have a matched verse (or title) with a word
// that starts with one of the theme's stems ("mourn" matches "mourning").
std::size_t on_theme(const Playlist& p, std::size_t k, const std::set<std::string>& theme);

}  // namespace promptlist::test
