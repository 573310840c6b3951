// promptlist/t5_feature_predictor.h: the seed's fine-tuned T5
// (afsagag/t5-spotify-features-generator or any T5 folder trained the same
// way) as a feature predictor, run by our own T5.
//
// As the seed card does: input "prompt: {text}" truncated to 256 tokens,
// beam search with 4 beams, early stopping, at most 256 tokens; the text is
// read by parse_feature_text() (with its repairs noted), then the prompt's
// stated constraints win.
#pragma once

#include <memory>
#include <string>

#include "promptlist/feature_predictor.h"

namespace promptlist {

class T5Generator;

class T5FeaturePredictor : public FeaturePredictor {
 public:
  explicit T5FeaturePredictor(const std::string& folder);  // throws promptlist::Error
  ~T5FeaturePredictor() override;
  std::string name() const override { return name_; }
  FeatureTarget predict(std::string_view prompt) const override;

 private:
  std::string name_;
  std::unique_ptr<T5Generator> generator_;
};

}  // namespace promptlist
