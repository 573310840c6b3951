// bench_connections: how the API server holds up against many and slow
// connections, printed as JSON (demo catalog, demo_server.h, loopback only).
//
//   burst:   CONNECTIONS sockets opened at once, each sending one
//            GET /api/health; counts 200s, 503s (queue full, by design),
//            empty closes (must be 0) and failures, and the p99 answer time.
//   slow:    SLOW clients hold connections sending their headers a byte a
//            second while /api/health is probed: the probes' p50/p99, to set
//            against the probes of an idle server (the peer, same run).
//   load:    LOAD_SECONDS of 8 keep-alive clients mixing /api/health and
//            POST /api/playlist by lyrics: requests, errors, p50/p99.
//   rss:     the process's resident memory before and after, in MiB.
//
// Usage: bench_connections [CONNECTIONS=1000] [SLOW=50] [LOAD_SECONDS=30]
#include <httplib.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "demo_server.h"
#include "musiccaps_prompts.h"

using namespace promptlist;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double rss_mib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

json percentiles(std::vector<double> ms) {
  if (ms.empty()) return {{"count", 0}};
  std::sort(ms.begin(), ms.end());
  return {{"count", ms.size()}, {"p50_ms", ms[ms.size() / 2]}, {"p99_ms", ms[ms.size() * 99 / 100]}, {"max_ms", ms.back()}};
}

int connect_nonblocking(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);  // EINPROGRESS: finished by poll
  return fd;
}

// One request per socket, all in flight at once, driven by poll().
json burst(int port, int connections) {
  struct Conn {
    int fd;
    bool sent = false, done = false;
    std::string answer;
  };
  const std::string request = "GET /api/health HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
  std::vector<Conn> conns;
  const auto t0 = Clock::now();
  for (int i = 0; i < connections; ++i) conns.push_back({connect_nonblocking(port)});
  std::vector<double> answered_ms;
  int ok = 0, busy = 0, empty = 0, failed = 0, open = connections;
  while (open > 0 && ms_since(t0) < 60000) {
    std::vector<pollfd> fds;
    for (auto& c : conns)
      if (!c.done) fds.push_back({c.fd, static_cast<short>(c.sent ? POLLIN : POLLOUT), 0});
    ::poll(fds.data(), fds.size(), 1000);
    std::size_t k = 0;
    for (auto& c : conns) {
      if (c.done) continue;
      const pollfd& p = fds[k++];
      if (!p.revents) continue;
      if (!c.sent && (p.revents & POLLOUT)) {
        c.sent = ::send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size());
        if (!c.sent) c.done = true, ++failed, --open, ::close(c.fd);
        continue;
      }
      char buf[4096];
      const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.answer.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      c.done = true, --open, ::close(c.fd);
      if (c.answer.empty()) ++empty;
      else if (c.answer.rfind("HTTP/1.1 200", 0) == 0) ++ok, answered_ms.push_back(ms_since(t0));
      else if (c.answer.rfind("HTTP/1.1 503", 0) == 0) ++busy;
      else ++failed;
    }
  }
  for (auto& c : conns)
    if (!c.done) ::close(c.fd), ++failed;
  json out = {{"connections", connections}, {"ok_200", ok}, {"busy_503", busy}, {"empty_close", empty}, {"failed", failed}};
  out["answer_time"] = percentiles(answered_ms);
  return out;
}

json probe_health(int port, int probes) {
  std::vector<double> ms;
  int errors = 0;
  for (int i = 0; i < probes && errors < 3; ++i) {  // a stalled server: three 5 s time-outs say enough
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(5);
    client.set_read_timeout(5);
    const auto t0 = Clock::now();
    auto r = client.Get("/api/health");
    ms.push_back(ms_since(t0));
    errors += !r || r->status != 200;
  }
  json out = percentiles(ms);
  out["errors"] = errors;
  return out;
}

// SLOW clients trickle their headers while the health probe runs.
json slow_clients(int port, int slow, int probes) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> tricklers;
  const std::string header = "GET /api/health HTTP/1.1\r\nHost: bench\r\nX-Slow: " + std::string(64, 'a') + "\r\n\r\n";
  for (int i = 0; i < slow; ++i)
    tricklers.emplace_back([&, port] {
      const int fd = connect_nonblocking(port);
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, 2000);
      for (std::size_t k = 0; k < header.size() && !stop; ++k) {
        if (::send(fd, &header[k], 1, MSG_NOSIGNAL) != 1) break;  // the server gave up on us
        for (int t = 0; t < 10 && !stop; ++t) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      ::close(fd);
    });
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let them all connect and start trickling
  json out = probe_health(port, probes);
  stop = true;
  for (auto& t : tricklers) t.join();
  out["slow_clients"] = slow;
  return out;
}

json load(int port, int seconds, const std::vector<std::string>& prompts) {
  std::vector<double> ms;
  std::mutex mu;
  int errors = 0;
  const auto t0 = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c)
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      for (std::size_t i = static_cast<std::size_t>(c); ms_since(t0) < seconds * 1000.0; i += 8) {
        const auto s = Clock::now();
        const json body = {{"prompt", prompts[i % prompts.size()]}, {"n", 9}, {"by", "lyrics"}};
        auto r = i % 2 ? client.Get("/api/health") : client.Post("/api/playlist", body.dump(), "application/json");
        std::lock_guard<std::mutex> lock(mu);
        ms.push_back(ms_since(s));
        errors += !r || r->status != 200;
      }
    });
  for (auto& t : clients) t.join();
  json out = percentiles(ms);
  out["errors"] = errors;
  out["requests_per_s"] = static_cast<double>(ms.size()) / seconds;
  return out;
}

}  // namespace

// 1,000 client sockets and as many on the server side need more than the
// usual soft limit of 1,024 descriptors.
void raise_fd_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
  }
}

int main(int argc, char** argv) {
  raise_fd_limit();
  const int connections = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int slow = argc > 2 ? std::atoi(argv[2]) : 50;
  const int seconds = argc > 3 ? std::atoi(argv[3]) : 30;
  const std::string data = std::getenv("PROMPTLIST_DATA") ? std::getenv("PROMPTLIST_DATA") : "../shared/data";
  const auto prompts = bench::musiccaps_prompts(data + "/descriptions/musiccaps-public.csv", 400);
  bench::DemoServer demo(ServerOptions{});
  json out = {{"rss_before_mib", rss_mib()}};
  out["health_idle"] = probe_health(demo.port(), 200);
  out["burst"] = burst(demo.port(), connections);
  out["health_with_slow_clients"] = slow_clients(demo.port(), slow, 200);
  out["health_with_slow_clients"]["p99_vs_idle"] =
      out["health_with_slow_clients"]["p99_ms"].get<double>() / out["health_idle"]["p99_ms"].get<double>();
  out["load"] = load(demo.port(), seconds, prompts);
  out["rss_after_mib"] = rss_mib();
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
