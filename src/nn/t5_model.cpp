// T5Model: loading and the encoder / incremental decoder forward passes.
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "nn/kernels.h"
#include "nn/t5_weights.h"
#include "promptlist/error.h"
#include "promptlist/t5.h"

namespace promptlist {

namespace {

namespace fs = std::filesystem;

// x += FF(norm_x): wo(act(wi x)) or wo(act(wi_0 x) * wi_1 x).
void feed_forward(const T5Config& c, const T5FeedForwardWeights& w, const float* normed, int rows, float* x) {
  const int width = c.gated_feed_forward ? 2 * c.d_ff : c.d_ff;
  std::vector<float> hidden(static_cast<std::size_t>(rows) * width);
  nn::linear(normed, rows, c.d_model, w.wi.data(), width, hidden.data());
  std::vector<float> activated(static_cast<std::size_t>(rows) * c.d_ff);
  for (int r = 0; r < rows; ++r) {
    const float* h = hidden.data() + static_cast<std::size_t>(r) * width;
    float* a = activated.data() + static_cast<std::size_t>(r) * c.d_ff;
    std::copy(h, h + c.d_ff, a);
    nn::activate(c.activation, a, c.d_ff);
    if (c.gated_feed_forward)
      for (int i = 0; i < c.d_ff; ++i) a[i] *= h[c.d_ff + i];
  }
  nn::linear(activated.data(), rows, c.d_ff, w.wo.data(), c.d_model, x, /*accumulate=*/true);
}

void check_ids(const std::vector<int>& ids, int vocab, const char* what) {
  for (int id : ids)
    if (id < 0 || id >= vocab)
      throw Error(std::string(what) + " id " + std::to_string(id) + " is outside the vocabulary (vocab_size " +
                  std::to_string(vocab) + ")");
}

void embed(const std::vector<float>& table, const std::vector<int>& ids, int d, float* x) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    std::copy_n(table.data() + static_cast<std::size_t>(ids[i]) * d, d, x + i * d);
}

// One decoder layer's self-attention cache: row r's key and value of
// position j at keys/values + r * row_stride + j * inner.
struct CachedKeys {
  const float* keys;
  const float* values;
  std::size_t row_stride;
  int length;  // cached positions, the new one included
};

// Each row's new query (in its qkv row) against its cached keys, plus the
// position bias ([heads][length]), into context ([n][inner]).
void attend_cached(const T5Config& c, const float* qkv, int n, const CachedKeys& cache, const float* bias,
                   float* scores, float* context) {
  const int inner = c.inner_dim(), heads = c.num_heads, dk = c.d_kv, keys = cache.length;
  for (int r = 0; r < n; ++r) {
    const float* row_keys = cache.keys + r * cache.row_stride;
    const float* row_values = cache.values + r * cache.row_stride;
    for (int h = 0; h < heads; ++h) {
      const float* q = qkv + static_cast<std::size_t>(r) * 3 * inner + h * dk;
      float* p = scores;
      for (int j = 0; j < keys; ++j) {
        const float* k = row_keys + static_cast<std::size_t>(j) * inner + h * dk;
        float dot = 0;
        for (int i = 0; i < dk; ++i) dot += q[i] * k[i];
        p[j] = dot + bias[static_cast<std::size_t>(h) * keys + j];
      }
      nn::softmax(p, keys);
      float* out = context + static_cast<std::size_t>(r) * inner + h * dk;
      std::fill_n(out, dk, 0.0f);
      for (int j = 0; j < keys; ++j) {
        const float* v = row_values + static_cast<std::size_t>(j) * inner + h * dk;
        for (int i = 0; i < dk; ++i) out[i] += p[j] * v[i];
      }
    }
  }
}

// Cross-attention of the n queries over the S encoder positions (keys and
// values stacked in kv, [S][2 inner]): no position bias, no mask.
void attend_cross(const T5Config& c, const float* query, int n, const float* kv, int S, float* scores,
                  float* context) {
  const int inner = c.inner_dim(), dk = c.d_kv;
  for (int h = 0; h < c.num_heads; ++h) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, S, dk, 1.0f, query + h * dk, inner, kv + h * dk,
                2 * inner, 0.0f, scores, S);
    for (int r = 0; r < n; ++r) nn::softmax(scores + static_cast<std::size_t>(r) * S, S);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, dk, S, 1.0f, scores, S, kv + inner + h * dk,
                2 * inner, 0.0f, context + h * dk, inner);
  }
}

}  // namespace

T5Model::T5Model(T5Config config, std::shared_ptr<const T5Weights> weights)
    : config_(std::move(config)), weights_(std::move(weights)) {}

