#include "promptlist/shard_server.h"

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <thread>

#include "promptlist/error.h"
#include "promptlist/shard_search.h"
#include "server/api_replies.h"
#include "server/bounded_http_server.h"
#include "server/shard_wire.h"

namespace promptlist {

using nlohmann::json;

namespace {

// The k parameter: 10 when absent, else 1..kMaxShardHits.
std::size_t hits_wanted(const httplib::Request& req) {
  if (!req.has_param("k")) return 10;
  const std::string text = req.get_param_value("k");
  std::size_t k = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), k);
  if (ec != std::errc{} || end != text.data() + text.size() || k == 0 || k > kMaxShardHits)
    throw Error("k must be a number from 1 to " + std::to_string(kMaxShardHits));
  return k;
}

}  // namespace

struct ShardServer::Impl {
  const VerseIndex& index;
  const Embedder& embedder;
  ShardServerOptions options;
  BoundedHttpServer http;
  int port = 0;
  // As in server.cpp: a stop() between listen() being called and httplib's
  // loop starting would be lost, so stop() waits for a starting loop.
  std::atomic<bool> stop_requested{false}, listening{false};

  void health(httplib::Response& res) const {
    reply_json(res, 200, {{"status", "ok"}, {"chunks", index.size()}, {"model", index.model_id()},
                          {"index", std::filesystem::path(index.path()).filename().string()}});
  }

  void search(const httplib::Request& req, httplib::Response& res) const {
    if (!req.has_param("q")) throw Error("the q parameter (the prompt) is missing");
    const auto hits = search_index(index, embedder, req.get_param_value("q"), hits_wanted(req), {});
    json out = json::array();
    for (const auto& h : hits) out.push_back(shard_hit_to_json(h));
    reply_json(res, 200, {{"hits", out}});
  }

  void routes() {
    http.set_limits(options.connections);
    http.set_tcp_nodelay(true);
    http.Get("/api/health", [this](const httplib::Request&, httplib::Response& res) { health(res); });
    http.Get("/api/search", [this](const httplib::Request& req, httplib::Response& res) { search(req, res); });
    install_api_guards(http);
  }
};

ShardServer::ShardServer(const VerseIndex& index, const Embedder& embedder, ShardServerOptions options)
    : impl_(new Impl{index, embedder, std::move(options), {}, 0, {}, {}}) {
  if (index.model_id() != embedder.model_id())
    throw Error(index.path() + ": built by model '" + index.model_id() + "', not by '" + embedder.model_id() + "'");
  impl_->routes();
}

ShardServer::~ShardServer() { stop(); }

void ShardServer::bind() {
  auto& o = impl_->options;
  impl_->port = o.port == 0 ? impl_->http.bind_to_any_port(o.host) : (impl_->http.bind_to_port(o.host, o.port) ? o.port : -1);
  if (impl_->port <= 0 || !impl_->http.raise_listen_backlog())
    throw Error("cannot listen on " + o.host + ":" + std::to_string(o.port) + " (address in use, or not this machine's)");
}

int ShardServer::bound_port() const { return impl_->port; }

void ShardServer::listen() {
  impl_->listening = true;
  if (!impl_->stop_requested) impl_->http.listen_after_bind();
  impl_->listening = false;
}

void ShardServer::stop() {
  impl_->stop_requested = true;
  while (impl_->listening && !impl_->http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (impl_->http.is_running()) impl_->http.stop();
}

}  // namespace promptlist
