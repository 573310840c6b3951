// The HTTP API on an ephemeral loopback port: answers, errors, limits,
// path traversal, and concurrent requests.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "promptlist/builtin_predictor.h"
#include "promptlist/index_builder.h"
#include "promptlist/server.h"
#include "promptlist/track_facts.h"
#include "promptlist/sif_embedder.h"
#include "test_support.h"
#include "test_world.h"

using namespace promptlist;
using nlohmann::json;

namespace {

// The first 300 songs and 3000 feature rows, served on an ephemeral port.
struct Served {
  std::unique_ptr<test::World> world = test::make_world({"server", 1, 300, 3000});
  std::unique_ptr<Server> server;
  std::thread thread;
  int port = 0;
};

Served& world() {
  static Served w = [] {
    Served w;
    // A web folder with a page, and a secret next to it that must stay unreachable.
    const auto web = w.world->dir / "web";
    test::write_file(web / "index.html", "<html>promptlist</html>");
    test::write_file(w.world->dir / "secret.txt", "do not serve");
    ServerOptions o;
    o.port = 0;
    o.web_root = web.string();
    w.server = std::make_unique<Server>(*w.world->engine, o);
    w.server->bind();
    w.port = w.server->bound_port();
    w.thread = std::thread([s = w.server.get()] { s->listen(); });
    // The map is drawn on its own thread; the tests below read it.
    for (int i = 0; i < 3000 && !w.server->map_drawn(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return w;
  }();
  return w;
}

httplib::Client client() {
  httplib::Client c("127.0.0.1", world().port);
  c.set_read_timeout(30);
  return c;
}

httplib::Result post(const std::string& path, const std::string& body) {
  return client().Post(path.c_str(), body, "application/json");
}

struct Teardown : ::testing::Environment {
  void TearDown() override {
    auto& w = world();
    w.server->stop();
    if (w.thread.joinable()) w.thread.join();
  }
};
const auto* teardown = ::testing::AddGlobalTestEnvironment(new Teardown);

}  // namespace

TEST(ServerApi, HealthSaysWhatTheCatalogHas) {
  auto r = client().Get("/api/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_TRUE(j["lyrics"].get<bool>());
  EXPECT_TRUE(j["sound"].get<bool>());
  EXPECT_EQ(j["songs_with_lyrics"], 300);
  // The 3000 feature rows hold songs under several ids: counted once, there are fewer songs.
  const auto tracks = world().world->catalog->songs_with_features();
  EXPECT_EQ(j["distinct_songs"].get<std::size_t>(),
            TrackFacts::count_songs(world().world->catalog->songs_with_lyrics()) + TrackFacts::count_songs(tracks));
  EXPECT_LT(j["distinct_songs"].get<std::size_t>(), j["songs"].get<std::size_t>());
}

TEST(ServerApi, PlaylistWithOverridesAndMap) {
  auto r = post("/api/playlist", R"({"prompt": "calm acoustic songs", "n": 6, "by": "both", "features": {"tempo": 100}})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  EXPECT_EQ(j["songs"].size(), 6u);
  EXPECT_EQ(j["target"]["features"]["tempo"]["source"], "user");
  EXPECT_TRUE(j["map"]["prompt"].is_object());
  for (const auto& s : j["map"]["songs"]) {
    EXPECT_LE(std::abs(s["x"].get<double>()), 1.0001);
    EXPECT_LE(std::abs(s["y"].get<double>()), 1.0001);
  }
}

TEST(ServerApi, SongWithLinesAndVerses) {
  auto r = client().Get("/api/song?id=openhymnal%2Fjesujoyofmansdesiring");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  EXPECT_EQ(j["title"], "Jesus, Joy of Man's Desiring");
  EXPECT_EQ(j["lines"].size(), j["verse_of_line"].size());
  EXPECT_EQ(j["lines"][0], "Jesus joy of man's desiring");
  // The verse spans tile the lines in order, one per verse.
  ASSERT_EQ(j["verse_spans"].size(), j["verses"].size());
  std::size_t next = 0;
  for (std::size_t v = 0; v < j["verse_spans"].size(); ++v) {
    const auto& span = j["verse_spans"][v];
    EXPECT_EQ(span["verse"], v);
    EXPECT_EQ(span["line_begin"], next);
    EXPECT_GT(span["line_end"].get<std::size_t>(), next);
    next = span["line_end"].get<std::size_t>();
  }
  EXPECT_EQ(next, j["lines"].size());
  EXPECT_EQ(client().Get("/api/song?id=nope")->status, 404);
  EXPECT_EQ(client().Get("/api/song")->status, 400);
}

TEST(ServerApi, TheMapIsAskedForAgainUntilItIsDrawn) {
  // A second server on the same engine: until its map is drawn, /api/map
  // says so (503, Retry-After, "retry"), then answers it.
  ServerOptions o;
  o.port = 0;
  Server server(*world().world->engine, o);
  server.bind();
  std::thread serving([&] { server.listen(); });
  httplib::Client c("127.0.0.1", server.bound_port());
  int status = 0;
  std::string body;
  for (int i = 0; i < 300 && status != 200; ++i) {
    auto r = c.Get("/api/map");
    ASSERT_TRUE(r);
    status = r->status, body = r->body;
    if (status == 200) break;
    ASSERT_EQ(status, 503) << body;
    EXPECT_EQ(r->get_header_value("Retry-After"), "1");
    EXPECT_TRUE(json::parse(body)["retry"].get<bool>()) << body;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(server.map_drawn());
  EXPECT_EQ(json::parse(body)["count"], world().world->engine->track_index()->size() + 300);
  server.stop();
  serving.join();
}

TEST(ServerApi, FeaturesAndMapAndExport) {
  auto f = client().Get("/api/features?prompt=energetic%20dance%20at%20128%20bpm");
  ASSERT_EQ(f->status, 200);
  EXPECT_EQ(json::parse(f->body)["features"]["tempo"]["value"], 128);
  auto m = client().Get("/api/map");
  ASSERT_EQ(m->status, 200);
  // Every song of either index, as columns: the 300 texts and one point per song of the tracks.
  const json map = json::parse(m->body);
  const std::size_t songs = 300 + world().world->engine->track_index()->size();
  EXPECT_EQ(map["count"], songs);
  for (const char* column : {"id", "title", "artist", "x", "y", "recording"}) EXPECT_EQ(map[column].size(), songs) << column;
  std::size_t recordings = 0;
  for (const auto& r : map["recording"]) recordings += r.get<int>();
  EXPECT_EQ(recordings, songs - 300);
  auto x = post("/api/export?format=xspf", R"({"prompt": "calm acoustic", "n": 3, "by": "sound"})");
  ASSERT_EQ(x->status, 200);
  EXPECT_NE(x->body.find("<playlist version=\"1\""), std::string::npos);
  EXPECT_NE(x->get_header_value("Content-Disposition").find("playlist.xspf"), std::string::npos);
  auto s = post("/api/export?format=spotify", R"({"prompt": "calm acoustic", "n": 3, "by": "sound"})");
  EXPECT_EQ(std::count(s->body.begin(), s->body.end(), '\n'), 3);
  EXPECT_EQ(post("/api/export?format=wav", R"({"prompt": "x"})")->status, 400);
}

TEST(ServerApi, BadRequestsGet4xxWithAJsonError) {
  struct Case {
    std::string body;
    std::string error;
  };
  const Case cases[] = {
      {"not json", "not valid JSON"},
      {"[1,2]", "JSON object"},
      {R"({"n": 3})", "wrong type"},
      {R"({"prompt": ""})", "prompt is empty"},
      {R"({"prompt": "x", "n": 0})", "between 1 and"},
      {R"({"prompt": "x", "n": 100000})", "between 1 and"},
      {R"({"prompt": "x", "n": 3.7})", "n must be a whole number"},
      {R"({"prompt": "x", "n": true})", "n must be a whole number"},
      {R"({"prompt": "x", "max_per_artist": 1.5})", "max_per_artist must be a whole number"},
      {R"({"prompt": "x", "features": {"bogus": 1}})", "unknown feature"},
      {R"({"prompt": "x", "features": {"energy": 7}})", "energy must be within"},
      {R"({"prompt": "x", "by": "vibes"})", "unknown signal"},
      {"{\"prompt\": \"" + std::string(1200, 'a') + "\"}", "longer than"},
      {"{\"prompt\": \"bad \xff\"}", "UTF-8"},
  };
  for (const auto& c : cases) {
    auto r = post("/api/playlist", c.body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << c.body.substr(0, 60);
    EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find(c.error), std::string::npos)
        << c.body.substr(0, 60) << " -> " << r->body;
  }
  auto big = post("/api/playlist", "{\"prompt\": \"" + std::string(100000, 'a') + "\"}");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(client().Get("/api/nothing")->status, 404);
  auto get_playlist = client().Get("/api/playlist");
  EXPECT_EQ(get_playlist->status, 405);
  EXPECT_EQ(get_playlist->get_header_value("Allow"), "POST");
  EXPECT_NE(json::parse(get_playlist->body)["error"].get<std::string>().find("takes POST"), std::string::npos);
  EXPECT_EQ(post("/api/map", "{}")->status, 405);
}

TEST(ServerApi, ParametersThatAreNotUtf8Get400NamingTheParameter) {
  // Raw request lines: the bytes reach the server exactly as written.
  const auto send = [](const char* method, const std::string& path) {
    httplib::Request req;
    req.method = method;
    req.path = path;
    if (req.method == "POST") req.body = R"({"prompt": "the sea"})";
    return client().send(req);
  };
  struct Case {
    const char* method;
    std::string path;
    std::string error;
  };
  const Case cases[] = {
      {"GET", "/api/song?id=%FF", "parameter 'id' is not valid UTF-8"},
      {"GET", "/api/song?id=%C0%AF", "parameter 'id' is not valid UTF-8"},     // overlong '/'
      {"GET", "/api/song?id=%ED%A0%80", "parameter 'id' is not valid UTF-8"},  // surrogate
      {"GET", "/api/song?id=%E2%82", "parameter 'id' is not valid UTF-8"},     // cut short
      {"GET", "/api/features?prompt=sea%FF", "parameter 'prompt' is not valid UTF-8"},
      {"POST", "/api/export?format=%FF", "parameter 'format' is not valid UTF-8"},
      {"GET", "/api/song?id=x&%FF=1", "parameter's name is not valid UTF-8"},
  };
  for (const auto& c : cases) {
    auto r = send(c.method, c.path);
    ASSERT_TRUE(r) << c.path;
    EXPECT_EQ(r->status, 400) << c.path << " -> " << r->body;
    EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find(c.error), std::string::npos)
        << c.path << " -> " << r->body;
  }
  // A long id is shortened for the message at a character boundary, never
  // inside the 3-byte \u266A.
  auto r = send("GET", "/api/song?id=" + std::string(199, 'a') + "%E2%99%AA");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404) << r->body;
  EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find("no song with id"), std::string::npos) << r->body;
}

TEST(ServerApi, ServesTheWebFolderAndNothingOutsideIt) {
  auto page = client().Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("promptlist"), std::string::npos);
  // Raw request lines, so no client normalises the path first.
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/index.html/../../secret.txt",
                           "//etc/passwd", "/../../../../etc/passwd", "/index.html%00.txt",
                           "/a/b/../../..%00/secret.txt"}) {
    httplib::Request req;
    req.method = "GET";
    req.path = path;
    auto r = client().send(req);
    ASSERT_TRUE(r) << path;
    EXPECT_NE(r->status, 200) << path;
    EXPECT_EQ(r->body.find("do not serve"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << path;
  }
}

TEST(ServerApi, ConcurrentRequestsAllSucceedAndAgree) {
  const std::string body = R"({"prompt": "the sea and the sailors", "n": 5})";
  const auto expected = json::parse(post("/api/playlist", body)->body)["songs"];
  std::atomic<int> ok{0}, same{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto r = post("/api/playlist", body);
        if (r && r->status == 200) {
          ++ok;
          same += json::parse(r->body)["songs"] == expected;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(same.load(), 40);
}
