// Raw HTTP requests (request line, query string, headers, body) sent over
// loopback to a real Server on a small demo catalog. Whatever the bytes, the
// answer is empty (the connection was refused as garbage) or an HTTP
// response that is not a 5xx.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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
  CatalogMap map{*world->index, *world->catalog};
  Server server{world->sources(), &map, [] {
                  ServerOptions o;
                  o.port = 0;
                  return o;
                }()};
  std::thread thread;
  Running() {
    server.bind();
    thread = std::thread([this] { server.listen(); });
  }
};

// Sends the bytes, closes our side, and reads the whole answer.
std::string exchange(int port, const std::uint8_t* data, std::size_t size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) __builtin_trap();
  for (std::size_t sent = 0; sent < size;) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server closed early: its answer is still read
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return answer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Running* running = new Running();  // never destroyed: the server outlives every input
  const std::string answer = exchange(running->server.bound_port(), data, size);
  if (answer.empty()) return 0;
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12 || answer[9] == '5') {
    std::fprintf(stderr, "bad answer: %.200s\n", answer.c_str());
    __builtin_trap();
  }
  return 0;
}
