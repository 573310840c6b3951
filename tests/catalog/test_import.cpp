// Catalog import: real formats, real edge cases, and the promise that a bad
// file changes nothing unless --skip-bad is asked for.
#include <gtest/gtest.h>

#include <fstream>

#include "promptlist/catalog.h"
#include "promptlist/error.h"
#include "test_support.h"

using namespace promptlist;
namespace fs = std::filesystem;

namespace {

const char* kSongA =
    R"({"id": "t/a", "title": "Song A", "artist": "Ann", "year": 1900, "tags": ["x"], "verses": ["one two three four five\nsix seven", "eight nine ten eleven twelve"]})";
const char* kSongB = R"({"id": "t/b", "title": "Song B", "verses": ["b verse one two three four"]})";

const char* kTidyHeader =
    "track_id,track_name,track_artist,track_popularity,track_album_id,track_album_name,track_album_release_date,"
    "playlist_name,playlist_id,playlist_genre,playlist_subgenre,danceability,energy,key,loudness,mode,speechiness,"
    "acousticness,instrumentalness,liveness,valence,tempo,duration_ms\n";
const char* kTidyRow =
    "6f807x0ima9a1j3VPbc7VN,\"I Don't Care, Remix\",Ed Sheeran,66,2oCs0DGTsRO98Gh5ZSl2Cx,Album,2019-06-14,"
    "Pop Remix,37i9dQZF1DXcZDD7cfEKhW,pop,dance pop,0.748,0.916,6,-2.634,1,0.0583,0.102,0,0.0653,0.518,122.036,194754\n";

struct ImportTest : ::testing::Test {
  fs::path dir = test::scratch_dir("import");
  std::unique_ptr<Catalog> catalog = std::make_unique<Catalog>((dir / "catalog.db").string());
  std::string file(const std::string& name, const std::string& text) {
    return test::write_file(dir / name, text).string();
  }
};

}  // namespace

TEST_F(ImportTest, ImportsLyricsWithAllFields) {
  auto r = catalog->import_lyrics_jsonl(file("a.jsonl", std::string(kSongA) + "\n\n" + kSongB + "\n"));
  EXPECT_EQ(r.lines, 2u);
  EXPECT_EQ(r.inserted, 2u);
  auto a = catalog->find("t/a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->title, "Song A");
  EXPECT_EQ(a->artist, "Ann");
  EXPECT_EQ(a->year, 1900);
  EXPECT_EQ(a->tags, std::vector<std::string>{"x"});
  ASSERT_EQ(a->verses.size(), 2u);
  EXPECT_EQ(a->verses[0], "one two three four five\nsix seven");
  EXPECT_EQ(catalog->find("t/b")->artist, "Unknown");
}

TEST_F(ImportTest, SameIdTwiceIsUpdatedNotDoubled) {
  catalog->import_lyrics_jsonl(file("a.jsonl", std::string(kSongA) + "\n"));
  std::string changed = kSongA;
  changed.replace(changed.find("Song A"), 6, "Song Z");
  auto r = catalog->import_lyrics_jsonl(file("b.jsonl", changed + "\n"));
  EXPECT_EQ(r.inserted, 0u);
  EXPECT_EQ(r.updated, 1u);
  EXPECT_EQ(catalog->stats().songs, 1u);
  EXPECT_EQ(catalog->stats().verses, 2u);
  EXPECT_EQ(catalog->find("t/a")->title, "Song Z");
}

TEST_F(ImportTest, BadLineNamesFileLineAndReasonAndWritesNothing) {
  const std::string path = file("bad.jsonl", std::string(kSongA) + "\n" + R"({"id": "t/c", "verses": ["x y z w v"]})" + "\n");
  try {
    catalog->import_lyrics_jsonl(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("bad.jsonl:2:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'title' is missing"), std::string::npos) << msg;
  }
  EXPECT_EQ(catalog->stats().songs, 0u) << "the good first line must be rolled back too";
}

TEST_F(ImportTest, SkipBadImportsTheRestAndCounts) {
  const std::string lines = std::string(kSongA) + "\n" +
                            "{not json\n" +
                            R"({"id": "t/d", "title": "D", "verses": []})" + "\n" +
                            R"({"id": "t/e", "title": "E", "verses": "not a list"})" + "\n" +
                            R"({"id": 5, "title": "E", "verses": ["a"]})" + "\n" +
                            "{\"id\": \"t/f\", \"title\": \"bad \xFF utf8\", \"verses\": [\"x\"]}\n" +
                            R"([1, 2])" + "\n" + kSongB + "\n";
  ImportOptions options;
  options.skip_bad = true;
  auto r = catalog->import_lyrics_jsonl(file("mixed.jsonl", lines), options);
  EXPECT_EQ(r.inserted, 2u);
  EXPECT_EQ(r.skipped, 6u);
  ASSERT_EQ(r.problems.size(), 6u);
  EXPECT_NE(r.problems[0].find("mixed.jsonl:2: not valid JSON"), std::string::npos) << r.problems[0];
  EXPECT_NE(r.problems[1].find(":3: field 'verses' has no text"), std::string::npos) << r.problems[1];
  EXPECT_NE(r.problems[2].find(":4: field 'verses' is not a list"), std::string::npos) << r.problems[2];
  EXPECT_NE(r.problems[3].find(":5: field 'id' is not a string"), std::string::npos) << r.problems[3];
  EXPECT_NE(r.problems[4].find(":6: invalid UTF-8"), std::string::npos) << r.problems[4];
  EXPECT_NE(r.problems[5].find(":7: not a JSON object"), std::string::npos) << r.problems[5];
}

TEST_F(ImportTest, VersesAreNormalisedForStableLineSpans) {
  catalog->import_lyrics_jsonl(
      file("crlf.jsonl", R"({"id": "t/g", "title": "G", "verses": ["line one  \r\nline two\n\n", "  ", "last"]})" "\n"));
  auto g = catalog->find("t/g");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->verses, (std::vector<std::string>{"line one\nline two", "last"}));
}

