// Catalog import: real formats, real edge cases, and the promise that a bad
// file changes nothing unless --skip-bad is asked for.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>

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

// Makes dir read-only for this process alone. Root ignores file modes, so
// for root: a read-only bind mount of dir in a private mount namespace.
// Returns why not, or "" when done.
std::string make_read_only(const fs::path& dir) {
  if (::geteuid() != 0) return ::chmod(dir.c_str(), 0555) == 0 ? "" : std::strerror(errno);
  if (::unshare(CLONE_NEWNS) != 0) return std::string("unshare: ") + std::strerror(errno);
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
      ::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0 ||
      ::mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
    return std::string("mount: ") + std::strerror(errno);
  return "";
}

// Runs check in a child process for which dir is read-only; returns what it
// reports: "" when it passed, "SKIP: ..." when dir could not be made so.
std::string in_read_only_folder(const fs::path& dir, const std::function<std::string()>& check) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return std::string("pipe: ") + std::strerror(errno);
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_fds[0]);
    std::string report = make_read_only(dir);
    if (!report.empty()) report = "SKIP: cannot make " + dir.string() + " read-only (" + report + ")";
    else if (const int fd = ::open((dir / "probe").c_str(), O_CREAT | O_WRONLY, 0644); fd >= 0)
      report = "SKIP: " + dir.string() + " is still writable";
    else {
      try {
        report = check();
      } catch (const std::exception& e) {
        report = std::string("threw: ") + e.what();
      }
    }
    [[maybe_unused]] const auto written = ::write(pipe_fds[1], report.data(), report.size());
    ::_exit(0);  // never run the rest of the tests in the child
  }
  ::close(pipe_fds[1]);
  std::string report;
  char buf[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) report.append(buf, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  ::waitpid(child, nullptr, 0);
  ::chmod(dir.c_str(), 0755);
  return report;
}

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

// The server's catalog keeps its per-song statements prepared between
// requests: a read must still see what another connection imported since,
// and must leave no read transaction open that would pin an old snapshot.
TEST_F(ImportTest, AReaderSeesAnotherConnectionsLaterImport) {
  catalog->import_lyrics_jsonl(file("a.jsonl", std::string(kSongA) + "\n"));
  Catalog reader((dir / "catalog.db").string(), CatalogAccess::read_only);
  ASSERT_EQ(reader.find("t/a")->title, "Song A");
  EXPECT_FALSE(reader.find("t/b"));
  std::string changed = kSongA;
  changed.replace(changed.find("Song A"), 6, "Song Z");
  catalog->import_lyrics_jsonl(file("b.jsonl", changed + "\n" + kSongB + "\n"));
  EXPECT_EQ(reader.find("t/a")->title, "Song Z");
  ASSERT_TRUE(reader.find("t/b"));
  EXPECT_EQ(reader.find("t/b")->verses, std::vector<std::string>{"b verse one two three four"});
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

TEST(CatalogAccess, ReadOnlyOpenWorksInAFolderThatCannotBeWritten) {
  const fs::path dir = test::scratch_dir("readonly_home");
  const std::string path = (dir / "catalog.db").string();
  const std::string more = test::write_file(test::scratch_dir("readonly_input") / "more.jsonl", std::string(kSongB) + "\n");
  {
    Catalog catalog(path);
    catalog.import_lyrics_jsonl(test::write_file(dir / "a.jsonl", std::string(kSongA) + "\n").string());
  }
  // Closing the last connection removed the WAL files, and a read-only
  // folder cannot have them created again: the case that failed with
  // "unable to open database file".
  ASSERT_FALSE(fs::exists(path + "-shm"));
  std::uint64_t fingerprint = 0;
  {
    Catalog in_place(path, CatalogAccess::read_only);  // a writable folder: read in place
    EXPECT_EQ(in_place.stats().songs, 1u);
    fingerprint = in_place.lyrics_fingerprint();
  }

  const std::string report = in_read_only_folder(dir, [&]() -> std::string {
    Catalog catalog(path, CatalogAccess::read_only);
    if (catalog.stats().songs != 1) return "stats() counted " + std::to_string(catalog.stats().songs) + " songs";
    const auto a = catalog.find("t/a");
    if (!a || a->title != "Song A") return "find() did not find t/a";
    if (catalog.lyrics_fingerprint() != fingerprint) return "the fingerprint differs";
    try {
      catalog.import_lyrics_jsonl(more);
      return "a read-only catalog imported";
    } catch (const Error& e) {
      if (std::string(e.what()).find("read-only") == std::string::npos) return std::string("import: ") + e.what();
    }
    try {
      Catalog writable(path);
      return "a read-write open of a read-only folder succeeded";
    } catch (const Error& e) {
      if (std::string(e.what()).find("is not writable") == std::string::npos) return std::string("read-write open: ") + e.what();
    }
    return "";
  });
  if (report.starts_with("SKIP")) GTEST_SKIP() << report;
  EXPECT_EQ(report, "");
}

TEST(CatalogAccess, ReadOnlyOpenOfAMissingOrForeignFileSaysSo) {
  const fs::path dir = test::scratch_dir("readonly_missing");
  try {
    Catalog catalog((dir / "catalog.db").string(), CatalogAccess::read_only);
    ADD_FAILURE() << "a missing catalog was opened";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no catalog here"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "catalog.db"));  // and none was created
  const auto foreign = test::write_file(dir / "notes.db", "not a database, just text").string();
  EXPECT_THROW(Catalog(foreign, CatalogAccess::read_only), Error);
}

TEST(RemoveSongs, RemovesTheSongsAndTheirVersesOrNothingWhenAnIdIsUnknown) {
  const auto dir = test::scratch_dir("remove_songs");
  Catalog catalog((dir / "catalog.db").string());
  catalog.import_lyrics_jsonl((test::data_dir() / "lyrics" / "songs.jsonl").string());
  const auto before = catalog.stats();
  const std::string first = catalog.songs_with_lyrics()[0].id, second = catalog.songs_with_lyrics()[1].id;
  const std::size_t verses = catalog.find(first)->verses.size() + catalog.find(second)->verses.size();

  try {
    catalog.remove_songs({first, "no/such-song"});
    FAIL() << "an unknown id was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no/such-song"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(catalog.find(first)) << "nothing is removed when one id is unknown";

  catalog.remove_songs({first, second});
  EXPECT_FALSE(catalog.find(first));
  EXPECT_FALSE(catalog.find(second));
  EXPECT_EQ(catalog.stats().songs, before.songs - 2);
  EXPECT_EQ(catalog.stats().verses, before.verses - verses);
}
