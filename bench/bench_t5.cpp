// bench_t5: decoding speed of the built-in T5 runtime, printed as JSON.
//
// For each OpenBLAS thread count and each mode (greedy, beam search with 4
// beams), every prompt goes through T5Generator::generate end to end
// (tokenize, encode, decode with the key/value cache) after one warm-up
// call. Reported: ms per prompt and generated tokens per second (eos
// included, start token not), plus the generated ids so a driver can check
// another implementation produced the same sequences.
//
// Usage: bench_t5 MODEL_DIR [--prompts FILE] [--max-length N] [--threads 1,2]
//   FILE: one input text per line (default: a few "prompt: ..." lines).
// bench/torch_t5.py writes a random t5-base-shaped folder and runs this
// against PyTorch in the same run.
#include <cblas.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "promptlist/error.h"
#include "promptlist/t5_generation.h"

using namespace promptlist;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

const char* kDefaultPrompts[] = {
    "prompt: I need energetic dance music for a party",
    "prompt: Play calm acoustic songs for studying",
    "prompt: Upbeat music for working out",
    "prompt: Relaxing instrumental background music",
    "prompt: Happy pop music for driving",
};

std::vector<int> parse_threads(const std::string& list) {
  std::vector<int> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::stoi(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_t5 MODEL_DIR [--prompts FILE] [--max-length N] [--threads 1,2]\n");
    return 2;
  }
  const std::string folder = argv[1];
  std::vector<std::string> prompts(std::begin(kDefaultPrompts), std::end(kDefaultPrompts));
  int max_length = 32;
  std::vector<int> thread_counts = {1, 2};
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--prompts") {
      std::ifstream in(value);
      prompts.clear();
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) prompts.push_back(line);
    } else if (flag == "--max-length") {
      max_length = std::stoi(value);
    } else if (flag == "--threads") {
      thread_counts = parse_threads(value);
    } else {
      std::fprintf(stderr, "bench_t5: unknown option %s\n", flag.c_str());
      return 2;
    }
  }

  try {
    const auto t_load = Clock::now();
    const T5Generator generator(folder);
    const double load_s = since(t_load);
    const T5Config& c = generator.model().config();

    nlohmann::json out;
    out["implementation"] = "promptlist C++ (OpenBLAS sgemm/sgemv, key/value cache)";
    out["model_dir"] = folder;
    out["shape"] = {{"d_model", c.d_model},     {"d_kv", c.d_kv},
                    {"num_heads", c.num_heads}, {"d_ff", c.d_ff},
                    {"num_layers", c.num_layers}, {"num_decoder_layers", c.num_decoder_layers},
                    {"vocab_size", c.vocab_size}, {"feed_forward_proj", c.gated_feed_forward ? "gated" : "relu"}};
    out["load_s"] = load_s;
    out["max_length"] = max_length;
    out["prompts"] = prompts.size();
    out["runs"] = nlohmann::json::array();

    for (const auto& [mode, beams] : {std::pair{"greedy", 1}, {"beam4", 4}}) {
      GenerationConfig config = generator.default_config();
      config.num_beams = beams;
      config.max_length = max_length;
      config.early_stopping = EarlyStopping::WhenEnoughHypotheses;  // the model card's generate() call
      config.length_penalty = 1.0f;
      for (int threads : thread_counts) {
        openblas_set_num_threads(threads);
        generator.generate(prompts.front(), config);  // warm-up: page in weights, size buffers
        std::vector<std::vector<int>> ids;
        long new_tokens = 0;
        const auto t0 = Clock::now();
        for (const auto& p : prompts) {
          const GenerationResult r = generator.generate(p, config);
          new_tokens += static_cast<long>(r.ids.size()) - 1;
          ids.push_back(r.ids);
        }
        const double seconds = since(t0);
        out["runs"].push_back({{"mode", mode},
                               {"threads", threads},
                               {"new_tokens", new_tokens},
                               {"seconds", seconds},
                               {"ms_per_prompt", 1000.0 * seconds / prompts.size()},
                               {"tokens_per_s", new_tokens / seconds}});
        out["outputs"][mode] = ids;
      }
    }
    std::printf("%s\n", out.dump(1).c_str());
  } catch (const Error& e) {
    std::fprintf(stderr, "bench_t5: %s\n", e.what());
    return 1;
  }
  return 0;
}
