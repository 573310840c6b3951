// bench_transformer: our sentence-transformers forward pass, timed.
// Driven by bench/bench_minilm.py, which times PyTorch on the same model
// and texts in the same run and prints the comparison.
//
//   bench_transformer chunks MODEL OUT.jsonl [EVERY]   verse chunks of the demo
//       catalog ($PROMPTLIST_HOME/catalog.db), chunked for MODEL, every EVERY-th
//   bench_transformer run|run-int8 MODEL TEXTS.jsonl PROMPT [THREADS]
//       prints JSON: prompt latency (batch 1) and verse throughput, fp32 or int8,
//       on THREADS threads (TransformerEmbedderOptions::threads)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "promptlist/catalog.h"
#include "promptlist/transformer_embedder.h"
#include "promptlist/verse_chunker.h"

using namespace promptlist;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

int chunks(const std::string& model, const std::string& out_path, std::size_t every) {
  const std::string home = std::getenv("PROMPTLIST_HOME") ? std::getenv("PROMPTLIST_HOME")
                                                          : std::string(std::getenv("HOME")) + "/.local/share/promptlist";
  Catalog catalog(home + "/catalog.db");
  TransformerEmbedder embedder(model);
  ChunkerOptions options;
  options.max_tokens = embedder.max_tokens();
  std::ofstream out(out_path);
  std::size_t i = 0, written = 0;
  for (const Song& song : catalog.songs_with_lyrics())
    for (const auto& c : chunk_song(song.key, song.verses, [&](std::string_view t) { return embedder.count_tokens(t); }, options))
      if (i++ % every == 0) {
        out << nlohmann::json(c.text).dump() << "\n";
        ++written;
      }
  std::fprintf(stderr, "%zu of %zu chunks written to %s\n", written, i, out_path.c_str());
  return 0;
}

int run(const std::string& model, const std::string& texts_path, const std::string& prompt, int threads,
        bool int8) {
  TransformerEmbedderOptions options;
  options.threads = threads;  // this embedder's forward passes only
  if (int8) options.precision = Precision::int8;
  TransformerEmbedder embedder(model, options);
  std::vector<std::string> texts;
  std::ifstream in(texts_path);
  std::string line;
  while (std::getline(in, line)) texts.push_back(nlohmann::json::parse(line).get<std::string>());
  std::vector<float> out(texts.size() * embedder.dim()), one(embedder.dim());

  // (a) one prompt, batch 1: warm up, then the median of many runs.
  for (int i = 0; i < 5; ++i) embedder.embed({prompt}, one.data());
  std::vector<double> lat;
  for (int i = 0; i < 50; ++i) {
    auto t0 = Clock::now();
    embedder.embed({prompt}, one.data());
    lat.push_back(ms_since(t0));
  }
  std::sort(lat.begin(), lat.end());
  // (b) every verse text, batches of 32 sorted by length.
  embedder.embed(std::vector<std::string>(texts.begin(), texts.begin() + std::min<std::size_t>(64, texts.size())), out.data());
  auto t0 = Clock::now();
  const auto stats = embedder.embed(texts, out.data());
  const double total_ms = ms_since(t0);
  nlohmann::json j = {
      {"threads", threads},
      {"precision", int8 ? "int8" : "fp32"},
      {"prompt_tokens", embedder.tokenizer().encode(prompt, embedder.max_seq_length()).ids.size()},
      {"prompt_ms_p50", lat[lat.size() / 2]},
      {"prompt_ms_p90", lat[lat.size() * 9 / 10]},
      {"verses", texts.size()},
      {"verse_tokens", stats.tokens},
      {"verses_per_s", texts.size() / (total_ms / 1000)},
  };
  // The embeddings themselves, for the cosine check against PyTorch.
  std::ofstream emb(texts_path + (int8 ? ".int8.f32" : ".ours.f32"), std::ios::binary);
  emb.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size() * sizeof(float)));
  std::printf("%s\n", j.dump().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "chunks" && argc >= 4) return chunks(argv[2], argv[3], argc > 4 ? std::stoul(argv[4]) : 1);
  if ((mode == "run" || mode == "run-int8") && argc >= 5)
    return run(argv[2], argv[3], argv[4], argc > 5 ? std::stoi(argv[5]) : 2, mode == "run-int8");
  std::fprintf(stderr, "usage: bench_transformer chunks MODEL OUT.jsonl [EVERY] | run MODEL TEXTS.jsonl PROMPT [THREADS]\n");
  return 2;
}
