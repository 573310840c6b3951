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
#include "promptlist/sif_embedder.h"
#include "test_support.h"

using namespace promptlist;
using nlohmann::json;

namespace {

struct World {
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<SifEmbedder> embedder;
  std::unique_ptr<VerseIndex> index;
  std::unique_ptr<LyricsSearch> lyrics;
  std::unique_ptr<SoundRanker> sound;
  std::unique_ptr<BuiltinFeaturePredictor> predictor;
  std::unique_ptr<CatalogMap> map;
  std::unique_ptr<Server> server;
  std::thread thread;
  int port = 0;
  std::filesystem::path web;
};

World& world() {
  static World w = [] {
    World w;
    const auto dir = test::scratch_dir("server");
    std::ifstream in(test::data_dir() / "lyrics/songs.jsonl");
    std::ofstream out(dir / "songs.jsonl");
    std::string line;
    for (int i = 0; i < 300 && std::getline(in, line); ++i) out << line << "\n";
    out.close();
    std::ifstream fin(test::data_dir() / "features/spotify_songs.csv");
    std::ofstream fout(dir / "features.csv");
    for (int i = 0; i < 3000 && std::getline(fin, line); ++i) fout << line << "\n";
    fout.close();
    w.catalog = std::make_unique<Catalog>((dir / "catalog.db").string());
    w.catalog->import_lyrics_jsonl((dir / "songs.jsonl").string());
    ImportOptions skip;
    skip.skip_bad = true;
    w.catalog->import_features_csv((dir / "features.csv").string(), skip);
    auto vectors = std::make_shared<const WordVectors>(test::glove_model_path().string());
    w.embedder = std::make_unique<SifEmbedder>(vectors);
    build_verse_index(*w.catalog, *w.embedder, (dir / "index.plvi").string());
    w.index = std::make_unique<VerseIndex>((dir / "index.plvi").string());
    w.lyrics = std::make_unique<LyricsSearch>(*w.index, *w.embedder);
    w.sound = std::make_unique<SoundRanker>(w.catalog->songs_with_features());
    w.predictor = std::make_unique<BuiltinFeaturePredictor>(vectors, w.sound->tracks(), w.catalog->playlist_memberships());
    w.map = std::make_unique<CatalogMap>(*w.index, *w.catalog);
    // A web folder with a page, and a secret next to it that must stay unreachable.
    w.web = dir / "web";
    test::write_file(w.web / "index.html", "<html>promptlist</html>");
    test::write_file(dir / "secret.txt", "do not serve");
    ServerOptions o;
    o.port = 0;
    o.web_root = w.web.string();
    w.server = std::make_unique<Server>(
        PlaylistSources{w.catalog.get(), w.lyrics.get(), w.sound.get(), w.predictor.get()}, w.map.get(), o);
    w.server->bind();
    w.port = w.server->bound_port();
    w.thread = std::thread([s = w.server.get()] { s->listen(); });
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
  EXPECT_EQ(client().Get("/api/song?id=nope")->status, 404);
  EXPECT_EQ(client().Get("/api/song")->status, 400);
}

TEST(ServerApi, FeaturesAndMapAndExport) {
  auto f = client().Get("/api/features?prompt=energetic%20dance%20at%20128%20bpm");
  ASSERT_EQ(f->status, 200);
  EXPECT_EQ(json::parse(f->body)["features"]["tempo"]["value"], 128);
  auto m = client().Get("/api/map");
  ASSERT_EQ(m->status, 200);
  EXPECT_EQ(json::parse(m->body)["songs"].size(), 300u);
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
}

TEST(ServerApi, ServesTheWebFolderAndNothingOutsideIt) {
  auto page = client().Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("promptlist"), std::string::npos);
  // Raw request lines, so no client normalises the path first.
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/index.html/../../secret.txt",
                           "//etc/passwd", "/../../../../etc/passwd"}) {
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
