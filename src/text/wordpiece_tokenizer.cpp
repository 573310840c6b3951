#include "promptlist/wordpiece_tokenizer.h"

#include <utf8proc.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "promptlist/text.h"

namespace promptlist {

namespace {

using CodePoints = std::vector<utf8proc_int32_t>;

CodePoints decode_utf8(std::string_view s) {
  CodePoints out;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  std::size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {  // invalid byte: as Python's errors="replace", U+FFFD (then dropped by cleaning)
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<std::size_t>(n);
  }
  return out;
}

std::string encode_utf8(const CodePoints& cps) {
  std::string out;
  utf8proc_uint8_t buf[4];
  for (auto cp : cps) {
    auto n = utf8proc_encode_char(cp, buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
  }
  return out;
}

bool is_control(utf8proc_int32_t cp) {  // BERT's _is_control: category C*, but not \t \n \r
  if (cp == '\t' || cp == '\n' || cp == '\r') return false;
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CN:
      return true;
    default:
      return false;
  }
}

bool is_whitespace(utf8proc_int32_t cp) {  // BERT's _is_whitespace
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

// Python's str.split() separators left after cleaning: the space, and the
// line/paragraph separators that BERT's cleaning keeps.
bool is_split_space(utf8proc_int32_t cp) {
  return cp == ' ' || cp == 0x2028 || cp == 0x2029 || cp == 0x1C || cp == 0x1D || cp == 0x1E || cp == 0x1F ||
         cp == 0x85;
}

bool is_cjk(utf8proc_int32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
         (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

bool is_punctuation(utf8proc_int32_t cp) {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    return true;
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF: case UTF8PROC_CATEGORY_PO:
      return true;
    default:
      return false;
  }
}

// lower() then NFD without combining marks (Mn), as _run_strip_accents.
CodePoints lower_and_strip(const CodePoints& word, bool lower, bool strip) {
  CodePoints out;
  for (auto cp : word) {
    if (lower) cp = utf8proc_tolower(cp);
    if (!strip) {
      out.push_back(cp);
      continue;
    }
    utf8proc_int32_t buf[32];
    int last = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, buf, 32, UTF8PROC_DECOMPOSE, &last);
    if (n < 0) {
      out.push_back(cp);
      continue;
    }
    for (utf8proc_ssize_t i = 0; i < n; ++i)
      if (utf8proc_category(buf[i]) != UTF8PROC_CATEGORY_MN) out.push_back(buf[i]);
  }
  return out;
}

}  // namespace

WordPieceTokenizer::WordPieceTokenizer(std::vector<std::string> vocab, WordPieceOptions options,
                                       const std::string& source)
    : vocab_(std::move(vocab)), options_(options) {
  for (std::size_t i = 0; i < vocab_.size(); ++i) ids_.emplace(vocab_[i], static_cast<std::int32_t>(i));
  auto special = [&](const char* name) {
    auto it = ids_.find(name);
    if (it == ids_.end()) throw Error(source + ": the vocabulary has no " + name + " token");
    return it->second;
  };
  unk_ = special("[UNK]");
  cls_ = special("[CLS]");
  sep_ = special("[SEP]");
  pad_ = special("[PAD]");
  for (const char* name : {"[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"})
    if (ids_.count(name)) specials_.emplace_back(name);
}

WordPieceTokenizer WordPieceTokenizer::from_vocab_txt(const std::string& path, WordPieceOptions options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open");
  std::vector<std::string> vocab;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    vocab.push_back(line);
  }
  if (vocab.empty()) throw Error(path + ": empty vocabulary");
  return WordPieceTokenizer(std::move(vocab), options, path);
}

WordPieceTokenizer WordPieceTokenizer::from_tokenizer_json(const std::string& path, WordPieceOptions options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": not valid JSON: " + e.what());
  }
  if (!j.contains("model") || j["model"].value("type", "") != "WordPiece" || !j["model"].contains("vocab"))
    throw Error(path + ": not a WordPiece tokenizer (model.type must be WordPiece)");
  const auto& v = j["model"]["vocab"];
  std::vector<std::string> vocab(v.size());
  for (auto it = v.begin(); it != v.end(); ++it) {
    const auto id = it->get<std::int64_t>();
    if (id < 0 || static_cast<std::size_t>(id) >= vocab.size()) throw Error(path + ": vocabulary ids are not 0..n-1");
    vocab[static_cast<std::size_t>(id)] = it.key();
  }
  return WordPieceTokenizer(std::move(vocab), options, path);
}