T5Model T5Model::load(const std::string& folder) {
  if (!fs::is_directory(folder)) throw Error(folder + ": T5 model folder does not exist");
  const fs::path dir(folder);
  T5Config config = T5Config::from_json_file((dir / "config.json").string());
  const fs::path weights_path = dir / "model.safetensors";
  if (!fs::exists(weights_path)) {
    std::string hint;
    if (fs::exists(dir / "model.safetensors.index.json")) hint = " (sharded checkpoints are not supported)";
    else if (fs::exists(dir / "pytorch_model.bin")) hint = " (only pytorch_model.bin is there; convert it to safetensors)";
    throw Error(weights_path.string() + ": model weights file is missing" + hint);
  }
  auto weights = std::make_shared<const T5Weights>(load_t5_weights(config, weights_path.string()));
  return T5Model(std::move(config), std::move(weights));
}

std::vector<float> T5Model::encode(const std::vector<int>& input_ids) const {
  const T5Config& c = config_;
  const T5Weights& w = *weights_;
  check_ids(input_ids, c.vocab_size, "input");
  const int S = static_cast<int>(input_ids.size());
  const int d = c.d_model, inner = c.inner_dim(), heads = c.num_heads, dk = c.d_kv;
  std::vector<float> x(static_cast<std::size_t>(S) * d);
  if (S == 0) return x;
  embed(w.shared, input_ids, d, x.data());

  // Position bias [head][query][key], computed once: every layer reuses
  // block 0's table.
  std::vector<float> bias(static_cast<std::size_t>(heads) * S * S);
  for (int i = 0; i < S; ++i)
    for (int j = 0; j < S; ++j) {
      const int bucket = t5_relative_position_bucket(j - i, /*bidirectional=*/true, c.relative_attention_num_buckets,
                                                     c.relative_attention_max_distance);
      for (int h = 0; h < heads; ++h)
        bias[(static_cast<std::size_t>(h) * S + i) * S + j] = w.encoder_bias[bucket * heads + h];
    }

  std::vector<float> normed(x.size()), qkv(static_cast<std::size_t>(S) * 3 * inner),
      context(static_cast<std::size_t>(S) * inner), scores(static_cast<std::size_t>(S) * S);
  for (const T5EncoderLayerWeights& layer : w.encoder) {
    nn::rms_norm(x.data(), S, d, layer.attention_norm.data(), c.layer_norm_epsilon, normed.data());
    nn::linear(normed.data(), S, d, layer.qkv.data(), 3 * inner, qkv.data());
    for (int h = 0; h < heads; ++h) {
      const float* q = qkv.data() + h * dk;
      const float* k = q + inner;
      const float* v = q + 2 * inner;
      // scores = q k^T (T5 does not divide by sqrt(d_kv)) + position bias
      std::copy_n(bias.data() + static_cast<std::size_t>(h) * S * S, scores.size(), scores.data());
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, S, S, dk, 1.0f, q, 3 * inner, k, 3 * inner, 1.0f,
                  scores.data(), S);
      for (int i = 0; i < S; ++i) nn::softmax(scores.data() + static_cast<std::size_t>(i) * S, S);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, S, dk, S, 1.0f, scores.data(), S, v, 3 * inner, 0.0f,
                  context.data() + h * dk, inner);
    }
    nn::linear(context.data(), S, inner, layer.attention_out.data(), d, x.data(), /*accumulate=*/true);
    nn::rms_norm(x.data(), S, d, layer.feed_forward_norm.data(), c.layer_norm_epsilon, normed.data());
    feed_forward(c, layer.feed_forward, normed.data(), S, x.data());
  }
  nn::rms_norm(x.data(), S, d, w.encoder_final_norm.data(), c.layer_norm_epsilon, x.data());
  return x;
}

T5DecoderState T5Model::start_decoding(const std::vector<float>& encoder_output, int rows, int max_length) const {
  const T5Config& c = config_;
  const int d = c.d_model, inner = c.inner_dim();
  if (rows <= 0 || max_length <= 0) throw std::logic_error("T5Model::start_decoding: rows and max_length must be > 0");
  if (encoder_output.size() % d != 0) throw std::logic_error("T5Model::start_decoding: encoder output is not [S][d_model]");
  T5DecoderState s;
  s.rows_ = rows;
  s.max_length_ = max_length;
  s.capacity_ = std::min(max_length, 8);  // grows by doubling (the goldens exercise it)
  s.source_length_ = static_cast<int>(encoder_output.size() / d);
  s.inner_ = inner;
  const std::size_t cache_size = static_cast<std::size_t>(rows) * s.capacity_ * inner;
  s.self_keys_.assign(c.num_decoder_layers, std::vector<float>(cache_size));
  s.self_values_.assign(c.num_decoder_layers, std::vector<float>(cache_size));
  // Cross-attention keys and values depend only on the encoder output:
  // computed once here, shared by every row and step.
  for (const T5DecoderLayerWeights& layer : weights_->decoder) {
    std::vector<float> kv(static_cast<std::size_t>(s.source_length_) * 2 * inner);
    if (s.source_length_ > 0)
      nn::linear(encoder_output.data(), s.source_length_, d, layer.cross_kv.data(), 2 * inner, kv.data());
    s.cross_keys_values_.push_back(std::move(kv));
  }
  return s;
}

