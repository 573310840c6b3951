#include "promptlist/playlist_export.h"

#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "promptlist/name_table.h"
#include "promptlist/text.h"

namespace promptlist {

namespace {

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters, even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string uri_escape(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == ':') out += static_cast<char>(c);
    else out += {'%', hex[c >> 4], hex[c & 15]};
  }
  return out;
}

// One line: no line breaks inside M3U fields.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

// A playlist of texts only has nothing a player or Spotify could open.
void require_a_recording(const Playlist& p, const char* format) {
  for (const auto& e : p.entries)
    if (!e.spotify_id.empty()) return;
  throw Error(std::string("none of this playlist's songs has a recording, so there is nothing to export as ") + format +
              " (its songs are public-domain texts; export JSON or XSPF, or ask for songs with a recording)");
}

std::string playlist_title(const Playlist& p) {
  return p.seed ? "Songs like " + p.seed->title + " by " + p.seed->artist : p.request.prompt;
}

// Entries a player opens: #EXTINF (seconds, "Artist - Title") and the
// track's Spotify URI; texts without a recording become comment lines.
std::string m3u8(const Playlist& p) {
  require_a_recording(p, "M3U8");
  std::string out = "#EXTM3U\n#PLAYLIST:" + one_line(playlist_title(p)) + "\n";
  for (const auto& e : p.entries) {
    if (e.spotify_id.empty()) {
      out += "# left out: \"" + one_line(e.title) + "\" by " + one_line(e.artist) + " is a text with no recording\n";
      continue;
    }
    const auto ms = e.features[Feature::duration_ms];
    const long seconds = ms ? std::lround(*ms / 1000) : -1;
    out += "#EXTINF:" + std::to_string(seconds) + "," + one_line(e.artist) + " - " + one_line(e.title) + "\n";
    out += "spotify:track:" + e.spotify_id + "\n";
  }
  return out;
}

std::string xspf(const Playlist& p) {
  char date[32];
  std::time_t now = std::time(nullptr);
  // gmtime_r, not std::gmtime: the server exports from several threads at
  // once and std::gmtime returns one shared buffer.
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &utc);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">\n";
  out += "  <title>" + xml_escape(playlist_title(p)) + "</title>\n";
  out += "  <creator>promptlist</creator>\n";
  out += "  <annotation>" + xml_escape("A playlist for \"" + playlist_title(p) + "\"") + "</annotation>\n";
  out += std::string("  <date>") + date + "</date>\n  <trackList>\n";
  for (const auto& e : p.entries) {
    out += "    <track>\n";
    // A text has no recording to locate: its identifier says which it is.
    if (!e.spotify_id.empty()) out += "      <location>https://open.spotify.com/track/" + xml_escape(e.spotify_id) + "</location>\n";
    out += "      <identifier>" + xml_escape(e.spotify_id.empty() ? "promptlist:song/" + uri_escape(e.song_id)
                                                                   : "spotify:track:" + e.spotify_id) +
           "</identifier>\n";
    out += "      <title>" + xml_escape(e.title) + "</title>\n";
    out += "      <creator>" + xml_escape(e.artist) + "</creator>\n";
    out += "      <annotation>" + xml_escape(e.why) + "</annotation>\n";
    if (!e.collection.empty()) out += "      <album>" + xml_escape(e.collection) + "</album>\n";
    if (auto ms = e.features[Feature::duration_ms]) out += "      <duration>" + std::to_string(std::lround(*ms)) + "</duration>\n";
    out += "    </track>\n";
  }
  out += "  </trackList>\n</playlist>\n";
  return out;
}

std::string spotify(const Playlist& p) {
  require_a_recording(p, "Spotify URIs");
  std::string out;
  for (const auto& e : p.entries)
    if (!e.spotify_id.empty()) out += "spotify:track:" + e.spotify_id + "\n";
  return out;
}

}  // namespace

namespace {

// The one list of export formats.
constexpr ExportFormatInfo kFormats[] = {
    {ExportFormat::m3u8, "m3u8", "M3U8", "m3u8", "audio/x-mpegurl; charset=utf-8", m3u8},
    {ExportFormat::xspf, "xspf", "XSPF", "xspf", "application/xspf+xml; charset=utf-8", xspf},
    {ExportFormat::json, "json", "JSON", "json", "application/json; charset=utf-8", [](const Playlist& p) {
       return to_json(p).dump(2) + "\n";
     }},
    {ExportFormat::spotify, "spotify", "Spotify URIs", "txt", "text/plain; charset=utf-8", spotify},
};

const ExportFormatInfo& info(ExportFormat f) {
  for (const auto& entry : kFormats)
    if (entry.format == f) return entry;
  throw std::logic_error("an export format missing from kFormats");
}

}  // namespace

const std::vector<ExportFormatInfo>& export_formats() {
  static const std::vector<ExportFormatInfo> formats(std::begin(kFormats), std::end(kFormats));
  return formats;
}

ExportFormat export_format_from_string(std::string_view name) {
  if (name == "m3u") return ExportFormat::m3u8;  // what most players call it
  for (const auto& entry : kFormats)
    if (entry.name == name) return entry.format;
  std::vector<std::string> known;
  for (const auto& entry : kFormats) known.emplace_back(entry.name);
  throw Error("unknown export format '" + std::string(utf8_prefix(name, 40)) + "' (" + name_list(known) + ")");
}

const char* to_string(ExportFormat f) { return info(f).name.data(); }
const char* content_type(ExportFormat f) { return info(f).content_type.data(); }
const char* file_extension(ExportFormat f) { return info(f).extension.data(); }
std::string export_playlist(const Playlist& p, ExportFormat f) { return info(f).write(p); }

}  // namespace promptlist
