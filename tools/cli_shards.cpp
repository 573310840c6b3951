// promptlist serve-shard and search: one shard's verse index behind HTTP,
// and a prompt asked of many shards at once (or of one local index).
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_commands.h"
#include "cli_context.h"
#include "promptlist/catalog.h"
#include "promptlist/error.h"
#include "promptlist/shard_search.h"
#include "promptlist/shard_server.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace promptlist::cli {

namespace {

ShardServer* running_shard = nullptr;

void stop_shard(int) {
  if (running_shard) running_shard->stop();
}

void cmd_serve_shard(EngineOptions& paths, ShardServerOptions options) {
  if (paths.index.empty()) throw Error("serve-shard needs --index FILE: the shard's index (index --shard I/N)");
  auto embedder = open_embedder(paths);
  const VerseIndex index(paths.index, embedder->model_id());
  ShardServer server(index, *embedder, options);
  server.bind();
  running_shard = &server;
  std::signal(SIGINT, stop_shard);
  std::signal(SIGTERM, stop_shard);
  std::printf("promptlist shard %s (%zu chunks) on http://%s:%d/api/search; Ctrl-C stops\n",
              fs::path(paths.index).filename().c_str(), index.size(), options.host.c_str(), server.bound_port());
  std::fflush(stdout);
  server.listen();
  running_shard = nullptr;
}

struct SearchArgs {
  std::string prompt;
  std::size_t k = 10;
  std::vector<std::string> shards;
  int timeout_ms = 3000;
  bool json = false;
};

ShardSearchResult search_locally(EngineOptions& paths, const SearchArgs& args) {
  auto embedder = open_embedder(paths);
  const VerseIndex index(paths.index, embedder->model_id());
  ShardSearchResult r;
  r.hits = search_index(index, *embedder, args.prompt, args.k, paths.index);
  r.answered.push_back(paths.index);
  return r;
}

// A hit as JSON, with the song's id, title and artist where the catalog has it.
json hit_json(const ShardHit& h, const Catalog* catalog) {
  json j = {{"shard", h.shard}, {"song_key", h.song_key}, {"verse", h.verse}, {"score", h.score}, {"text", h.text}};
  if (catalog)
    if (const auto song = catalog->find(h.song_key, SongParts::without_verses))
      j.update({{"id", song->id}, {"title", song->title}, {"artist", song->artist}});
  return j;
}

void print_result(const ShardSearchResult& r, const Catalog* catalog, bool as_json) {
  json hits = json::array();
  for (const auto& h : r.hits) hits.push_back(hit_json(h, catalog));
  if (as_json) {
    std::cout << json{{"hits", hits}, {"answered", r.answered}, {"missing", r.missing}}.dump(2) << "\n";
    return;
  }
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const json& h = hits[i];
    const std::string text = h["text"].get<std::string>();
    std::printf("%2zu. %.3f  %s  \"%s\"\n", i + 1, h["score"].get<double>(),
                h.contains("title") ? h["title"].get<std::string>().c_str() : ("song " + h["song_key"].dump()).c_str(),
                text.substr(0, text.find('\n')).c_str());
  }
}

void cmd_search(EngineOptions& paths, const SearchArgs& args) {
  resolve(paths);
  const ShardSearchResult r = args.shards.empty()
                                  ? search_locally(paths, args)
                                  : search_shards(args.shards, args.prompt, args.k, std::chrono::milliseconds(args.timeout_ms));
  for (const auto& m : r.missing)
    std::fprintf(stderr, "warning: a shard did not answer (%s); its songs are missing from this answer\n", m.c_str());
  if (r.answered.empty()) throw Error("no shard answered", ErrorKind::unavailable);
  std::unique_ptr<Catalog> catalog;
  if (fs::exists(paths.catalog)) catalog = std::make_unique<Catalog>(paths.catalog, CatalogAccess::read_only);
  print_result(r, catalog.get(), args.json);
}

}  // namespace

void add_shard_commands(CLI::App& app, EngineOptions& paths) {
  auto options = std::make_shared<ShardServerOptions>();
  auto* serve = app.add_subcommand("serve-shard", "Serve one shard's verse index (index --shard I/N) to 'search --shards'");
  add_model_options(*serve, paths);
  serve->add_option("--host", options->host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", options->port, "Port (0: any free one, printed)")->capture_default_str();
  serve->callback([&paths, options] { cmd_serve_shard(paths, *options); });

  auto args = std::make_shared<SearchArgs>();
  auto* search = app.add_subcommand("search", "The verse chunks nearest a prompt, from the index or from shard servers");
  add_model_options(*search, paths);
  search->add_option("prompt", args->prompt, "What to search for")->required();
  search->add_option("-k", args->k, "How many chunks (1 to 1000)")->capture_default_str();
  search->add_option("--shards", args->shards, "HOST:PORT of each shard server, comma-separated")->delimiter(',');
  search->add_option("--timeout-ms", args->timeout_ms, "How long a shard may take to answer")->capture_default_str();
  search->add_flag("--json", args->json, "Print JSON (with the shards that answered and those that did not)");
  search->callback([&paths, args] { cmd_search(paths, *args); });
}

}  // namespace promptlist::cli
