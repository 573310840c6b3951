// tests/t5/t5_test_support.h: the reference T5 folders and golden files in
// shared/reference (see its README.md for how they were made).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "promptlist/t5_generation.h"
#include "test_support.h"

namespace promptlist::test {

inline std::filesystem::path t5_fixture(const std::string& name) { return shared_dir() / "reference" / name; }

inline const nlohmann::json& t5_golden(const std::string& name) {
  static std::map<std::string, nlohmann::json> cache;
  auto it = cache.find(name);
  if (it == cache.end())
    it = cache.emplace(name, nlohmann::json::parse(read_file(t5_fixture(name + ".golden.json")))).first;
  return it->second;
}

// Loaded once per folder: every golden case shares it.
inline const T5Generator& t5_generator(const std::string& name) {
  static std::map<std::string, std::unique_ptr<T5Generator>> cache;
  auto& slot = cache[name];
  if (!slot) slot = std::make_unique<T5Generator>(t5_fixture(name).string());
  return *slot;
}

// The settings the golden decodes were made with.
inline GenerationConfig t5_golden_generation(const nlohmann::json& golden) {
  const auto& g = golden["generation"];
  GenerationConfig c;
  c.max_length = g["max_length"];
  c.num_beams = g["num_beams"];
  c.length_penalty = g["length_penalty"];
  c.early_stopping = g["early_stopping"].get<bool>() ? EarlyStopping::WhenEnoughHypotheses : EarlyStopping::Heuristic;
  c.decoder_start_token_id = g["decoder_start_token_id"];
  c.eos_token_id = g["eos_token_id"];
  c.pad_token_id = g["pad_token_id"];
  return c;
}

}  // namespace promptlist::test
