// bench/demo_server.h: the API server, in-process on an ephemeral 127.0.0.1
// port, over an Engine on the demo catalog that setup.sh leaves in
// $PROMPTLIST_HOME (its GloVe index, the sound ranker and the sound model
// learned for GloVe, else the word-profile predictor), for the server benchmarks.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "promptlist/engine.h"
#include "promptlist/server.h"

namespace promptlist::bench {

inline std::string demo_home() {
  if (const char* home = std::getenv("PROMPTLIST_HOME"); home && *home) return home;
  return std::string(std::getenv("HOME")) + "/.local/share/promptlist";
}

struct DemoServer {
  // The GloVe model: the server benchmarks measure the server, not the
  // transformer (bench_minilm_real does that).
  Engine engine{[] {
    EngineOptions o;
    o.home = demo_home();
    o.model = "glove";
    return o;
  }()};
  std::unique_ptr<Server> server;
  std::thread serving;

  explicit DemoServer(ServerOptions options) {
    // setup.sh indexes with the default model only: without a GloVe index
    // every playlist by lyrics would be a 503, and the figures nonsense.
    if (!engine.index()) {
      std::fprintf(stderr, "no GloVe verse index in %s; run 'promptlist index --model glove' before the server benchmarks\n",
                   demo_home().c_str());
      std::exit(2);
    }
    options.port = 0;
    server = std::make_unique<Server>(engine, options);
    server->bind();
    serving = std::thread([this] { server->listen(); });
  }
  ~DemoServer() {
    server->stop();
    serving.join();
  }
  int port() const { return server->bound_port(); }
};

}  // namespace promptlist::bench
