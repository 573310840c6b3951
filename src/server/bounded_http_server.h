// server/bounded_http_server.h: cpp-httplib's Server with connection limits
// that slow or stalled clients cannot get around.
//
// cpp-httplib 0.11 (Debian bookworm's, a compiled library) bounds only each
// single read by a timeout, so a client that sends its request a byte a
// second keeps a worker thread forever, and its 8 workers are 8 such clients;
// it also listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG is compiled
// into the library, defining it here changes nothing), so a burst of
// connections is partly dropped. This class serves each connection itself
// (process_and_close_socket, a virtual of httplib::Server) with a deadline
// for the whole request and one for the whole response, and re-listens with
// a larger backlog.
#pragma once

#include <httplib.h>

#include "promptlist/server.h"

namespace promptlist {

class BoundedHttpServer : public httplib::Server {
 public:
  // Call before bind.
  void set_limits(const ConnectionLimits& limits);
  // Call after bind_to_port / bind_to_any_port; false if the socket refused.
  bool raise_listen_backlog();

 private:
  bool process_and_close_socket(socket_t sock) override;

  ConnectionLimits limits_;
};

}  // namespace promptlist
