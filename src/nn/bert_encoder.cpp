#include "promptlist/bert_encoder.h"

#include <cblas.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "int8_linear.h"
#include "nn/kernels.h"
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
  struct Linear {
    std::vector<float> w, b;  // w: [out][in]; emptied when quantised
    int in = 0, out = 0;
    std::unique_ptr<Int8Linear> q;  // set for Precision::int8
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

}  // namespace

// Up to this many rows go through nn::linear's weight-streaming kernel (a
// prompt of 16 tokens is 18 rows with [CLS] and [SEP]).
constexpr int kFewRowsBatch = 24;

// y[rows][out] = x[rows][in] * W^T + b, in float32 or int8.
static void linear(const float* x, int rows, const BertEncoder::Weights::Linear& l, float* y) {
  if (l.q) {
    int8_linear(x, rows, *l.q, y);
    return;
  }
  // A prompt is a handful of rows: OpenBLAS would pack the whole weight
  // matrix for each call, doubling the bytes read, and its threads spin.
  // The few-rows kernel of nn::linear streams the weights once.
  if (rows <= kFewRowsBatch) {
    nn::linear(x, rows, l.in, l.w.data(), l.out, y);
    for (int r = 0; r < rows; ++r)
      for (int o = 0; o < l.out; ++o) y[static_cast<std::size_t>(r) * l.out + o] += l.b[o];
    return;
  }
  for (int r = 0; r < rows; ++r) std::copy(l.b.begin(), l.b.end(), y + static_cast<std::size_t>(r) * l.out);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, l.out, l.in, 1.0f, x, l.in, l.w.data(), l.in, 1.0f, y,
              l.out);
}

