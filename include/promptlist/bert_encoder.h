// promptlist/bert_encoder.h: the BERT encoder of a Hugging Face folder, run
// by our own forward pass (our own kernels, src/nn/packed_linear.h and
// int8_linear.h; no BLAS).
//
// Post-LayerNorm BERT: word + position + token-type embeddings, LayerNorm;
// per layer self-attention (scores / sqrt(head_dim), padded keys masked),
// output dense + residual + LayerNorm, intermediate dense + activation,
// output dense + residual + LayerNorm. Weights are kept as float32 (F16 and
// BF16 files are widened at load).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "promptlist/activation.h"

namespace promptlist {

// fp32: every product in float32. int8: the four dense layers of
// every encoder layer run on int8 weights (per output channel) and int8
// activations (per row); attention, LayerNorm and residuals stay float32.
enum class Precision { fp32, int8 };

// The int8 kernel this CPU runs: "avx512-vnni" or "portable".
const char* int8_kernel_name();

struct BertConfig {
  int vocab_size = 0, hidden_size = 0, num_layers = 0, num_heads = 0, intermediate_size = 0;
  int max_position_embeddings = 0, type_vocab_size = 0;
  float layer_norm_eps = 1e-12f;
  Activation activation = Activation::gelu;

  // Reads and checks config.json; throws promptlist::Error naming the file
  // and the field (missing, not a BERT model, unknown activation, ...).
  static BertConfig from_json_file(const std::string& path);
};

// Token ids of several texts, padded to one length.
struct TokenBatch {
  int batch = 0, length = 0;
  std::vector<std::int32_t> ids;  // [batch][length]
  std::vector<std::uint8_t> mask; // [batch][length], 1 = real token
};

class BertEncoder {
 public:
  // Loads config.json and model.safetensors from folder.
  static BertEncoder load(const std::string& folder, Precision precision = Precision::fp32);
  const BertConfig& config() const { return config_; }
  Precision precision() const { return precision_; }

  // Last hidden states, [batch][length][hidden], computed by `threads`
  // threads (0: one per core) for this call only. Thread-safe (const, no
  // shared scratch).
  std::vector<float> forward(const TokenBatch& tokens, int threads = 1) const;

  struct Weights;  // defined in bert_encoder.cpp; public so its helpers can name its parts

 private:
  BertConfig config_;
  Precision precision_ = Precision::fp32;
  std::shared_ptr<const Weights> weights_;
};

}  // namespace promptlist
