// T5Generator: a T5 folder loaded as a whole, and the adapter that lets the
// model-independent searches drive T5's incremental decoder.
#include <optional>

#include "promptlist/error.h"
#include "promptlist/t5_generation.h"

namespace promptlist {

namespace {

class T5NextTokenModel : public NextTokenModel {
 public:
  T5NextTokenModel(const T5Model& model, std::vector<float> encoder_output)
      : model_(model), encoder_output_(std::move(encoder_output)) {}

  int vocab_size() const override { return model_.config().vocab_size; }
  void start(int rows, int max_length) override { state_ = model_.start_decoding(encoder_output_, rows, max_length); }
  void step(const std::vector<int>& tokens, std::vector<float>& logits) override {
    model_.decode_step(*state_, tokens, logits);
  }
  void select_rows(const std::vector<int>& source_rows) override { state_->select_rows(source_rows); }

 private:
  const T5Model& model_;
  std::vector<float> encoder_output_;
  std::optional<T5DecoderState> state_;
};

}  // namespace

T5Generator::T5Generator(const std::string& folder)
    : model_(T5Model::load(folder)),
      tokenizer_(T5Tokenizer::from_folder(folder, model_.config().eos_token_id, model_.config().pad_token_id)),
      default_config_(GenerationConfig::from_folder(folder, model_.config())) {
  // Every id the tokenizer can produce needs an embedding row.
  if (tokenizer_.token_count() > model_.config().vocab_size)
    throw Error(folder + "/spiece.model: " + std::to_string(tokenizer_.piece_count()) + " pieces + " +
                std::to_string(tokenizer_.options().extra_ids) + " sentinels exceed config.json's vocab_size " +
                std::to_string(model_.config().vocab_size) + " (tokenizer and model do not belong together)");
}

GenerationResult T5Generator::generate(const std::string& input_text, const GenerationConfig& config) const {
  return generate_ids(tokenizer_.encode(input_text, config.max_input_tokens), config);
}

GenerationResult T5Generator::generate_ids(const std::vector<int>& input_ids, const GenerationConfig& config) const {
  if (config.num_beams < 1) throw Error("generation: num_beams must be >= 1");
  if (config.max_length < 1) throw Error("generation: max_length must be >= 1");
  if (input_ids.empty()) throw Error("generation: the input has no tokens");
  const int vocab = model_.config().vocab_size;
  for (int id : {config.decoder_start_token_id, config.eos_token_id, config.pad_token_id})
    if (id < 0 || id >= vocab) throw Error("generation: special token id " + std::to_string(id) + " is outside the vocabulary");
  T5NextTokenModel next_token(model_, model_.encode(input_ids));
  GenerationResult result =
      config.num_beams == 1 ? greedy_search(next_token, config) : beam_search(next_token, config);
  result.text = tokenizer_.decode(result.ids);
  return result;
}

}  // namespace promptlist
