// promptlist/t5_tokenizer.h: Hugging Face's T5Tokenizer conventions on top of
// a sentencepiece model.
//
// - encode: sentencepiece ids, then </s>. Truncation (max_tokens) keeps the
//   first max_tokens-1 pieces and the </s>, like tokenizer(...,
//   truncation=True, max_length=max_tokens).
// - Sentinels: extra_ids tokens past the pieces, <extra_id_k> =
//   piece_count + extra_ids - 1 - k.
// - decode (skip_special_tokens=True): drops pad, eos, unk and every id at or
//   past piece_count (sentinels and the unused padding of vocab_size), joins
//   the rest with sentencepiece, then applies transformers'
//   clean_up_tokenization (" ." -> "." ...) when tokenizer_config.json sets
//   clean_up_tokenization_spaces.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "promptlist/sentencepiece_tokenizer.h"

namespace promptlist {

struct T5TokenizerOptions {
  int extra_ids = 100;
  bool clean_up_tokenization_spaces = true;
  int eos_id = 1;
  int pad_id = 0;
};

class T5Tokenizer {
 public:
  T5Tokenizer(const std::string& spiece_model_path, T5TokenizerOptions options = {});
  // <folder>/spiece.model with the options of <folder>/tokenizer_config.json
  // (optional; extra_ids, clean_up_tokenization_spaces) and the eos/pad ids
  // given.
  static T5Tokenizer from_folder(const std::string& folder, int eos_id, int pad_id);

  int piece_count() const { return pieces_.piece_count(); }
  // Ids the tokenizer can produce: pieces plus sentinels.
  int token_count() const { return piece_count() + options_.extra_ids; }
  int sentinel_id(int k) const { return piece_count() + options_.extra_ids - 1 - k; }
  const T5TokenizerOptions& options() const { return options_; }

  // max_tokens 0 means no truncation.
  std::vector<int> encode(std::string_view text, int max_tokens = 0) const;
  std::vector<std::string> encode_pieces(std::string_view text) const;  // with "</s>"
  std::string decode(const std::vector<int>& ids) const;

 private:
  SentencePieceTokenizer pieces_;
  T5TokenizerOptions options_;
};

// transformers' PreTrainedTokenizerBase.clean_up_tokenization.
std::string clean_up_tokenization(std::string text);

}  // namespace promptlist
