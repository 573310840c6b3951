#include "promptlist/t5_tokenizer.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"

namespace promptlist {

T5Tokenizer::T5Tokenizer(const std::string& spiece_model_path, T5TokenizerOptions options)
    : pieces_(spiece_model_path), options_(options) {
  if (options_.extra_ids < 0) throw Error(spiece_model_path + ": extra_ids must not be negative");
  if (options_.eos_id >= piece_count() || options_.pad_id >= piece_count())
    throw Error(spiece_model_path + ": eos/pad ids " + std::to_string(options_.eos_id) + "/" +
                std::to_string(options_.pad_id) + " are not pieces of this model (" + std::to_string(piece_count()) +
                " pieces)");
}

T5Tokenizer T5Tokenizer::from_folder(const std::string& folder, int eos_id, int pad_id) {
  namespace fs = std::filesystem;
  const fs::path dir(folder);
  T5TokenizerOptions options;
  options.eos_id = eos_id;
  options.pad_id = pad_id;
  const fs::path config_path = dir / "tokenizer_config.json";
  if (fs::exists(config_path)) {
    std::ifstream in(config_path);
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw Error(config_path.string() + ": not valid JSON: " + e.what());
    }
    if (!j.is_object()) throw Error(config_path.string() + ": not a JSON object");
    if (j.contains("extra_ids")) {
      if (!j["extra_ids"].is_number_integer() || j["extra_ids"].get<int>() < 0)
        throw Error(config_path.string() + ": extra_ids must be a non-negative integer");
      options.extra_ids = j["extra_ids"].get<int>();
    }
    if (j.contains("clean_up_tokenization_spaces") && j["clean_up_tokenization_spaces"].is_boolean())
      options.clean_up_tokenization_spaces = j["clean_up_tokenization_spaces"].get<bool>();
  }
  const fs::path spiece = dir / "spiece.model";
  if (!fs::exists(spiece)) {
    std::string hint = fs::exists(dir / "tokenizer.json") ? " (only tokenizer.json is there; it is not supported)" : "";
    throw Error(spiece.string() + ": T5 tokenizer file spiece.model is missing" + hint);
  }
  return T5Tokenizer(spiece.string(), options);
}

std::vector<int> T5Tokenizer::encode(std::string_view text, int max_tokens) const {
  std::vector<int> ids = pieces_.encode(text);
  if (max_tokens > 0 && static_cast<int>(ids.size()) + 1 > max_tokens) ids.resize(max_tokens - 1);
  ids.push_back(options_.eos_id);
  return ids;
}

std::vector<std::string> T5Tokenizer::encode_pieces(std::string_view text) const {
  auto pieces = pieces_.encode_pieces(text);
  pieces.push_back(pieces_.id_to_piece(options_.eos_id));
  return pieces;
}

std::string T5Tokenizer::decode(const std::vector<int>& ids) const {
  std::vector<int> kept;
  for (int id : ids) {
    if (id == options_.pad_id || id == options_.eos_id || id == pieces_.unk_id()) continue;
    if (id < 0 || id >= piece_count()) continue;  // sentinels and unused vocabulary padding
    kept.push_back(id);
  }
  std::string text = pieces_.decode(kept);
  return options_.clean_up_tokenization_spaces ? clean_up_tokenization(std::move(text)) : text;
}

std::string clean_up_tokenization(std::string text) {
  static const std::pair<const char*, const char*> kReplacements[] = {
      {" .", "."},   {" ?", "?"},   {" !", "!"},   {" ,", ","},   {" ' ", "'"},
      {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  // Each replacement runs over the whole text before the next, as Python's
  // chained str.replace calls do.
  for (const auto& [from, to] : kReplacements) {
    const std::string f = from, t = to;
    std::string out;
    std::size_t pos = 0;
    while (true) {
      const std::size_t hit = text.find(f, pos);
      if (hit == std::string::npos) break;
      out.append(text, pos, hit - pos);
      out += t;
      pos = hit + f.size();
    }
    out.append(text, pos, std::string::npos);
    text = std::move(out);
  }
  return text;
}

}  // namespace promptlist
