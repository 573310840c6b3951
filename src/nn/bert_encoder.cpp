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
#include "t5_kernels.h"
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
  if (act == "gelu") c.activation = BertActivation::gelu;
  else if (act == "gelu_new" || act == "gelu_pytorch_tanh") c.activation = BertActivation::gelu_new;
  else if (act == "relu") c.activation = BertActivation::relu;
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

__attribute__((target_clones("avx512f", "avx2", "default"))) void layer_norm(float* x, int rows, int n,
                                                                              const std::vector<float>& gamma,
                                                                              const std::vector<float>& beta, float eps) {
  // float sums in SIMD lanes (omp simd reduction): hidden sizes are a few
  // hundred, well within float precision for a mean and a variance.
  for (int r = 0; r < rows; ++r) {
    float* v = x + static_cast<std::size_t>(r) * n;
    float sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int i = 0; i < n; ++i) sum += v[i];
    const float m = sum / static_cast<float>(n);
    float squares = 0;
#pragma omp simd reduction(+ : squares)
    for (int i = 0; i < n; ++i) squares += (v[i] - m) * (v[i] - m);
    const float inv = 1.0f / std::sqrt(squares / static_cast<float>(n) + eps);
    for (int i = 0; i < n; ++i) v[i] = (v[i] - m) * inv * gamma[i] + beta[i];
  }
}

}  // namespace

// Up to this many rows go through t5::linear's weight-streaming kernel (a
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
  // The few-rows kernel of the T5 runtime streams the weights once.
  if (rows <= kFewRowsBatch) {
    t5::linear(x, rows, l.in, l.w.data(), l.out, y);
    for (int r = 0; r < rows; ++r)
      for (int o = 0; o < l.out; ++o) y[static_cast<std::size_t>(r) * l.out + o] += l.b[o];
    return;
  }
  for (int r = 0; r < rows; ++r) std::copy(l.b.begin(), l.b.end(), y + static_cast<std::size_t>(r) * l.out);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, l.out, l.in, 1.0f, x, l.in, l.w.data(), l.in, 1.0f, y,
              l.out);
}

namespace {

// erf as a rational function of x on [-4, 4] (beyond, erf is +-1 to float
// precision), max abs error 4.5e-7. Unlike libm's erff it has no calls or
// branches, so the GELU loop below vectorises; libm's erff was a fifth of
// the forward pass.
inline float fast_erf(float x) {
  x = x < -4.f ? -4.f : (x > 4.f ? 4.f : x);
  const float x2 = x * x;
  float p = -2.72614225801306e-10f;
  p = p * x2 + 2.77068142495902e-08f;
  p = p * x2 + -2.10102402082508e-06f;
  p = p * x2 + -5.69250639462346e-05f;
  p = p * x2 + -7.34990630326855e-04f;
  p = p * x2 + -2.95459980854025e-03f;
  p = p * x2 + -1.60960333262415e-02f;
  float q = -1.45660718464996e-05f;
  q = q * x2 + -2.13374055278905e-04f;
  q = q * x2 + -1.68282697438203e-03f;
  q = q * x2 + -7.37332916720468e-03f;
  q = q * x2 + -1.42647390514189e-02f;
  return p * x / q;
}

// Built twice, for AVX-512 and for any x86-64, and picked at load time: the
// element-wise loops are a large share of a batch once the products are int8.
__attribute__((target_clones("avx512f", "avx2", "default"))) void activate(std::vector<float>& v, BertActivation a) {
  switch (a) {
    case BertActivation::gelu:
      for (float& x : v) x = 0.5f * x * (1.0f + fast_erf(x * 0.70710678118654752f));
      break;
    case BertActivation::gelu_new:
      for (float& x : v) x = 0.5f * x * (1.0f + std::tanh(0.7978845608028654f * (x + 0.044715f * x * x * x)));
      break;
    case BertActivation::relu:
      for (float& x : v) x = x > 0 ? x : 0;
      break;
  }
}

// exp by range reduction (x = n ln2 + r) and a degree-6 polynomial for
// e^r (the Cephes expf constants), max relative error 8e-8; no libm call,
// so the softmax loop vectorises.
inline float fast_exp(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  const float n = std::nearbyint(x * 1.44269504088896341f);
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// Row-wise softmax of a [T][T] score matrix over its first `valid` keys;
// the padded keys after them get weight 0 (the reference adds float32_min,
// which underflows to exactly 0 after exp). No branches in the loops.
__attribute__((target_clones("avx512f", "avx2", "default"))) void masked_softmax(float* scores, int T, int valid) {
  for (int i = 0; i < T; ++i) {
    float* s = scores + static_cast<std::size_t>(i) * T;
    float mx = s[0];
#pragma omp simd reduction(max : mx)
    for (int j = 1; j < valid; ++j) mx = std::max(mx, s[j]);
    float sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int j = 0; j < valid; ++j) {
      s[j] = fast_exp(s[j] - mx);
      sum += s[j];
    }
    const float inv = 1.0f / sum;
    for (int j = 0; j < valid; ++j) s[j] *= inv;
    for (int j = valid; j < T; ++j) s[j] = 0.0f;
  }
}

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
  masked_softmax(scores, T, valid);
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
  layer_norm(x.data(), rows, H, w.embed_norm.gamma, w.embed_norm.beta, c.layer_norm_eps);

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
        masked_softmax(scores.data(), T, valid);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, dh, T, 1.0f, scores.data(), T, v, 3 * H, 0.0f, out, H);
      }
    }
    linear(ctx.data(), rows, L.attn_out, tmp.data());
    add_into(x, tmp);
    layer_norm(x.data(), rows, H, L.attn_norm.gamma, L.attn_norm.beta, c.layer_norm_eps);
    linear(x.data(), rows, L.intermediate, inter.data());
    activate(inter, c.activation);
    linear(inter.data(), rows, L.output, tmp.data());
    add_into(x, tmp);
    layer_norm(x.data(), rows, H, L.out_norm.gamma, L.out_norm.beta, c.layer_norm_eps);
  }
  return x;
}

}  // namespace promptlist
