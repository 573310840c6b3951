// load_t5_weights: the tensor names transformers' T5ForConditionalGeneration
// saves, each checked against the shape the config implies, and every other
// tensor in the file refused (a leftover tensor means the config and the
// weights describe different models), except the copies HF itself ignores.
#include "nn/t5_weights.h"

#include <set>

#include "promptlist/error.h"
#include "promptlist/safetensors.h"

namespace promptlist {

namespace {

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

class TensorReader {
 public:
  explicit TensorReader(const SafetensorsFile& file) : file_(file) {}

  bool has(const std::string& name) const { return file_.has(name); }

  void check_shape(const std::string& name, std::vector<std::int64_t> shape) const {
    const TensorView& t = file_.get(name);
    if (t.shape != shape)
      throw Error(file_.path() + ": tensor '" + name + "' has shape " + shape_string(t.shape) +
                  ", config.json implies " + shape_string(shape));
    if (t.dtype != DType::F32 && t.dtype != DType::F16 && t.dtype != DType::BF16 && t.dtype != DType::F64)
      throw Error(file_.path() + ": tensor '" + name + "' has dtype " + dtype_name(t.dtype) +
                  ", expected F32, F16 or BF16");
  }

  // The tensor as float32, after checking it exists with exactly `shape`.
  std::vector<float> read(const std::string& name, std::vector<std::int64_t> shape) {
    if (!file_.has(name))
      throw Error(file_.path() + ": tensor '" + name + "' is missing (incomplete or not a T5 checkpoint?)");
    check_shape(name, shape);
    used_.insert(name);
    return file_.get(name).to_f32();
  }

  // Several [rows_i][cols] tensors stacked into one [sum rows_i][cols] matrix.
  std::vector<float> read_stacked(const std::vector<std::string>& names, std::int64_t rows, std::int64_t cols) {
    std::vector<float> out;
    out.reserve(static_cast<std::size_t>(rows * cols) * names.size());
    for (const auto& name : names) {
      auto part = read(name, {rows, cols});
      out.insert(out.end(), part.begin(), part.end());
    }
    return out;
  }

  void mark_used(const std::string& name) { used_.insert(name); }

  std::vector<std::string> unused() const {
    std::vector<std::string> names;
    for (const auto& [name, view] : file_.tensors())
      if (!used_.count(name)) names.push_back(name);
    return names;
  }

 private:
  const SafetensorsFile& file_;
  std::set<std::string> used_;
};

T5FeedForwardWeights read_feed_forward(TensorReader& r, const T5Config& c, const std::string& p) {
  T5FeedForwardWeights ff;
  if (c.gated_feed_forward)
    ff.wi = r.read_stacked({p + "wi_0.weight", p + "wi_1.weight"}, c.d_ff, c.d_model);
  else
    ff.wi = r.read(p + "wi.weight", {c.d_ff, c.d_model});
  ff.wo = r.read(p + "wo.weight", {c.d_model, c.d_ff});
  return ff;
}

}  // namespace

T5Weights load_t5_weights(const T5Config& c, const std::string& path) {
  SafetensorsFile file(path);
  TensorReader r(file);
  const std::int64_t d = c.d_model, inner = c.inner_dim(), vocab = c.vocab_size;
  T5Weights w;

  // save_pretrained stores the embeddings once as shared.weight; other
  // exports keep the stacks' tied copies, which HF ties back to shared.
  const char* embedding_names[] = {"shared.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight"};
  for (const char* name : embedding_names)
    if (r.has(name)) {
      if (w.shared.empty()) w.shared = r.read(name, {vocab, d});
      r.check_shape(name, {vocab, d});
      r.mark_used(name);
    }
  if (w.shared.empty())
    throw Error(path + ": tensor 'shared.weight' is missing (no token embeddings; not a T5 checkpoint?)");
  if (!c.tie_word_embeddings) {
    w.lm_head = r.read("lm_head.weight", {vocab, d});
  } else if (r.has("lm_head.weight")) {
    r.check_shape("lm_head.weight", {vocab, d});
    r.mark_used("lm_head.weight");  // tied: HF overwrites it with shared
  }

  const std::int64_t buckets = c.relative_attention_num_buckets, heads = c.num_heads;
  w.encoder_bias = r.read("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", {buckets, heads});
  w.decoder_bias = r.read("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", {buckets, heads});
  // Old checkpoints carry a never-used bias table in the first cross
  // attention; HF drops it (_keys_to_ignore_on_load_unexpected).
  const std::string stale_cross_bias = "decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight";
  if (r.has(stale_cross_bias)) r.mark_used(stale_cross_bias);

  for (int i = 0; i < c.num_layers; ++i) {
    const std::string p = "encoder.block." + std::to_string(i) + ".layer.";
    T5EncoderLayerWeights l;
    l.attention_norm = r.read(p + "0.layer_norm.weight", {d});
    const std::string a = p + "0.SelfAttention.";
    l.qkv = r.read_stacked({a + "q.weight", a + "k.weight", a + "v.weight"}, inner, d);
    l.attention_out = r.read(a + "o.weight", {d, inner});
    l.feed_forward_norm = r.read(p + "1.layer_norm.weight", {d});
    l.feed_forward = read_feed_forward(r, c, p + "1.DenseReluDense.");
    w.encoder.push_back(std::move(l));
  }
  w.encoder_final_norm = r.read("encoder.final_layer_norm.weight", {d});

  for (int i = 0; i < c.num_decoder_layers; ++i) {
    const std::string p = "decoder.block." + std::to_string(i) + ".layer.";
    T5DecoderLayerWeights l;
    l.self_attention_norm = r.read(p + "0.layer_norm.weight", {d});
    const std::string a = p + "0.SelfAttention.";
    l.self_qkv = r.read_stacked({a + "q.weight", a + "k.weight", a + "v.weight"}, inner, d);
    l.self_attention_out = r.read(a + "o.weight", {d, inner});
    l.cross_attention_norm = r.read(p + "1.layer_norm.weight", {d});
    const std::string x = p + "1.EncDecAttention.";
    l.cross_q = r.read(x + "q.weight", {inner, d});
    l.cross_kv = r.read_stacked({x + "k.weight", x + "v.weight"}, inner, d);
    l.cross_attention_out = r.read(x + "o.weight", {d, inner});
    l.feed_forward_norm = r.read(p + "2.layer_norm.weight", {d});
    l.feed_forward = read_feed_forward(r, c, p + "2.DenseReluDense.");
    w.decoder.push_back(std::move(l));
  }
  w.decoder_final_norm = r.read("decoder.final_layer_norm.weight", {d});

  const auto unused = r.unused();
  if (!unused.empty())
    throw Error(path + ": tensor '" + unused.front() + "' is not part of the model config.json describes (" +
                std::to_string(unused.size()) +
                " unexpected tensor(s); do num_layers, num_decoder_layers and feed_forward_proj match?)");
  return w;
}

}  // namespace promptlist
