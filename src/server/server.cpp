#include "promptlist/server.h"

#include <cblas.h>
#include <httplib.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>
#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "promptlist/playlist_export.h"
#include "promptlist/text.h"
#include "promptlist/verse_chunker.h"
#include "server/bounded_http_server.h"

namespace promptlist {

using nlohmann::json;

struct Server::Impl {
  PlaylistSources sources;
  const CatalogMap* map;
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

  // A user mistake: 400 with the reason.
  struct BadRequest : Error {
    using Error::Error;
  };

  // Invalid UTF-8 is refused before a handler runs (check_parameters_are_utf8), so
  // `replace` only guards a reply against a bug elsewhere: a stray byte
  // becomes U+FFFD instead of a type_error that turns the answer into a 500.
  static void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
  }

  // Parameters end up in JSON replies (the id of a song that is not there,
  // a format that is unknown), and JSON text must be UTF-8.
  static void check_parameters_are_utf8(const httplib::Request& req) {
    for (const auto& [name, value] : req.params) {
      if (find_invalid_utf8(name)) throw BadRequest("a request parameter's name is not valid UTF-8");
      if (const auto bad = find_invalid_utf8(value))
        throw BadRequest("request parameter '" + std::string(utf8_prefix(name, 40)) + "' is not valid UTF-8 (byte " +
                         std::to_string(*bad) + ")");
    }
  }

  PlaylistRequest parse_request(const std::string& body) const {
    if (auto bad = find_invalid_utf8(body)) throw BadRequest("request body is not valid UTF-8");
    json j;
    try {
      j = json::parse(body);
    } catch (const json::exception&) {
      throw BadRequest("request body is not valid JSON");
    }
    if (!j.is_object()) throw BadRequest("request body must be a JSON object");
    PlaylistRequest r;
    try {
      r.prompt = j.at("prompt").get<std::string>();
      // JSON numbers may be 3.7 or true to nlohmann's get<long long>();
      // a count must be a whole number.
      const auto whole = [&](const char* key) {
        if (!j[key].is_number_integer()) throw BadRequest(std::string(key) + " must be a whole number");
        return j[key].get<long long>();
      };
      if (j.contains("n")) {
        const auto n = whole("n");
        if (n < 1 || n > static_cast<long long>(kMaxPlaylistSize))
          throw BadRequest("n must be between 1 and " + std::to_string(kMaxPlaylistSize));
        r.n = static_cast<std::size_t>(n);
      }
      if (j.contains("max_per_artist")) {
        const auto m = whole("max_per_artist");
        if (m < 0 || m > 1000) throw BadRequest("max_per_artist must be between 0 and 1000");
        r.max_per_artist = static_cast<std::size_t>(m);
      }
      if (j.contains("by")) r.by = signal_mix_from_string(j["by"].get<std::string>());
      if (j.contains("scoring")) r.scoring = lyrics_scoring_from_string(j["scoring"].get<std::string>());
      if (j.contains("features")) {
        if (!j["features"].is_object()) throw BadRequest("features must be an object of name: value");
        for (auto it = j["features"].begin(); it != j["features"].end(); ++it) {
          const auto f = feature_by_name(it.key());
          if (!f) throw BadRequest("unknown feature '" + std::string(utf8_prefix(it.key(), 40)) + "'");
          const double v = it->get<double>();
          const auto& spec = feature_spec(*f);
          if (!(v >= spec.target_min && v <= spec.target_max))
            throw BadRequest(it.key() + " must be within " + std::to_string(spec.target_min) + ".." +
                             std::to_string(spec.target_max));
          r.overrides[*f] = v;
        }
      }
    } catch (const json::exception&) {
      throw BadRequest("request fields have the wrong type (prompt: string, n: integer, features: numbers)");
    }
    validate(r);
    return r;
  }

