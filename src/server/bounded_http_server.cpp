#include "server/bounded_http_server.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>

namespace promptlist {

namespace {

using Clock = std::chrono::steady_clock;

// How often a wait looks whether the server is stopping: stop() then takes
// at most this long per busy worker, not a whole keep-alive timeout.
constexpr std::chrono::milliseconds kStopCheckInterval{100};

void address_of(socket_t sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  if ((peer ? ::getpeername(sock, sa, &len) : ::getsockname(sock, sa, &len)) != 0) return;
  std::array<char, NI_MAXHOST> host{};
  std::array<char, NI_MAXSERV> service{};
  if (::getnameinfo(sa, len, host.data(), host.size(), service.data(), service.size(),
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host.data();
    port = std::atoi(service.data());
  }
}

// A connection's socket as cpp-httplib reads and writes it, every wait
// bounded by the deadline of the current request or response.
class DeadlineStream : public httplib::Stream {
 public:
  DeadlineStream(socket_t sock, const std::atomic<socket_t>& server_socket, const ConnectionLimits& limits)
      : sock_(sock), server_socket_(server_socket), limits_(limits) {}

  // Waits for the next request (or finds it already buffered); then starts
  // its deadlines.
  bool next_request() {
    if (buffered() == 0 && !wait(POLLIN, Clock::now() + limits_.keep_alive_timeout)) return false;
    read_deadline_ = Clock::now() + limits_.request_timeout;
    write_deadline_.reset();
    return true;
  }

  bool is_readable() const override { return buffered() > 0 || wait(POLLIN, read_deadline_); }
  bool is_writable() const override { return wait(POLLOUT, write_deadline()); }

  ssize_t read(char* ptr, std::size_t size) override {
    if (buffered() == 0 && !fill()) return -1;
    const std::size_t n = std::min(size, buffered());
    std::memcpy(ptr, buffer_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  // Non-blocking sends: a blocking one could wait out the socket's whole
  // send timeout past the response deadline.
  ssize_t write(const char* ptr, std::size_t size) override {
    while (is_writable()) {
      const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0 || !retry_later(errno)) return n;
    }
    return -1;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { address_of(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address_of(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  std::size_t buffered() const { return end_ - begin_; }

  // One recv into the buffer: cpp-httplib reads request lines a byte at a
  // time, which must not be a system call each.
  bool fill() {
    while (wait(POLLIN, read_deadline_)) {
      const ssize_t n = ::recv(sock_, buffer_.data(), buffer_.size(), MSG_DONTWAIT);
      if (n > 0) {
        begin_ = 0;
        end_ = static_cast<std::size_t>(n);
        return true;
      }
      if (n == 0 || !retry_later(errno)) return false;  // closed, or broken
    }
    return false;
  }

  static bool retry_later(int error) { return error == EINTR || error == EAGAIN || error == EWOULDBLOCK; }

  // The response deadline starts with its first write.
  Clock::time_point write_deadline() const {
    if (!write_deadline_) write_deadline_ = Clock::now() + limits_.response_timeout;
    return *write_deadline_;
  }

  // Whether the socket is ready for `events` before the deadline and while
  // the server runs (httplib's stop() invalidates its listening socket).
  bool wait(short events, Clock::time_point deadline) const {
    while (server_socket_ != INVALID_SOCKET) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{sock_, events, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(std::min(left, kStopCheckInterval).count()));
      if (ready > 0) return true;  // also on POLLHUP/POLLERR: the next recv/send says what happened
      if (ready < 0 && errno != EINTR) return false;
    }
    return false;
  }

  socket_t sock_;
  const std::atomic<socket_t>& server_socket_;
  const ConnectionLimits& limits_;
  Clock::time_point read_deadline_;
  mutable std::optional<Clock::time_point> write_deadline_;
  std::array<char, 4096> buffer_{};
  std::size_t begin_ = 0, end_ = 0;
};

}  // namespace

void BoundedHttpServer::set_limits(const ConnectionLimits& limits) {
  limits_ = limits;
  const std::size_t workers = limits.workers;
  new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
}

bool BoundedHttpServer::raise_listen_backlog() {
  // listen() again on a listening socket only changes its backlog.
  return ::listen(svr_sock_, limits_.listen_backlog) == 0;
}

bool BoundedHttpServer::process_and_close_socket(socket_t sock) {
  DeadlineStream stream(sock, svr_sock_, limits_);
  bool ok = false;
  for (std::size_t served = 0; served < limits_.max_requests_per_connection && stream.next_request(); ++served) {
    const bool last = served + 1 == limits_.max_requests_per_connection;
    bool closed = false;
    ok = process_request(stream, last, closed, nullptr);
    if (!ok || closed) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace promptlist
