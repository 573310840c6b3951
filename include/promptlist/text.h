// promptlist/text.h: UTF-8 checks and the text normalisation shared by
// verses and prompts.
//
// Verses and prompts must go through exactly the same normalisation, or a
// prompt word would never meet the same word in a verse; that is why both
// the GloVe embedder and BM25 call word_tokens() and nothing else.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace promptlist {

// Offset of the first byte that is not valid UTF-8 (overlongs, surrogates
// and code points past U+10FFFF are invalid), or nullopt if text is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// NFKC, case folding, accents stripped, typographic quotes and dashes mapped
// to ASCII. Throws promptlist::Error on invalid UTF-8.
std::string normalize_text(std::string_view text);

// Words of normalize_text(text), in order: runs of letters and digits, with
// English clitics split the way GloVe's corpus was tokenised
// ("don't" -> "do", "n't"; "man's" -> "man", "'s"), and poetic elisions
// kept whole ("o'er", "'tis").
std::vector<std::string> word_tokens(std::string_view text);

// Number of Unicode code points (text must be valid UTF-8).
std::size_t utf8_length(std::string_view text);

// The longest prefix of text of at most max_bytes that does not end inside a
// multi-byte sequence: shortening valid UTF-8 for a message keeps it valid
// (a byte cut would make a JSON reply fail to serialise).
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

}  // namespace promptlist
