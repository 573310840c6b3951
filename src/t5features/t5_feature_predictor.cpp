#include "promptlist/t5_feature_predictor.h"

#include <filesystem>

#include "promptlist/feature_text.h"
#include "promptlist/t5_generation.h"

namespace promptlist {

T5FeaturePredictor::T5FeaturePredictor(const std::string& folder)
    : name_("t5:" + std::filesystem::path(folder).lexically_normal().filename().string()),
      generator_(std::make_unique<T5Generator>(folder)) {}

T5FeaturePredictor::~T5FeaturePredictor() = default;

FeatureTarget T5FeaturePredictor::predict(std::string_view prompt) const {
  // The seed card's generate() call.
  GenerationConfig config = generator_->default_config();
  config.num_beams = 4;
  config.early_stopping = EarlyStopping::WhenEnoughHypotheses;
  config.max_length = 256;
  config.max_input_tokens = 256;
  const GenerationResult out = generator_->generate("prompt: " + std::string(prompt), config);
  FeatureTarget target = parse_feature_text(out.text);
  target.notes.insert(target.notes.begin(), "T5 wrote: " + out.text.substr(0, 300));
  const FeatureTarget stated = stated_constraints(prompt);
  for (const auto& spec : feature_specs())
    if (const auto& g = stated[spec.feature]) target.set(spec.feature, *g);
  return target;
}

}  // namespace promptlist
