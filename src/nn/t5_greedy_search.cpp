// greedy_search: generate() with do_sample=False and num_beams=1.
#include <algorithm>

#include "nn/kernels.h"
#include "promptlist/t5_generation.h"

namespace promptlist {

GenerationResult greedy_search(NextTokenModel& model, const GenerationConfig& config) {
  GenerationResult result;
  result.ids.push_back(config.decoder_start_token_id);
  const int vocab = model.vocab_size();
  model.start(1, config.max_length);
  std::vector<float> logits, log_probs(vocab);
  double sum_log_probs = 0;
  // max_length counts the start token, so at most max_length-1 new tokens.
  while (static_cast<int>(result.ids.size()) < config.max_length) {
    model.step({result.ids.back()}, logits);
    // max_element returns the first of equal maxima, like torch.argmax.
    const int token = static_cast<int>(std::max_element(logits.begin(), logits.begin() + vocab) - logits.begin());
    nn::log_softmax(logits.data(), vocab, log_probs.data());
    sum_log_probs += log_probs[token];
    result.ids.push_back(token);
    if (token == config.eos_token_id) break;
  }
  result.score = static_cast<float>(sum_log_probs);
  return result;
}

}  // namespace promptlist