std::int32_t WordPieceTokenizer::id_of(const std::string& token) const {
  auto it = ids_.find(token);
  return it == ids_.end() ? unk_ : it->second;
}

std::vector<std::string> WordPieceTokenizer::basic_tokens(std::string_view text) const {
  // Clean and space out CJK ideographs.
  CodePoints cleaned;
  for (auto cp : decode_utf8(text)) {
    if (cp == 0 || cp == 0xFFFD || is_control(cp)) continue;
    if (is_whitespace(cp)) {
      cleaned.push_back(' ');
    } else if (options_.split_cjk && is_cjk(cp)) {
      cleaned.insert(cleaned.end(), {' ', cp, ' '});
    } else {
      cleaned.push_back(cp);
    }
  }
  // Split on whitespace; lower-case, strip accents and split off punctuation per word.
  std::vector<std::string> tokens;
  CodePoints word;
  auto flush_word = [&] {
    if (word.empty()) return;
    CodePoints w = lower_and_strip(word, options_.lower_case, options_.strip_accents);
    CodePoints piece;
    for (auto cp : w) {
      if (is_punctuation(cp)) {
        if (!piece.empty()) tokens.push_back(encode_utf8(piece));
        piece.clear();
        tokens.push_back(encode_utf8({cp}));
      } else {
        piece.push_back(cp);
      }
    }
    if (!piece.empty()) tokens.push_back(encode_utf8(piece));
    word.clear();
  };
  for (auto cp : cleaned) {
    if (is_split_space(cp)) flush_word();
    else word.push_back(cp);
  }
  flush_word();
  return tokens;
}

void WordPieceTokenizer::word_pieces(const std::string& word, std::vector<std::string>& out) const {
  if (utf8_length(word) > options_.max_chars_per_word) {
    out.push_back("[UNK]");
    return;
  }
  // Byte offsets of code point starts, so pieces never split a character.
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < word.size(); ++i)
    if ((static_cast<unsigned char>(word[i]) & 0xC0) != 0x80) starts.push_back(i);
  starts.push_back(word.size());
  std::vector<std::string> pieces;
  std::size_t begin = 0;  // index into starts
  while (begin + 1 < starts.size()) {
    std::size_t end = starts.size() - 1;
    std::string found;
    while (end > begin) {
      std::string candidate = word.substr(starts[begin], starts[end] - starts[begin]);
      if (begin > 0) candidate = "##" + candidate;
      if (ids_.count(candidate)) {
        found = std::move(candidate);
        break;
      }
      --end;
    }
    if (found.empty()) {
      out.push_back("[UNK]");
      return;
    }
    pieces.push_back(std::move(found));
    begin = end;
  }
  out.insert(out.end(), pieces.begin(), pieces.end());
}

// Hugging Face matches its special tokens in the raw text before anything
// else ("[MASK]" typed by a user is the [MASK] token), so we do too.
std::vector<std::string> WordPieceTokenizer::tokenize(std::string_view text) const {
  if (const auto bad = find_invalid_utf8(text))
    throw Error("text is not valid UTF-8 (byte " + std::to_string(*bad) + " of " + std::to_string(text.size()) + ")");
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    std::size_t at = text.size(), len = 0;
    for (const auto& special : specials_)
      if (const auto found = text.find(special, pos); found < at) at = found, len = special.size();
    for (const auto& t : basic_tokens(text.substr(pos, at - pos))) word_pieces(t, out);
    if (at == text.size()) return out;
    out.emplace_back(text.substr(at, len));
    pos = at + len;
  }
}

Encoding WordPieceTokenizer::encode(std::string_view text, std::size_t max_length) const {
  const auto pieces = tokenize(text);
  Encoding e;
  e.wordpieces = pieces.size();
  const std::size_t keep = max_length >= 2 ? std::min(pieces.size(), max_length - 2) : 0;
  e.truncated = keep < pieces.size();
  e.ids.reserve(keep + 2);
  e.ids.push_back(cls_);
  for (std::size_t i = 0; i < keep; ++i) e.ids.push_back(id_of(pieces[i]));
  e.ids.push_back(sep_);
  return e;
}

}  // namespace promptlist
