#include "promptlist/bert_encoder.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "int8_linear.h"
#include "nn/attention.h"
#include "nn/kernels.h"
#include "nn/packed_linear.h"
#include "nn/parallel.h"
#include "promptlist/safetensors.h"

namespace promptlist {

namespace fs = std::filesystem;

BertConfig BertConfig::from_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": missing (a model folder needs config.json)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": not valid JSON: " + e.what());
  }
  const std::string type = j.value("model_type", "");
  if (!type.empty() && type != "bert")
    throw Error(path + ": model_type '" + type + "' is not a BERT model (only BERT-family encoders are supported)");
  auto get = [&](const char* key) {
    if (!j.contains(key) || !j[key].is_number_integer() || j[key].get<int>() <= 0)
      throw Error(path + ": '" + key + "' is missing or not a positive integer");
    return j[key].get<int>();
  };
  BertConfig c;
  c.vocab_size = get("vocab_size");
  c.hidden_size = get("hidden_size");
  c.num_layers = get("num_hidden_layers");
  c.num_heads = get("num_attention_heads");
  c.intermediate_size = get("intermediate_size");
  c.max_position_embeddings = get("max_position_embeddings");
  c.type_vocab_size = j.value("type_vocab_size", 2);
  c.layer_norm_eps = j.value("layer_norm_eps", 1e-12f);
  if (c.hidden_size % c.num_heads != 0)
    throw Error(path + ": hidden_size " + std::to_string(c.hidden_size) + " is not a multiple of num_attention_heads " +
                std::to_string(c.num_heads));
  const std::string act = j.value("hidden_act", "gelu");
  // transformers' BERT knows more names; these are the ones tested here.
  const auto activation = act == "silu" || act == "swish" ? std::nullopt : activation_from_name(act);
  if (activation) c.activation = *activation;
  else throw Error(path + ": hidden_act '" + act + "' is not supported (gelu, gelu_new, relu)");
  if (j.value("position_embedding_type", "absolute") != "absolute")
    throw Error(path + ": position_embedding_type '" + j.value("position_embedding_type", "") + "' is not supported");
  return c;
}

struct BertEncoder::Weights {
  // One dense layer: float32 weights packed for nn::packed_linear, or
  // int8 ones (Precision::int8).
  struct Linear {
    int in = 0, out = 0;
    nn::PackedLinear packed;        // fp32
    std::unique_ptr<Int8Linear> q;  // int8
  };
  struct Norm {
    std::vector<float> gamma, beta;
  };
  struct Layer {
    Linear qkv;  // query, key and value stacked: [3 * hidden][hidden]
    Linear attn_out, intermediate, output;
    Norm attn_norm, out_norm;
  };
  std::vector<float> word, position, token_type;
  Norm embed_norm;
  std::vector<Layer> layers;
};