  json playlist_json(const Playlist& p) const {
    json out = to_json(p);
    json placed = json::array();
    if (map) {
      for (const auto& e : p.entries)
        if (const MapPoint* point = map->find(e.song_key)) placed.push_back({{"id", e.song_id}, {"x", point->x}, {"y", point->y}});
      json prompt_point = nullptr;
      if (p.used_lyrics && sources.lyrics) {
        const auto v = sources.lyrics->embed_prompt(p.request.prompt);
        const auto [x, y] = map->project(v.data());
        prompt_point = {{"x", x}, {"y", y}};
      }
      out["map"] = {{"prompt", prompt_point}, {"songs", placed}};
    }
    return out;
  }

  json song_json(const Song& s) const {
    json features = json::object();
    for (const auto& spec : feature_specs())
      if (auto v = s.features[spec.feature]) features[std::string(spec.name)] = *v;
    // Each verse's span of song-wide lines, numbered as a playlist entry's
    // match.line_begin/line_end are (verse_chunker.h), so the page can
    // highlight a match and separate the verses.
    std::vector<int> verse_of_line;
    json spans = json::array();
    for (std::size_t v = 0; v < s.verses.size(); ++v) {
      const std::size_t begin = verse_of_line.size();
      for (std::size_t i = 0, n = song_lines({s.verses[v]}).size(); i < n; ++i) verse_of_line.push_back(static_cast<int>(v));
      spans.push_back({{"verse", v}, {"line_begin", begin}, {"line_end", verse_of_line.size()}});
    }
    return {{"id", s.id},
            {"title", s.title},
            {"artist", s.artist},
            {"collection", s.collection},
            {"year", s.year ? json(*s.year) : json(nullptr)},
            {"spotify_id", s.spotify_id.empty() ? json(nullptr) : json(s.spotify_id)},
            {"verses", s.verses},
            {"lines", song_lines(s.verses)},
            {"verse_of_line", verse_of_line},
            {"verse_spans", spans},
            {"features", features},
            {"source", s.source},
            {"license", s.license}};
  }

  // Runs a handler on a request whose parameters are valid UTF-8, turning
  // errors into JSON replies.
  template <typename F>
  void guarded(const httplib::Request& req, httplib::Response& res, F&& handler) const {
    try {
      check_parameters_are_utf8(req);
      handler();
    } catch (const BadRequest& e) {
      reply(res, 400, {{"error", e.what()}});
    } catch (const Error& e) {
      // Errors the library raises about a request (empty prompt, no sound
      // named, ...) are the client's to fix.
      reply(res, 400, {{"error", e.what()}});
    } catch (const std::exception& e) {
      reply(res, 500, {{"error", "the server failed: " + describe_failure(e)}});
    }
  }

