// promptlist/t5.h: a T5 encoder-decoder (T5ForConditionalGeneration) run on
// the CPU in float32, loaded from a Hugging Face model folder as published
// (config.json + model.safetensors).
//
// The arithmetic follows transformers' modeling_t5.py as described in
// shared/reference/README.md: pre-norm residual blocks with RMS norm,
// attention without 1/sqrt(d_kv) scaling, a relative-position bias table in
// block 0 of each stack reused by all its layers, ReLU or gated feed-forward,
// and a tied (rescaled by d_model^-0.5) or untied output head. Matrix
// products go through OpenBLAS.
//
// Decoding is incremental: T5DecoderState keeps each layer's self-attention
// keys/values (one more position per step) and the cross-attention
// keys/values, computed once per encoded input.
//
// Tokenizer: promptlist/t5_tokenizer.h. Greedy and beam search:
// promptlist/t5_generation.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "promptlist/activation.h"

namespace promptlist {

struct T5Config {
  int vocab_size = 0;
  int d_model = 0;
  int d_kv = 0;
  int num_heads = 0;
  int d_ff = 0;
  int num_layers = 0;          // encoder blocks
  int num_decoder_layers = 0;  // decoder blocks (config default: num_layers)
  bool gated_feed_forward = false;  // "gated-*": act(wi_0 x) * (wi_1 x)
  Activation activation = Activation::relu;
  bool tie_word_embeddings = true;
  int relative_attention_num_buckets = 32;
  int relative_attention_max_distance = 128;
  float layer_norm_epsilon = 1e-6f;
  int decoder_start_token_id = 0;
  int eos_token_id = 1;
  int pad_token_id = 0;

  int inner_dim() const { return num_heads * d_kv; }

  // Parses and validates a transformers T5Config file; throws
  // promptlist::Error naming the file and the bad or missing field.
  static T5Config from_json_file(const std::string& path);
};

// Bucket of the relative position (key_pos - query_pos), exactly as
// T5Attention._relative_position_bucket (float32 log, truncation to int).
int t5_relative_position_bucket(int relative_position, bool bidirectional, int num_buckets, int max_distance);

struct T5Weights;  // defined in src/nn/t5_weights.h

// Everything one encoded input's incremental decoding keeps between steps,
// for `rows` sequences decoded side by side (the beams).
class T5DecoderState {
 public:
  int rows() const { return rows_; }
  int length() const { return length_; }  // tokens fed so far
  int max_length() const { return max_length_; }
  int source_length() const { return source_length_; }

  // Row r continues the sequence that row source_rows[r] held (beam search
  // reorders and duplicates beams this way).
  void select_rows(const std::vector<int>& source_rows);

 private:
  friend class T5Model;
  // Makes room for one more position, growing the caches by doubling: most
  // outputs are far shorter than max_length, so it is not allocated up front.
  void reserve_next_position();

  int rows_ = 0, capacity_ = 0, max_length_ = 0, length_ = 0, source_length_ = 0, inner_ = 0;
  // Per decoder layer: [rows][capacity][inner] self-attention keys / values.
  std::vector<std::vector<float>> self_keys_, self_values_;
  // Per decoder layer: [source_length][2 * inner], keys then values.
  std::vector<std::vector<float>> cross_keys_values_;
  std::vector<float> gather_scratch_;
};

class T5Model {
 public:
  // Loads <folder>/config.json and <folder>/model.safetensors (F32, F16 or
  // BF16 tensors, computed in float32). Refuses missing, misnamed or
  // misshapen tensors with promptlist::Error naming the file and tensor.
  static T5Model load(const std::string& folder);
  T5Model(T5Config config, std::shared_ptr<const T5Weights> weights);

  const T5Config& config() const { return config_; }

  // Encoder output after the final norm: [input_ids.size()][d_model].
  std::vector<float> encode(const std::vector<int>& input_ids) const;

  // A decoder state for `rows` sequences of at most `max_length` tokens
  // (decoder start token included) attending to `encoder_output`.
  T5DecoderState start_decoding(const std::vector<float>& encoder_output, int rows, int max_length) const;

  // Feeds tokens[r] to row r and writes the next-token logits, [rows][vocab].
  void decode_step(T5DecoderState& state, const std::vector<int>& tokens, std::vector<float>& logits) const;

 private:
  T5Config config_;
  std::shared_ptr<const T5Weights> weights_;
};

}  // namespace promptlist
