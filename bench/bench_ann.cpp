// bench_ann: vector search at catalog scale, printed as JSON: the exact
// scan, our HNSW (promptlist/hnsw_index.h) and hnswlib (Debian's
// libhnswlib-dev, in this process), and FAISS (Debian's python3-faiss:
// IndexFlatIP, IndexHNSWFlat) run by bench_ann_faiss.py on the same files.
//
// The vectors are SYNTHETIC, made from real ones: each is a real verse row
// of the demo catalog's all-MiniLM-L6-v2 index, plus up to half of another
// real row, plus Gaussian noise, renormalised (scale_vectors below). The
// queries are real: MusicCaps captions embedded by the same model. The
// files go to $PROMPTLIST_HOME/scale/ (outside git), reused by later runs.
//
// Everything runs on one thread at batch 1 (builds included), so that the
// engines compare like for like. For each engine: build seconds, index
// bytes, and per walk width (ef) recall@10 against the exact top 10,
// queries/s, p50 and p99 ms. The exact scan's bandwidth is set against a
// plain read of the same floats.
//
// Usage: bench_ann [ROWS=1000000] [QUERIES=500] [ENGINES=ours,hnswlib,faiss] [M=16] [EF_CONSTRUCTION=100]
// (M and EF_CONSTRUCTION are the graph's, ours and hnswlib's alike)
// (FAISS's HNSW builds about four times slower than ours: leave it out of
// a quick run).
#include <cblas.h>
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "demo_server.h"
#include "index/vector_dot.h"
#include "musiccaps_prompts.h"
#include "promptlist/hnsw_index.h"
#include "promptlist/lyrics_search.h"

using namespace promptlist;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kK = 10;
const std::vector<std::size_t> kWidths = {16, 32, 64, 128, 256, 512, 1024};

// The graph's shape, the same for ours and hnswlib (main reads it).
std::size_t graph_m = 16, graph_ef_construction = 100;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void normalise(float* v, std::size_t dim) {
  double norm = 0;
  for (std::size_t i = 0; i < dim; ++i) norm += double(v[i]) * v[i];
  const float inv = norm > 0 ? static_cast<float>(1 / std::sqrt(norm)) : 0.0f;
  for (std::size_t i = 0; i < dim; ++i) v[i] *= inv;
}

// Real row + up to half another real row + noise, renormalised.
std::vector<float> scale_vectors(const VerseIndex& real, std::size_t rows) {
  const std::size_t dim = real.dim();
  std::vector<float> out(rows * dim);
  std::mt19937_64 rng(2026);
  std::uniform_int_distribution<std::size_t> pick(0, real.size() - 1);
  std::uniform_real_distribution<float> share(0.0f, 0.5f);
  std::normal_distribution<float> noise(0.0f, 0.02f);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* a = real.row(pick(rng));
    const float* b = real.row(pick(rng));
    const float s = share(rng);
    float* v = out.data() + r * dim;
    for (std::size_t i = 0; i < dim; ++i) v[i] = a[i] + s * b[i] + noise(rng);
    normalise(v, dim);
  }
  return out;
}

template <class T>
void save(const fs::path& path, const std::vector<T>& v) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
}

template <class T>
std::vector<T> load(const fs::path& path) {
  std::vector<T> v(fs::exists(path) ? fs::file_size(path) / sizeof(T) : 0);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
  return v;
}

// The exact top 10 of every query, by blocks of rows through sgemm.
std::vector<std::uint32_t> exact_top(const std::vector<float>& rows, const std::vector<float>& queries, std::size_t dim) {
  const std::size_t n = rows.size() / dim, q = queries.size() / dim, block = 20000;
  std::vector<std::vector<std::pair<float, std::uint32_t>>> best(q);
  std::vector<float> scores(q * block);
  for (std::size_t start = 0; start < n; start += block) {
    const std::size_t b = std::min(block, n - start);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(q), int(b), int(dim), 1.0f, queries.data(), int(dim),
                rows.data() + start * dim, int(dim), 0.0f, scores.data(), int(b));
    for (std::size_t i = 0; i < q; ++i) {
      auto& list = best[i];
      for (std::size_t j = 0; j < b; ++j) list.push_back({scores[i * b + j], std::uint32_t(start + j)});
      std::partial_sort(list.begin(), list.begin() + std::min(kK, list.size()), list.end(),
                        [](auto& x, auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
      list.resize(std::min(kK, list.size()));
    }
  }
  std::vector<std::uint32_t> out;
  for (const auto& list : best)
    for (const auto& [s, r] : list) out.push_back(r);
  return out;
}

// Recall@10 and latency of one engine's search at one width.
template <class Search>
json measure(const Search& search, const std::vector<float>& queries, const std::vector<std::uint32_t>& truth,
             std::size_t dim) {
  const std::size_t q = queries.size() / dim;
  std::vector<double> ms;
  std::size_t found = 0;
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < q; ++i) {
    const auto s = Clock::now();
    const std::vector<std::uint32_t> rows = search(queries.data() + i * dim);
    ms.push_back(seconds_since(s) * 1000);
    const std::set<std::uint32_t> want(truth.begin() + i * kK, truth.begin() + (i + 1) * kK);
    for (std::uint32_t r : rows) found += want.count(r);
  }
  const double total = seconds_since(t0);
  std::sort(ms.begin(), ms.end());
  return {{"recall_at_10", double(found) / double(q * kK)},
          {"queries_per_s", q / total},
          {"p50_ms", ms[ms.size() / 2]},
          {"p99_ms", ms[ms.size() * 99 / 100]}};
}

