// The safetensors reader on crafted headers: sizes that wrap, empty tensors.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "promptlist/error.h"
#include "promptlist/safetensors.h"
#include "test_support.h"

using namespace promptlist;

namespace {

// A file with the given JSON header and data bytes.
std::string safetensors_file(const std::string& name, const std::string& header, const std::string& data = {}) {
  const std::uint64_t n = header.size();
  std::string bytes(reinterpret_cast<const char*>(&n), 8);
  return test::write_file(test::scratch_dir("safetensors") / name, bytes + header + data).string();
}

std::string load_error(const std::string& path) {
  try {
    SafetensorsFile file(path);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << path << " was accepted";
  return {};
}

}  // namespace

TEST(Safetensors, ShapesWhoseElementCountWrapsAreRefused) {
  // 4 * 2^62 and 2^32 * 2^32 are 2^64: 0 in 64 bits, which matched [0, 0].
  for (const char* shape : {"[4, 4611686018427387904]", "[4294967296, 4294967296]", "[2, 2, 4611686018427387904]"}) {
    const auto path = safetensors_file(
        "wrap.safetensors", std::string(R"({"huge": {"dtype": "F32", "shape": )") + shape + R"(, "data_offsets": [0, 0]}})");
    const std::string error = load_error(path);
    EXPECT_NE(error.find("tensor 'huge'"), std::string::npos) << error;
    EXPECT_NE(error.find("too large"), std::string::npos) << error;
  }
}

TEST(Safetensors, NumelOfAShapeThatOverflowsIsAnError) {
  TensorView view;
  view.name = "crafted";
  view.dtype = DType::F32;
  view.shape = {4, 4611686018427387904};
  try {
    view.numel();
    ADD_FAILURE() << "numel() of [4, 2^62] returned";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tensor 'crafted'"), std::string::npos) << e.what();
  }
}

TEST(Safetensors, ZeroElementTensorsLoadAndConvert) {
  const auto path = safetensors_file(
      "empty.safetensors",
      R"({"none": {"dtype": "F32", "shape": [0, 5], "data_offsets": [0, 0]}, "one": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})",
      std::string("\0\0\x80\x3f", 4));
  SafetensorsFile file(path);
  EXPECT_EQ(file.get("none").numel(), 0);
  EXPECT_TRUE(file.get("none").to_f32().empty());
  EXPECT_EQ(file.get("one").to_f32(), std::vector<float>{1.0f});
}
