// catalog/song_reads.h: the reads a playlist makes per song, prepared once.
//
//   SongReads reads(db);                       // one per open catalog
//   std::optional<Song> song = reads.find(key);
//   auto labels = reads.playlists_of(key);
//
// A served playlist looks up hundreds of candidate songs; preparing three
// statements for each cost a quarter of the request. The statements are
// shared by the server's threads, so each read holds a mutex (SQLite
// serializes one connection anyway) and resets its statement before it
// returns, so no read transaction stays open between requests.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/sqlite_db.h"
#include "promptlist/catalog.h"

namespace promptlist {

// The songs table's columns, in the order read_song_row() reads them.
extern const char* const kSongColumns;
constexpr int kSongColumnCount = 11;
// The same columns qualified (s.), for joins with the features table.
extern const char* const kSongColumnsQualified;
// Feature columns, named after feature_specs(), in schema order.
std::string feature_columns();
// A Song from a row whose first columns are kSongColumns (no verses, no features).
Song read_song_row(const SqliteStatement& st);
// Reads the feature_columns() that start at column `first` into song.features.
void read_feature_columns(const SqliteStatement& st, int first, Song& song);
// One song's verses in order; binds the song's key as ?1.
extern const char* const kSelectVersesOfSong;

class SongReads {
 public:
  explicit SongReads(const SqliteDb& db);
  // The song with its features, and its verses unless `parts` leaves them
  // out; nullopt when no song has the key.
  std::optional<Song> find(std::int64_t key, SongParts parts);
  std::optional<std::int64_t> key_of(const std::string& id);
  std::vector<PlaylistLabel> playlists_of(std::int64_t key);
  // Appends the song's verses in order (for bulk reads that hold no lock).
  static void append_verses(SqliteStatement& verses, Song& song);

 private:
  std::mutex mutex_;
  SqliteStatement song_, verses_, key_of_id_, playlists_;  // song_: its row and features
};

}  // namespace promptlist