json bench_exact(const std::vector<float>& rows, const std::vector<float>& queries, const std::vector<std::uint32_t>& truth,
                 std::size_t dim) {
  const std::size_t n = rows.size() / dim;
  std::vector<float> scores(n);
  auto scan = [&](const float* q) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, int(n), int(dim), 1.0f, rows.data(), int(dim), q, 1, 0.0f, scores.data(), 1);
    std::vector<std::uint32_t> order(n);
    for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
    std::partial_sort(order.begin(), order.begin() + kK, order.end(),
                      [&](std::uint32_t a, std::uint32_t b) { return scores[a] > scores[b] || (scores[a] == scores[b] && a < b); });
    order.resize(kK);
    return order;
  };
  // 20 queries are enough for a scan's steady time.
  const std::vector<float> some(queries.begin(), queries.begin() + std::min(queries.size(), 20 * dim));
  json out = measure(scan, some, truth, dim);
  // A plain read of the same floats (one pass, vectorised): the bandwidth ceiling.
  const auto t = Clock::now();
  float sink = 0;
  for (int pass = 0; pass < 5; ++pass) sink += dot_f32(rows.data(), rows.data(), rows.size());
  const double read_gb_s = 5.0 * rows.size() * sizeof(float) / seconds_since(t) / 1e9;
  const double scan_gb_s = out["queries_per_s"].get<double>() * rows.size() * sizeof(float) / 1e9;
  out["scan_gb_per_s"] = scan_gb_s;
  out["plain_read_gb_per_s"] = read_gb_s;
  out["scan_vs_plain_read"] = scan_gb_s / read_gb_s;
  out["index_bytes"] = rows.size() * sizeof(float);
  out["checksum_of_read"] = sink;  // keeps the read from being optimised away
  return out;
}

json bench_ours(const std::vector<float>& rows, const std::vector<float>& queries, const std::vector<std::uint32_t>& truth,
                std::size_t dim, const fs::path& dir) {
  HnswOptions options;
  options.m = static_cast<std::uint32_t>(graph_m);
  options.ef_construction = static_cast<std::uint32_t>(graph_ef_construction);
  options.progress = [](std::size_t done, std::size_t total) {
    if (done % (total / 10 ? total / 10 : 1) == 0) std::fprintf(stderr, "  ours: %zu of %zu linked\n", done, total);
  };
  const auto t = Clock::now();
  const HnswIndex built = HnswIndex::build(rows.data(), rows.size() / dim, dim, options);
  json out = {{"build_s", seconds_since(t)}, {"m", options.m}, {"ef_construction", options.ef_construction}};
  const auto path = dir / "ours.plhn";
  built.write(path.string(), 0);
  const HnswIndex mapped(path.string());  // searched as the engine would: mapped
  out["index_bytes"] = fs::file_size(path);
  for (std::size_t ef : kWidths)
    out["by_ef"][std::to_string(ef)] = measure(
        [&](const float* q) {
          std::vector<std::uint32_t> r;
          for (const auto& h : mapped.search(q, rows.data(), kK, ef)) r.push_back(h.row);
          return r;
        },
        queries, truth, dim);
  return out;
}

