#include "catalog/song_reads.h"

#include <nlohmann/json.hpp>

namespace promptlist {

const char* const kSongColumns = "key, id, title, artist, collection, year, language, tags, source, license, spotify_id";
const char* const kSongColumnsQualified =
    "s.key, s.id, s.title, s.artist, s.collection, s.year, s.language, s.tags, s.source, s.license, s.spotify_id";

const char* const kSelectVersesOfSong = "SELECT text FROM verses WHERE song_key = ? ORDER BY number";

std::string feature_columns() {
  std::string cols;
  for (const auto& s : feature_specs()) {
    if (!cols.empty()) cols += ", ";
    cols += s.name;
  }
  return cols;
}

namespace {

std::vector<std::string> parse_tags(const std::string& json_text) {
  std::vector<std::string> tags;
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_array())
    for (const auto& t : j)
      if (t.is_string()) tags.push_back(t.get<std::string>());
  return tags;
}

// Resets the statement however the read ends (a throw included): a
// statement left stepping holds a read transaction open.
struct ResetAfter {
  SqliteStatement& st;
  ~ResetAfter() { st.reset(); }
};

// The song row and its features (NULL for a text) in one step.
std::string select_song_with_features() {
  std::string sql = std::string("SELECT ") + kSongColumnsQualified;
  for (const auto& f : feature_specs()) sql += std::string(", f.") + std::string(f.name);
  return sql + " FROM songs s LEFT JOIN features f ON f.song_key = s.key WHERE s.key = ?";
}

}  // namespace

Song read_song_row(const SqliteStatement& st) {
  Song s;
  s.key = st.int64(0);
  s.id = st.text(1);
  s.title = st.text(2);
  s.artist = st.text(3);
  s.collection = st.text(4);
  if (!st.is_null(5)) s.year = static_cast<int>(st.int64(5));
  s.language = st.text(6);
  s.tags = parse_tags(st.text(7));
  s.source = st.text(8);
  s.license = st.text(9);
  s.spotify_id = st.text(10);
  return s;
}

void read_feature_columns(const SqliteStatement& st, int first, Song& song) {
  for (std::size_t i = 0; i < kFeatureCount; ++i)
    if (!st.is_null(first + static_cast<int>(i))) song.features.values[i] = st.real(first + static_cast<int>(i));
}

SongReads::SongReads(const SqliteDb& db)
    : song_(db, select_song_with_features().c_str()),
      verses_(db, kSelectVersesOfSong),
      key_of_id_(db, "SELECT key FROM songs WHERE id = ?"),
      playlists_(db, "SELECT playlist_id, name, genre, subgenre FROM playlists WHERE song_key = ? ORDER BY playlist_id") {}

void SongReads::append_verses(SqliteStatement& verses, Song& song) {
  ResetAfter reset{verses};
  verses.bind(1, song.key);
  while (verses.step()) song.verses.push_back(verses.text(0));
}

std::optional<Song> SongReads::find(std::int64_t key, SongParts parts) {
  std::lock_guard<std::mutex> lock(mutex_);
  Song song;
  {
    ResetAfter reset{song_};
    song_.bind(1, key);
    if (!song_.step()) return std::nullopt;
    song = read_song_row(song_);
    read_feature_columns(song_, kSongColumnCount, song);
  }
  if (parts == SongParts::with_verses) append_verses(verses_, song);
  return song;
}

std::optional<std::int64_t> SongReads::key_of(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  ResetAfter reset{key_of_id_};
  key_of_id_.bind(1, id);
  if (!key_of_id_.step()) return std::nullopt;
  return key_of_id_.int64(0);
}

std::vector<PlaylistLabel> SongReads::playlists_of(std::int64_t key) {
  std::lock_guard<std::mutex> lock(mutex_);
  ResetAfter reset{playlists_};
  playlists_.bind(1, key);
  std::vector<PlaylistLabel> labels;
  while (playlists_.step()) labels.push_back({playlists_.text(0), playlists_.text(1), playlists_.text(2), playlists_.text(3)});
  return labels;
}

}  // namespace promptlist
