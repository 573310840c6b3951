#include <gtest/gtest.h>

#include "promptlist/text.h"
#include "promptlist/verse_chunker.h"

using namespace promptlist;

namespace {
std::size_t words(std::string_view t) { return word_tokens(t).size(); }
}  // namespace

TEST(Chunker, OneChunkPerStanzaWithSongWideLineSpans) {
  std::vector<std::string> verses = {"the first line is here\nand the second one", "a third line of words\nfour\nfive six seven eight"};
  auto chunks = chunk_song(7, verses, words);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].song_key, 7);
  EXPECT_EQ(chunks[0].verse, 0u);
  EXPECT_EQ(chunks[0].line_begin, 0u);
  EXPECT_EQ(chunks[0].line_end, 2u);
  EXPECT_EQ(chunks[1].verse, 1u);
  EXPECT_EQ(chunks[1].line_begin, 2u);
  EXPECT_EQ(chunks[1].line_end, 5u);
  EXPECT_EQ(chunks[1].text, verses[1]);
  auto lines = song_lines(verses);
  EXPECT_EQ(lines[chunks[1].line_begin], "a third line of words");
}

TEST(Chunker, LongStanzaSplitsAtLineBoundariesWithinBudget) {
  std::string verse;
  for (int i = 0; i < 10; ++i) verse += (i ? "\n" : "") + std::string("one two three four five six");
  ChunkerOptions options;
  options.max_tokens = 14;  // two lines of six words fit, three do not
  auto chunks = chunk_song(1, {verse}, words, options);
  ASSERT_EQ(chunks.size(), 5u);
  std::uint32_t expected_begin = 0;
  for (const auto& c : chunks) {
    EXPECT_LE(words(c.text), 14u);
    EXPECT_EQ(c.line_begin, expected_begin);
    EXPECT_EQ(c.line_end, c.line_begin + 2);
    EXPECT_EQ(c.verse, 0u);
    expected_begin = c.line_end;
  }
}

TEST(Chunker, TinyFragmentsMergeWithNeighbour) {
  auto chunks = chunk_song(1, {"Amen.", "a proper verse with enough words in it", "Hallelujah!"}, words);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].line_begin, 0u);
  EXPECT_EQ(chunks[0].line_end, 3u);
  EXPECT_EQ(chunks[0].text, "Amen.\na proper verse with enough words in it\nHallelujah!");
}

TEST(Chunker, ShortSongStaysOneChunk) {
  auto chunks = chunk_song(1, {"Hush"}, words);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].text, "Hush");
}