json bench_hnswlib(const std::vector<float>& rows, const std::vector<float>& queries, const std::vector<std::uint32_t>& truth,
                   std::size_t dim, const fs::path& dir) {
  const std::size_t n = rows.size() / dim;
  hnswlib::InnerProductSpace space(dim);
  hnswlib::HierarchicalNSW<float> index(&space, n, graph_m, graph_ef_construction, 42);
  const auto t = Clock::now();
  for (std::size_t i = 0; i < n; ++i) index.addPoint(rows.data() + i * dim, i);
  json out = {{"build_s", seconds_since(t)}, {"m", graph_m}, {"ef_construction", graph_ef_construction}};
  const auto path = dir / "hnswlib.bin";
  index.saveIndex(path.string());
  out["index_bytes"] = fs::file_size(path);
  fs::remove(path);
  for (std::size_t ef : kWidths) {
    index.setEf(ef);
    out["by_ef"][std::to_string(ef)] = measure(
        [&](const float* q) {
          auto heap = index.searchKnn(q, kK);
          std::vector<std::uint32_t> r;
          for (; !heap.empty(); heap.pop()) r.push_back(std::uint32_t(heap.top().second));
          return r;
        },
        queries, truth, dim);
  }
  return out;
}

json bench_faiss(const fs::path& vectors, const fs::path& dir, std::size_t dim) {
  const std::string script = std::string(PROMPTLIST_SOURCE_DIR) + "/bench/bench_ann_faiss.py";
  const std::string cmd = "/usr/bin/python3 " + script + " " + vectors.string() + " " + (dir / "queries.f32").string() +
                          " " + (dir / "truth.u32").string() + " " + std::to_string(dim);
  std::string text;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (std::size_t got = std::fread(buf, 1, sizeof buf, p)) text.append(buf, got);
    if (pclose(p) != 0) return {{"error", "bench_ann_faiss.py failed (is python3-faiss installed? ./setup.sh --bench)"}};
  }
  auto parsed = json::parse(text, nullptr, false);
  return parsed.is_discarded() ? json{{"error", "bench_ann_faiss.py printed no JSON"}} : parsed;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t rows_wanted = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const std::size_t query_count = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 500;
  const std::string engines = argc > 3 ? argv[3] : "ours,hnswlib,faiss";
  if (argc > 4) graph_m = std::strtoull(argv[4], nullptr, 10);
  if (argc > 5) graph_ef_construction = std::strtoull(argv[5], nullptr, 10);
  const auto wanted = [&](const char* name) { return engines.find(name) != std::string::npos; };
  openblas_set_num_threads(1);
  const std::string data = std::getenv("PROMPTLIST_DATA") ? std::getenv("PROMPTLIST_DATA") : "../shared/data";
  EngineOptions eo;
  eo.home = bench::demo_home();
  eo.signals = "lyrics";
  const Engine engine(eo);
  if (!engine.index() || engine.embedder()->model_id().find("MiniLM") == std::string::npos) {
    std::fprintf(stderr, "bench_ann needs the all-MiniLM-L6-v2 verse index that ./setup.sh builds\n");
    return 2;
  }
  const std::size_t dim = engine.index()->dim();
  const fs::path dir = fs::path(eo.home) / "scale";
  fs::create_directories(dir);
  const auto vectors_path = dir / ("vectors-" + std::to_string(rows_wanted) + ".f32");
  std::vector<float> rows = load<float>(vectors_path);
  if (rows.size() != rows_wanted * dim) {
    std::fprintf(stderr, "making %zu synthetic vectors from %zu real verse rows\n", rows_wanted, engine.index()->size());
    rows = scale_vectors(*engine.index(), rows_wanted);
    save(vectors_path, rows);
  }
  std::vector<float> queries;
  for (const auto& prompt : bench::musiccaps_prompts(data + "/descriptions/musiccaps-public.csv", query_count))
    for (float x : engine.lyrics()->embed_prompt(prompt)) queries.push_back(x);
  save(dir / "queries.f32", queries);
  std::fprintf(stderr, "exact top %zu of %zu queries\n", kK, queries.size() / dim);
  openblas_set_num_threads(0);  // ground truth on every core; the timed runs below use one
  const auto truth = exact_top(rows, queries, dim);
  openblas_set_num_threads(1);
  save(dir / "truth.u32", truth);
  json out = {{"rows", rows_wanted}, {"dim", dim}, {"queries", queries.size() / dim}, {"threads", 1},
              {"vectors", "synthetic: real MiniLM verse rows mixed and jittered (see bench_ann.cpp)"}};
  out["exact_scan"] = bench_exact(rows, queries, truth, dim);
  if (wanted("ours")) std::fprintf(stderr, "building ours\n"), out["ours_hnsw"] = bench_ours(rows, queries, truth, dim, dir);
  if (wanted("hnswlib")) std::fprintf(stderr, "building hnswlib\n"), out["hnswlib"] = bench_hnswlib(rows, queries, truth, dim, dir);
  if (wanted("faiss")) std::fprintf(stderr, "running FAISS\n"), out["faiss"] = bench_faiss(vectors_path, dir, dim);
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
