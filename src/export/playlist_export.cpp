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

std::string location(const PlaylistEntry& e) {
  if (!e.spotify_id.empty()) return "https://open.spotify.com/track/" + e.spotify_id;
  return "promptlist:song/" + uri_escape(e.song_id);
}

std::string m3u8(const Playlist& p) {
  std::string out = "#EXTM3U\n#PLAYLIST:" + one_line(p.request.prompt) + "\n";
  for (const auto& e : p.entries) {
    const auto ms = e.features[Feature::duration_ms];
    const long seconds = ms ? std::lround(*ms / 1000) : -1;
    out += "#EXTINF:" + std::to_string(seconds) + "," + one_line(e.artist) + " - " + one_line(e.title) + "\n";
    out += location(e) + "\n";
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
  out += "  <title>" + xml_escape(p.request.prompt) + "</title>\n";
  out += "  <creator>promptlist</creator>\n";
  out += "  <annotation>" + xml_escape("A playlist for \"" + p.request.prompt + "\"") + "</annotation>\n";
  out += std::string("  <date>") + date + "</date>\n  <trackList>\n";
  for (const auto& e : p.entries) {
    out += "    <track>\n";
    out += "      <location>" + xml_escape(location(e)) + "</location>\n";
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
