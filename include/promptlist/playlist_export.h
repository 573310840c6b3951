// promptlist/playlist_export.h: a playlist as a file other programs open.
//
//   m3u8     extended M3U in UTF-8 (#EXTM3U, #EXTINF per track)
//   xspf     XSPF version 1 (xspf.org), valid against the XSPF 1 schema
//   json     the playlist as `promptlist generate --json` prints it
//   spotify  one spotify:track:<id> per line, for the tracks that have a
//            Spotify id; pasted into a Spotify playlist, they become tracks
//
// A song without audio (a lyric from the public-domain collections) is
// located as "promptlist:song/<id>", so players skip it but the list keeps
// its order and its reasons.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "promptlist/playlist.h"

namespace promptlist {

enum class ExportFormat { m3u8, xspf, json, spotify };

struct ExportFormatInfo {
  ExportFormat format;
  std::string_view name;          // what --format and ?format= take ("m3u8")
  std::string_view label;         // what a button says ("M3U8")
  std::string_view extension;     // of the file it is saved as ("m3u8")
  std::string_view content_type;  // of the HTTP reply
  std::string (*write)(const Playlist&);
};

// Every format, in the order a page lists them.
const std::vector<ExportFormatInfo>& export_formats();

ExportFormat export_format_from_string(std::string_view name);  // also "m3u"; throws promptlist::Error
const char* to_string(ExportFormat);
const char* content_type(ExportFormat);
const char* file_extension(ExportFormat);

std::string export_playlist(const Playlist& playlist, ExportFormat format);

}  // namespace promptlist
