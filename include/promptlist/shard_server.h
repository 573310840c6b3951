// promptlist/shard_server.h: one shard's verse index behind HTTP.
//
//   const VerseIndex index("shard-2.plvi", embedder->model_id());
//   ShardServer server(index, *embedder, {"127.0.0.1", 9002});
//   server.bind();
//   server.listen();     // until stop(), from another thread or a signal
//
//   GET /api/health              {"status": "ok", "chunks", "model", "index"}
//   GET /api/search?q=TEXT&k=K   {"hits": [{"song_key", "verse", "line_begin",
//                                  "line_end", "score", "text"}, ...]}
//                                the K (1..1000, default 10) best chunks
//
// Errors are JSON with their kind, as server.h's; the connection limits are
// the main server's (ConnectionLimits). search_shards (shard_search.h) asks
// several of these at once and merges their answers.
#pragma once

#include <memory>
#include <string>

#include "promptlist/embedder.h"
#include "promptlist/server.h"
#include "promptlist/verse_index.h"

namespace promptlist {

struct ShardServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (see bound_port())
  ConnectionLimits connections;
};

class ShardServer {
 public:
  // The index and the embedder (its model) must outlive the server.
  ShardServer(const VerseIndex& index, const Embedder& embedder, ShardServerOptions options);
  ~ShardServer();

  void bind();  // throws promptlist::Error when the address is taken
  int bound_port() const;
  void listen();  // serves until stop()
  void stop();    // safe from another thread or a signal handler

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace promptlist
