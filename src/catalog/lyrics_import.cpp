// Import of lyrics from JSON Lines (one song object per line).
#include <nlohmann/json.hpp>

#include "catalog/catalog_impl.h"
#include "promptlist/error.h"
#include "promptlist/text.h"

namespace promptlist {

namespace {

constexpr std::size_t kMaxLineBytes = 4u << 20;  // a song of 4 MiB is not a song

// Reads an optional string field; throws Error (bad input) naming it
// when it has another type.
std::string optional_string(const nlohmann::json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return {};
  if (!it->is_string()) throw Error(std::string("field '") + field + "' is not a string");
  return it->get<std::string>();
}

std::string required_string(const nlohmann::json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) throw Error(std::string("field '") + field + "' is missing");
  if (!it->is_string()) throw Error(std::string("field '") + field + "' is not a string");
  std::string s = it->get<std::string>();
  if (s.find_first_not_of(" \t\r\n") == std::string::npos)
    throw Error(std::string("field '") + field + "' is empty");
  return s;
}

// Verses: a non-empty list of strings; blank stanzas are dropped, lines are
// trimmed at the right and CRLF becomes LF so that line spans are stable.
std::vector<std::string> read_verses(const nlohmann::json& j) {
  auto it = j.find("verses");
  if (it == j.end() || it->is_null()) throw Error("field 'verses' is missing");
  if (!it->is_array()) throw Error("field 'verses' is not a list");
  std::vector<std::string> verses;
  for (const auto& v : *it) {
    if (!v.is_string()) throw Error("field 'verses' has an entry that is not a string");
    std::string text;
    std::string line;
    for (char c : v.get<std::string>()) {
      if (c == '\r') continue;
      if (c == '\n') {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
        if (!line.empty()) text += (text.empty() ? "" : "\n") + line;
        line.clear();
      } else {
        line.push_back(c);
      }
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (!line.empty()) text += (text.empty() ? "" : "\n") + line;
    if (!text.empty()) verses.push_back(std::move(text));
  }
  if (verses.empty()) throw Error("field 'verses' has no text");
  return verses;
}

Song parse_song(const std::string& line) {
  if (auto bad = find_invalid_utf8(line))
    throw Error("invalid UTF-8 at byte " + std::to_string(*bad + 1));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    auto pos = what.find("parse error");
    throw Error("not valid JSON: " + (pos == std::string::npos ? what : what.substr(pos)));
  }
  if (!j.is_object()) throw Error("not a JSON object");
  Song s;
  s.id = required_string(j, "id");
  if (s.id.size() > 512) throw Error("field 'id' is longer than 512 bytes");
  s.title = required_string(j, "title");
  s.artist = optional_string(j, "artist");
  if (s.artist.empty()) s.artist = "Unknown";
  s.collection = optional_string(j, "collection");
  s.language = optional_string(j, "language");
  s.source = optional_string(j, "source");
  s.license = optional_string(j, "license");
  if (auto it = j.find("year"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer()) throw Error("field 'year' is not an integer");
    s.year = it->get<int>();
  }
  if (auto it = j.find("tags"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) throw Error("field 'tags' is not a list");
    for (const auto& t : *it) {
      if (!t.is_string()) throw Error("field 'tags' has an entry that is not a string");
      s.tags.push_back(t.get<std::string>());
    }
  }
  s.verses = read_verses(j);
  return s;
}

}  // namespace

ImportReport Catalog::import_lyrics_jsonl(const std::string& file, const ImportOptions& options) {
  ImportReport report;
  report.file = file;
  ImportLines lines(file, options);
  ImportProblems problems(report, options);
  SqliteTransaction tx(impl_->writable_db());
  std::string line;
  while (lines.next(line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines are allowed
    ++report.lines;
    if (line.size() > kMaxLineBytes) {
      problems.bad_line(lines.line_number(), "line is longer than 4 MiB");
      continue;
    }
    Song song;
    try {
      song = parse_song(line);
    } catch (const Error& e) {  // a bad line (parse_song only parses)
      problems.bad_line(lines.line_number(), e.what());
      continue;
    }
    (upsert_song(impl_->db, song) ? report.inserted : report.updated)++;
  }
  lines.finish();
  tx.commit();
  return report;
}

}  // namespace promptlist
