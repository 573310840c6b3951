// promptlist/wordpiece_tokenizer.h: BERT's tokenizer, as Hugging Face's
// BertTokenizer runs it for sentence-transformers models.
//
// Special tokens ([CLS], [SEP], [PAD], [UNK], [MASK]) written in the text
// are those tokens, as Hugging Face's tokenizers match them in raw text.
// Basic tokenizer: drop NUL, U+FFFD and control/format characters; map
// whitespace to spaces; put spaces around CJK ideographs; split on
// whitespace; per word lower-case and strip accents (when configured); split
// off every punctuation character. Then WordPiece: greedy longest match
// against the vocabulary, continuations prefixed "##", a word that cannot
// be matched (or is over 100 characters) becomes one [UNK]. Encoding adds
// [CLS] ... [SEP] and truncates to max_length.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace promptlist {

struct WordPieceOptions {
  bool lower_case = true;
  bool strip_accents = true;  // BERT: follows lower_case unless set explicitly
  bool split_cjk = true;      // tokenize_chinese_chars
  std::size_t max_chars_per_word = 100;
};

struct Encoding {
  std::vector<std::int32_t> ids;  // [CLS] ... [SEP]
  std::size_t wordpieces = 0;     // before truncation, without [CLS]/[SEP]
  bool truncated = false;
};

class WordPieceTokenizer {
 public:
  // vocab: one token per line (vocab.txt), or the model.vocab object of a
  // tokenizer.json. Throws promptlist::Error naming the file.
  static WordPieceTokenizer from_vocab_txt(const std::string& path, WordPieceOptions options);
  static WordPieceTokenizer from_tokenizer_json(const std::string& path, WordPieceOptions options);

  WordPieceTokenizer(std::vector<std::string> vocab, WordPieceOptions options, const std::string& source);

  // Word pieces of text (no [CLS]/[SEP] added). Throws promptlist::Error
  // when text is not valid UTF-8.
  std::vector<std::string> tokenize(std::string_view text) const;
  Encoding encode(std::string_view text, std::size_t max_length) const;
  std::size_t count(std::string_view text) const { return tokenize(text).size(); }

  std::size_t vocab_size() const { return vocab_.size(); }
  std::int32_t id_of(const std::string& token) const;  // unk_id() when absent
  const std::string& token(std::int32_t id) const { return vocab_[static_cast<std::size_t>(id)]; }
  std::int32_t unk_id() const { return unk_; }
  std::int32_t cls_id() const { return cls_; }
  std::int32_t sep_id() const { return sep_; }
  std::int32_t pad_id() const { return pad_; }

 private:
  std::vector<std::string> basic_tokens(std::string_view text) const;
  void word_pieces(const std::string& word, std::vector<std::string>& out) const;

  std::vector<std::string> vocab_;
  std::unordered_map<std::string, std::int32_t> ids_;
  WordPieceOptions options_;
  std::vector<std::string> specials_;  // special tokens matched in raw text
  std::int32_t unk_ = 0, cls_ = 0, sep_ = 0, pad_ = 0;
};

}  // namespace promptlist
