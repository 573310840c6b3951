// promptlist/verse_chunker.h: splits a song's lyrics into the chunks that
// are embedded and searched.
//
// The stanzas are the verses. A verse over the embedder's token budget is
// split at line boundaries into pieces that fit; a piece or verse of only a
// few words ("Amen.", "Hallelujah!") is merged into its neighbour so that
// it does not match prompts by accident. Every chunk keeps its place in the
// song (verse number and line span) so a result can highlight it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace promptlist {

struct VerseChunk {
  std::int64_t song_key = 0;
  std::uint32_t verse = 0;       // 0-based stanza the chunk starts in
  std::uint32_t line_begin = 0;  // song-wide 0-based line numbers, [begin, end)
  std::uint32_t line_end = 0;
  std::string text;              // the chunk's lines joined by '\n'
};

struct ChunkerOptions {
  std::size_t max_tokens = 128;  // budget of one chunk, in the embedder's tokens
  std::size_t min_words = 5;     // chunks with fewer words are merged
};

using TokenCounter = std::function<std::size_t(std::string_view)>;

std::vector<VerseChunk> chunk_song(std::int64_t song_key, const std::vector<std::string>& verses,
                                   const TokenCounter& count_tokens, const ChunkerOptions& options = {});

// The song's lines, numbered as VerseChunk::line_begin/line_end number them.
std::vector<std::string> song_lines(const std::vector<std::string>& verses);

}  // namespace promptlist
