// tests/test_world.h: a catalog drawn from ../shared/data, indexed with the
// built-in model, with every playlist source loaded: what the playlist,
// fusion and server tests stand on.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "promptlist/builtin_predictor.h"
#include "promptlist/playlist.h"
#include "promptlist/sif_embedder.h"

namespace promptlist::test {

struct WorldSpec {
  std::string name;               // scratch folder name
  std::size_t lyrics_every = 1;   // keep every k-th song of songs.jsonl ...
  std::size_t lyrics_limit = 0;   // ... at most this many (0: no limit)
  std::size_t feature_rows = 0;   // first rows of spotify_songs.csv (0: none, SIZE_MAX: all)
};

struct World {
  std::filesystem::path dir;
  std::shared_ptr<const WordVectors> vectors;
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<SifEmbedder> embedder;
  std::unique_ptr<VerseIndex> index;
  std::unique_ptr<LyricsSearch> lyrics;
  std::unique_ptr<SoundRanker> sound;                  // null without features
  std::unique_ptr<BuiltinFeaturePredictor> predictor;  // null without features

  PlaylistSources sources() const { return {catalog.get(), lyrics.get(), sound.get(), predictor.get()}; }
};

std::unique_ptr<World> make_world(const WorldSpec& spec);

// How many of the first k songs have a matched verse (or title) with a word
// that starts with one of the theme's stems ("mourn" matches "mourning").
std::size_t on_theme(const Playlist& p, std::size_t k, const std::set<std::string>& theme);

}  // namespace promptlist::test
