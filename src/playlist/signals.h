// src/playlist/signals.h: the signals make_signals() registers, each in its
// own file (lyrics_signal.cpp, sound_signal.cpp, titles_signal.cpp...).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "promptlist/playlist.h"
#include "promptlist/signal.h"

namespace promptlist {

std::unique_ptr<Signal> make_lyrics_signal(const PlaylistSources& sources);
std::unique_ptr<Signal> make_sound_signal(const PlaylistSources& sources);
std::unique_ptr<Signal> make_artist_signal(const PlaylistSources& sources);
std::unique_ptr<Signal> make_titles_signal(const PlaylistSources& sources);

// The prompt without the words of the artist it names, if any ("songs like
// The Beatles" -> "songs like"): an artist's name says who, not how it
// sounds; the artist signal answers it with their sound.
std::string without_named_artist(const TrackFacts& facts, std::string_view prompt);
std::unique_ptr<Signal> make_genre_signal(const PlaylistSources& sources);
std::unique_ptr<Signal> make_era_signal(const PlaylistSources& sources);

// The features a sound is summed up by: an artist's, a genre's, a seed
// song's (the ones a listener hears; not key, mode or length).
inline constexpr Feature kSoundSummaryFeatures[] = {Feature::danceability,     Feature::energy,      Feature::valence,
                                                    Feature::acousticness,     Feature::instrumentalness,
                                                    Feature::speechiness,      Feature::tempo,       Feature::loudness};

// "More like this" on a track: its own sound (kSoundSummaryFeatures), as
// goals stated "like <title>".
FeatureTarget sound_of_seed(const Song& seed);

// Words that never explain a match, even when BM25 counted them a little:
// two letters, "the", "for", "with", "songs", "like"...
bool is_function_word(const std::string& word);

// The prompt's words that also occur in text, each once, in the prompt's
// order, without function words: what a why-line says was shared.
std::vector<std::string> shared_words(const std::vector<std::string>& prompt_words, std::string_view text);
// '"a", "b" and "c"'.
std::string quoted_list(const std::vector<std::string>& items);

// Appends one signal's why-line to an entry's ("...; sound fits 93%").
void append_why(PlaylistEntry& entry, const std::string& why);

}  // namespace promptlist
