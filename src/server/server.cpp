#include "promptlist/server.h"

#include <httplib.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "promptlist/engine.h"
#include "promptlist/error.h"
#include "promptlist/playlist_export.h"
#include "promptlist/text.h"
#include "promptlist/track_facts.h"
#include "promptlist/verse_chunker.h"
#include "server/api_replies.h"
#include "server/bounded_http_server.h"

namespace promptlist {

using nlohmann::json;

struct Server::Impl {
  const Engine& engine;
  PlaylistSources sources;
  // The map of every song, drawn on its own thread after the server starts
  // (it took most of a start: a request needs no map), and its /api/map
  // reply, serialised once. Null until drawn, and without any index.
  std::thread map_maker;
  mutable std::mutex map_mutex;
  std::shared_ptr<const CatalogMap> map_drawn;
  std::shared_ptr<const std::string> map_reply;
  bool has_map = false;  // a verse or track text index: a map is (being) drawn
  ServerOptions options;
  BoundedHttpServer http;
  int port = 0;
  // cpp-httplib's stop() acts only once its accept loop runs, so a stop()
  // that comes between listen() being called and the loop starting was
  // lost (a test's teardown hung on join). stop_requested is seen by a
  // listen() that has not started; stop() waits out one that is starting.
  enum class Phase { idle, listening, done };
  std::atomic<Phase> phase{Phase::idle};
  std::atomic<bool> stop_requested{false};
  CatalogStats catalog_stats;  // counted once: the catalog does not change while serving
  std::size_t distinct_songs = 0;  // ... and its songs, the recordings of one song once (count_catalog_songs)
  json engine_json;            // Engine::describe(), made once

  explicit Impl(const Engine& e) : engine(e), sources(e.sources()) {}

  static void reply(httplib::Response& res, int status, const json& body) { reply_json(res, status, body); }

  PlaylistRequest parse_request(const std::string& body) const {
    if (auto bad = find_invalid_utf8(body)) throw Error("request body is not valid UTF-8");
    json j;
    try {
      j = json::parse(body);
    } catch (const json::exception&) {
      throw Error("request body is not valid JSON");
    }
    if (!j.is_object()) throw Error("request body must be a JSON object");
    PlaylistRequest r;
    try {
      // A "like" request may leave the prompt out.
      if (j.contains("prompt") || !j.contains("like")) r.prompt = j.at("prompt").get<std::string>();
      // JSON numbers may be 3.7 or true to nlohmann's get<long long>();
      // a count must be a whole number.
      const auto whole = [&](const char* key) {
        if (!j[key].is_number_integer()) throw Error(std::string(key) + " must be a whole number");
        return j[key].get<long long>();
      };
      if (j.contains("n")) {
        const auto n = whole("n");
        if (n < 1 || n > static_cast<long long>(kMaxPlaylistSize))
          throw Error("n must be between 1 and " + std::to_string(kMaxPlaylistSize));
        r.n = static_cast<std::size_t>(n);
      }
      if (j.contains("max_per_artist")) {
        const auto m = whole("max_per_artist");
        if (m < 0 || m > 1000) throw Error("max_per_artist must be between 0 and 1000");
        r.max_per_artist = static_cast<std::size_t>(m);
      }
      if (j.contains("recordings_only")) {
        if (!j["recordings_only"].is_boolean()) throw Error("recordings_only must be true or false");
        r.recordings_only = j["recordings_only"].get<bool>();
      }
      if (j.contains("by")) r.by = j["by"].get<std::string>();  // checked by validate()
      if (j.contains("like") && !j["like"].is_null()) r.like = j["like"].get<std::string>();
      if (j.contains("scoring")) r.scoring = lyrics_scoring_from_string(j["scoring"].get<std::string>());
      if (j.contains("features")) {
        if (!j["features"].is_object()) throw Error("features must be an object of name: value");
        for (auto it = j["features"].begin(); it != j["features"].end(); ++it) {
          const auto f = feature_by_name(it.key());
          if (!f) throw Error("unknown feature '" + std::string(utf8_prefix(it.key(), 40)) + "'");
          const double v = it->get<double>();
          const auto& spec = feature_spec(*f);
          if (!(v >= spec.target_min && v <= spec.target_max))
            throw Error(it.key() + " must be within " + std::to_string(spec.target_min) + ".." +
                             std::to_string(spec.target_max));
          r.overrides[*f] = v;
        }
      }
    } catch (const json::exception&) {
      throw Error("request fields have the wrong type (prompt: string, n: integer, features: numbers, like: a song id)");
    }
    validate(r);
    return r;
  }