  void routes() {
    http.set_limits(options.connections);
    http.set_payload_max_length(options.max_body_bytes);
    // Small JSON replies: without TCP_NODELAY, Nagle's algorithm and delayed
    // ACKs add ~40 ms to every keep-alive request.
    http.set_tcp_nodelay(true);
    http.Get("/api/health", [this](const httplib::Request&, httplib::Response& res) {
      const auto& stats = catalog_stats;
      reply(res, 200,
            {{"status", "ok"},
             {"version", PROMPTLIST_VERSION},
             {"model", options.model_name},
             {"songs", stats.songs},
             {"songs_with_lyrics", stats.songs_with_lyrics},
             {"songs_with_features", stats.songs_with_features},
             {"lyrics", sources.lyrics != nullptr},
             {"sound", sources.sound != nullptr},
             {"predictor", sources.predictor ? json(sources.predictor->name()) : json(nullptr)},
             {"limits", {{"prompt_chars", kMaxPromptChars}, {"n", kMaxPlaylistSize}, {"body_bytes", options.max_body_bytes}}}});
    });
    http.Post("/api/playlist", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(req, res, [&] { reply(res, 200, playlist_json(make_playlist(sources, parse_request(req.body)))); });
    });
    http.Get("/api/song", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(req, res, [&] {
        const std::string id = req.get_param_value("id");
        if (id.empty()) throw BadRequest("give the song as ?id=...");
        const auto song = sources.catalog->find(id);
        if (!song) return reply(res, 404, {{"error", "no song with id '" + std::string(utf8_prefix(id, 200)) + "'"}});
        reply(res, 200, song_json(*song));
      });
    });
    http.Get("/api/features", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(req, res, [&] {
        if (!sources.predictor) return reply(res, 404, {{"error", "this catalog has no audio features to predict"}});
        PlaylistRequest r;
        r.prompt = req.get_param_value("prompt");
        validate(r);
        json out = to_json(sources.predictor->predict(r.prompt));
        out["predictor"] = sources.predictor->name();
        reply(res, 200, out);
      });
    });
    http.Get("/api/map", [this](const httplib::Request&, httplib::Response& res) {
      if (!map) return reply(res, 404, {{"error", "no lyrics index, so no map"}});
      json songs = json::array();
      for (const auto& p : map->points())
        songs.push_back({{"id", p.id}, {"title", p.title}, {"artist", p.artist}, {"x", p.x}, {"y", p.y}});
      reply(res, 200, {{"songs", songs}});
    });
    http.Post("/api/export", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(req, res, [&] {
        const ExportFormat format = [&] {
          try {
            return export_format_from_string(req.get_param_value("format"));
          } catch (const Error& e) {
            throw BadRequest(e.what());
          }
        }();
        const Playlist p = make_playlist(sources, parse_request(req.body));
        res.set_header("Content-Disposition",
                       std::string("attachment; filename=\"playlist.") + file_extension(format) + "\"");
        res.set_content(export_playlist(p, format), content_type(format));
      });
    });
    // A decoded %00 would cut the file name short where the file is opened
    // ("/index.html%00.txt" served index.html as text): no path has one.
    http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      if (req.path.find('\0') == std::string::npos) return httplib::Server::HandlerResponse::Unhandled;
      reply(res, 400, {{"error", "the path contains a NUL byte"}});
      return httplib::Server::HandlerResponse::Handled;
    });
    if (!options.web_root.empty()) {
      // cpp-httplib refuses paths that leave the mount point ("..", absolute).
      if (!http.set_mount_point("/", options.web_root))
        throw Error(options.web_root + ": the web folder does not exist");
      http.set_file_extension_and_mimetype_mapping("js", "text/javascript; charset=utf-8");
    }
    // The right path with the wrong method is 405 and says which one to use,
    // not the 404 cpp-httplib would give.
    const auto wrong_method = [](const char* allowed) {
      return [allowed](const httplib::Request& req, httplib::Response& res) {
        res.set_header("Allow", allowed);
        reply(res, 405, {{"error", req.path + " takes " + allowed}});
      };
    };
    for (const char* path : {"/api/playlist", "/api/export"}) http.Get(path, wrong_method("POST"));
    for (const char* path : {"/api/health", "/api/song", "/api/features", "/api/map"}) http.Post(path, wrong_method("GET"));
    // cpp-httplib calls this for every status >= 400, also after a handler
    // replied: its message ("no song with id ...") must stand.
    http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      if (res.status == 404 && req.path.rfind("/api/", 0) == 0) reply(res, 404, {{"error", "no such endpoint"}});
      else if (res.status == 413) reply(res, 413, {{"error", "request body is too large"}});
      else res.set_content(std::to_string(res.status) + "\n", "text/plain");
    });
    http.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}});
  }
};

Server::Server(PlaylistSources sources, const CatalogMap* map, ServerOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (!sources.catalog) throw Error("the server needs a catalog");
  impl_->sources = sources;
  impl_->map = map;
  impl_->options = std::move(options);
  impl_->catalog_stats = sources.catalog->stats();
  impl_->routes();
}

Server::~Server() { stop(); }

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
  if (impl_->options.math_threads > 0) openblas_set_num_threads(impl_->options.math_threads);
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
