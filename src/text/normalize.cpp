#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "promptlist/error.h"
#include "promptlist/text.h"

namespace promptlist {

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    if (s[i] < 0x80) {  // ASCII fast path
      ++i;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(s + i, static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
    if (n <= 0 || !utf8proc_codepoint_valid(cp)) return i;
    i += static_cast<std::size_t>(n);
  }
  return std::nullopt;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Back up over continuation bytes (10xxxxxx) to the start of the cut sequence.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

namespace {

// Typographic apostrophes and quotes become ASCII so "don’t" == "don't".
utf8proc_int32_t map_punctuation(utf8proc_int32_t cp, void*) {
  switch (cp) {
    case 0x2018: case 0x2019: case 0x201B: case 0x02BC: case 0x2032: case 0x0060: case 0x00B4:
      return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x00AB: case 0x00BB:
      return '"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
      return '-';
    default:
      return cp;
  }
}

bool is_word_char(utf8proc_int32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
      return true;
    default:
      return false;
  }
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Splits a word that contains apostrophes the way the PTB tokenizer (used
// for GloVe's corpus) does, keeping elisions such as "o'er" whole.
void push_word(std::string word, std::vector<std::string>& out) {
  // Trim apostrophes at the edges except a leading elision ("'tis", "'twas").
  while (!word.empty() && word.back() == '\'') word.pop_back();
  if (word.empty()) return;
  if (word.front() == '\'') {
    if (word == "'tis" || word == "'twas" || word == "'twill" || word == "'em") {
      out.push_back(word);
      return;
    }
    while (!word.empty() && word.front() == '\'') word.erase(word.begin());
    if (word.empty()) return;
  }
  if (word.find('\'') == std::string::npos) {
    out.push_back(std::move(word));
    return;
  }
  if (ends_with(word, "n't") && word.size() > 3) {
    push_word(word.substr(0, word.size() - 3), out);
    out.push_back("n't");
    return;
  }
  for (std::string_view clitic : {"'s", "'ll", "'re", "'ve", "'d", "'m"}) {
    if (ends_with(word, clitic) && word.size() > clitic.size()) {
      push_word(word.substr(0, word.size() - clitic.size()), out);
      out.emplace_back(clitic);
      return;
    }
  }
  out.push_back(std::move(word));  // o'er, e'en, ne'er ...
}

}  // namespace

namespace {

// What utf8proc_map_custom below makes of pure ASCII, without its per-code-
// point decomposition: the catalog's titles, names and most verses are ASCII,
// and a cold start normalises about 200,000 of them. Case folded, '`' an
// apostrophe (map_punctuation), each line break (LF, CR, CRLF: NLF2LS) the
// line separator U+2028; nothing in ASCII decomposes or is ignorable.
bool is_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80) return false;
  return true;
}

std::string normalize_ascii(std::string_view text) {
  static constexpr char kLineSeparator[] = "\xE2\x80\xA8";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' || c == '\n') {
      out += kLineSeparator;
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;  // CRLF is one break
    } else if (c == '`') {
      out += '\'';
    } else {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

}  // namespace

std::string normalize_text(std::string_view text) {
  if (is_ascii(text)) return normalize_ascii(text);
  if (auto bad = find_invalid_utf8(text))
    throw Error("text is not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  utf8proc_uint8_t* out = nullptr;
  auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                                UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                                                UTF8PROC_IGNORE | UTF8PROC_NLF2LS);
  utf8proc_ssize_t n = utf8proc_map_custom(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                           static_cast<utf8proc_ssize_t>(text.size()), &out, options,
                                           map_punctuation, nullptr);
  if (n < 0) throw Error(std::string("cannot normalise text: ") + utf8proc_errmsg(n));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> guard(out, &std::free);
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

std::vector<std::string> word_tokens(std::string_view text) {
  const std::string norm = normalize_text(text);
  std::vector<std::string> words;
  std::string current;
  const auto* s = reinterpret_cast<const utf8proc_uint8_t*>(norm.data());
  std::size_t i = 0;
  while (i < norm.size()) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(s + i, static_cast<utf8proc_ssize_t>(norm.size() - i), &cp);
    if (n <= 0) break;  // cannot happen: normalize_text validated the text
    if (is_word_char(cp)) {
      current.append(norm, i, static_cast<std::size_t>(n));
    } else if (cp == '\'' && (!current.empty() || (i + 1 < norm.size() && is_word_char(s[i + 1])))) {
      current.push_back('\'');
    } else if (!current.empty()) {
      push_word(std::move(current), words);
      current.clear();
    }
    i += static_cast<std::size_t>(n);
  }
  if (!current.empty()) push_word(std::move(current), words);
  return words;
}

}  // namespace promptlist
