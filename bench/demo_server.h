// bench/demo_server.h: the API server, in-process on an ephemeral 127.0.0.1
// port, over the demo catalog that setup.sh leaves in $PROMPTLIST_HOME (its
// GloVe index, the sound ranker and the built-in predictor), for the
// server benchmarks.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "promptlist/builtin_predictor.h"
#include "promptlist/catalog_map.h"
#include "promptlist/server.h"
#include "promptlist/sif_embedder.h"

namespace promptlist::bench {

inline std::string demo_home() {
  if (const char* home = std::getenv("PROMPTLIST_HOME"); home && *home) return home;
  return std::string(std::getenv("HOME")) + "/.local/share/promptlist";
}

struct DemoServer {
  std::string home = demo_home();
  Catalog catalog{home + "/catalog.db"};
  std::shared_ptr<const WordVectors> vectors = std::make_shared<const WordVectors>(home + "/models/glove-6b-100d.plwv");
  SifEmbedder embedder{vectors};
  VerseIndex index{home + "/index-glove.plvi", embedder.model_id()};
  LyricsSearch lyrics{index, embedder};
  SoundRanker sound{catalog.songs_with_features()};
  BuiltinFeaturePredictor predictor{vectors, sound.tracks(), catalog.playlist_memberships()};
  CatalogMap map{index, catalog};
  std::unique_ptr<Server> server;
  std::thread serving;

  explicit DemoServer(ServerOptions options) {
    options.port = 0;
    server = std::make_unique<Server>(PlaylistSources{&catalog, &lyrics, &sound, &predictor}, &map, options);
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
