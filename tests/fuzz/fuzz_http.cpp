// Raw HTTP requests (request line, query string, headers, body) sent over
// loopback to a real Server on a small demo catalog. Whatever the bytes, the
// answer is empty (the connection was refused as garbage) or an HTTP
// response that is not a 5xx.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

#include "fuzz_support.h"
#include "promptlist/catalog_map.h"
#include "promptlist/server.h"
#include "test_world.h"

using namespace promptlist;

namespace {

struct Running {
  std::unique_ptr<test::World> world = test::make_world({"fuzz-http", 40, 0, 300});
  Server server{*world->engine, [] {
                  ServerOptions o;
                  o.port = 0;
                  return o;
                }()};
  std::thread thread;
  Running() {
    server.bind();
    thread = std::thread([this] { server.listen(); });
    wait_for_the_map();
  }
  // /api/map answers 503 (retry later) while the map is drawn on its own
  // thread; the fuzzing starts once it is, so every answer must be whole.
  void wait_for_the_map() const {
    for (int waited_ms = 0; !server.map_drawn(); waited_ms += 10) {
      if (waited_ms > 120000) std::fprintf(stderr, "ERROR: the map was not drawn in 2 min\n"), __builtin_trap();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
};

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "ERROR: %s: %s\n", what, std::strerror(errno));
  __builtin_trap();
}

// connect() that a signal does not break: libFuzzer's timers interrupt
// system calls, and an interrupted connect goes on in the background.
void connect_to(int fd, int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return;
  if (errno != EINTR) fail("connect to the server failed");
  pollfd p{fd, POLLOUT, 0};
  while (::poll(&p, 1, 5000) < 0)
    if (errno != EINTR) fail("waiting for connect failed");
  int error = 0;
  socklen_t len = sizeof error;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
  if (error != 0) errno = error, fail("connect to the server failed");
}

// Sends the bytes, closes our side, and reads the whole answer (a signal
// interrupting send or recv is retried, not taken for the end).
std::string exchange(int port, const std::uint8_t* data, std::size_t size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  connect_to(fd, port);
  for (std::size_t sent = 0; sent < size;) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the server closed early: its answer is still read
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Running* running = new Running();  // never destroyed: the server outlives every input
  const std::string answer = exchange(running->server.bound_port(), data, size);
  if (answer.empty()) return 0;
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12 || answer[9] == '5') {
    std::fprintf(stderr, "ERROR: bad answer (%zu bytes): %.300s\n", answer.size(), answer.c_str());
    __builtin_trap();
  }
  return 0;
}
