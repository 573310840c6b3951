// Catalog::remove_songs: every id is checked before anything is deleted, so a
// typo removes nothing; the foreign keys (ON DELETE CASCADE) take the verses,
// features and playlist places with the song.
#include "catalog/catalog_impl.h"
#include "promptlist/error.h"

namespace promptlist {

void Catalog::remove_songs(const std::vector<std::string>& ids) {
  SqliteDb& db = impl_->writable_db();
  SqliteTransaction transaction(db);
  SqliteStatement remove(db, "DELETE FROM songs WHERE id = ?");
  std::string unknown;
  for (const std::string& id : ids) {
    remove.reset();
    remove.bind(1, std::string_view(id));
    remove.step();
    if (sqlite3_changes(db.handle()) == 0) unknown += (unknown.empty() ? "" : ", ") + id;
  }
  if (!unknown.empty()) throw Error(path() + ": no song with id " + unknown + " (nothing removed)");
  transaction.commit();
}

}  // namespace promptlist
