// tests/realmodel/realmodel_tool.cpp: our side of the real-model exactness
// checks, driven by the Python scripts beside it (which hold the other side:
// Hugging Face's tokenizers, and the PyTorch reference in ../shared/reference).
//
//   realmodel_tool chunks   MODEL SONGS.jsonl          -> one JSON string per line: every verse chunk
//   realmodel_tool tokenize MODEL TEXTS.jsonl          -> one JSON list of ids per line ([CLS] ... [SEP], untruncated)
//   realmodel_tool embed    MODEL TEXTS.jsonl OUT.f32  -> the sentence embeddings, float32 rows
//
// TEXTS.jsonl holds one JSON string per line. Chunks are made exactly as
// 'promptlist index' makes them (the verse chunker with the model's token
// budget), from a scratch catalog imported from SONGS.jsonl.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>
#include <vector>

#include "promptlist/catalog.h"
#include "promptlist/error.h"
#include "promptlist/transformer_embedder.h"
#include "promptlist/verse_chunker.h"

using namespace promptlist;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> read_texts(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot open");
  std::vector<std::string> texts;
  std::string line;
  while (std::getline(in, line)) texts.push_back(nlohmann::json::parse(line).get<std::string>());
  return texts;
}

void print_chunks(const TransformerEmbedder& model, const std::string& songs) {
  const fs::path scratch = fs::temp_directory_path() / ("realmodel-" + std::to_string(::getpid()) + ".db");
  {
    Catalog catalog(scratch.string());
    catalog.import_lyrics_jsonl(songs);
    ChunkerOptions options;
    options.max_tokens = model.max_tokens();
    const TokenCounter count = [&](std::string_view t) { return model.count_tokens(t); };
    for (const Song& song : catalog.songs_with_lyrics())
      for (const auto& chunk : chunk_song(song.key, song.verses, count, options))
        std::cout << nlohmann::json(chunk.text).dump() << "\n";
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(scratch.string() + suffix);
}

void print_ids(const TransformerEmbedder& model, const std::string& texts) {
  for (const auto& text : read_texts(texts))
    std::cout << nlohmann::json(model.tokenizer().encode(text, std::numeric_limits<std::size_t>::max()).ids).dump()
              << "\n";
}

void write_embeddings(const TransformerEmbedder& model, const std::string& texts, const std::string& out_path) {
  const auto t = read_texts(texts);
  std::vector<float> rows(t.size() * model.dim());
  model.embed(t, rows.data());
  std::ofstream out(out_path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(rows.data()), static_cast<std::streamsize>(rows.size() * sizeof(float)));
  if (!out) throw Error(out_path + ": write failed");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string usage = "usage: realmodel_tool chunks|tokenize|embed MODEL INPUT [OUT.f32]";
  if (argc < 4) return std::fprintf(stderr, "%s\n", usage.c_str()), 2;
  try {
    const std::string command = argv[1];
    const TransformerEmbedder model(argv[2]);
    if (command == "chunks") print_chunks(model, argv[3]);
    else if (command == "tokenize") print_ids(model, argv[3]);
    else if (command == "embed" && argc == 5) write_embeddings(model, argv[3], argv[4]);
    else return std::fprintf(stderr, "%s\n", usage.c_str()), 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "realmodel_tool: %s\n", e.what());
    return 1;
  }
  return 0;
}
