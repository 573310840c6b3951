// Starting and stopping a server: a stop() is never lost, whenever it comes.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "promptlist/server.h"
#include "test_support.h"

using namespace promptlist;

namespace {

// Joins t, or fails the whole run after a deadline instead of hanging it.
void join_or_die(std::thread& t, const char* what) {
  auto joined = std::async(std::launch::async, [&] { t.join(); });
  if (joined.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << what << ": listen() did not return after stop()";
    std::_Exit(1);
  }
}

// A non-blocking TCP connection to 127.0.0.1:port, connecting.
int connect_nonblocking(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  return fd;
}

// Whether the connection on fd is established by the deadline.
bool connected_by(int fd, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  pollfd p{fd, POLLOUT, 0};
  if (::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count()))) != 1) return false;
  int error = 0;
  socklen_t len = sizeof error;
  return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
}

// Whether the server closed fd (EOF, reset, or an error reply) by the deadline.
bool closed_by_server_before(int fd, std::chrono::steady_clock::time_point deadline) {
  char buf[512];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20) == 1) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
  }
  return false;
}

struct ServingThread {
  Server& server;
  std::thread thread{[this] { server.listen(); }};
  ~ServingThread() {
    server.stop();
    join_or_die(thread, "stop after a test");
  }
};

ServerOptions loopback_any_port() {
  ServerOptions o;
  o.port = 0;
  return o;
}

// An engine over an empty catalog, opened without its signals: these tests
// are about connections, not playlists.
std::unique_ptr<Engine> empty_engine(const std::string& name) {
  const auto dir = test::scratch_dir(name);
  { Catalog created((dir / "catalog.db").string()); }  // an empty catalog file
  EngineOptions options;
  options.home = dir.string();
  options.signals = "sound";
  return std::make_unique<Engine>(options);
}

}  // namespace

TEST(ServerLifecycle, ABurstOfConnectionsIsQueuedNotDropped) {
  const auto engine = empty_engine("server_backlog");
  Server server(*engine, loopback_any_port());
  server.bind();
  // Nobody accepts yet, so every connection waits in the listen backlog; one
  // that does not fit has its SYN dropped and stays unconnected for the
  // client's 1 s SYN retry (cpp-httplib's backlog of 5 fit 6).
  std::vector<int> fds;
  for (int i = 0; i < 64; ++i) fds.push_back(connect_nonblocking(server.bound_port()));
  int connected = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  for (int fd : fds) connected += connected_by(fd, deadline);
  EXPECT_EQ(connected, 64);
  for (int fd : fds) ::close(fd);
}

