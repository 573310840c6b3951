#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "promptlist/error.h"
#include "promptlist/verse_index.h"
#include "test_support.h"
#include "util/atomic_file.h"

using namespace promptlist;
namespace fs = std::filesystem;

namespace {

IndexContents sample_contents() {
  IndexContents c;
  c.model_id = "test-model/1";
  c.dim = 4;
  c.catalog_fingerprint = 0x1234;
  const float rows[3][4] = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0.6f, 0.8f, 0, 0}};
  for (auto& r : rows) c.vectors.insert(c.vectors.end(), r, r + 4);
  c.chunks = {{10, 0, 0, 2, "first verse\nline two"}, {11, 1, 3, 4, "second"}, {10, 2, 5, 7, "third ♪"}};
  return c;
}

std::string expect_error(const std::string& path, const std::string& model = {}) {
  try {
    VerseIndex index(path, model);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "index " << path << " was accepted";
  return {};
}

// Header fields (verse_index.h).
constexpr std::size_t kVersionAt = 8, kFingerprintAt = 128, kChecksumAt = 136, kRowsAt = 152, kRecordsAt = 160,
                      kTextsAt = 168;
// A ChunkRecord's fields: u32 text_len at 20, u64 text_offset at 24.
constexpr std::size_t kRecordSize = 32, kTextLenAt = 20, kTextOffsetAt = 24;

template <typename T>
T get(const std::string& bytes, std::size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  return v;
}
template <typename T>
void put(std::string& bytes, std::size_t at, T v) {
  std::memcpy(bytes.data() + at, &v, sizeof v);
}

// A crafted file that passes the checksum: what an attacker (or a bug in
// another writer) could hand over.
std::string resealed(std::string bytes) {
  put<std::uint64_t>(bytes, kChecksumAt, 0);
  put<std::uint64_t>(bytes, kChecksumAt, XXH3_64bits(bytes.data(), bytes.size()));
  return bytes;
}

// The sample index's bytes with one chunk record's text span replaced.
std::string with_text_span(const std::string& bytes, std::size_t chunk, std::uint64_t offset, std::uint32_t len) {
  std::string b = bytes;
  const std::size_t record = get<std::uint64_t>(b, kRecordsAt) + chunk * kRecordSize;
  put(b, record + kTextOffsetAt, offset);
  put(b, record + kTextLenAt, len);
  return resealed(b);
}

}  // namespace

TEST(VerseIndex, RoundTripKeepsRowsChunksAndHeader) {
  const auto path = (test::scratch_dir("idx") / "a.plvi").string();
  VerseIndex::write(path, sample_contents());
  VerseIndex index(path, "test-model/1");
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(index.dim(), 4u);
  EXPECT_EQ(index.model_id(), "test-model/1");
  EXPECT_EQ(index.catalog_fingerprint(), 0x1234u);
  EXPECT_EQ(index.row(2)[1], 0.8f);
  auto chunk = index.chunk(2);
  EXPECT_EQ(chunk.song_key, 10);
  EXPECT_EQ(chunk.verse, 2u);
  EXPECT_EQ(chunk.line_begin, 5u);
  EXPECT_EQ(chunk.line_end, 7u);
  EXPECT_EQ(chunk.text, "third ♪");
  EXPECT_EQ(index.chunk_text(0), "first verse\nline two");
}

TEST(VerseIndex, TopKIsExactCosineOrder) {
  const auto path = (test::scratch_dir("idx") / "a.plvi").string();
  VerseIndex::write(path, sample_contents());
  VerseIndex index(path);
  const float q[4] = {0.8f, 0.6f, 0, 0};
  auto hits = index.top_k(q, 2);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].row, 2u);  // 0.48 + 0.48 = 0.96
  EXPECT_NEAR(hits[0].score, 0.96f, 1e-6);
  EXPECT_EQ(hits[1].row, 0u);  // 0.8
  EXPECT_EQ(index.top_k(q, 10).size(), 3u);
}

