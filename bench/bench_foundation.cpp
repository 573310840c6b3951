// bench_foundation: the lyrics path on the demo catalog, printed as JSON.
//
//   import      rows/s of the lyrics JSONL and one feature CSV into a fresh catalog
//   embed       verse chunks embedded per second by the built-in model
//   index       size of the index file
//   query       latency p50/p99 of a whole playlist (embed prompt, score every
//               chunk, BM25, fold into songs) over real prompts: MusicCaps captions
//   search      the vector search alone, against a naive scalar loop + full sort
//               measured in the same run (ratio > 1: ours is faster)
//
// Usage: bench_foundation [DATA_DIR]   (default $PROMPTLIST_DATA or ../shared/data)
// The GloVe model comes from $PROMPTLIST_GLOVE or the default home (setup.sh).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "musiccaps_prompts.h"
#include "promptlist/engine.h"
#include "promptlist/catalog.h"
#include "promptlist/index_builder.h"
#include "promptlist/playlist.h"
#include "promptlist/sif_embedder.h"

using namespace promptlist;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * (v.size() - 1))];
}

std::string glove_path() {
  if (const char* env = std::getenv("PROMPTLIST_GLOVE")) return env;
  std::string home = std::getenv("PROMPTLIST_HOME") ? std::getenv("PROMPTLIST_HOME")
                                                    : std::string(std::getenv("HOME")) + "/.local/share/promptlist";
  return home + "/models/glove-6b-100d.plwv";
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path data = argc > 1 ? fs::path(argv[1])
                        : std::getenv("PROMPTLIST_DATA") ? fs::path(std::getenv("PROMPTLIST_DATA"))
                                                         : fs::path("../shared/data");
  const fs::path dir = fs::temp_directory_path() / ("promptlist-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  nlohmann::json out;

  // ---- import
  Catalog catalog((dir / "catalog.db").string());
  auto t0 = Clock::now();
  auto lyrics = catalog.import_lyrics_jsonl((data / "lyrics/songs.jsonl").string());
  const double lyrics_s = since(t0);
  ImportOptions skip;
  skip.skip_bad = true;
  t0 = Clock::now();
  auto features = catalog.import_features_csv((data / "features/spotify_songs.csv").string(), skip);
  const double features_s = since(t0);
  out["import"] = {{"lyrics_rows", lyrics.lines},       {"lyrics_rows_per_s", lyrics.lines / lyrics_s},
                   {"features_rows", features.lines},   {"features_rows_per_s", features.lines / features_s}};

  // ---- embed + index
  t0 = Clock::now();
  auto vectors = std::make_shared<const WordVectors>(glove_path());
  const double load_s = since(t0);
  SifEmbedder embedder(vectors);
  const std::string index_path = (dir / "index.plvi").string();
  t0 = Clock::now();
  auto report = build_verse_index(catalog, embedder, index_path);
  const double index_s = since(t0);
  out["embed"] = {{"model", embedder.model_id()},         {"model_load_s", load_s},
                  {"chunks", report.chunks},                {"index_build_s", index_s},
                  {"chunks_per_s", report.chunks / index_s}, {"unknown_token_share", double(report.embed.unknown) / report.embed.tokens}};
  out["index"] = {{"bytes", fs::file_size(index_path)}, {"rows", report.chunks}, {"dim", embedder.dim()}};

  // ---- whole-playlist latency
  t0 = Clock::now();
  EngineOptions options;  // the catalog and index just built, by lyrics alone, as `generate --by lyrics` opens them
  options.home = dir.string();
  options.glove = glove_path();
  options.model = "glove";
  options.index = index_path;
  options.signals = "lyrics";
  const Engine engine(options);
  const double open_s = since(t0);
  const auto prompts = bench::musiccaps_prompts(data / "descriptions/musiccaps-public.csv", 300);
  std::vector<double> latencies;
  for (const auto& p : prompts) {
    PlaylistRequest r;
    r.prompt = p;
    auto q0 = Clock::now();
    try {
      r.by = "lyrics";
      engine.playlist(r);
    } catch (const std::exception&) {
      continue;  // a caption of unknown words only
    }
    latencies.push_back(since(q0) * 1e3);
  }
  out["query"] = {{"prompts", latencies.size()},
                  {"open_engine_ms", open_s * 1e3},
                  {"playlist_p50_ms", percentile(latencies, 0.5)},
                  {"playlist_p99_ms", percentile(latencies, 0.99)}};

  // ---- vector search alone vs a naive reference
  const LyricsSearch& search = *engine.lyrics();
  const VerseIndex& index = *engine.index();
  std::vector<std::vector<float>> queries;
  for (std::size_t i = 0; i < std::min<std::size_t>(prompts.size(), 100); ++i) queries.push_back(search.embed_prompt(prompts[i]));
  const int reps = 5;
  t0 = Clock::now();
  std::size_t sink = 0;
  for (int r = 0; r < reps; ++r)
    for (const auto& q : queries) sink += index.top_k(q.data(), 36)[0].row;
  const double ours = since(t0) / (reps * queries.size());
  t0 = Clock::now();
  for (int r = 0; r < reps; ++r)
    for (const auto& q : queries) {
      std::vector<std::pair<float, std::uint32_t>> scored(index.size());
      for (std::size_t i = 0; i < index.size(); ++i) {
        float dot = 0;
        const float* row = index.row(i);
        for (std::size_t d = 0; d < index.dim(); ++d) dot += row[d] * q[d];
        scored[i] = {-dot, static_cast<std::uint32_t>(i)};
      }
      std::sort(scored.begin(), scored.end());
      sink += scored[0].second;
    }
  const double naive = since(t0) / (reps * queries.size());
  out["search"] = {{"rows", index.size()}, {"top_k_us", ours * 1e6}, {"naive_reference_us", naive * 1e6},
                   {"speedup_vs_naive", naive / ours}, {"checksum", sink % 1000}};

  fs::remove_all(dir);
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
