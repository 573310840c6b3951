// GenerationConfig::from_folder: generation_config.json (what generate()
// reads since transformers 4.26) or, for older folders, the same keys at the
// top level of config.json. Only settings this decoder implements are
// accepted; anything that would make HF produce different output is refused
// rather than silently ignored.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "promptlist/t5_generation.h"

namespace promptlist {

namespace {

using nlohmann::json;

int read_int(const json& j, const std::string& path, const char* key, int fallback, int minimum) {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  json v = j[key];
  if (v.is_array() && v.size() == 1) v = v[0];  // eos_token_id may be a one-element list
  if (!v.is_number_integer() || v.get<long long>() < minimum || v.get<long long>() > (1 << 24))
    throw Error(path + ": " + key + " must be an integer >= " + std::to_string(minimum) + ", got " + j[key].dump());
  return v.get<int>();
}

// Keys whose non-default values change generate()'s output in ways this
// decoder does not implement.
void refuse_unsupported(const json& j, const std::string& path) {
  auto refuse = [&](const char* key) {
    throw Error(path + ": " + key + " " + j[key].dump() + " is not supported by the built-in decoder");
  };
  auto nonzero = [&](const char* key) {
    return j.contains(key) && j[key].is_number() && j[key].get<double>() != 0.0;
  };
  if (j.contains("do_sample") && j["do_sample"].is_boolean() && j["do_sample"].get<bool>()) refuse("do_sample");
  for (const char* key : {"no_repeat_ngram_size", "encoder_no_repeat_ngram_size", "min_length", "min_new_tokens"})
    if (nonzero(key)) refuse(key);
  if (j.contains("repetition_penalty") && j["repetition_penalty"].is_number() &&
      j["repetition_penalty"].get<double>() != 1.0)
    refuse("repetition_penalty");
  if (j.contains("num_beam_groups") && j["num_beam_groups"].is_number() && j["num_beam_groups"].get<int>() > 1)
    refuse("num_beam_groups");
  for (const char* key : {"bad_words_ids", "force_words_ids", "forced_bos_token_id", "forced_eos_token_id",
                          "suppress_tokens", "begin_suppress_tokens", "forced_decoder_ids"})
    if (j.contains(key) && !j[key].is_null()) refuse(key);
}

}  // namespace

GenerationConfig GenerationConfig::from_folder(const std::string& folder, const T5Config& model_config) {
  namespace fs = std::filesystem;
  GenerationConfig g;
  g.decoder_start_token_id = model_config.decoder_start_token_id;
  g.eos_token_id = model_config.eos_token_id;
  g.pad_token_id = model_config.pad_token_id;

  fs::path path = fs::path(folder) / "generation_config.json";
  if (!fs::exists(path)) path = fs::path(folder) / "config.json";
  std::ifstream in(path);
  if (!in) throw Error(path.string() + ": cannot be read");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw Error(path.string() + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(path.string() + ": not a JSON object");
  const std::string p = path.string();
  refuse_unsupported(j, p);

  g.decoder_start_token_id = read_int(j, p, "decoder_start_token_id", g.decoder_start_token_id, 0);
  g.eos_token_id = read_int(j, p, "eos_token_id", g.eos_token_id, 0);
  g.pad_token_id = read_int(j, p, "pad_token_id", g.pad_token_id, 0);
  g.num_beams = read_int(j, p, "num_beams", g.num_beams, 1);
  g.max_length = read_int(j, p, "max_length", g.max_length, 1);
  // max_new_tokens wins over max_length in generate(); +1 for the start token.
  if (j.contains("max_new_tokens") && !j["max_new_tokens"].is_null())
    g.max_length = read_int(j, p, "max_new_tokens", 0, 1) + 1;
  if (j.contains("length_penalty")) {
    if (!j["length_penalty"].is_number()) throw Error(p + ": length_penalty must be a number");
    g.length_penalty = j["length_penalty"].get<float>();
  }
  if (j.contains("early_stopping")) {
    const json& e = j["early_stopping"];
    if (e.is_boolean())
      g.early_stopping = e.get<bool>() ? EarlyStopping::WhenEnoughHypotheses : EarlyStopping::Heuristic;
    else if (e.is_string() && e.get<std::string>() == "never")
      g.early_stopping = EarlyStopping::Never;
    else
      throw Error(p + ": early_stopping must be true, false or \"never\", got " + e.dump());
  }
  for (auto [name, id] : {std::pair{"decoder_start_token_id", g.decoder_start_token_id},
                          {"eos_token_id", g.eos_token_id}, {"pad_token_id", g.pad_token_id}})
    if (id >= model_config.vocab_size)
      throw Error(p + ": " + name + " " + std::to_string(id) + " is outside the vocabulary (vocab_size " +
                  std::to_string(model_config.vocab_size) + ")");
  return g;
}

}  // namespace promptlist
