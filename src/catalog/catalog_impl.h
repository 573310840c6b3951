// catalog/catalog_impl.h: what the catalog's source files share (schema
// access and the song upsert); not a public header.
#pragma once

#include <fstream>
#include <memory>
#include <string>

#include "catalog/song_reads.h"
#include "catalog/sqlite_db.h"
#include "promptlist/catalog.h"

namespace promptlist {

struct Catalog::Impl {
  Impl(const std::string& path, CatalogAccess access);
  // The database for an import; throws if the catalog was opened read-only.
  SqliteDb& writable_db();

  CatalogAccess access;
  SqliteDb db;
  std::unique_ptr<SongReads> reads;  // after db: its statements are finalized before db closes
};

// Inserts the song, or updates the song with the same id. Returns true when
// the song is new. Verses are replaced only when song.verses is non-empty;
// features only when song.features is non-empty.
bool upsert_song(SqliteDb& db, const Song& song);
void add_playlist_label(SqliteDb& db, const std::string& song_id, const PlaylistLabel& label);

// Collects "file:line: reason" problems and decides whether an import stops.
class ImportProblems {
 public:
  ImportProblems(ImportReport& report, const ImportOptions& options) : report_(report), options_(options) {}
  // Records a bad line; throws promptlist::Error unless skip_bad is set.
  void bad_line(std::size_t line, const std::string& reason);

 private:
  ImportReport& report_;
  const ImportOptions& options_;
};

// Reads an import file line by line, counting line numbers and bytes for
// error messages and the progress callback.
class ImportLines {
 public:
  ImportLines(const std::string& file, const ImportOptions& options);  // throws if unreadable
  // Next physical line without its '\n'; false at the end of the file.
  bool next(std::string& line);
  std::size_t line_number() const { return line_no_; }
  void finish();  // throws on a read error; reports 100 %

 private:
  std::string file_;
  const ImportOptions& options_;
  std::ifstream in_;
  std::size_t total_ = 0, bytes_ = 0, line_no_ = 0;
};

}  // namespace promptlist
