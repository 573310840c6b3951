// A .safetensors file: header, tensor views, and every tensor read as float32.
#include "fuzz_support.h"
#include "promptlist/safetensors.h"

using namespace promptlist;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::bytes_file(data, size, ".safetensors");
  fuzz::expect_only_errors([&] {
    SafetensorsFile file(path);
    for (const auto& entry : file.tensors()) fuzz::expect_only_errors([&] { (void)entry.second.to_f32(); });
  });
  return 0;
}