TEST_F(ImportTest, MissingFileIsAClearError) {
  EXPECT_THROW(catalog->import_lyrics_jsonl((dir / "nope.jsonl").string()), Error);
}

TEST_F(ImportTest, FeatureCsvTidyTuesdayLayout) {
  auto r = catalog->import_features_csv(file("t.csv", std::string(kTidyHeader) + kTidyRow));
  EXPECT_EQ(r.inserted, 1u);
  auto s = catalog->find("spotify:track:6f807x0ima9a1j3VPbc7VN");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->title, "I Don't Care, Remix");  // quoted comma
  EXPECT_EQ(s->spotify_id, "6f807x0ima9a1j3VPbc7VN");
  EXPECT_EQ(s->year, 2019);
  EXPECT_DOUBLE_EQ(*s->features[Feature::energy], 0.916);
  EXPECT_DOUBLE_EQ(*s->features[Feature::tempo], 122.036);
  EXPECT_DOUBLE_EQ(*s->features[Feature::popularity], 66);
  EXPECT_FALSE(s->features[Feature::time_signature]);  // no such column in this layout
  auto labels = catalog->playlists_of(s->key);
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0].name, "Pop Remix");
  EXPECT_EQ(labels[0].subgenre, "dance pop");
}

TEST_F(ImportTest, FeatureCsvColumnsFoundByNameInAnyOrder) {
  const std::string csv =
      "energy,uri,artist,track,danceability,time_signature\n"
      "0.5,spotify:track:4GiXBCUF7H6YfNQsnBRIzl,Montgomery Gentry,Lucky Man,0.578,4\n";
  auto r = catalog->import_features_csv(file("h.csv", csv));
  EXPECT_EQ(r.inserted, 1u);
  auto s = catalog->find("spotify:track:4GiXBCUF7H6YfNQsnBRIzl");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->title, "Lucky Man");
  EXPECT_DOUBLE_EQ(*s->features[Feature::danceability], 0.578);
  EXPECT_DOUBLE_EQ(*s->features[Feature::time_signature], 4);
}