TEST(VerseIndex, RefusesWrongModelTruncationAndCorruption) {
  const auto dir = test::scratch_dir("idx");
  const auto path = (dir / "a.plvi").string();
  VerseIndex::write(path, sample_contents());
  EXPECT_NE(expect_error(path, "other-model").find("built by model 'test-model/1'"), std::string::npos);

  const std::string bytes = test::read_file(path);
  const auto truncated = test::write_file(dir / "t.plvi", bytes.substr(0, bytes.size() - 5)).string();
  EXPECT_NE(expect_error(truncated).find("truncated"), std::string::npos);

  std::string flipped = bytes;
  flipped[flipped.size() - 20] ^= 0x01;  // inside the chunk texts/records
  const auto corrupt = test::write_file(dir / "c.plvi", flipped).string();
  EXPECT_NE(expect_error(corrupt).find("checksum"), std::string::npos);

  std::string vec_flip = bytes;
  vec_flip[200] ^= 0x40;  // inside the vectors
  EXPECT_NE(expect_error(test::write_file(dir / "v.plvi", vec_flip).string()).find("checksum"), std::string::npos);

  EXPECT_NE(expect_error(test::write_file(dir / "m.plvi", "not an index at all" + std::string(300, '\0')).string())
                .find("bad magic"),
            std::string::npos);
  std::string version = bytes;
  version[8] = 9;
  EXPECT_NE(expect_error(test::write_file(dir / "ver.plvi", version).string()).find("version 9"), std::string::npos);
}