void T5Model::decode_step(T5DecoderState& s, const std::vector<int>& tokens, std::vector<float>& logits) const {
  const T5Config& c = config_;
  const T5Weights& w = *weights_;
  const int n = s.rows_, d = c.d_model, inner = c.inner_dim(), heads = c.num_heads;
  const int S = s.source_length_;
  if (static_cast<int>(tokens.size()) != n) throw std::logic_error("T5Model::decode_step: one token per row expected");
  if (s.length_ >= s.max_length_) throw std::logic_error("T5Model::decode_step: decoder state is full (max_length)");
  if (S == 0) throw std::logic_error("T5Model::decode_step: empty encoder output");
  check_ids(tokens, c.vocab_size, "decoder");
  s.reserve_next_position();
  const int t = s.length_;  // position of the new token
  const int keys = t + 1;

  std::vector<float> x(static_cast<std::size_t>(n) * d);
  embed(w.shared, tokens, d, x.data());
  // Decoder bias for key distance t - j, per head (reused by every layer).
  std::vector<float> bias(static_cast<std::size_t>(heads) * keys);
  for (int j = 0; j < keys; ++j) {
    const int bucket = t5_relative_position_bucket(j - t, /*bidirectional=*/false, c.relative_attention_num_buckets,
                                                   c.relative_attention_max_distance);
    for (int h = 0; h < heads; ++h) bias[static_cast<std::size_t>(h) * keys + j] = w.decoder_bias[bucket * heads + h];
  }

  std::vector<float> normed(x.size()), qkv(static_cast<std::size_t>(n) * 3 * inner),
      context(static_cast<std::size_t>(n) * inner), query(static_cast<std::size_t>(n) * inner),
      scores(static_cast<std::size_t>(n) * std::max(keys, S));
  const std::size_t row_stride = static_cast<std::size_t>(s.capacity_) * inner;
  for (int l = 0; l < c.num_decoder_layers; ++l) {
    const T5DecoderLayerWeights& layer = w.decoder[l];
    float* key_cache = s.self_keys_[l].data();
    float* value_cache = s.self_values_[l].data();

    // Self-attention over the cached positions plus the new one.
    nn::rms_norm(x.data(), n, d, layer.self_attention_norm.data(), c.layer_norm_epsilon, normed.data());
    nn::linear(normed.data(), n, d, layer.self_qkv.data(), 3 * inner, qkv.data());
    for (int r = 0; r < n; ++r) {
      const float* row = qkv.data() + static_cast<std::size_t>(r) * 3 * inner;
      std::copy_n(row + inner, inner, key_cache + r * row_stride + static_cast<std::size_t>(t) * inner);
      std::copy_n(row + 2 * inner, inner, value_cache + r * row_stride + static_cast<std::size_t>(t) * inner);
    }
    const CachedKeys cache{key_cache, value_cache, row_stride, keys};
    attend_cached(c, qkv.data(), n, cache, bias.data(), scores.data(), context.data());
    nn::linear(context.data(), n, inner, layer.self_attention_out.data(), d, x.data(), /*accumulate=*/true);

    // Cross-attention over the encoder output.
    nn::rms_norm(x.data(), n, d, layer.cross_attention_norm.data(), c.layer_norm_epsilon, normed.data());
    nn::linear(normed.data(), n, d, layer.cross_q.data(), inner, query.data());
    attend_cross(c, query.data(), n, s.cross_keys_values_[l].data(), S, scores.data(), context.data());
    nn::linear(context.data(), n, inner, layer.cross_attention_out.data(), d, x.data(), /*accumulate=*/true);

    nn::rms_norm(x.data(), n, d, layer.feed_forward_norm.data(), c.layer_norm_epsilon, normed.data());
    feed_forward(c, layer.feed_forward, normed.data(), n, x.data());
  }
  nn::rms_norm(x.data(), n, d, w.decoder_final_norm.data(), c.layer_norm_epsilon, x.data());
  logits.resize(static_cast<std::size_t>(n) * c.vocab_size);
  if (c.tie_word_embeddings) {
    // Tied head: HF rescales the hidden state by d_model^-0.5 first.
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    for (float& v : x) v *= scale;
    nn::linear(x.data(), n, d, w.shared.data(), c.vocab_size, logits.data());
  } else {
    nn::linear(x.data(), n, d, w.lm_head.data(), c.vocab_size, logits.data());
  }
  s.length_ = t + 1;
}

}  // namespace promptlist
