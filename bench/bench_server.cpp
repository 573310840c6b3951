// bench_server: the HTTP API under load on loopback, printed as JSON.
//
// Starts the server in-process on the demo catalog (demo_server.h), then CLIENTS threads
// send a fixed number of requests each: GET /api/health (the no-work
// baseline) and POST /api/playlist with MusicCaps captions as prompts, by
// lyrics and by both signals. Reports requests/s and latency p50/p99, and
// apart from errors the prompts refused with a 400 (by lyrics: "no vocals").
// MATH_THREADS is what `promptlist serve --math-threads` sets (OpenBLAS
// threads per call; 0 keeps OpenBLAS's default, one per core), to compare.
// Usage: bench_server [CLIENTS=4] [REQUESTS_PER_CLIENT=50] [MATH_THREADS=1]
#include <cblas.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "demo_server.h"
#include "musiccaps_prompts.h"

using namespace promptlist;
using Clock = std::chrono::steady_clock;

namespace {

nlohmann::json drive(int port, int clients, int per_client, const std::function<httplib::Result(httplib::Client&, int)>& send) {
  std::vector<double> latencies;
  std::mutex mu;
  int errors = 0, refused = 0;
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      for (int i = 0; i < per_client; ++i) {
        const auto s = Clock::now();
        auto r = send(client, c * per_client + i);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - s).count();
        std::lock_guard<std::mutex> lock(mu);
        latencies.push_back(ms);
        // A 400 is the server refusing a prompt it cannot answer by the
        // signal asked for ("no vocals" by lyrics): an answer, not a fault.
        if (r && r->status == 400) ++refused;
        else if (!r || r->status != 200) ++errors;
      }
    });
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::sort(latencies.begin(), latencies.end());
  return {{"requests", latencies.size()},
          {"errors", errors},
          {"refused", refused},
          {"requests_per_s", latencies.size() / secs},
          {"p50_ms", latencies[latencies.size() / 2]},
          {"p99_ms", latencies[latencies.size() * 99 / 100]}};
}

}  // namespace

int main(int argc, char** argv) {
  const int clients = argc > 1 ? std::atoi(argv[1]) : 4;
  const int per_client = argc > 2 ? std::atoi(argv[2]) : 50;
  const int math_threads = argc > 3 ? std::atoi(argv[3]) : 1;
  const std::string data = std::getenv("PROMPTLIST_DATA") ? std::getenv("PROMPTLIST_DATA") : "../shared/data";
  ServerOptions options;
  if (math_threads > 0) openblas_set_num_threads(math_threads);
  bench::DemoServer demo(options);
  const int port = demo.port();

  const auto texts = bench::musiccaps_prompts(data + "/descriptions/musiccaps-public.csv", 400);
  auto playlist = [&](const char* by) {
    return [&, by](httplib::Client& c, int i) {
      nlohmann::json body = {{"prompt", texts[static_cast<std::size_t>(i) % texts.size()]}, {"n", 9}, {"by", by}};
      return c.Post("/api/playlist", body.dump(), "application/json");
    };
  };
  nlohmann::json out = {
      {"clients", clients},
      {"math_threads", math_threads},
      {"catalog_songs", demo.engine.catalog().stats().songs},
      {"health_baseline", drive(port, clients, per_client, [](httplib::Client& c, int) { return c.Get("/api/health"); })},
      {"playlist_by_lyrics", drive(port, clients, per_client, playlist("lyrics"))},
      {"playlist_by_both", drive(port, clients, per_client, playlist("both"))},
  };
  out["playlist_by_lyrics"]["throughput_vs_health"] =
      out["playlist_by_lyrics"]["requests_per_s"].get<double>() / out["health_baseline"]["requests_per_s"].get<double>();
  out["playlist_by_both"]["throughput_vs_health"] =
      out["playlist_by_both"]["requests_per_s"].get<double>() / out["health_baseline"]["requests_per_s"].get<double>();
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
