// promptlist/sound_model.h: what the texts that describe music say about
// how it sounds, learned from the catalog in the sentence embedder's space
// and saved once (by 'promptlist index') into a versioned file.
//
//   SoundModelData model = train_sound_model(embedder, catalog.songs_with_features(),
//                                            catalog.playlist_memberships());
//   write_sound_model(sound_model_path_for(home, embedder.model_id()), model);
//   SoundModelData loaded = read_sound_model(path, embedder.model_id());   // milliseconds
//   LearnedFeaturePredictor predictor(std::move(loaded), embedder);       // learned_predictor.h
//
// A descriptor is a text and the tracks it describes: a playlist's name
// (its tracks), a genre or subgenre ("hard rock"), or a word that recurs in
// the names of tracks, albums and playlists ("acoustic", "remix", "chill"),
// or an everyday activity the catalog's names barely cover ("sleep",
// "romantic dinner"; activity_sounds.h).
// Each keeps its unit vector, how far the mean audio features of its
// tracks sit from the catalog's (in standard deviations), how widely they
// spread (a playlist of rap is tight on instrumentalness, loose on tempo)
// and how many tracks that is over: the evidence a prediction is shrunk by.
//
// File: "PLSOUNDM", u32 version, u32 dim, u32 descriptors, u32 features,
// char model_id[96], u64 catalog fingerprint (sound_model_fingerprint),
// u64 XXH3-64 of everything after the header; then
// double mean[features], stddev[features]; u8 feature ids[features];
// per descriptor u8 kind, u32 tracks, u32 text length, the text; float
// vectors[descriptors][dim]; float deviation[descriptors][features];
// float spread[descriptors][features].
// Written through AtomicFile; a truncated, corrupted, foreign or
// other-model file is refused with a message saying which.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "promptlist/catalog.h"
#include "promptlist/embedder.h"
#include "promptlist/feature_schema.h"

namespace promptlist {

// Where a descriptor comes from: a playlist's name, a genre or subgenre, a
// recurring word, or an everyday activity or mood described by hand
// (src/features/activity_sounds.cpp).
enum class DescriptorKind : std::uint8_t { playlist, genre, word, activity };
const char* to_string(DescriptorKind kind);  // "playlist", "genre", "word", "activity"

struct SoundDescriptor {
  std::string text;                            // "Lush Lofi", "hard rock", "acoustic"
  DescriptorKind kind = DescriptorKind::word;  // where the text comes from
  std::uint32_t tracks = 0;                    // the tracks its mean is over
};

struct SoundModelData {
  std::string model_id;              // the embedder that made the vectors
  // sound_model_fingerprint() of the tracks and playlists it was learned
  // from (0: learned with tracks held out, of no whole catalog).
  std::uint64_t catalog_fingerprint = 0;
  std::size_t dim = 0;               // the embedder's dimension
  std::vector<Feature> features;     // the features learned (learned_features())
  std::vector<double> mean, stddev;  // per feature, over the training tracks
  std::vector<SoundDescriptor> descriptors;
  std::vector<float> vectors;    // [descriptors][dim], unit length
  std::vector<float> deviation;  // [descriptors][features]: mean - catalog mean, in standard deviations
  std::vector<float> spread;     // [descriptors][features]: standard deviation / the catalog's
};

struct SoundModelTraining {
  // A word becomes a descriptor when this many tracks carry it in their
  // title, album or playlists' names; rarer words are noise.
  std::size_t min_word_tracks = 20;
  // A playlist, genre or subgenre needs this many tracks with features.
  std::size_t min_label_tracks = 5;
  ProgressFn progress;  // (texts embedded, texts to embed)
};

// Learns from every track with all of learned_features() and from the
// playlists it is in; tracks whose key is in `exclude` are left out
// (held-out evaluation).
SoundModelData train_sound_model(const Embedder& embedder, const std::vector<Song>& tracks,
                                 const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships,
                                 const SoundModelTraining& training = {}, const std::vector<std::int64_t>& exclude = {});

// XXH3-64 of everything train_sound_model() reads of the tracks (key,
// title, artist, album, year, features) and their playlists: a sound model
// learned from another catalog has another ('promptlist index --if-stale'
// relearns it).
std::uint64_t sound_model_fingerprint(const std::vector<Song>& tracks,
                                      const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships);

void write_sound_model(const std::string& path, const SoundModelData& model);

// Reads and checks a model file. expected_model_id, when not empty, must be
// the embedder that made it.
SoundModelData read_sound_model(const std::string& path, const std::string& expected_model_id = {});

}  // namespace promptlist