TEST_F(ImportTest, FeatureCsvBadValuesAreBadLines) {
  const std::string header = "track,artist,uri,energy,key,loudness\n";
  const std::string csv = header +
                          "A,X,spotify:track:4GiXBCUF7H6YfNQsnBRIzl,0.5,4,-7\n" +
                          "B,X,spotify:track:1zyqZONW985Cs4osz9wlsu,1.5,4,-7\n" +   // energy > 1
                          "C,X,spotify:track:2ZyuwVvV6Z3XJaXIFbspeE,0.5,4.5,-7\n" + // key not integer
                          "D,X,spotify:track:61APOtq25SCMuK0V5w2Kgp,abc,4,-7\n" +   // not a number
                          "E,X,not-a-uri,0.5,4,-7\n" +
                          "F,X,spotify:track:5hjsmSnUefdUqzsDogisiX,0.5,4\n" +       // too few fields
                          "NA,X,spotify:track:28KC2wl7jDv6Ms1Uc0OMpm,0.5,4,-7\n" +   // R's missing value
                          "G,X,spotify:track:0zagn8PNnM7pM8pz1gXOAD,,4,-7\n";        // empty
  EXPECT_THROW(catalog->import_features_csv(file("bad.csv", csv)), Error);
  EXPECT_EQ(catalog->stats().songs, 0u);
  ImportOptions options;
  options.skip_bad = true;
  auto r = catalog->import_features_csv(file("bad.csv", csv), options);
  EXPECT_EQ(r.inserted, 1u);
  EXPECT_EQ(r.skipped, 7u);
  EXPECT_NE(r.problems[0].find("bad.csv:3: field 'energy' = 1.5 is outside"), std::string::npos) << r.problems[0];
  EXPECT_NE(r.problems[4].find(":7: has 5 fields, the header has 6"), std::string::npos) << r.problems[4];
  EXPECT_NE(r.problems[5].find(":8: track name is missing"), std::string::npos) << r.problems[5];
}

TEST_F(ImportTest, FeatureCsvStructuralErrorsStopTheFile) {
  EXPECT_THROW(catalog->import_features_csv(file("e.csv", "")), Error);
  EXPECT_THROW(catalog->import_features_csv(file("n.csv", "name,artist\nx,y\n")), Error);  // no id column
  ImportOptions options;
  options.skip_bad = true;
  const std::string quote = "track,artist,uri,energy\n\"A,X,spotify:track:4GiXBCUF7H6YfNQsnBRIzl,0.5\n";
  EXPECT_THROW(catalog->import_features_csv(file("q.csv", quote), options), Error);  // unterminated quote
  EXPECT_EQ(catalog->stats().songs, 0u);
}

TEST_F(ImportTest, ShippedDataImportsWithReportedSkips) {
  const fs::path data = test::data_dir();
  ImportOptions options;
  options.skip_bad = true;
  auto lyrics = catalog->import_lyrics_jsonl((data / "lyrics/songs.jsonl").string(), options);
  EXPECT_EQ(lyrics.lines, 2459u);
  EXPECT_EQ(lyrics.inserted, 2459u);
  EXPECT_EQ(lyrics.skipped, 0u);
  auto tidy = catalog->import_features_csv((data / "features/spotify_songs.csv").string(), options);
  EXPECT_EQ(tidy.lines, 32833u);
  EXPECT_EQ(tidy.skipped, 5u) << "the five NA-named tracks";
  EXPECT_EQ(tidy.inserted + tidy.updated + tidy.skipped, tidy.lines);
  const auto before = catalog->stats().songs;
  auto again = catalog->import_features_csv((data / "features/spotify_songs.csv").string(), options);
  EXPECT_EQ(again.inserted, 0u);
  EXPECT_EQ(catalog->stats().songs, before);
  EXPECT_GT(catalog->stats().playlists, 400u);
}
