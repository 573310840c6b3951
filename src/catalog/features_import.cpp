// Import of Spotify audio features from CSV, parsed with libcsv (strict
// RFC 4180 quoting). Columns are found by header name, so both shipped
// layouts and any column order work.
#include <csv.h>

#include <charconv>
#include <cmath>
#include <map>

#include "catalog/catalog_impl.h"
#include <regex>

#include "promptlist/error.h"
#include "promptlist/text.h"

namespace promptlist {

namespace {

// Collects records from libcsv callbacks; each record remembers the input
// line it ended on so errors can name it.
struct CsvCollector {
  std::vector<std::string> fields;
  std::vector<std::pair<std::size_t, std::vector<std::string>>> records;
  std::size_t line = 0;
  std::string field_too_long;

  static void on_field(void* data, std::size_t len, void* self_ptr) {
    auto* self = static_cast<CsvCollector*>(self_ptr);
    self->fields.emplace_back(static_cast<const char*>(data), len);
  }
  static void on_record(int, void* self_ptr) {
    auto* self = static_cast<CsvCollector*>(self_ptr);
    self->records.emplace_back(self->line, std::move(self->fields));
    self->fields.clear();
  }
};

// Which column holds what; -1 when the file has no such column.
struct ColumnMap {
  int id = -1, uri = -1, title = -1, artist = -1, album = -1, release_date = -1, popularity = -1;
  int playlist_id = -1, playlist_name = -1, playlist_genre = -1, playlist_subgenre = -1;
  std::array<int, kFeatureCount> features{};

  explicit ColumnMap(const std::vector<std::string>& header) {
    features.fill(-1);
    std::map<std::string, int> by_name;
    for (std::size_t i = 0; i < header.size(); ++i) {
      std::string name = header[i];
      if (i == 0 && name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);  // UTF-8 BOM
      by_name[name] = static_cast<int>(i);
    }
    auto col = [&](std::initializer_list<const char*> names) {
      for (const char* n : names)
        if (auto it = by_name.find(n); it != by_name.end()) return it->second;
      return -1;
    };
    id = col({"track_id", "id"});
    uri = col({"uri", "track_uri"});
    title = col({"track_name", "track", "name", "title"});
    artist = col({"track_artist", "artist", "artists", "artist_name"});
    album = col({"track_album_name", "album", "album_name"});
    release_date = col({"track_album_release_date", "release_date"});
    popularity = col({"track_popularity", "popularity"});
    playlist_id = col({"playlist_id"});
    playlist_name = col({"playlist_name"});
    playlist_genre = col({"playlist_genre"});
    playlist_subgenre = col({"playlist_subgenre"});
    for (const auto& spec : feature_specs())
      if (spec.feature != Feature::popularity) features[static_cast<std::size_t>(spec.feature)] = col({spec.name.data()});
    features[static_cast<std::size_t>(Feature::popularity)] = popularity;
  }
};

bool is_spotify_id(std::string_view s) {
  if (s.size() != 22) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

bool is_missing(const std::string& field) {
  return field.find_first_not_of(' ') == std::string::npos || field == "NA";
}

double parse_number(const std::string& field, const char* column) {
  std::string_view s = field;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) throw Error(std::string("field '") + column + "' is empty");
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    throw Error(std::string("field '") + column + "' is not a number: '" + std::string(s) + "'");
  return v;
}

struct ParsedTrack {
  Song song;
  PlaylistLabel playlist;
};

ParsedTrack parse_track(const ColumnMap& cols, const std::vector<std::string>& r, std::size_t expected_fields) {
  if (r.size() != expected_fields)
    throw Error("has " + std::to_string(r.size()) + " fields, the header has " +
                                std::to_string(expected_fields));
  for (const auto& f : r)
    if (auto bad = find_invalid_utf8(f)) throw Error("invalid UTF-8 in a field");
  ParsedTrack t;
  Song& s = t.song;
  if (cols.id >= 0) {
    s.spotify_id = r[cols.id];
  } else {
    const std::string& uri = r[cols.uri];
    if (uri.rfind("spotify:track:", 0) != 0) throw Error("field 'uri' is not a spotify:track: URI");
    s.spotify_id = uri.substr(14);
  }
  if (!is_spotify_id(s.spotify_id))
    throw Error("track id '" + s.spotify_id.substr(0, 40) + "' is not a 22-character Spotify id");
  s.id = "spotify:track:" + s.spotify_id;
  s.title = r[cols.title];
  s.artist = r[cols.artist];
  // R's write.csv (the TidyTuesday export) writes a missing value as NA.
  if (is_missing(s.title)) throw Error("track name is missing");
  if (is_missing(s.artist)) throw Error("artist is missing");
  if (cols.album >= 0 && !is_missing(r[cols.album])) s.collection = r[cols.album];
  if (cols.release_date >= 0 && r[cols.release_date].size() >= 4) {
    int year = 0;
    auto [end, ec] = std::from_chars(r[cols.release_date].data(), r[cols.release_date].data() + 4, year);
    if (ec == std::errc() && year > 1000) s.year = year;
  }
  for (const auto& spec : feature_specs()) {
    int c = cols.features[static_cast<std::size_t>(spec.feature)];
    if (c < 0) continue;
    double v = parse_number(r[c], spec.name.data());
    if (!feature_value_valid(spec.feature, v))
      throw Error("field '" + std::string(spec.name) + "' = " + r[c] + " is outside " +
                                  std::to_string(spec.min) + ".." + std::to_string(spec.max));
    s.features[spec.feature] = v;
  }
  if (cols.playlist_id >= 0 && !r[cols.playlist_id].empty()) {
    t.playlist.playlist_id = r[cols.playlist_id];
    if (cols.playlist_name >= 0) t.playlist.name = r[cols.playlist_name];
    if (cols.playlist_genre >= 0) t.playlist.genre = r[cols.playlist_genre];
    if (cols.playlist_subgenre >= 0) t.playlist.subgenre = r[cols.playlist_subgenre];
  }
  return t;
}

// "dataset-of-80s.csv" (the decade files of ../shared/data) holds tracks of
// the 1980s: their tag "decade:1980" is what era requests know of their age,
// as the files have no release dates.
std::optional<std::string> decade_tag(const std::string& file) {
  static const std::regex kDecadeFile(R"(dataset-of-(\d\d)s\.csv$)");
  std::smatch m;
  if (!std::regex_search(file, m, kDecadeFile)) return std::nullopt;
  const int two = std::stoi(m[1].str());
  return "decade:" + std::to_string(two >= 30 ? 1900 + two : 2000 + two);
}

}  // namespace

ImportReport Catalog::import_features_csv(const std::string& file, const ImportOptions& options) {
  const std::optional<std::string> decade = decade_tag(file);
  ImportReport report;
  report.file = file;
  ImportLines lines(file, options);
  ImportProblems problems(report, options);

  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) throw Error("cannot initialise the CSV parser");
  struct ParserGuard {
    csv_parser* p;
    ~ParserGuard() { csv_free(p); }
  } guard{&parser};

