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

// Set on the accepting thread while it answers a connection the queue has
// no room for (BoundedQueue::enqueue runs the connection's task right there).
thread_local bool answering_busy = false;

// cpp-httplib's ThreadPool with a bound on the connections waiting for a
// worker: past it a connection is answered 503 on the accepting thread.
class BoundedQueue : public httplib::TaskQueue {
 public:
  BoundedQueue(std::size_t workers, std::size_t max_queued) : pool_(workers), limit_(workers + max_queued) {}
  void enqueue(std::function<void()> fn) override {
    if (pending_.fetch_add(1) >= limit_) {
      pending_.fetch_sub(1);
      answering_busy = true;
      fn();
      answering_busy = false;
      return;
    }
    pool_.enqueue([this, fn = std::move(fn)] {
      fn();
      pending_.fetch_sub(1);
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
  std::atomic<std::size_t> pending_{0};  // queued or being served
  std::size_t limit_;
};

// A short 503 without reading the request (what has arrived is drained so
// that closing does not reset the connection before the client reads it).
void answer_busy(socket_t sock) {
  static const std::string body = "{\"error\": \"the server is busy; try again in a second\"}";
  static const std::string reply =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
      "Retry-After: 1\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  ::send(sock, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(sock, SHUT_WR);
  char sink[4096];
  while (::recv(sock, sink, sizeof sink, MSG_DONTWAIT) > 0) {
  }
}

}  // namespace

void BoundedHttpServer::set_limits(const ConnectionLimits& limits) {
  limits_ = limits;
  const std::size_t workers = limits.workers, max_queued = limits.max_queued;
  new_task_queue = [workers, max_queued] { return new BoundedQueue(workers, max_queued); };
}

bool BoundedHttpServer::raise_listen_backlog() {
  // listen() again on a listening socket only changes its backlog.
  return ::listen(svr_sock_, limits_.listen_backlog) == 0;
}

bool BoundedHttpServer::process_and_close_socket(socket_t sock) {
  if (answering_busy) {
    answer_busy(sock);
    ::close(sock);
    return false;
  }
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
