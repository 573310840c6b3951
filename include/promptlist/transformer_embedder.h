// promptlist/transformer_embedder.h: a sentence-transformers model folder
// (BERT family: all-MiniLM-L6-v2, msmarco-MiniLM-L-6-v3, ...) as an
// Embedder, loaded exactly as published.
//
// Reads modules.json (Transformer, Pooling, optional Normalize; the
// 2_Normalize folder need not exist), 1_Pooling/config.json (mean, CLS or
// max pooling), sentence_bert_config.json (max_seq_length, do_lower_case),
// tokenizer_config.json (do_lower_case, strip_accents,
// tokenize_chinese_chars), vocab.txt or tokenizer.json, config.json and
// model.safetensors. Texts are embedded in batches sorted by length, each
// padded only to its longest text, as sentence-transformers does.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "promptlist/bert_encoder.h"
#include "promptlist/embedder.h"
#include "promptlist/wordpiece_tokenizer.h"

namespace promptlist {

enum class Pooling { mean, cls, max };

struct TransformerEmbedderOptions {
  std::size_t batch_size = 32;            // texts per forward pass (sorted by length, padded per batch)
  Precision precision = Precision::fp32;  // int8: see bert_encoder.h
  int threads = 0;                        // threads of each forward pass; 0: one per core
  // What a folder that lacks sentence-transformers' own files gets: the
  // published settings of all-MiniLM-L6-v2 (mean pooling is the pooling default).
  std::size_t default_max_seq_length = 256;  // without sentence_bert_config.json (capped at the model's positions)
  bool default_normalize = true;             // without modules.json: Normalize after pooling
};

class TransformerEmbedder : public Embedder {
 public:
  // Throws promptlist::Error naming the file and the problem.
  explicit TransformerEmbedder(const std::string& folder, TransformerEmbedderOptions options = {});

  std::string model_id() const override { return model_id_; }
  std::size_t dim() const override { return static_cast<std::size_t>(encoder_.config().hidden_size); }
  std::size_t max_tokens() const override { return max_seq_length_ - 2; }
  std::size_t count_tokens(std::string_view text) const override;
  EmbedStats embed(const std::vector<std::string>& texts, float* out,
                   const ProgressFn& progress = {}) const override;

  const WordPieceTokenizer& tokenizer() const { return *tokenizer_; }
  const BertConfig& encoder_config() const { return encoder_.config(); }
  std::size_t max_seq_length() const { return max_seq_length_; }
  Pooling pooling() const { return pooling_; }
  bool normalizes() const { return normalize_; }
  // One line per setting taken from the options because its file is
  // missing ("modules.json missing: ... assumed"); empty for a full folder.
  const std::vector<std::string>& assumed_settings() const { return assumed_; }

 private:
  std::string model_id_;
  BertEncoder encoder_;
  std::unique_ptr<WordPieceTokenizer> tokenizer_;
  std::size_t max_seq_length_ = 128;
  bool lower_case_input_ = false;  // sentence_bert_config's extra .lower()
  Pooling pooling_ = Pooling::mean;
  bool normalize_ = false;
  TransformerEmbedderOptions options_;
  std::vector<std::string> assumed_;

  void read_module_settings(const std::filesystem::path& dir);
};

}  // namespace promptlist
