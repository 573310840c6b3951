// T5Config::from_json_file: the fields of transformers' T5Config that change
// the computation, with the defaults T5Config.__init__ / PretrainedConfig use
// when a field is absent.
#include <fstream>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "promptlist/t5.h"

namespace promptlist {

namespace {

using nlohmann::json;

int positive_int(const json& j, const std::string& path, const char* key) {
  if (!j.contains(key)) throw Error(path + ": field '" + key + "' is missing (is this a T5 config.json?)");
  const json& v = j[key];
  if (!v.is_number_integer() || v.get<long long>() <= 0 || v.get<long long>() > (1 << 24))
    throw Error(path + ": field '" + key + "' must be a positive integer, got " + v.dump());
  return v.get<int>();
}

int int_or(const json& j, const std::string& path, const char* key, int fallback) {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  const json& v = j[key];
  // eos_token_id may be a list in newer files; one eos id is all we support.
  if (v.is_array() && v.size() == 1) return int_or(json{{key, v[0]}}, path, key, fallback);
  if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > (1 << 24))
    throw Error(path + ": field '" + key + "' must be a non-negative integer, got " + v.dump());
  return v.get<int>();
}

// feed_forward_proj is "ACT" or "gated-ACT" (T5Config.__init__); the name
// "gated-gelu" means the tanh approximation for backward compatibility.
void parse_feed_forward(const std::string& proj, const std::string& path, T5Config& c) {
  std::string act = proj;
  c.gated_feed_forward = false;
  if (proj.rfind("gated-", 0) == 0) {
    c.gated_feed_forward = true;
    act = proj.substr(6);
  }
  if (proj == "gated-gelu") act = "gelu_new";
  // gelu_pytorch_tanh is a BERT name, not one T5Config.__init__ knows.
  const auto activation = act == "gelu_pytorch_tanh" ? std::nullopt : activation_from_name(act);
  if (activation)
    c.activation = *activation;
  else
    throw Error(path + ": feed_forward_proj '" + proj +
                "' is not supported (expected relu, gated-gelu, gelu, gelu_new, silu or gated-<one of these>)");
}

}  // namespace

T5Config T5Config::from_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": model config file is missing or unreadable");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw Error(path + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(path + ": not a JSON object");
  if (j.contains("model_type")) {
    const std::string type = j["model_type"].is_string() ? j["model_type"].get<std::string>() : j["model_type"].dump();
    if (type != "t5" && type != "mt5")
      throw Error(path + ": model_type '" + type + "' is not a T5 model (expected \"t5\")");
  }

  T5Config c;
  c.vocab_size = positive_int(j, path, "vocab_size");
  c.d_model = positive_int(j, path, "d_model");
  c.d_kv = positive_int(j, path, "d_kv");
  c.num_heads = positive_int(j, path, "num_heads");
  c.d_ff = positive_int(j, path, "d_ff");
  c.num_layers = positive_int(j, path, "num_layers");
  c.num_decoder_layers = j.contains("num_decoder_layers") && !j["num_decoder_layers"].is_null()
                             ? positive_int(j, path, "num_decoder_layers")
                             : c.num_layers;
  c.relative_attention_num_buckets = j.contains("relative_attention_num_buckets")
                                         ? positive_int(j, path, "relative_attention_num_buckets")
                                         : 32;
  c.relative_attention_max_distance = j.contains("relative_attention_max_distance")
                                          ? positive_int(j, path, "relative_attention_max_distance")
                                          : 128;
  // The encoder splits the buckets in two halves, each with an exact half.
  if (c.relative_attention_num_buckets < 4 || c.relative_attention_num_buckets % 2 != 0)
    throw Error(path + ": relative_attention_num_buckets must be an even number >= 4");
  if (c.relative_attention_max_distance <= c.relative_attention_num_buckets / 4)
    throw Error(path + ": relative_attention_max_distance is too small for relative_attention_num_buckets");

  if (j.contains("layer_norm_epsilon")) {
    if (!j["layer_norm_epsilon"].is_number() || j["layer_norm_epsilon"].get<double>() <= 0)
      throw Error(path + ": layer_norm_epsilon must be a positive number");
    c.layer_norm_epsilon = j["layer_norm_epsilon"].get<float>();
  }
  std::string proj = "relu";
  if (j.contains("feed_forward_proj")) {
    if (!j["feed_forward_proj"].is_string()) throw Error(path + ": feed_forward_proj must be a string");
    proj = j["feed_forward_proj"].get<std::string>();
  }
  parse_feed_forward(proj, path, c);
  if (j.contains("tie_word_embeddings")) {
    if (!j["tie_word_embeddings"].is_boolean()) throw Error(path + ": tie_word_embeddings must be true or false");
    c.tie_word_embeddings = j["tie_word_embeddings"].get<bool>();
  }
  c.pad_token_id = int_or(j, path, "pad_token_id", 0);
  c.eos_token_id = int_or(j, path, "eos_token_id", 1);
  c.decoder_start_token_id = int_or(j, path, "decoder_start_token_id", c.pad_token_id);
  for (auto [name, id] : {std::pair{"pad_token_id", c.pad_token_id}, {"eos_token_id", c.eos_token_id},
                          {"decoder_start_token_id", c.decoder_start_token_id}})
    if (id >= c.vocab_size)
      throw Error(path + ": " + name + " " + std::to_string(id) + " is outside the vocabulary (vocab_size " +
                  std::to_string(c.vocab_size) + ")");
  return c;
}

}  // namespace promptlist
