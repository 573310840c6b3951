// promptlist/server.h: the HTTP API and the web page, on cpp-httplib.
//
//   GET  /api/health                 status, version, what the catalog has
//   POST /api/playlist               {"prompt", "n", "by", "scoring",
//                                     "max_per_artist", "recordings_only",
//                                     "features": {...}, "like": ID}
//                                    ("like" alone: songs like that song)
//                                    -> the playlist (as generate --json)
//                                       plus its place on the map
//   GET  /api/song?id=ID             lyrics, lines, features of one song
//   GET  /api/engine                 signals, feature ranges, export formats,
//                                    scorings, limits (Engine::describe)
//   GET  /api/features?prompt=TEXT   the predicted target features
//   GET  /api/map                    the catalog's 2-D map (songs with lyrics)
//   POST /api/export?format=F        the playlist request's export
//                                    (m3u8, xspf, json, spotify; 400 when
//                                    M3U8/spotify has no recording to list)
//   GET  /...                        files of the web folder, nothing else
//
// Every error is a 4xx/5xx with {"error": "...", "kind": "bad input"} (its
// status from the error's kind, error.h); bodies, prompts and n are
// bounded, and so is the time a client may take to send a request or read a
// reply (ConnectionLimits). Handlers only read shared state, so requests run concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "promptlist/catalog_map.h"
#include "promptlist/engine.h"
#include "promptlist/playlist.h"

namespace promptlist {

// How long and how many connections may hold the server
// (server/bounded_http_server.h has why).
struct ConnectionLimits {
  // Connections served at once; more wait for a free worker. A worker is
  // held at most request_timeout + response_timeout per request (or
  // keep_alive_timeout between requests), however slow the client.
  std::size_t workers = 64;
  // Accepted connections waiting for a worker; one more is answered 503
  // (busy, retry) at once instead of waiting or being dropped.
  std::size_t max_queued = 1024;
  int listen_backlog = 1024;  // connections the kernel queues before accept (capped by net.core.somaxconn)
  // From a request's first byte to the end of its body.
  std::chrono::milliseconds request_timeout{10000};
  // From the first byte of a reply to its last.
  std::chrono::milliseconds response_timeout{30000};
  // How long an open connection may wait idle for its next request.
  std::chrono::milliseconds keep_alive_timeout{5000};
  std::size_t max_requests_per_connection = 100;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;          // 0: any free port (see bound_port())
  std::string web_root;     // folder served at /; empty: API only
  std::size_t max_body_bytes = 64 * 1024;
  ConnectionLimits connections;
};

class Server {
 public:
  // The engine must outlive the server. With a verse or track text index,
  // the server draws the catalog's map (/api/map) on a thread of its own as
  // it starts; until then /api/map answers 503 with Retry-After and
  // playlists come without map points.
  Server(const Engine& engine, ServerOptions options);
  ~Server();

  // Whether the map is drawn (false without an index, or still drawing).
  bool map_drawn() const;

  // Binds the socket; throws promptlist::Error when the address is taken.
  void bind();
  int bound_port() const;
  // Serves until stop() (from another thread or a signal handler); after a
  // stop() that came first, returns at once.
  void listen();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace promptlist