TEST(VerseIndex, FailedWriteLeavesTheOldFileAndNoTemporaries) {
  const auto dir = test::scratch_dir("idx");
  const auto path = (dir / "a.plvi").string();
  VerseIndex::write(path, sample_contents());
  const std::string before = test::read_file(path);
  IndexContents bad = sample_contents();
  bad.vectors.pop_back();  // inconsistent: refused before anything is written
  EXPECT_THROW(VerseIndex::write(path, bad), Error);
  EXPECT_EQ(test::read_file(path), before);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST(PrincipalComponents, FindsTheDominantDirectionDeterministically) {
  // Rows spread mostly along (1, 1, 0) / sqrt 2.
  std::vector<float> rows;
  for (int i = -5; i <= 5; ++i) {
    rows.insert(rows.end(), {static_cast<float>(i) + 0.1f, static_cast<float>(i) - 0.1f, 0.05f * static_cast<float>(i % 3)});
  }
  auto pc = principal_components(rows.data(), 11, 3, 1);
  ASSERT_EQ(pc.size(), 3u);
  EXPECT_NEAR(pc[0], std::sqrt(0.5f), 1e-2);
  EXPECT_NEAR(pc[1], std::sqrt(0.5f), 1e-2);
  EXPECT_EQ(pc, principal_components(rows.data(), 11, 3, 1));
  std::vector<float> v = {1, 1, 1};
  project_rows(v.data(), 1, 3, pc);
  EXPECT_NEAR(v[0] * pc[0] + v[1] * pc[1] + v[2] * pc[2], 0.0f, 1e-5);
  EXPECT_NEAR(v[0] * v[0] + v[1] * v[1] + v[2] * v[2], 1.0f, 1e-5);
}

TEST(VerseIndex, TextSpansThatWrapAroundAreRefused) {
  const auto dir = test::scratch_dir("idx");
  const auto path = (dir / "a.plvi").string();
  VerseIndex::write(path, sample_contents());
  const std::string bytes = test::read_file(path);
  ASSERT_NO_THROW(VerseIndex(test::write_file(dir / "ok.plvi", resealed(bytes)).string()));
  struct Span {
    std::uint64_t offset;
    std::uint32_t len;
  };
  // offset + len wraps to a small number in 64 bits.
  for (const Span span : {Span{0xFFFFFFFF00000001ull, 0xFFFFFFFFu}, Span{0xFFFFFFFFFFFFFFF0ull, 16}, Span{0, 0xFFFFFFFFu},
                          Span{1000, 1}}) {
    const auto crafted = test::write_file(dir / "w.plvi", with_text_span(bytes, 1, span.offset, span.len)).string();
    EXPECT_NE(expect_error(crafted).find("chunk table is corrupted"), std::string::npos) << span.offset;
  }
}

TEST(VerseIndex, TheChecksumCoversTheHeader) {
  const auto dir = test::scratch_dir("idx");
  const auto path = (dir / "a.plvi").string();
  VerseIndex::write(path, sample_contents());
  std::string bytes = test::read_file(path);
  bytes[kFingerprintAt] ^= 0x01;  // a stale index would pass for a current one
  EXPECT_NE(expect_error(test::write_file(dir / "f.plvi", bytes).string()).find("checksum"), std::string::npos);
}

TEST(VerseIndex, AnOlderFormatVersionAsksForARebuild) {
  const auto dir = test::scratch_dir("idx");
  const auto path = (dir / "a.plvi").string();
  VerseIndex::write(path, sample_contents());
  std::string bytes = test::read_file(path);
  put<std::uint32_t>(bytes, kVersionAt, 1);
  const std::string error = expect_error(test::write_file(dir / "v1.plvi", resealed(bytes)).string());
  EXPECT_NE(error.find("format version 1 is from an older promptlist"), std::string::npos) << error;
  EXPECT_NE(error.find("promptlist index"), std::string::npos) << error;
}

TEST(VerseIndex, MisalignedOrOverlappingSectionsAreRefused) {
  const auto dir = test::scratch_dir("idx");
  const auto path = (dir / "a.plvi").string();
  VerseIndex::write(path, sample_contents());
  const std::string bytes = test::read_file(path);
  const auto with_offset = [&](std::size_t field, std::uint64_t value) {
    std::string b = bytes;
    put(b, field, value);
    return test::write_file(dir / "o.plvi", resealed(b)).string();
  };
  const auto rows = get<std::uint64_t>(bytes, kRowsAt), records = get<std::uint64_t>(bytes, kRecordsAt);
  EXPECT_NE(expect_error(with_offset(kRowsAt, rows + 4)).find("misaligned"), std::string::npos);
  EXPECT_NE(expect_error(with_offset(kRecordsAt, records + 4)).find("misaligned"), std::string::npos);
  EXPECT_NE(expect_error(with_offset(kRecordsAt, records - 8)).find("overlap"), std::string::npos);  // into the rows
  EXPECT_NE(expect_error(with_offset(kRecordsAt, 0xFFFFFFFFFFFFFFE0ull)).find("outside the file"), std::string::npos);
  EXPECT_NE(expect_error(with_offset(kTextsAt, bytes.size() + 1)).find("outside the file"), std::string::npos);
}

TEST(VerseIndex, SectionsStayAlignedForAnyDimensionAndCount) {
  // 3 dims x 1 row: 12 bytes of rows, so the chunk table needs padding.
  IndexContents c;
  c.model_id = "odd/1";
  c.dim = 3;
  c.vectors = {0.6f, 0.8f, 0};
  c.chunks = {{7, 0, 0, 1, "only verse"}};
  const auto path = (test::scratch_dir("idx") / "odd.plvi").string();
  VerseIndex::write(path, c);
  EXPECT_EQ(get<std::uint64_t>(test::read_file(path), kRecordsAt) % 8, 0u);
  VerseIndex index(path);
  EXPECT_EQ(index.chunk(0).song_key, 7);
  EXPECT_EQ(index.chunk_text(0), "only verse");
}

TEST(VerseIndex, AnIndexWithNoChunksAndNoComponentsRoundTrips) {
  // Empty vectors: their data() may be null, which memcpy must not get.
  IndexContents c;
  c.model_id = "empty/1";
  c.dim = 4;
  const auto path = (test::scratch_dir("idx") / "empty.plvi").string();
  VerseIndex::write(path, c);
  VerseIndex index(path, "empty/1");
  EXPECT_EQ(index.size(), 0u);
  const float q[4] = {1, 0, 0, 0};
  EXPECT_TRUE(index.top_k(q, 3).empty());
  float v[4] = {0, 3, 0, 4};
  index.project(v);  // no components: only scaled to unit length
  EXPECT_FLOAT_EQ(v[1], 0.6f);
}

TEST(VerseIndex, AWriteRemovesTemporariesOfKilledWriters) {
  const auto dir = test::scratch_dir("idx");
  const auto path = (dir / "a.plvi").string();
  // A writer killed with SIGKILL mid-write, as by kill -9 during 'promptlist index'.
  const pid_t writer = ::fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) {
    try {
      AtomicFile out(path);
      out.write("half an index", 13);
      ::raise(SIGKILL);
    } catch (...) {
    }
    ::_exit(1);  // never run the rest of the tests in the child
  }
  int status = 0;
  ASSERT_EQ(::waitpid(writer, &status, 0), writer);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  const auto abandoned = dir / ("a.plvi.tmp-" + std::to_string(writer));
  ASSERT_TRUE(fs::exists(abandoned));
  // Not ours to remove: a live writer's (our parent is alive), another
  // file's, and names that only look like temporaries.
  const auto live = test::write_file(dir / ("a.plvi.tmp-" + std::to_string(::getppid())), "being written");
  const auto other = test::write_file(dir / ("b.plvi.tmp-" + std::to_string(writer)), "b's business");
  const auto lookalike = test::write_file(dir / ("a.plvi.tmp-" + std::to_string(writer) + "x"), "not a pid");

  VerseIndex::write(path, sample_contents());
  EXPECT_FALSE(fs::exists(abandoned));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(lookalike));
  EXPECT_NO_THROW(VerseIndex index(path));
}