  std::shared_ptr<const CatalogMap> current_map() const {
    std::lock_guard<std::mutex> lock(map_mutex);
    return map_drawn;
  }

  // The map's points as columns (some 60,000: one object each would be twice the bytes).
  static std::string map_columns(const CatalogMap& map) {
    json ids = json::array(), titles = json::array(), artists = json::array(), xs = json::array(), ys = json::array(),
         recording = json::array();
    const auto rounded = [](float v) { return std::round(v * 1e4f) / 1e4f; };  // 4 digits: a pixel of a 2,000 px map
    for (const auto& p : map.points()) {
      ids.push_back(p.id);
      titles.push_back(p.title);
      artists.push_back(p.artist);
      xs.push_back(rounded(p.x));
      ys.push_back(rounded(p.y));
      recording.push_back(p.recording ? 1 : 0);
    }
    const json body = {{"count", map.points().size()}, {"id", ids}, {"title", titles}, {"artist", artists},
                       {"x", xs}, {"y", ys}, {"recording", recording}};
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  void draw_map() {
    auto drawn = std::make_shared<const CatalogMap>(std::vector{engine.index(), engine.track_index()}, engine.catalog());
    auto reply = std::make_shared<const std::string>(map_columns(*drawn));
    std::lock_guard<std::mutex> lock(map_mutex);
    map_drawn = std::move(drawn);
    map_reply = std::move(reply);
  }

  json playlist_json(const Playlist& p) const {
    json out = to_json(p);
    json placed = json::array();
    if (const auto map = current_map()) {
      for (const auto& e : p.entries)
        if (const MapPoint* point = map->find(e.song_key)) placed.push_back({{"id", e.song_id}, {"x", point->x}, {"y", point->y}});
      json prompt_point = nullptr;
      const LyricsSearch* search = sources.lyrics ? sources.lyrics : sources.track_texts;  // one model: one space
      if (search && !p.request.prompt.empty()) {
        const auto v = search->embed_prompt(p.request.prompt);
        const auto [x, y] = map->project(v.data());
        prompt_point = {{"x", x}, {"y", y}};
      }
      out["map"] = {{"prompt", prompt_point}, {"songs", placed}};
    }
    return out;
  }

  // ---- the endpoints (server.h lists them)
  using Request = httplib::Request;
  using Response = httplib::Response;

  void health(const Request&, Response& res) const {
    const auto& stats = catalog_stats;
    reply(res, 200,
          {{"status", "ok"},
           {"version", PROMPTLIST_VERSION},
           {"model", engine_json["model"]},
           {"songs", stats.songs},
           {"distinct_songs", distinct_songs},  // the recordings of one title and artist once
           {"songs_with_lyrics", stats.songs_with_lyrics},
           {"songs_with_features", stats.songs_with_features},
           {"signals", engine_json["signals"]},
           {"lyrics", sources.lyrics != nullptr},
           {"sound", sources.sound != nullptr},
           {"predictor", engine_json["predictor"]},
           {"limits", {{"prompt_chars", kMaxPromptChars}, {"n", kMaxPlaylistSize}, {"body_bytes", options.max_body_bytes}}}});
  }

  void playlist(const Request& req, Response& res) const {
    reply(res, 200, playlist_json(engine.playlist(parse_request(req.body))));
  }

  void song(const Request& req, Response& res) const {
    const std::string id = req.get_param_value("id");
    if (id.empty()) throw Error("give the song as ?id=...");
    const auto found = sources.catalog->find(id);
    if (!found) throw NotFound("no song with id '" + std::string(utf8_prefix(id, 200)) + "'");
    reply(res, 200, to_json(*found));
  }

  void features(const Request& req, Response& res) const {
    if (!sources.predictor) throw Unavailable("this catalog has no audio features to predict");
    PlaylistRequest r;
    r.prompt = req.get_param_value("prompt");
    validate(r);
    json out = to_json(sources.predictor->predict(r.prompt));
    out["predictor"] = sources.predictor->name();
    reply(res, 200, out);
  }

  void description(const Request&, Response& res) const { reply(res, 200, engine_json); }

  // Before the map is drawn (a second or two after a start), 503 with
  // Retry-After: the page asks again.
  void map_points(const Request&, Response& res) const {
    if (!has_map) throw Unavailable("no verse or track text index, so no map");
    std::shared_ptr<const std::string> body;
    {
      std::lock_guard<std::mutex> lock(map_mutex);
      body = map_reply;
    }
    if (!body) {
      res.set_header("Retry-After", "1");
      reply(res, 503, {{"error", "the map is still being drawn; ask again in a second"}, {"kind", "unavailable"}, {"retry", true}});
      return;
    }
    res.status = 200;
    res.set_content(*body, "application/json; charset=utf-8");
  }

  void export_file(const Request& req, Response& res) const {
    const ExportFormat format = export_format_from_string(req.get_param_value("format"));
    const Playlist p = engine.playlist(parse_request(req.body));
    res.set_header("Content-Disposition", std::string("attachment; filename=\"playlist.") + file_extension(format) + "\"");
    res.set_content(export_playlist(p, format), content_type(format));
  }

  // The one list of endpoints: each is served on its method, and the other
  // method gets a 405 that names the right one (not cpp-httplib's 404).
  struct Route {
    const char* path;
    bool post;
    void (Impl::*handle)(const Request&, Response&) const;
  };
  static constexpr Route kRoutes[] = {
      {"/api/health", false, &Impl::health},     {"/api/playlist", true, &Impl::playlist},
      {"/api/song", false, &Impl::song},         {"/api/features", false, &Impl::features},
      {"/api/engine", false, &Impl::description}, {"/api/map", false, &Impl::map_points},
      {"/api/export", true, &Impl::export_file},
  };

  void add_routes() {
    for (const Route& route : kRoutes) {
      auto handler = [this, handle = route.handle](const Request& req, Response& res) { (this->*handle)(req, res); };
      const char* allowed = route.post ? "POST" : "GET";
      auto wrong_method = [allowed](const Request& req, Response& res) {
        res.set_header("Allow", allowed);
        reply(res, 405, {{"error", req.path + " takes " + allowed}});
      };
      if (route.post) {
        http.Post(route.path, handler);
        http.Get(route.path, wrong_method);
      } else {
        http.Get(route.path, handler);
        http.Post(route.path, wrong_method);
      }
    }
  }

  void routes() {
    http.set_limits(options.connections);
    http.set_payload_max_length(options.max_body_bytes);
    // Small JSON replies: without TCP_NODELAY, Nagle's algorithm and delayed
    // ACKs add ~40 ms to every keep-alive request.
    http.set_tcp_nodelay(true);
    add_routes();
    install_api_guards(http);
    if (!options.web_root.empty()) {
      // cpp-httplib refuses paths that leave the mount point ("..", absolute).
      if (!http.set_mount_point("/", options.web_root))
        throw Error(options.web_root + ": the web folder does not exist");
      http.set_file_extension_and_mimetype_mapping("js", "text/javascript; charset=utf-8");
    }
  }
};

Server::Server(const Engine& engine, ServerOptions options) : impl_(std::make_unique<Impl>(engine)) {
  impl_->options = std::move(options);
  impl_->catalog_stats = engine.catalog().stats();
  impl_->distinct_songs = count_catalog_songs(engine.catalog(), engine.sources().facts);
  impl_->engine_json = engine.describe();
  impl_->routes();
  impl_->has_map = engine.index() || engine.track_index();
  if (impl_->has_map) impl_->map_maker = std::thread([impl = impl_.get()] { impl->draw_map(); });
}

Server::~Server() {
  stop();
  if (impl_->map_maker.joinable()) impl_->map_maker.join();
}

bool Server::map_drawn() const { return impl_->current_map() != nullptr; }

void Server::bind() {
  auto& o = impl_->options;
  impl_->port = o.port == 0 ? impl_->http.bind_to_any_port(o.host) : (impl_->http.bind_to_port(o.host, o.port) ? o.port : -1);
  if (impl_->port <= 0)
    throw Error("cannot listen on " + o.host + ":" + std::to_string(o.port) + " (address in use, or not this machine's)");
  if (!impl_->http.raise_listen_backlog())
    throw Error("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + std::strerror(errno));
}

int Server::bound_port() const { return impl_->port; }

void Server::listen() {
  impl_->phase = Impl::Phase::listening;
  if (!impl_->stop_requested) impl_->http.listen_after_bind();
  impl_->phase = Impl::Phase::done;
}

// Safe from another thread or a signal handler (atomics, nanosleep and the
// socket calls of httplib's stop() only).
void Server::stop() {
  impl_->stop_requested = true;
  if (impl_->phase != Impl::Phase::listening) return;  // not started (it will not), or over
  while (!impl_->http.is_running() && impl_->phase == Impl::Phase::listening)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->http.stop();
}

}  // namespace promptlist
