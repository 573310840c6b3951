// ModelStore: adding models from folders and zips (wheels), refusing what is
// not a model or not the published one, and choosing the default.
#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "promptlist/error.h"
#include "promptlist/model_store.h"
#include "promptlist/transformer_embedder.h"
#include "test_support.h"

using namespace promptlist;
namespace fs = std::filesystem;

namespace {

const fs::path kTiny = test::shared_dir() / "reference" / "bert-tiny";

// Writes a zip holding name -> bytes.
void write_zip(const fs::path& path, const std::map<std::string, std::string>& members) {
  int code = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  ASSERT_NE(z, nullptr);
  for (const auto& [name, bytes] : members) {
    zip_source_t* src = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
    ASSERT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8), 0) << name;
  }
  ASSERT_EQ(zip_close(z), 0);
}

// The files of a model folder as zip members under prefix.
std::map<std::string, std::string> members_of(const fs::path& folder, const std::string& prefix) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(folder))
    if (e.is_regular_file()) out[prefix + fs::relative(e.path(), folder).string()] = test::read_file(e.path());
  return out;
}

std::string add_error(const ModelStore& store, const std::string& source, AddModelOptions options = {}) {
  try {
    store.add(source, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<float> embed(const fs::path& folder, const std::string& text) {
  TransformerEmbedder e(folder.string());
  std::vector<float> v(e.dim());
  e.embed({text}, v.data());
  return v;
}

}  // namespace

TEST(ModelStore, AddsAFolderAndResolvesItByName) {
  const auto dir = test::scratch_dir("store-folder");
  const ModelStore store((dir / "models").string());
  EXPECT_TRUE(store.resolve("").is_glove()) << "no published model in the store: GloVe is the default";
  const AddedModel added = store.add(kTiny.string());
  EXPECT_EQ(added.name, "bert-tiny");
  EXPECT_FALSE(added.published);
  EXPECT_TRUE(added.assumed.empty());
  EXPECT_EQ(store.names(), std::vector<std::string>{"bert-tiny"});
  EXPECT_EQ(store.resolve("bert-tiny").folder, added.folder);
  EXPECT_TRUE(store.resolve("glove").is_glove());
  EXPECT_TRUE(store.resolve("").is_glove());
  EXPECT_EQ(embed(added.folder, "cowboys on the range"), embed(kTiny, "cowboys on the range"));
  EXPECT_NE(add_error(store, "").find("not found"), std::string::npos);
  const std::string unknown = [&] {
    try {
      store.resolve("nope");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  }();
  EXPECT_NE(unknown.find("there: glove, bert-tiny"), std::string::npos) << unknown;
}

TEST(ModelStore, AddsTheModelFolderInsideAWheel) {
  const auto dir = test::scratch_dir("store-wheel");
  auto members = members_of(kTiny, "tiny_pkg/model/");
  members["tiny_pkg/__init__.py"] = "";
  members["tiny_pkg-0.1.0.dist-info/METADATA"] = "Name: tiny-pkg\n";
  write_zip(dir / "tiny_pkg-0.1.0-py3-none-any.whl", members);
  const ModelStore store((dir / "models").string());
  const AddedModel added = store.add((dir / "tiny_pkg-0.1.0-py3-none-any.whl").string());
  EXPECT_EQ(added.name, "tiny-pkg");  // the wheel's distribution name, as PyPI spells it
  EXPECT_FALSE(fs::exists(fs::path(added.folder) / "__init__.py")) << "only the model folder is taken";
  EXPECT_EQ(embed(added.folder, "the sea"), embed(kTiny, "the sea"));
  // Nothing staged is left behind.
  for (const auto& e : fs::directory_iterator(dir / "models")) EXPECT_FALSE(e.path().filename().string().starts_with("."));
}

TEST(ModelStore, RefusesArchivesThatAreNotOneSafeModel) {
  const auto dir = test::scratch_dir("store-bad-zips");
  const ModelStore store((dir / "models").string());
  write_zip(dir / "empty.zip", {{"pkg/readme.txt", "hi"}});
  EXPECT_NE(add_error(store, (dir / "empty.zip").string()).find("no model folder inside"), std::string::npos);
  auto two = members_of(kTiny, "a/");
  for (auto& [k, v] : members_of(kTiny, "b/")) two[k] = v;
  write_zip(dir / "two.zip", two);
  EXPECT_NE(add_error(store, (dir / "two.zip").string()).find("several model folders inside (a/, b/)"), std::string::npos);
  auto evil = members_of(kTiny, "m/");
  evil["m/../../escaped.txt"] = "x";
  write_zip(dir / "evil.zip", evil);
  EXPECT_NE(add_error(store, (dir / "evil.zip").string()).find("points outside"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "escaped.txt"));
  test::write_file(dir / "not.zip", "this is not a zip file");
  EXPECT_NE(add_error(store, (dir / "not.zip").string()).find("not a readable zip file"), std::string::npos);
  // A model folder whose weights do not fit its config does not get in.
  auto broken = members_of(kTiny, "m/");
  broken["m/config.json"] = R"({"model_type": "bert", "hidden_size": 32})";
  write_zip(dir / "broken.zip", broken);
  EXPECT_NE(add_error(store, (dir / "broken.zip").string()).find("config.json"), std::string::npos);
  EXPECT_TRUE(store.names().empty());
}

TEST(ModelStore, APublishedNameDemandsThePublishedFiles) {
  const auto dir = test::scratch_dir("store-claim");
  const ModelStore store((dir / "models").string());
  AddModelOptions claim;
  claim.name = "all-MiniLM-L6-v2";
  EXPECT_NE(add_error(store, kTiny.string(), claim).find("is not the published all-MiniLM-L6-v2's"), std::string::npos);
  claim.name = "../x";
  EXPECT_NE(add_error(store, kTiny.string(), claim).find("use letters"), std::string::npos);
  EXPECT_TRUE(store.names().empty());
}

TEST(ModelStore, MissingSentenceTransformersFilesTakeThePublishedDefaults) {
  const auto dir = test::scratch_dir("store-defaults");
  fs::copy(kTiny, dir / "bare", fs::copy_options::recursive);
  for (const char* f : {"modules.json", "sentence_bert_config.json", "1_Pooling"}) fs::remove_all(dir / "bare" / f);
  const AddedModel added = ModelStore((dir / "models").string()).add((dir / "bare").string());
  ASSERT_EQ(added.assumed.size(), 3u);
  EXPECT_NE(added.assumed[0].find("modules.json missing: Transformer, Pooling, Normalize assumed"), std::string::npos);
  EXPECT_NE(added.assumed[1].find("mean pooling assumed"), std::string::npos);
  // bert-tiny has 128 positions: the published 256 is capped there.
  EXPECT_NE(added.assumed[2].find("max_seq_length 128 assumed"), std::string::npos) << added.assumed[2];
  // bert-tiny's own settings are mean + Normalize: the same vectors.
  const auto a = embed(added.folder, "a child falling asleep"), b = embed(kTiny, "a child falling asleep");
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6);
}

TEST(ModelStore, AnAddKilledMidwayIsCleanedUpByTheNext) {
  const auto dir = test::scratch_dir("store-killed");
  fs::create_directories(dir / "models" / ".adding-999999999" / "partial");
  ModelStore((dir / "models").string()).add(kTiny.string());
  EXPECT_FALSE(fs::exists(dir / "models" / ".adding-999999999"));
}