  CsvCollector collector;
  std::optional<ColumnMap> cols;
  std::size_t header_fields = 0;
  SqliteTransaction tx(impl_->writable_db());

  auto process_records = [&] {
    for (auto& [line, record] : collector.records) {
      if (!cols) {
        cols.emplace(record);
        header_fields = record.size();
        if (cols->id < 0 && cols->uri < 0)
          throw Error(file + ":" + std::to_string(line) + ": header has no track_id or uri column");
        if (cols->title < 0 || cols->artist < 0)
          throw Error(file + ":" + std::to_string(line) + ": header has no track name or artist column");
        bool any_feature = false;
        for (int c : cols->features) any_feature |= c >= 0;
        if (!any_feature) throw Error(file + ":" + std::to_string(line) + ": header names no audio feature column");
        continue;
      }
      ++report.lines;
      ParsedTrack track;
      try {
        track = parse_track(*cols, record, header_fields);
      } catch (const Error& e) {  // a bad line (parse_track only parses): reported, skipped or fatal per options
        problems.bad_line(line, e.what());
        continue;
      }
      if (decade) track.song.tags.push_back(*decade);
      (upsert_song(impl_->db, track.song) ? report.inserted : report.updated)++;
      if (!track.playlist.playlist_id.empty()) add_playlist_label(impl_->db, track.song.id, track.playlist);
    }
    collector.records.clear();
  };

  std::string line;
  while (lines.next(line)) {
    collector.line = lines.line_number();
    line.push_back('\n');
    if (csv_parse(&parser, line.data(), line.size(), CsvCollector::on_field, CsvCollector::on_record, &collector) !=
        line.size()) {
      // Strict mode: a stray quote inside an unquoted field. The CSV stream is
      // out of step from here on, so even --skip-bad cannot go on.
      throw Error(file + ":" + std::to_string(collector.line) + ": malformed CSV (" +
                  csv_strerror(csv_error(&parser)) + ")");
    }
    process_records();
  }
  lines.finish();
  if (csv_fini(&parser, CsvCollector::on_field, CsvCollector::on_record, &collector) != 0)
    throw Error(file + ":" + std::to_string(collector.line) + ": malformed CSV (unterminated quoted field)");
  process_records();
  if (!cols) throw Error(file + ": empty file (no CSV header)");
  tx.commit();
  return report;
}

}  // namespace promptlist
