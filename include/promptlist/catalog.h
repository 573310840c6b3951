// promptlist/catalog.h: the music catalog, one SQLite file.
//
// A song may have lyrics (verses), audio features, or both. Songs are keyed
// by a stable text id ("openhymnal/amazing-grace", "spotify:track:4GiX...");
// importing the same id again updates the song instead of adding a copy.
//
// Every import of one file is one transaction: a malformed line aborts it
// and leaves the catalog exactly as it was, unless ImportOptions::skip_bad
// is set, in which case bad lines are counted and the rest is imported.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "promptlist/feature_schema.h"

namespace promptlist {

struct Song {
  std::int64_t key = 0;  // SQLite rowid; stable for the life of the catalog file
  std::string id;
  std::string title;
  std::string artist;
  std::string collection;
  std::optional<int> year;
  std::string language;
  std::vector<std::string> tags;
  std::vector<std::string> verses;  // stanzas, lines separated by '\n'
  std::string source;
  std::string license;
  std::string spotify_id;  // 22-character Spotify track id, when known
  FeatureValues features;  // empty when the catalog has no audio features for it
};

// The song as the API and `promptlist song --json` give it: its fields,
// verses, song-wide lines with the verse of each line and each verse's span
// of lines (numbered as a playlist entry's match.line_begin/line_end), and
// its features by name.
nlohmann::json to_json(const Song& song);

// A playlist a track was found in (feature catalogs): the labels the
// built-in feature predictor learns from.
struct PlaylistLabel {
  std::string playlist_id;
  std::string name;
  std::string genre;
  std::string subgenre;
};

struct ImportOptions {
  bool skip_bad = false;
  std::function<void(std::size_t bytes_done, std::size_t bytes_total)> progress;
};

struct ImportReport {
  std::string file;
  std::size_t lines = 0;     // data lines read (CSV records, JSONL lines)
  std::size_t inserted = 0;  // new songs
  std::size_t updated = 0;   // songs that existed and were replaced
  std::size_t skipped = 0;   // bad lines left out (skip_bad only)
  std::vector<std::string> problems;  // "file:line: reason", the first 20
};

struct CatalogStats {
  std::size_t songs = 0;
  std::size_t songs_with_lyrics = 0;
  std::size_t songs_with_features = 0;
  std::size_t verses = 0;
  std::size_t playlists = 0;
};

enum class CatalogAccess {
  read_write,  // creates the file if needed; imports
  // Never writes: works on a catalog in a folder this process cannot write
  // (a read-only mount, another user's home), where SQLite cannot create
  // the catalog.db-shm file that reading a WAL database needs. Imports are
  // refused.
  read_only,
};

// What find() reads of a song: a playlist looks up hundreds of candidate
// songs and shows none of their lyrics, so it leaves the verses out.
enum class SongParts { with_verses, without_verses };

class Catalog {
 public:
  // Opens (read_write: creating if needed) the catalog at path. Throws
  // promptlist::Error if the file is missing (read_only), not a promptlist
  // catalog, has a newer schema, or (read_write) its folder is not writable.
  explicit Catalog(const std::string& path, CatalogAccess access = CatalogAccess::read_write);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const std::string& path() const;

  // Lyrics as JSON Lines: one song object per line with at least id, title
  // and verses (see ../shared/data/SOURCES.md).
  ImportReport import_lyrics_jsonl(const std::string& file, const ImportOptions& options = {});
  // Spotify audio features as CSV, columns found by header name: the
  // TidyTuesday layout (track_id, track_name, track_artist, playlist_*) and
  // the hit-predictor layout (track, artist, uri).
  ImportReport import_features_csv(const std::string& file, const ImportOptions& options = {});
  // Removes the songs with these ids, their verses, features and playlist
  // places, all in one transaction; throws promptlist::Error naming the ids
  // the catalog does not have, and then removes none. The next 'index'
  // drops their chunks.
  void remove_songs(const std::vector<std::string>& ids);

  CatalogStats stats() const;
  // A song by key or id, with its features and (unless `parts` says not)
  // its verses; nullopt when none has it.
  std::optional<Song> find(std::int64_t key, SongParts parts = SongParts::with_verses) const;
  std::optional<Song> find(const std::string& id) const;
  // Songs with lyrics, ordered by id (the order an index is built in).
  std::vector<Song> songs_with_lyrics() const;
  // Songs with audio features (verses not loaded).
  std::vector<Song> songs_with_features() const;
  std::vector<PlaylistLabel> playlists_of(std::int64_t key) const;
  // Every (song key, playlist) pair, ordered by playlist id then song key:
  // the labelled data the built-in feature predictor learns from.
  std::vector<std::pair<std::int64_t, PlaylistLabel>> playlist_memberships() const;
  // Hash of every song's id, title, artist and verses: an index built from
  // the catalog stores it and is stale when it changes.
  std::uint64_t lyrics_fingerprint() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace promptlist
