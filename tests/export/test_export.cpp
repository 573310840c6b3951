// Playlist exports: M3U8, XSPF (validated with xmllint against the XSPF 1
// schema), JSON and Spotify URIs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "promptlist/playlist_export.h"
#include "test_support.h"

using namespace promptlist;

namespace {

Playlist sample() {
  Playlist p;
  p.request.prompt = "calm & quiet <songs> for \"studying\"";
  PlaylistEntry a;
  a.song_id = "spotify:track:4GiXBCUF7H6YfNQsnBRIzl";
  a.spotify_id = "4GiXBCUF7H6YfNQsnBRIzl";
  a.title = "Lucky Man";
  a.artist = "Montgomery Gentry";
  a.collection = "Tattoos & Scars";
  a.features[Feature::duration_ms] = 196707;
  a.why = "sound fits 97%: energy 0.47 (asked 0.25)";
  PlaylistEntry b;
  b.song_id = "openhymnal/jesujoyofmansdesiring";
  b.title = "Jesus, Joy of Man's Desiring";
  b.artist = "Martin Janus";
  b.why = "verse 1 (\"Jesus joy\") is close in meaning\nand \x07 says \"joy\"";
  p.entries = {a, b};
  return p;
}

bool xmllint_valid(const std::string& xml) {
  const auto dir = test::scratch_dir("xspf");
  const auto file = test::write_file(dir / "p.xspf", xml);
  const std::string schema = (std::filesystem::path(PROMPTLIST_SOURCE_DIR) / "tests/export/xspf-1.xsd").string();
  const std::string cmd = "xmllint --noout --schema '" + schema + "' '" + file.string() + "' 2>" + (dir / "err").string();
  const int rc = std::system(cmd.c_str());
  if (rc != 0) ADD_FAILURE() << test::read_file(dir / "err");
  return rc == 0;
}

}  // namespace

TEST(Export, M3u8ListsRecordingsByTheirSpotifyUriAndLeavesTextsOutWithAComment) {
  const std::string m3u = export_playlist(sample(), ExportFormat::m3u8);
  EXPECT_EQ(m3u.rfind("#EXTM3U\n#PLAYLIST:calm & quiet", 0), 0u) << m3u;
  EXPECT_NE(m3u.find("#EXTINF:197,Montgomery Gentry - Lucky Man\nspotify:track:4GiXBCUF7H6YfNQsnBRIzl\n"), std::string::npos)
      << m3u;
  // The text has no recording: a comment line says so, and no entry points at it.
  EXPECT_NE(m3u.find("# left out: \"Jesus, Joy of Man's Desiring\" by Martin Janus is a text with no recording\n"),
            std::string::npos)
      << m3u;
  EXPECT_EQ(m3u.find("#EXTINF:-1"), std::string::npos) << m3u;
  EXPECT_EQ(m3u.find("promptlist:song"), std::string::npos) << m3u;
  // Every line that is not a comment is an entry a player opens.
  std::istringstream lines(m3u);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] != '#') {
      EXPECT_EQ(line.rfind("spotify:track:", 0), 0u) << line;
    }
}

TEST(Export, APlaylistOfTextsOnlyHasNothingToExportForPlayersAndSaysWhy) {
  Playlist texts = sample();
  texts.entries.erase(texts.entries.begin());  // only the hymn is left
  for (ExportFormat f : {ExportFormat::m3u8, ExportFormat::spotify}) {
    try {
      export_playlist(texts, f);
      ADD_FAILURE() << to_string(f) << " exported a playlist with no recording";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::bad_input);
      EXPECT_NE(std::string(e.what()).find("nothing to export"), std::string::npos) << e.what();
    }
  }
  // JSON and XSPF describe the texts all the same.
  EXPECT_NE(export_playlist(texts, ExportFormat::json).find("Jesus, Joy"), std::string::npos);
  EXPECT_TRUE(xmllint_valid(export_playlist(texts, ExportFormat::xspf)));
}

TEST(Export, XspfIsValidAgainstTheSchemaAndEscapes) {
  const std::string xml = export_playlist(sample(), ExportFormat::xspf);
  EXPECT_TRUE(xmllint_valid(xml)) << xml;
  EXPECT_NE(xml.find("<title>calm &amp; quiet &lt;songs&gt; for &quot;studying&quot;</title>"), std::string::npos);
  EXPECT_NE(xml.find("<duration>196707</duration>"), std::string::npos);
  EXPECT_NE(xml.find("<identifier>spotify:track:4GiXBCUF7H6YfNQsnBRIzl</identifier>"), std::string::npos);
  EXPECT_EQ(xml.find('\x07'), std::string::npos) << "control characters are not allowed in XML";
}

TEST(Export, XspfOfAnEmptyPlaylistIsStillValid) {
  Playlist p;
  p.request.prompt = "nothing";
  EXPECT_TRUE(xmllint_valid(export_playlist(p, ExportFormat::xspf)));
}

TEST(Export, ABrokenXspfFailsTheSchema) {
  // The validator really validates: a track before the title is refused.
  std::string xml = export_playlist(sample(), ExportFormat::xspf);
  xml.replace(xml.find("<creator>promptlist</creator>"), 29, "<trackNum>0</trackNum>");
  const auto dir = test::scratch_dir("xspf-bad");
  const auto file = test::write_file(dir / "bad.xspf", xml);
  const std::string schema = (std::filesystem::path(PROMPTLIST_SOURCE_DIR) / "tests/export/xspf-1.xsd").string();
  EXPECT_NE(std::system(("xmllint --noout --schema '" + schema + "' '" + file.string() + "' 2>/dev/null").c_str()), 0);
}

TEST(Export, SpotifyUrisOnlyForTracksWithIds) {
  EXPECT_EQ(export_playlist(sample(), ExportFormat::spotify), "spotify:track:4GiXBCUF7H6YfNQsnBRIzl\n");
}

TEST(Export, JsonIsThePlaylist) {
  const auto j = nlohmann::json::parse(export_playlist(sample(), ExportFormat::json));
  EXPECT_EQ(j["songs"].size(), 2u);
  EXPECT_EQ(j["songs"][0]["spotify_id"], "4GiXBCUF7H6YfNQsnBRIzl");
}

TEST(Export, FormatNames) {
  EXPECT_EQ(export_format_from_string("m3u"), ExportFormat::m3u8);
  EXPECT_EQ(std::string(file_extension(ExportFormat::xspf)), "xspf");
  EXPECT_THROW(export_format_from_string("wav"), Error);
}
