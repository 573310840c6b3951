// Starting and stopping a server: a stop() is never lost, whenever it comes.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>

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

}  // namespace

TEST(ServerLifecycle, StopRightAfterStartingIsNotLost) {
  Catalog catalog((test::scratch_dir("server_lifecycle") / "catalog.db").string());
  // stop() lands anywhere from before listen() runs to inside its loop.
  for (int i = 0; i < 20; ++i) {
    ServerOptions o;
    o.port = 0;
    o.math_threads = 0;
    Server server({&catalog}, nullptr, o);
    server.bind();
    std::thread serving([&] { server.listen(); });
    if (i % 2) std::this_thread::sleep_for(std::chrono::microseconds(50 * i));
    server.stop();
    join_or_die(serving, "stop soon after start");
  }
}

TEST(ServerLifecycle, StopBeforeListenMakesListenReturn) {
  Catalog catalog((test::scratch_dir("server_lifecycle_early") / "catalog.db").string());
  ServerOptions o;
  o.port = 0;
  o.math_threads = 0;
  Server server({&catalog}, nullptr, o);
  server.bind();
  server.stop();
  std::thread serving([&] { server.listen(); });
  join_or_die(serving, "stop before listen");
}

TEST(ServerLifecycle, ServesUntilStopped) {
  Catalog catalog((test::scratch_dir("server_lifecycle_serve") / "catalog.db").string());
  ServerOptions o;
  o.port = 0;
  o.math_threads = 0;
  Server server({&catalog}, nullptr, o);
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
