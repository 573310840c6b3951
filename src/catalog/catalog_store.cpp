// The catalog's schema, the song upsert and every read query.
#include <algorithm>
#include <numeric>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>

#include "catalog/catalog_impl.h"
#include "promptlist/error.h"

namespace promptlist {

namespace {

constexpr int kSchemaVersion = 1;

void create_schema(SqliteDb& db) {
  std::string features_table = "CREATE TABLE IF NOT EXISTS features(song_key INTEGER PRIMARY KEY "
                               "REFERENCES songs(key) ON DELETE CASCADE";
  for (const auto& s : feature_specs()) features_table += std::string(", ") + std::string(s.name) + " REAL";
  features_table += ");";
  const std::string sql = R"(
    CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS songs(
      key INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      title TEXT NOT NULL,
      artist TEXT NOT NULL DEFAULT '',
      collection TEXT NOT NULL DEFAULT '',
      year INTEGER,
      language TEXT NOT NULL DEFAULT '',
      tags TEXT NOT NULL DEFAULT '[]',
      source TEXT NOT NULL DEFAULT '',
      license TEXT NOT NULL DEFAULT '',
      spotify_id TEXT);
    CREATE TABLE IF NOT EXISTS verses(
      song_key INTEGER NOT NULL REFERENCES songs(key) ON DELETE CASCADE,
      number INTEGER NOT NULL,
      text TEXT NOT NULL,
      PRIMARY KEY(song_key, number));
    CREATE TABLE IF NOT EXISTS playlists(
      playlist_id TEXT NOT NULL,
      song_key INTEGER NOT NULL REFERENCES songs(key) ON DELETE CASCADE,
      name TEXT NOT NULL DEFAULT '',
      genre TEXT NOT NULL DEFAULT '',
      subgenre TEXT NOT NULL DEFAULT '',
      PRIMARY KEY(playlist_id, song_key));
    CREATE INDEX IF NOT EXISTS playlists_by_song ON playlists(song_key);
  )" + features_table;
  db.exec(sql.c_str());
}

// The number a "SELECT count(...)" gives.
std::size_t count_rows(const SqliteDb& db, const char* sql) {
  SqliteStatement st(db, sql);
  st.step();
  return static_cast<std::size_t>(st.int64(0));
}

// The songs by id, moved once each (a Song is large: sorting the songs
// themselves swaps every string of 66,000 of them many times).
std::vector<Song> sorted_by_id(std::vector<Song> songs) {
  std::vector<std::uint32_t> order(songs.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return songs[a].id < songs[b].id; });
  std::vector<Song> sorted;
  sorted.reserve(songs.size());
  for (std::uint32_t i : order) sorted.push_back(std::move(songs[i]));
  return sorted;
}

}  // namespace

namespace {
// A new catalog's folder is created, as for every other file promptlist writes.
void create_parent_folder(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) throw Error(path + ": cannot create folder: " + ec.message());
}