TEST(ServerLifecycle, SlowClientsDoNotStallOthersAndAreCutOff) {
  const auto engine = empty_engine("server_slow");
  ServerOptions o = loopback_any_port();
  o.connections.request_timeout = std::chrono::milliseconds(1500);
  Server server(*engine, o);
  server.bind();
  ServingThread serving{server};
  httplib::Client client("127.0.0.1", server.bound_port());
  client.set_connection_timeout(1);
  client.set_read_timeout(1);
  ASSERT_TRUE(client.Get("/api/health"));  // serving, before any slow client comes
  // More slow clients than cpp-httplib's 8 workers, each sending its request
  // head a byte every 250 ms: it would take them ~6 s to finish.
  constexpr int kSlowClients = 16;
  const std::string head = "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n";
  std::vector<int> slow;
  for (int i = 0; i < kSlowClients; ++i) {
    slow.push_back(connect_nonblocking(server.bound_port()));
    ASSERT_TRUE(connected_by(slow.back(), std::chrono::steady_clock::now() + std::chrono::seconds(1)));
  }
  const auto started = std::chrono::steady_clock::now();
  std::atomic<bool> dribbling{true};
  std::thread dribbler([&] {
    for (std::size_t i = 0; i < head.size() && dribbling; ++i) {
      for (int fd : slow) ::send(fd, &head[i], 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // every slow client holds a connection now

  const auto asked = std::chrono::steady_clock::now();
  auto r = client.Get("/api/health");
  const auto took = std::chrono::steady_clock::now() - asked;
  ASSERT_TRUE(r) << "health did not answer within 1 s while " << kSlowClients << " slow clients were connected";
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(took, std::chrono::milliseconds(1000));

  // The server hangs up on each slow client at its request deadline (1.5 s),
  // long before it would have finished sending.
  int cut_off = 0;
  for (int fd : slow) cut_off += closed_by_server_before(fd, started + std::chrono::milliseconds(3000));
  EXPECT_EQ(cut_off, kSlowClients);
  dribbling = false;
  dribbler.join();
  for (int fd : slow) ::close(fd);
}

TEST(ServerLifecycle, StopRightAfterStartingIsNotLost) {
  const auto engine = empty_engine("server_lifecycle");
  // stop() lands anywhere from before listen() runs to inside its loop.
  for (int i = 0; i < 20; ++i) {
    ServerOptions o;
    o.port = 0;
    Server server(*engine, o);
    server.bind();
    std::thread serving([&] { server.listen(); });
    if (i % 2) std::this_thread::sleep_for(std::chrono::microseconds(50 * i));
    server.stop();
    join_or_die(serving, "stop soon after start");
  }
}

TEST(ServerLifecycle, StopBeforeListenMakesListenReturn) {
  const auto engine = empty_engine("server_lifecycle_early");
  ServerOptions o;
  o.port = 0;
  Server server(*engine, o);
  server.bind();
  server.stop();
  std::thread serving([&] { server.listen(); });
  join_or_die(serving, "stop before listen");
}

TEST(ServerLifecycle, ServesUntilStopped) {
  const auto engine = empty_engine("server_lifecycle_serve");
  ServerOptions o;
  o.port = 0;
  Server server(*engine, o);
  server.bind();
  std::thread serving([&] { server.listen(); });
  httplib::Client client("127.0.0.1", server.bound_port());
  client.set_connection_timeout(5);
  auto r = client.Get("/api/health");  // bind() listens: the request waits for the loop
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  server.stop();
  join_or_die(serving, "stop while serving");
  EXPECT_FALSE(client.Get("/api/health"));  // nobody listens any more
}

// Past the queue's room a connection is answered 503 at once: never left
// waiting, never closed without a word.
TEST(ServerLifecycle, AFullQueueAnswers503NotAnEmptyClose) {
  const auto engine = empty_engine("server_busy");
  ServerOptions o = loopback_any_port();
  o.connections.workers = 1;
  o.connections.max_queued = 1;
  o.connections.request_timeout = std::chrono::milliseconds(3000);
  Server server(*engine, o);
  server.bind();
  ServingThread serving{server};
  // Two silent connections: one holds the worker, one the queue's only place.
  std::vector<int> holders;
  for (int i = 0; i < 2; ++i) {
    holders.push_back(connect_nonblocking(server.bound_port()));
    ASSERT_TRUE(connected_by(holders.back(), std::chrono::steady_clock::now() + std::chrono::seconds(1)));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // accepted in this order
  }
  httplib::Client client("127.0.0.1", server.bound_port());
  client.set_read_timeout(1);
  const auto asked = std::chrono::steady_clock::now();
  auto r = client.Get("/api/health");
  ASSERT_TRUE(r) << "the third connection got no answer";
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("busy"), std::string::npos) << r->body;
  EXPECT_EQ(r->get_header_value("Retry-After"), "1");
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::milliseconds(500));
  for (int fd : holders) ::close(fd);
}

// Each kind of error has its status: what the request got wrong (400), what
// does not exist (404), what this server was not set up with (503).
TEST(ServerErrors, TheStatusSaysWhoseProblemItIs) {
  const auto engine = empty_engine("server_error_kinds");
  Server server(*engine, loopback_any_port());
  server.bind();
  ServingThread serving{server};
  httplib::Client client("127.0.0.1", server.bound_port());
  client.set_read_timeout(5);
  const auto expect = [&](httplib::Result r, int status, const char* kind) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(nlohmann::json::parse(r->body)["kind"], kind) << r->body;
  };
  expect(client.Post("/api/playlist", R"({"prompt": "calm", "by": "lyrics"})", "application/json"), 503, "unavailable");
  expect(client.Post("/api/playlist", R"({"prompt": "calm", "by": "vibes"})", "application/json"), 400, "bad input");
  expect(client.Post("/api/playlist", R"({"prompt": ""})", "application/json"), 400, "bad input");
  expect(client.Get("/api/song?id=nope"), 404, "not found");
  expect(client.Get("/api/features?prompt=calm"), 503, "unavailable");
  expect(client.Get("/api/map"), 503, "unavailable");
  expect(client.Get("/api/song?id=%FF"), 400, "bad input");
  auto engine_reply = client.Get("/api/engine");
  ASSERT_TRUE(engine_reply);
  EXPECT_EQ(engine_reply->status, 200);
  EXPECT_EQ(nlohmann::json::parse(engine_reply->body)["features"].size(), feature_specs().size());
  EXPECT_EQ(client.Post("/api/engine", "{}", "application/json")->status, 405);
}