namespace {

// The tensor `name` (with or without a "bert." prefix) as float32, checked
// against the expected shape.
std::vector<float> tensor(const SafetensorsFile& file, const std::string& name, std::vector<std::int64_t> shape) {
  const std::string full = file.has(name) ? name : "bert." + name;
  if (!file.has(full)) throw Error(file.path() + ": tensor '" + name + "' is missing (not a BERT checkpoint?)");
  const TensorView& t = file.get(full);
  if (t.shape != shape) {
    auto str = [](const std::vector<std::int64_t>& s) {
      std::string r = "[";
      for (std::size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
      return r + "]";
    };
    throw Error(file.path() + ": tensor '" + full + "' has shape " + str(t.shape) + ", config.json implies " + str(shape));
  }
  return t.to_f32();
}

// A dense layer from PyTorch's w [out][in] and b [out], in the precision asked for.
BertEncoder::Weights::Linear make_linear(const std::vector<float>& w, const std::vector<float>& b, int out, int in,
                                         Precision precision) {
  BertEncoder::Weights::Linear l;
  l.in = in;
  l.out = out;
  if (precision == Precision::int8)
    l.q = std::make_unique<Int8Linear>(quantize_linear(w.data(), b.data(), out, in));
  else
    l.packed = nn::pack_linear(w.data(), b.data(), out, in);
  return l;
}

}  // namespace

BertEncoder BertEncoder::load(const std::string& folder, Precision precision) {
  if (!fs::is_directory(folder)) throw Error(folder + ": not a folder");
  BertEncoder enc;
  enc.config_ = BertConfig::from_json_file((fs::path(folder) / "config.json").string());
  const auto& c = enc.config_;
  const std::string weights_path = (fs::path(folder) / "model.safetensors").string();
  if (!fs::exists(weights_path)) {
    const bool bin = fs::exists(fs::path(folder) / "pytorch_model.bin");
    throw Error(weights_path + ": missing" +
                (bin ? std::string(" (only pytorch_model.bin is there; promptlist reads safetensors)") : std::string()));
  }
  SafetensorsFile file(weights_path);
  auto w = std::make_shared<Weights>();
  const std::int64_t h = c.hidden_size, inter = c.intermediate_size;
  w->word = tensor(file, "embeddings.word_embeddings.weight", {c.vocab_size, h});
  w->position = tensor(file, "embeddings.position_embeddings.weight", {c.max_position_embeddings, h});
  w->token_type = tensor(file, "embeddings.token_type_embeddings.weight", {c.type_vocab_size, h});
  w->embed_norm = {tensor(file, "embeddings.LayerNorm.weight", {h}), tensor(file, "embeddings.LayerNorm.bias", {h})};
  for (int l = 0; l < c.num_layers; ++l) {
    const std::string p = "encoder.layer." + std::to_string(l) + ".";
    Weights::Layer layer;
    std::vector<float> qkv_w, qkv_b;
    for (const char* part : {"query", "key", "value"}) {
      auto wt = tensor(file, p + "attention.self." + part + ".weight", {h, h});
      auto bs = tensor(file, p + "attention.self." + part + ".bias", {h});
      qkv_w.insert(qkv_w.end(), wt.begin(), wt.end());
      qkv_b.insert(qkv_b.end(), bs.begin(), bs.end());
    }
    layer.qkv = make_linear(qkv_w, qkv_b, static_cast<int>(3 * h), static_cast<int>(h), precision);
    auto lin = [&](const std::string& name, std::int64_t out, std::int64_t in) {
      auto wt = tensor(file, p + name + ".weight", {out, in});  // before the bias: errors name the weight first
      auto bs = tensor(file, p + name + ".bias", {out});
      return make_linear(wt, bs, static_cast<int>(out), static_cast<int>(in), precision);
    };
    layer.attn_out = lin("attention.output.dense", h, h);
    layer.intermediate = lin("intermediate.dense", inter, h);
    layer.output = lin("output.dense", h, inter);
    layer.attn_norm = {tensor(file, p + "attention.output.LayerNorm.weight", {h}),
                       tensor(file, p + "attention.output.LayerNorm.bias", {h})};
    layer.out_norm = {tensor(file, p + "output.LayerNorm.weight", {h}), tensor(file, p + "output.LayerNorm.bias", {h})};
    w->layers.push_back(std::move(layer));
  }
  enc.precision_ = precision;
  const std::string extra = "encoder.layer." + std::to_string(c.num_layers) + ".attention.self.query.weight";
  if (file.has(extra) || file.has("bert." + extra))
    throw Error(weights_path + ": holds more layers than num_hidden_layers = " + std::to_string(c.num_layers) +
                " in config.json");
  enc.weights_ = std::move(w);
  return enc;
}

namespace {

using Linear = BertEncoder::Weights::Linear;
using Norm = BertEncoder::Weights::Norm;

// The sizes of one forward pass.
struct Shape {
  int batch, length, rows, hidden, heads, head_dim, intermediate;
};

// Everything one forward pass writes, allocated before its first product
// (nothing the threads run allocates or throws).
struct Scratch {
  std::vector<float> x, qkv, ctx, inter;  // [rows][hidden], [rows][3 hidden], [rows][hidden], [rows][intermediate]
  std::vector<float> scores, keys;        // per thread of the team: [length][length], [head_dim][length]
  QuantizedRows quantized;                // int8: the input of the dense layer being run
  std::vector<int> valid;                 // real tokens of each sequence
};

// Real tokens first and padding after (TokenBatch's layout), so each mask is a length.
std::vector<int> valid_lengths(const TokenBatch& t, int vocab_size) {
  std::vector<int> valid(t.batch);
  for (int b = 0; b < t.batch; ++b) {
    const std::uint8_t* mask = t.mask.data() + static_cast<std::size_t>(b) * t.length;
    int n = 0;
    while (n < t.length && mask[n]) ++n;
    for (int j = n; j < t.length; ++j)
      if (mask[j]) throw Error("attention mask has a real token after padding (padding must come last)");
    valid[b] = n;
  }
  for (const std::int32_t id : t.ids)
    if (id < 0 || id >= vocab_size) throw Error("token id " + std::to_string(id) + " is outside the vocabulary");
  return valid;
}

// Rows of x quantised for the int8 dense layer l, rows [r0, r1) (a no-op for fp32).
void quantize(const Linear& l, const float* x, int r0, int r1, QuantizedRows& quantized) {
  if (l.q) quantize_rows(x, r0, r1, *l.q, quantized);
}

// All rows of x quantised for l, on the team.
void quantize(nn::Team& team, const Linear& l, const float* x, int rows, QuantizedRows& quantized) {
  if (l.q) team.parallel_for(rows, 1, [&](int r0, int r1, int) { quantize_rows(x, r0, r1, *l.q, quantized); });
}

// y = l(x) (+ the epilogue) on the team, the outputs shared out in chunks;
// int8 reads x as quantised beforehand.
void dense(nn::Team& team, const Linear& l, const float* x, int rows, float* y, nn::Epilogue e,
           const QuantizedRows& quantized) {
  if (l.q) {
    team.parallel_for(l.q->out_padded / 16, 4,  // the kernel's tiles are 4 blocks of 16 wide
                      [&](int b0, int b1, int) { int8_linear_part(quantized, rows, *l.q, y, b0, b1, e); });
    return;
  }
  team.parallel_for(l.out, nn::PackedLinear::kPanel,
                    [&](int o0, int o1, int) { nn::packed_linear(x, rows, l.packed, y, o0, o1, e); });
}

// Every (sequence, head) pair, shared out over the team.
void attention(nn::Team& team, const Shape& sh, Scratch& s) {
  const int T = sh.length, H = sh.hidden, dh = sh.head_dim;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  team.parallel_for(sh.batch * sh.heads, 1, [&](int begin, int end, int worker) {
    float* scores = s.scores.data() + static_cast<std::size_t>(worker) * T * T;
    float* keys = s.keys.data() + static_cast<std::size_t>(worker) * dh * T;
    for (int item = begin; item < end; ++item) {
      const int b = item / sh.heads, hd = item % sh.heads;
      const float* q = s.qkv.data() + static_cast<std::size_t>(b) * T * 3 * H + hd * dh;
      float* out = s.ctx.data() + static_cast<std::size_t>(b) * T * H + hd * dh;
      nn::attention_head({q, q + H, q + 2 * H, 3 * H, T, dh, s.valid[b], scale, out, H}, scores, keys);
    }
  });
}

// LayerNorm of every row of x, then (int8) its quantisation for `next`, the
// dense layer that reads x: the same rows, while they are in cache.
void norm_rows(nn::Team& team, const Norm& n, const Linear& next, const Shape& sh, float eps, Scratch& s) {
  team.parallel_for(sh.rows, 1, [&](int r0, int r1, int) {
    nn::layer_norm(s.x.data() + static_cast<std::size_t>(r0) * sh.hidden, r1 - r0, sh.hidden, n.gamma.data(),
                   n.beta.data(), eps);
    quantize(next, s.x.data(), r0, r1, s.quantized);
  });
}

// One post-LayerNorm encoder layer; the residuals are added by the dense
// layers' epilogues, straight into x. x arrives quantised for L.qkv, and
// leaves quantised for `next_qkv` (null after the last layer).
void encoder_layer(nn::Team& team, const BertEncoder::Weights::Layer& L, const Linear* next_qkv,
                   const BertConfig& c, const Shape& sh, Scratch& s) {
  const nn::Epilogue residual{.accumulate = true, .activation = std::nullopt};
  dense(team, L.qkv, s.x.data(), sh.rows, s.qkv.data(), {}, s.quantized);
  attention(team, sh, s);
  quantize(team, L.attn_out, s.ctx.data(), sh.rows, s.quantized);
  dense(team, L.attn_out, s.ctx.data(), sh.rows, s.x.data(), residual, s.quantized);
  norm_rows(team, L.attn_norm, L.intermediate, sh, c.layer_norm_eps, s);
  dense(team, L.intermediate, s.x.data(), sh.rows, s.inter.data(), {.accumulate = false, .activation = c.activation},
        s.quantized);
  quantize(team, L.output, s.inter.data(), sh.rows, s.quantized);
  dense(team, L.output, s.inter.data(), sh.rows, s.x.data(), residual, s.quantized);
  static const Linear none;  // fp32 stand-in: nothing to quantise after the last layer
  norm_rows(team, L.out_norm, next_qkv ? *next_qkv : none, sh, c.layer_norm_eps, s);
}

// Word + position + token-type embeddings, LayerNorm, and (int8) the
// quantisation for the first layer.
void embed(nn::Team& team, const BertEncoder::Weights& w, const TokenBatch& t, const Shape& sh, float eps,
           Scratch& s) {
  const int H = sh.hidden;
  team.parallel_for(sh.rows, 1, [&](int r0, int r1, int) {
    for (int r = r0; r < r1; ++r) {
      const float* we = w.word.data() + static_cast<std::size_t>(t.ids[r]) * H;
      const float* pe = w.position.data() + static_cast<std::size_t>(r % sh.length) * H;
      const float* te = w.token_type.data();  // token type 0 for single sentences
      float* row = s.x.data() + static_cast<std::size_t>(r) * H;
      for (int k = 0; k < H; ++k) row[k] = we[k] + pe[k] + te[k];
    }
    nn::layer_norm(s.x.data() + static_cast<std::size_t>(r0) * H, r1 - r0, H, w.embed_norm.gamma.data(),
                   w.embed_norm.beta.data(), eps);
    quantize(w.layers.front().qkv, s.x.data(), r0, r1, s.quantized);
  });
}

}  // namespace

std::vector<float> BertEncoder::forward(const TokenBatch& t, int threads) const {
  const auto& c = config_;
  const Weights& w = *weights_;
  if (t.length > c.max_position_embeddings)
    throw Error("input of " + std::to_string(t.length) + " tokens is longer than the model's " +
                std::to_string(c.max_position_embeddings) + " positions");
  nn::Team team(threads);
  const int rows = t.batch * t.length, dh = c.hidden_size / c.num_heads;
  const Shape sh{t.batch, t.length, rows, c.hidden_size, c.num_heads, dh, c.intermediate_size};
  Scratch s;
  s.valid = valid_lengths(t, c.vocab_size);
  s.x.resize(static_cast<std::size_t>(rows) * sh.hidden);
  s.qkv.resize(static_cast<std::size_t>(rows) * 3 * sh.hidden);
  s.ctx.resize(static_cast<std::size_t>(rows) * sh.hidden);
  s.inter.resize(static_cast<std::size_t>(rows) * sh.intermediate);
  s.scores.resize(static_cast<std::size_t>(team.size()) * t.length * t.length);
  s.keys.resize(static_cast<std::size_t>(team.size()) * dh * t.length);
  if (precision_ == Precision::int8) s.quantized.resize(rows, (std::max(sh.hidden, sh.intermediate) + 3) / 4 * 4);
  embed(team, w, t, sh, c.layer_norm_eps, s);
  for (std::size_t l = 0; l < w.layers.size(); ++l)
    encoder_layer(team, w.layers[l], l + 1 < w.layers.size() ? &w.layers[l + 1].qkv : nullptr, c, sh, s);
  return std::move(s.x);
}

}  // namespace promptlist