namespace {

// Attention of one head over a short sequence, in plain loops: for a
// prompt, a BLAS call costs more to set up than its few thousand
// multiply-adds, and there are two per head and layer.
constexpr int kSmallAttention = 32;

__attribute__((target_clones("avx512f", "avx2", "default"))) void small_attention(
    const float* q, const float* k, const float* v, int stride, int T, int dh, float scale, int valid, float* scores,
    float* out, int out_stride) {
  for (int i = 0; i < T; ++i)
    for (int j = 0; j < T; ++j) {
      float dot = 0;
      for (int d = 0; d < dh; ++d) dot += q[i * stride + d] * k[j * stride + d];
      scores[i * T + j] = dot * scale;
    }
  nn::masked_softmax(scores, T, T, valid);
  for (int i = 0; i < T; ++i) {
    float* o = out + static_cast<std::size_t>(i) * out_stride;
    for (int d = 0; d < dh; ++d) o[d] = 0;
    for (int j = 0; j < T; ++j) {
      const float p = scores[i * T + j];
      const float* vj = v + static_cast<std::size_t>(j) * stride;
      for (int d = 0; d < dh; ++d) o[d] += p * vj[d];
    }
  }
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void add_into(std::vector<float>& x,
                                                                           const std::vector<float>& y) {
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += y[i];
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
    layer.qkv.in = static_cast<int>(h);
    layer.qkv.out = static_cast<int>(3 * h);
    for (const char* part : {"query", "key", "value"}) {
      auto wt = tensor(file, p + "attention.self." + part + ".weight", {h, h});
      auto bs = tensor(file, p + "attention.self." + part + ".bias", {h});
      layer.qkv.w.insert(layer.qkv.w.end(), wt.begin(), wt.end());
      layer.qkv.b.insert(layer.qkv.b.end(), bs.begin(), bs.end());
    }
    auto lin = [&](const std::string& name, std::int64_t out, std::int64_t in) {
      return Weights::Linear{tensor(file, p + name + ".weight", {out, in}), tensor(file, p + name + ".bias", {out}),
                             static_cast<int>(in), static_cast<int>(out), nullptr};
    };
    layer.attn_out = lin("attention.output.dense", h, h);
    layer.intermediate = lin("intermediate.dense", inter, h);
    layer.output = lin("output.dense", h, inter);
    layer.attn_norm = {tensor(file, p + "attention.output.LayerNorm.weight", {h}),
                       tensor(file, p + "attention.output.LayerNorm.bias", {h})};
    layer.out_norm = {tensor(file, p + "output.LayerNorm.weight", {h}), tensor(file, p + "output.LayerNorm.bias", {h})};
    w->layers.push_back(std::move(layer));
  }
  if (precision == Precision::int8)
    for (auto& layer : w->layers)
      for (auto* l : {&layer.qkv, &layer.attn_out, &layer.intermediate, &layer.output}) {
        l->q = std::make_unique<Int8Linear>(quantize_linear(l->w.data(), l->b.data(), l->out, l->in));
        std::vector<float>().swap(l->w);
      }
  enc.precision_ = precision;
  const std::string extra = "encoder.layer." + std::to_string(c.num_layers) + ".attention.self.query.weight";
  if (file.has(extra) || file.has("bert." + extra))
    throw Error(weights_path + ": holds more layers than num_hidden_layers = " + std::to_string(c.num_layers) +
                " in config.json");
  enc.weights_ = std::move(w);
  return enc;
}

std::vector<float> BertEncoder::forward(const TokenBatch& t) const {
  const auto& c = config_;
  const Weights& w = *weights_;
  const int H = c.hidden_size, heads = c.num_heads, dh = H / heads, T = t.length, B = t.batch, rows = B * T;
  if (T > c.max_position_embeddings)
    throw Error("input of " + std::to_string(T) + " tokens is longer than the model's " +
                std::to_string(c.max_position_embeddings) + " positions");
  std::vector<float> x(static_cast<std::size_t>(rows) * H);
  for (int b = 0; b < B; ++b)
    for (int i = 0; i < T; ++i) {
      const std::int32_t id = t.ids[static_cast<std::size_t>(b) * T + i];
      if (id < 0 || id >= c.vocab_size) throw Error("token id " + std::to_string(id) + " is outside the vocabulary");
      float* row = x.data() + (static_cast<std::size_t>(b) * T + i) * H;
      const float* we = w.word.data() + static_cast<std::size_t>(id) * H;
      const float* pe = w.position.data() + static_cast<std::size_t>(i) * H;
      const float* te = w.token_type.data();  // token type 0 for single sentences
      for (int k = 0; k < H; ++k) row[k] = we[k] + pe[k] + te[k];
    }
  nn::layer_norm(x.data(), rows, H, w.embed_norm.gamma.data(), w.embed_norm.beta.data(), c.layer_norm_eps);

  std::vector<float> qkv(static_cast<std::size_t>(rows) * 3 * H), ctx(static_cast<std::size_t>(rows) * H),
      scores(static_cast<std::size_t>(T) * T), tmp(static_cast<std::size_t>(rows) * H),
      inter(static_cast<std::size_t>(rows) * c.intermediate_size);
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  for (const auto& L : w.layers) {
    linear(x.data(), rows, L.qkv, qkv.data());
    for (int b = 0; b < B; ++b) {
      // Real tokens come first and padding after (TokenBatch's layout), so
      // the mask is a length.
      const std::uint8_t* mask = t.mask.data() + static_cast<std::size_t>(b) * T;
      int valid = 0;
      while (valid < T && mask[valid]) ++valid;
      for (int j = valid; j < T; ++j)
        if (mask[j]) throw Error("attention mask has a real token after padding (padding must come last)");
      for (int hd = 0; hd < heads; ++hd) {
        const float* q = qkv.data() + static_cast<std::size_t>(b) * T * 3 * H + hd * dh;
        const float* k = q + H;
        const float* v = q + 2 * H;
        float* out = ctx.data() + static_cast<std::size_t>(b) * T * H + hd * dh;
        if (T <= kSmallAttention) {
          small_attention(q, k, v, 3 * H, T, dh, scale, valid, scores.data(), out, H);
          continue;
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, dh, scale, q, 3 * H, k, 3 * H, 0.0f, scores.data(), T);
        nn::masked_softmax(scores.data(), T, T, valid);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, dh, T, 1.0f, scores.data(), T, v, 3 * H, 0.0f, out, H);
      }
    }
    linear(ctx.data(), rows, L.attn_out, tmp.data());
    add_into(x, tmp);
    nn::layer_norm(x.data(), rows, H, L.attn_norm.gamma.data(), L.attn_norm.beta.data(), c.layer_norm_eps);
    linear(x.data(), rows, L.intermediate, inter.data());
    nn::activate(c.activation, inter.data(), inter.size());
    linear(inter.data(), rows, L.output, tmp.data());
    add_into(x, tmp);
    nn::layer_norm(x.data(), rows, H, L.out_norm.gamma.data(), L.out_norm.beta.data(), c.layer_norm_eps);
  }
  return x;
}

}  // namespace promptlist
