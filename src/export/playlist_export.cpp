#include "promptlist/playlist_export.h"

#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"

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

ExportFormat export_format_from_string(std::string_view name) {
  if (name == "m3u8" || name == "m3u") return ExportFormat::m3u8;
  if (name == "xspf") return ExportFormat::xspf;
  if (name == "json") return ExportFormat::json;
  if (name == "spotify") return ExportFormat::spotify;
  throw Error("unknown export format '" + std::string(name) + "' (m3u8, xspf, json or spotify)");
}

const char* to_string(ExportFormat f) {
  switch (f) {
    case ExportFormat::m3u8: return "m3u8";
    case ExportFormat::xspf: return "xspf";
    case ExportFormat::json: return "json";
    case ExportFormat::spotify: return "spotify";
  }
  return "?";
}

const char* content_type(ExportFormat f) {
  switch (f) {
    case ExportFormat::m3u8: return "audio/x-mpegurl; charset=utf-8";
    case ExportFormat::xspf: return "application/xspf+xml; charset=utf-8";
    case ExportFormat::json: return "application/json; charset=utf-8";
    case ExportFormat::spotify: return "text/plain; charset=utf-8";
  }
  return "application/octet-stream";
}

const char* file_extension(ExportFormat f) {
  switch (f) {
    case ExportFormat::m3u8: return "m3u8";
    case ExportFormat::xspf: return "xspf";
    case ExportFormat::json: return "json";
    case ExportFormat::spotify: return "txt";
  }
  return "bin";
}

std::string export_playlist(const Playlist& p, ExportFormat f) {
  switch (f) {
    case ExportFormat::m3u8: return m3u8(p);
    case ExportFormat::xspf: return xspf(p);
    case ExportFormat::json: return to_json(p).dump(2) + "\n";
    case ExportFormat::spotify: return spotify(p);
  }
  return {};
}

}  // namespace promptlist
