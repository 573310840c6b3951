// catalog/catalog_impl.h: what the catalog's source files share (schema
// access and the song upsert); not a public header.
#pragma once

#include <string>

#include "catalog/sqlite_db.h"
#include "promptlist/catalog.h"

namespace promptlist {

struct Catalog::Impl {
  explicit Impl(const std::string& path);
  SqliteDb db;
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

}  // namespace promptlist
