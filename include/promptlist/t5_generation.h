// promptlist/t5_generation.h: greedy and beam-search decoding with the
// semantics of Hugging Face's generate() (no logits processors, batch of one,
// one eos id), and T5Generator, which turns a prompt into text with a T5
// model folder.
//
// Beam search follows BeamSearchScorer / BeamHypotheses (transformers
// >= 4.35): float32 log-softmax added to the beam scores, the top
// 2*num_beams candidates walked in rank order, an eos candidate finishing a
// hypothesis only within the first num_beams ranks, hypothesis score
// sum_logprobs / generated_len^length_penalty. See
// shared/reference/README.md for the full rules.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "promptlist/t5.h"
#include "promptlist/t5_tokenizer.h"

namespace promptlist {

// generate()'s early_stopping: true, false or "never".
enum class EarlyStopping {
  WhenEnoughHypotheses,  // True: stop once num_beams hypotheses are finished
  Heuristic,             // False (HF default): stop when no running beam can beat the worst kept hypothesis
  Never,                 // "never": the canonical beam search stopping rule
};

struct GenerationConfig {
  int num_beams = 1;     // 1: greedy
  int max_length = 20;   // counts the decoder start token (HF default 20)
  float length_penalty = 1.0f;
  EarlyStopping early_stopping = EarlyStopping::Heuristic;
  int decoder_start_token_id = 0;
  int eos_token_id = 1;
  int pad_token_id = 0;
  // Input truncation in tokens, </s> included (tokenizer(truncation=True,
  // max_length=...)); 0 keeps the whole input.
  int max_input_tokens = 0;

  // The generation settings of <folder>/generation_config.json, or of
  // config.json when there is none, on top of the model's special ids.
  // Settings this decoder does not implement (sampling, repetition
  // penalties, minimum lengths, ...) are refused with promptlist::Error.
  static GenerationConfig from_folder(const std::string& folder, const T5Config& model_config);
};

struct GenerationResult {
  std::vector<int> ids;  // decoder start token first; ends with eos unless max_length was reached
  std::string text;      // decoded, special tokens skipped
  // Beam: the best hypothesis' length-normalised score (HF
  // sequences_scores). Greedy: the sum of the chosen tokens' log-probabilities.
  float score = 0;
};

// What decoding needs from a model: next-token logits for `rows` sequences
// grown side by side. T5 implements it with its key/value cache; tests use
// hand-made tables.
class NextTokenModel {
 public:
  virtual ~NextTokenModel() = default;
  virtual int vocab_size() const = 0;
  // Resets to `rows` empty sequences of at most max_length tokens.
  virtual void start(int rows, int max_length) = 0;
  // Appends tokens[r] to row r; logits becomes [rows][vocab_size()].
  virtual void step(const std::vector<int>& tokens, std::vector<float>& logits) = 0;
  // Row r continues the sequence row source_rows[r] held.
  virtual void select_rows(const std::vector<int>& source_rows) = 0;
};

// ids and score only (text is left empty).
GenerationResult greedy_search(NextTokenModel& model, const GenerationConfig& config);
GenerationResult beam_search(NextTokenModel& model, const GenerationConfig& config);

// A T5 folder ready to generate: model, tokenizer and generation settings.
class T5Generator {
 public:
  // Loads config.json, model.safetensors, spiece.model (+ optional
  // tokenizer_config.json, generation_config.json). Throws promptlist::Error
  // naming the file and the problem.
  explicit T5Generator(const std::string& folder);

  const T5Model& model() const { return model_; }
  const T5Tokenizer& tokenizer() const { return tokenizer_; }
  // The folder's settings; a copy can be changed and passed to generate().
  const GenerationConfig& default_config() const { return default_config_; }

  // Encodes input_text as is (the caller adds any task prefix such as
  // "prompt: "), then greedy (num_beams 1) or beam search.
  GenerationResult generate(const std::string& input_text) const { return generate(input_text, default_config_); }
  GenerationResult generate(const std::string& input_text, const GenerationConfig& config) const;
  GenerationResult generate_ids(const std::vector<int>& input_ids, const GenerationConfig& config) const;

 private:
  T5Model model_;
  T5Tokenizer tokenizer_;
  GenerationConfig default_config_;
};

}  // namespace promptlist
