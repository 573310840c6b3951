// nn/t5_weights.h: T5 parameters as float32 arrays in PyTorch layout
// (linear weights [out][in], y = x W^T), with the projections that read the
// same input fused so one matrix product computes them together.
#pragma once

#include <string>
#include <vector>

#include "promptlist/t5.h"

namespace promptlist {

struct T5FeedForwardWeights {
  std::vector<float> wi;    // [d_ff][d_model]; gated: wi_0 rows then wi_1 rows, [2*d_ff][d_model]
  std::vector<float> wo;    // [d_model][d_ff]
};

struct T5EncoderLayerWeights {
  std::vector<float> attention_norm;  // [d_model]
  std::vector<float> qkv;             // [3*inner][d_model]: q, k, v rows
  std::vector<float> attention_out;   // [d_model][inner]
  std::vector<float> feed_forward_norm;
  T5FeedForwardWeights feed_forward;
};

struct T5DecoderLayerWeights {
  std::vector<float> self_attention_norm;
  std::vector<float> self_qkv;            // [3*inner][d_model]
  std::vector<float> self_attention_out;  // [d_model][inner]
  std::vector<float> cross_attention_norm;
  std::vector<float> cross_q;             // [inner][d_model]
  std::vector<float> cross_kv;            // [2*inner][d_model]: k rows then v rows
  std::vector<float> cross_attention_out; // [d_model][inner]
  std::vector<float> feed_forward_norm;
  T5FeedForwardWeights feed_forward;
};

struct T5Weights {
  std::vector<float> shared;          // [vocab][d_model] token embeddings
  std::vector<float> lm_head;         // [vocab][d_model]; empty when tied (then shared is the head)
  std::vector<float> encoder_bias;    // [num_buckets][num_heads]
  std::vector<float> decoder_bias;    // [num_buckets][num_heads]
  std::vector<T5EncoderLayerWeights> encoder;
  std::vector<float> encoder_final_norm;
  std::vector<T5DecoderLayerWeights> decoder;
  std::vector<float> decoder_final_norm;
};

// Reads every parameter the config calls for from a safetensors file.
T5Weights load_t5_weights(const T5Config& config, const std::string& safetensors_path);

}  // namespace promptlist
