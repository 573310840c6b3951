// A word-vector file (.plwv): loaded, and if it loads, every word looked up.
#include "fuzz_support.h"
#include "promptlist/word_vectors.h"

using namespace promptlist;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::bytes_file(data, size, ".plwv");
  fuzz::expect_only_errors([&] {
    WordVectors vectors(path);
    for (std::uint32_t id = 0; id < vectors.size(); ++id) {
      const auto word = vectors.word(id);
      if (vectors.find(word) && vectors.dim()) (void)vectors.vector(id)[vectors.dim() - 1];
    }
    (void)vectors.find("love");
  });
  return 0;
}
