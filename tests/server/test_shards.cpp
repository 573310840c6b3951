// Shard assignment (shard.h), merging (shard_search.h) and the shard server's
// answers to bad requests, on the real demo song ids.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "promptlist/error.h"
#include "promptlist/shard.h"
#include "promptlist/shard_search.h"
#include "promptlist/shard_server.h"
#include "test_support.h"
#include "test_world.h"

using namespace promptlist;

namespace {

std::vector<std::string> demo_song_ids() {
  std::ifstream in(test::data_dir() / "lyrics" / "songs.jsonl");
  std::vector<std::string> ids;
  for (std::string line; std::getline(in, line);) ids.push_back(nlohmann::json::parse(line)["id"]);
  return ids;
}

ShardHit hit(const std::string& shard, float score, std::int64_t key) { return {shard, key, 0, 0, 1, score, "text"}; }

}  // namespace

TEST(Shards, EverySongIsInExactlyOneShardAndTheShardsAreEven) {
  const auto ids = demo_song_ids();
  for (std::size_t count : {1u, 2u, 4u, 7u}) {
    std::vector<std::size_t> sizes(count, 0);
    for (const auto& id : ids) {
      std::size_t holders = 0;
      for (std::size_t i = 0; i < count; ++i)
        if (ShardSpec{i, count}.holds(id)) ++holders, ++sizes[i];
      ASSERT_EQ(holders, 1u) << id << " in " << count << " shards";
    }
    for (std::size_t s : sizes) EXPECT_NEAR(double(s) / ids.size(), 1.0 / count, 0.25 / count) << count << " shards";
  }
}

TEST(Shards, ParsesIOfNAndNamesWhatIsWrong) {
  EXPECT_EQ(parse_shard("2/4").index, 2u);
  EXPECT_EQ(parse_shard("2/4").count, 4u);
  EXPECT_EQ(parse_shard("0/1").name(), "0/1");
  for (const char* bad : {"4/4", "1", "a/4", "1/0", "-1/4", "1/4x", "/4", "1/5000"})
    EXPECT_THROW(parse_shard(bad), Error) << bad;
}

TEST(Shards, MergeKeepsTheBestOfAllShardsBestFirstTiesInShardOrder) {
  const auto merged = merge_hits({{hit("a", 0.9f, 1), hit("a", 0.5f, 2)}, {hit("b", 0.7f, 3), hit("b", 0.5f, 4)}, {}}, 3);
  ASSERT_EQ(merged.size(), 3u);
  EXPECT_EQ(merged[0].song_key, 1);
  EXPECT_EQ(merged[1].song_key, 3);
  EXPECT_EQ(merged[2].song_key, 2);  // 0.5 from shard a before 0.5 from shard b
}

TEST(Shards, SearchRefusesMalformedAddressesAndK) {
  EXPECT_THROW(search_shards({"localhost"}, "the sea", 10), Error);
  EXPECT_THROW(search_shards({"127.0.0.1:0"}, "the sea", 10), Error);
  EXPECT_THROW(search_shards({"127.0.0.1:80"}, "the sea", 0), Error);
  const auto r = search_shards({"127.0.0.1:1"}, "the sea", 10, std::chrono::milliseconds(500));  // nobody listens
  EXPECT_TRUE(r.hits.empty());
  ASSERT_EQ(r.missing.size(), 1u);
  EXPECT_EQ(r.missing[0].rfind("127.0.0.1:1: ", 0), 0u) << r.missing[0];
}

TEST(Shards, TheShardServerAnswersBadRequestsWithTheirReason) {
  static auto world = test::make_world({"shard_server", 8, 0, 0});
  ShardServer server(world->index(), *world->engine->embedder(), {});
  server.bind();
  std::thread serving([&] { server.listen(); });
  httplib::Client client("127.0.0.1", server.bound_port());
  const auto ok = client.Get("/api/search?q=the%20sea&k=3");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok->body)["hits"].size(), 3u);
  const std::pair<const char*, const char*> bad[] = {
      {"/api/search", "q parameter"}, {"/api/search?q=a&k=0", "k must be"}, {"/api/search?q=a&k=99999", "k must be"},
      {"/api/search?q=%FF", "not valid UTF-8"}, {"/api/nothing", "no such endpoint"}};
  for (const auto& [path, why] : bad) {
    const auto res = client.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_GE(res->status, 400) << path;
    EXPECT_NE(res->body.find(why), std::string::npos) << path << ": " << res->body;
  }
  const auto huge = client.Get("/api/search?q=" + std::string(5000, 'a'));
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 400);
  server.stop();
  serving.join();
}
