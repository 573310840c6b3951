// promptlist/server.h: the HTTP API and the web page, on cpp-httplib.
//
//   GET  /api/health                 status, version, what the catalog has
//   POST /api/playlist               {"prompt", "n", "by", "scoring",
//                                     "max_per_artist", "features": {...}}
//                                    -> the playlist (as generate --json)
//                                       plus its place on the map
//   GET  /api/song?id=ID             lyrics, lines, features of one song
//   GET  /api/features?prompt=TEXT   the predicted target features
//   GET  /api/map                    the catalog's 2-D map (songs with lyrics)
//   POST /api/export?format=F        the playlist request's export
//                                    (m3u8, xspf, json, spotify)
//   GET  /...                        files of the web folder, nothing else
//
// Every error is a 4xx/5xx with {"error": "..."}; bodies, prompts and n are
// bounded. Handlers only read shared state, so requests run concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "promptlist/catalog_map.h"
#include "promptlist/playlist.h"

namespace promptlist {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;          // 0: any free port (see bound_port())
  std::string web_root;     // folder served at /; empty: API only
  std::size_t max_body_bytes = 64 * 1024;
  std::string model_name;   // shown by /api/health
  // OpenBLAS threads per BLAS call while serving (0: leave the process's
  // setting). The server's parallelism is across requests; OpenBLAS's own
  // thread pool, shared by concurrent callers, cut playlist throughput 3x and
  // raised p99 7x with 4 clients on 2 cores (bench_server 4 50 0 vs 4 50 1).
  int math_threads = 1;
};

class Server {
 public:
  // sources and map must outlive the server; map may be null (no lyrics).
  Server(PlaylistSources sources, const CatalogMap* map, ServerOptions options);
  ~Server();

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