std::string folder_of(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// SQLite alone would say "unable to open database file" on the first
// statement (WAL mode creates catalog.db-wal and -shm beside the file).
void require_writable(const std::string& path) {
  const std::string folder = folder_of(path);
  if (::access(folder.c_str(), W_OK) != 0)
    throw Error(path + ": cannot write the catalog: the folder " + folder + " is not writable (" +
                std::strerror(errno) + ")");
  if (std::filesystem::exists(path) && ::access(path.c_str(), W_OK) != 0)
    throw Error(path + ": cannot write the catalog: the file is not writable (" + std::strerror(errno) + ")");
}

void require_exists(const std::string& path) {
  if (!std::filesystem::exists(path)) throw Error(path + ": no catalog here; run 'promptlist import' first");
}

// The URI parameters of a read-only open: none where SQLite can read the
// file in place (it then sees a concurrent import's commits); immutable=1
// where it cannot create the -shm file beside it. That is a folder we cannot
// write, so we cannot change the file either; only another user writing it
// while we read it would go unseen.
std::string read_only_uri_query(const std::string& path) {
  SqliteDb probe(path, SQLITE_OPEN_READONLY);
  const int rc = sqlite3_exec(probe.handle(), "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  return rc == SQLITE_CANTOPEN ? "immutable=1" : "";
}

SqliteDb open_database(const std::string& path, CatalogAccess access) {
  if (access == CatalogAccess::read_only) {
    require_exists(path);
    const std::string query = read_only_uri_query(path);
    return SqliteDb(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, query);
  }
  create_parent_folder(path);
  require_writable(path);
  return SqliteDb(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX);
}

// Throws unless db is a catalog this promptlist can read; true when it is
// empty (a new file).
bool check_is_catalog(const SqliteDb& db) {
  SqliteStatement probe(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
  probe.step();
  if (probe.int64(0) == 0) return true;
  SqliteStatement has_meta(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  has_meta.step();
  if (has_meta.int64(0) == 0) throw Error(db.path() + ": not a promptlist catalog (no meta table)");
  SqliteStatement version(db, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (!version.step()) throw Error(db.path() + ": not a promptlist catalog (no schema version)");
  int v = std::stoi(version.text(0));
  if (v > kSchemaVersion)
    throw Error(db.path() + ": catalog schema version " + std::to_string(v) + " is newer than this promptlist (" +
                std::to_string(kSchemaVersion) + ")");
  return false;
}
}  // namespace

Catalog::Impl::Impl(const std::string& path, CatalogAccess access)
    : access(access), db(open_database(path, access)) {
  // Map the file rather than copy pages through a 2 MB cache: opening an
  // engine reads every track, and pread copies were half of that time.
  db.exec("PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536;");
  if (access == CatalogAccess::read_only) {
    if (check_is_catalog(db)) throw Error(path + ": the catalog is empty; run 'promptlist import' first");
    reads = std::make_unique<SongReads>(db);
    return;
  }
  // WAL: readers (the server) never block on an import, and a crash mid-import
  // leaves the last committed state.
  db.exec("PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
  check_is_catalog(db);
  create_schema(db);
  db.exec(("INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '" + std::to_string(kSchemaVersion) +
           "')").c_str());
  reads = std::make_unique<SongReads>(db);
}

SqliteDb& Catalog::Impl::writable_db() {
  if (access == CatalogAccess::read_only) throw Error(db.path() + ": the catalog was opened read-only; cannot import");
  return db;
}

bool upsert_song(SqliteDb& db, const Song& song) {
  std::int64_t key = 0;
  {
    SqliteStatement find(db, "SELECT key FROM songs WHERE id = ?");
    find.bind(1, song.id);
    if (find.step()) key = find.int64(0);
  }
  const bool is_new = key == 0;
  nlohmann::json tags = song.tags;
  if (is_new) {
    SqliteStatement ins(db,
                        "INSERT INTO songs(id, title, artist, collection, year, language, tags, source, license, "
                        "spotify_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, song.id);
    ins.bind(2, song.title);
    ins.bind(3, song.artist);
    ins.bind(4, song.collection);
    ins.bind(5, song.year);
    ins.bind(6, song.language);
    ins.bind(7, tags.dump());
    ins.bind(8, song.source);
    ins.bind(9, song.license);
    if (song.spotify_id.empty()) ins.bind_null(10); else ins.bind(10, song.spotify_id);
    ins.step();
    key = sqlite3_last_insert_rowid(db.handle());
  } else {
    // Fields a source does not carry (empty) keep what another source gave.
    SqliteStatement upd(db,
                        "UPDATE songs SET title = ?, artist = ?, collection = coalesce(nullif(?, ''), collection), "
                        "year = coalesce(?, year), language = coalesce(nullif(?, ''), language), "
                        "tags = CASE WHEN ? = '[]' THEN tags ELSE ? END, "
                        "source = coalesce(nullif(?, ''), source), license = coalesce(nullif(?, ''), license), "
                        "spotify_id = coalesce(?, spotify_id) WHERE key = ?");
    upd.bind(1, song.title);
    upd.bind(2, song.artist);
    upd.bind(3, song.collection);
    upd.bind(4, song.year);
    upd.bind(5, song.language);
    upd.bind(6, tags.dump());
    upd.bind(7, tags.dump());
    upd.bind(8, song.source);
    upd.bind(9, song.license);
    if (song.spotify_id.empty()) upd.bind_null(10); else upd.bind(10, song.spotify_id);
    upd.bind(11, key);
    upd.step();
  }
  if (!song.verses.empty()) {
    SqliteStatement del(db, "DELETE FROM verses WHERE song_key = ?");
    del.bind(1, key);
    del.step();
    SqliteStatement ins(db, "INSERT INTO verses(song_key, number, text) VALUES(?, ?, ?)");
    for (std::size_t i = 0; i < song.verses.size(); ++i) {
      ins.reset();
      ins.bind(1, key);
      ins.bind(2, static_cast<std::int64_t>(i));
      ins.bind(3, song.verses[i]);
      ins.step();
    }
  }
  if (!song.features.empty()) {
    std::string sql = "INSERT OR REPLACE INTO features(song_key, " + feature_columns() + ") VALUES(?";
    for (std::size_t i = 0; i < kFeatureCount; ++i) sql += ", ?";
    sql += ")";
    SqliteStatement ins(db, sql.c_str());
    ins.bind(1, key);
    for (std::size_t i = 0; i < kFeatureCount; ++i) ins.bind(static_cast<int>(i + 2), song.features.values[i]);
    ins.step();
  }
  return is_new;
}

void add_playlist_label(SqliteDb& db, const std::string& song_id, const PlaylistLabel& label) {
  SqliteStatement ins(db,
                      "INSERT OR REPLACE INTO playlists(playlist_id, song_key, name, genre, subgenre) "
                      "SELECT ?, key, ?, ?, ? FROM songs WHERE id = ?");
  ins.bind(1, label.playlist_id);
  ins.bind(2, label.name);
  ins.bind(3, label.genre);
  ins.bind(4, label.subgenre);
  ins.bind(5, song_id);
  ins.step();
}

void ImportProblems::bad_line(std::size_t line, const std::string& reason) {
  std::string problem = report_.file + ":" + std::to_string(line) + ": " + reason;
  if (!options_.skip_bad)
    throw Error(problem + " (nothing from this file was imported; --skip-bad imports the other lines)");
  ++report_.skipped;
  if (report_.problems.size() < 20) report_.problems.push_back(std::move(problem));
}

ImportLines::ImportLines(const std::string& file, const ImportOptions& options)
    : file_(file), options_(options), in_(file, std::ios::binary) {
  if (!in_) throw Error(file + ": cannot open");
  std::error_code ec;
  total_ = std::filesystem::file_size(file, ec);
}

bool ImportLines::next(std::string& line) {
  if (!std::getline(in_, line)) return false;
  ++line_no_;
  bytes_ += line.size() + 1;
  if (options_.progress && line_no_ % 128 == 0) options_.progress(bytes_, total_);
  return true;
}

void ImportLines::finish() {
  if (in_.bad()) throw Error(file_ + ": read error");
  if (options_.progress) options_.progress(total_, total_);
}

Catalog::Catalog(const std::string& path, CatalogAccess access) : impl_(std::make_unique<Impl>(path, access)) {}
Catalog::~Catalog() = default;

const std::string& Catalog::path() const { return impl_->db.path(); }

CatalogStats Catalog::stats() const {
  CatalogStats s;
  auto count = [&](const char* sql) { return count_rows(impl_->db, sql); };
  s.songs = count("SELECT count(*) FROM songs");
  s.songs_with_lyrics = count("SELECT count(DISTINCT song_key) FROM verses");
  s.songs_with_features = count("SELECT count(*) FROM features");
  s.verses = count("SELECT count(*) FROM verses");
  s.playlists = count("SELECT count(DISTINCT playlist_id) FROM playlists");
  return s;
}

std::optional<Song> Catalog::find(std::int64_t key, SongParts parts) const { return impl_->reads->find(key, parts); }

std::optional<Song> Catalog::find(const std::string& id) const {
  const auto key = impl_->reads->key_of(id);
  return key ? find(*key) : std::nullopt;
}

std::vector<Song> Catalog::songs_with_lyrics() const {
  std::vector<Song> songs;
  SqliteStatement st(impl_->db, (std::string("SELECT ") + kSongColumns +
                                 " FROM songs WHERE key IN (SELECT song_key FROM verses) ORDER BY id")
                                    .c_str());
  while (st.step()) songs.push_back(read_song_row(st));
  SqliteStatement verses(impl_->db, kSelectVersesOfSong);
  for (auto& s : songs) SongReads::append_verses(verses, s);
  return songs;
}

std::vector<Song> Catalog::songs_with_features() const {
  std::vector<Song> songs;
  std::string sql = std::string("SELECT ") + kSongColumnsQualified;
  for (const auto& f : feature_specs()) sql += std::string(", f.") + std::string(f.name);
  // In the tables' own order (sequential pages), sorted by id after: an
  // ORDER BY s.id walks the id index and jumps to a row per track.
  sql += " FROM features f JOIN songs s ON s.key = f.song_key";
  SqliteStatement st(impl_->db, sql.c_str());
  songs.reserve(count_rows(impl_->db, "SELECT count(*) FROM features"));
  while (st.step()) {
    Song s = read_song_row(st);
    read_feature_columns(st, kSongColumnCount, s);
    songs.push_back(std::move(s));
  }
  return sorted_by_id(std::move(songs));
}

std::vector<PlaylistLabel> Catalog::playlists_of(std::int64_t key) const { return impl_->reads->playlists_of(key); }

std::vector<std::pair<std::int64_t, PlaylistLabel>> Catalog::playlist_memberships() const {
  std::vector<std::pair<std::int64_t, PlaylistLabel>> rows;
  SqliteStatement st(impl_->db,
                     "SELECT song_key, playlist_id, name, genre, subgenre FROM playlists ORDER BY playlist_id, song_key");
  while (st.step()) rows.push_back({st.int64(0), {st.text(1), st.text(2), st.text(3), st.text(4)}});
  return rows;
}

std::uint64_t Catalog::lyrics_fingerprint() const {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  SqliteStatement st(impl_->db,
                     "SELECT s.key, s.id, s.title, s.artist, v.number, v.text FROM songs s JOIN verses v "
                     "ON v.song_key = s.key ORDER BY s.id, v.number");
  while (st.step()) {
    std::int64_t key = st.int64(0);
    XXH3_64bits_update(state, &key, sizeof key);
    for (int col : {1, 2, 3, 5}) {
      std::string t = st.text(col);
      t.push_back('\0');
      XXH3_64bits_update(state, t.data(), t.size());
    }
  }
  std::uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return h;
}

}  // namespace promptlist
