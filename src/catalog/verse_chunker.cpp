#include "promptlist/verse_chunker.h"

#include "promptlist/text.h"

namespace promptlist {

namespace {

std::vector<std::string> split_lines(const std::string& verse) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= verse.size()) {
    std::size_t end = verse.find('\n', start);
    if (end == std::string::npos) end = verse.size();
    if (end > start) lines.push_back(verse.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::size_t word_count(std::string_view text) {
  std::size_t n = 0;
  bool in_word = false;
  for (unsigned char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

// A run of lines being assembled into one chunk.
struct Piece {
  std::uint32_t verse, line_begin, line_end;
  std::string text;
};

void append_line(Piece& p, const std::string& line) {
  if (!p.text.empty()) p.text.push_back('\n');
  p.text += line;
  ++p.line_end;
}

}  // namespace

std::vector<std::string> song_lines(const std::vector<std::string>& verses) {
  std::vector<std::string> all;
  for (const auto& v : verses)
    for (auto& l : split_lines(v)) all.push_back(std::move(l));
  return all;
}

std::vector<VerseChunk> chunk_song(std::int64_t song_key, const std::vector<std::string>& verses,
                                   const TokenCounter& count_tokens, const ChunkerOptions& options) {
  // 1. Each verse becomes one piece, or several when it is over budget:
  //    lines are packed greedily; a single line over budget stays alone
  //    (the embedder truncates it).
  std::vector<Piece> pieces;
  std::uint32_t line_no = 0;
  for (std::uint32_t v = 0; v < verses.size(); ++v) {
    const auto lines = split_lines(verses[v]);
    Piece current{v, line_no, line_no, {}};
    std::size_t current_tokens = 0;
    for (const auto& line : lines) {
      std::size_t t = count_tokens(line);
      if (!current.text.empty() && current_tokens + t > options.max_tokens) {
        pieces.push_back(std::move(current));
        current = Piece{v, line_no, line_no, {}};
        current_tokens = 0;
      }
      append_line(current, line);
      current_tokens += t;
      ++line_no;
    }
    if (!current.text.empty()) pieces.push_back(std::move(current));
  }

  // 2. Merge pieces of a few words into a neighbour: the previous piece, or
  //    the next one for the first piece. A song that is one short piece
  //    stays one chunk.
  std::vector<Piece> merged;
  for (auto& p : pieces) {
    const bool small = word_count(p.text) < options.min_words;
    if (small && !merged.empty()) {
      Piece& prev = merged.back();
      prev.text += "\n" + p.text;
      prev.line_end = p.line_end;
    } else if (!merged.empty() && word_count(merged.back().text) < options.min_words) {
      // The previous piece was a small first piece: fold it into this one.
      Piece& prev = merged.back();
      prev.text += "\n" + p.text;
      prev.line_end = p.line_end;
    } else {
      merged.push_back(std::move(p));
    }
  }

  std::vector<VerseChunk> chunks;
  chunks.reserve(merged.size());
  for (auto& p : merged) chunks.push_back({song_key, p.verse, p.line_begin, p.line_end, std::move(p.text)});
  return chunks;
}

}  // namespace promptlist
