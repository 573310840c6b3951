// promptlist/track_facts.h: what the catalog knows about its tracks besides
// their sound: who made them, which genres their playlists file them under,
// when they came out, how popular they are. Built once per engine, looked
// up by the artist, genre and era signals.
//
//   TrackFacts facts(catalog.songs_with_features(), catalog.playlist_memberships());
//   const auto* queen = facts.tracks_by_artist("queen");        // indices into tracks()
//   const auto* rock = facts.tracks_in_genre("hard rock");      // a genre or a subgenre
//   facts.tracks()[(*queen)[0]].popularity;
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "promptlist/catalog.h"

namespace promptlist {

struct TrackFact {
  std::int64_t song_key = 0;
  std::string title, artist;
  std::optional<int> year;      // of release, when the catalog has it
  std::optional<int> decade;    // 1980 for the 1980s: from the year, or the decade file it came from
  double popularity = -1;       // Spotify's 0..100; -1: unknown
  std::vector<std::string> genres;  // normalised genre and subgenre names of its playlists
  // Per genre, the share of its playlists filed under it: a rap hit that
  // one EDM playlist also holds is 0.25 EDM, an EDM track in two EDM
  // playlists 1.0.
  std::vector<float> genre_share;
};

// The share of t's playlists filed under genre (0: none).
float genre_share_of(const TrackFact& t, const std::string& genre);

class TrackFacts;

// How many songs the catalog holds as a listener counts them: every song
// with lyrics or audio features, the recordings of one song (song_of) once.
// With the facts of its tracks (already loaded), only the texts are read.
std::size_t count_catalog_songs(const Catalog& catalog, const TrackFacts* facts = nullptr);

class TrackFacts {
 public:
  TrackFacts(const std::vector<Song>& tracks, const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships);

  const std::vector<TrackFact>& tracks() const { return tracks_; }
  // The track of a song key; nullptr: not a track with features.
  const TrackFact* find(std::int64_t song_key) const;
  // Tracks whose artist, normalised (words of text.h joined by one space),
  // is `artist`; most popular first. nullptr: no such artist.
  const std::vector<std::uint32_t>* tracks_by_artist(const std::string& artist) const;
  // Tracks filed under the genre or subgenre (normalised, "hard rock"),
  // the most wholly of that genre first (genre_share), then the most
  // popular. nullptr: no such genre.
  const std::vector<std::uint32_t>* tracks_in_genre(const std::string& genre) const;
  // Every track, most popular first (ties: catalog order), sorted once.
  const std::vector<std::uint32_t>& by_popularity() const { return by_popularity_; }
  // The recordings of the song that tracks()[i] records (song_of), indices
  // into tracks(), the best known first: i is among them.
  const std::vector<std::uint32_t>& recordings_of(std::uint32_t i) const { return songs_[song_of_track_[i]]; }
  // How many words the longest artist and genre names have: how far a
  // prompt's phrases need to be looked up.
  std::size_t longest_name_words() const { return longest_name_words_; }

  // "The Beatles" -> "the beatles": how names and prompt phrases are compared.
  static std::string normalise(std::string_view name);
  // The song a track records, normalised: its title without the version
  // Spotify appends ("Bohemian Rhapsody - Remastered 2011", "Help! (Live)",
  // "Song (feat. X)" -> "bohemian rhapsody", "help", "song"), so that one
  // song is listed once.
  static std::string song_title(std::string_view title);
  // The song a recording is of, as one key: its song_title() and its
  // normalised artist. Recordings with the same key are one song.
  static std::string song_of(const Song& recording);
  // The recordings grouped by song (song_of), indices into `recordings`:
  // each group best known first (the most popular; ties: the first in
  // order), the groups in the order of their first recording. The one rule
  // of which recording stands for a song, in playlists and the track texts.
  static std::vector<std::vector<std::uint32_t>> recordings_by_song(const std::vector<Song>& recordings);
  // The same, and each song's group by its song_of().
  static std::vector<std::vector<std::uint32_t>> recordings_by_song(
      const std::vector<Song>& recordings, std::unordered_map<std::string, std::uint32_t>& group_of);
  // How many songs the recordings are (each song_of() counted once).
  static std::size_t count_songs(const std::vector<Song>& recordings);
  // How many songs these tracks and `others` are together (a song among
  // both counted once).
  std::size_t count_songs_with(const std::vector<Song>& others) const;
  // words[begin, end) joined by one space: a prompt's phrase, compared with
  // normalised names.
  static std::string phrase(const std::vector<std::string>& words, std::size_t begin, std::size_t end);

 private:
  void file_genres(const std::vector<std::pair<std::int64_t, PlaylistLabel>>& memberships);
  void sort_lists(const std::vector<Song>& tracks);

  std::vector<TrackFact> tracks_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_artist_, by_genre_;
  std::unordered_map<std::int64_t, std::uint32_t> by_key_;  // song key -> index in tracks_
  std::vector<std::uint32_t> by_popularity_;
  std::vector<std::vector<std::uint32_t>> songs_;  // recordings_by_song(tracks)
  std::vector<std::uint32_t> song_of_track_;       // per track, its group in songs_
  std::unordered_map<std::string, std::uint32_t> song_group_;  // song_of() -> its group in songs_
  std::size_t longest_name_words_ = 0;
};

}  // namespace promptlist
