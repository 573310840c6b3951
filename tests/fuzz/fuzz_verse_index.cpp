// A verse index file (.plvi): loaded, and if it loads, every chunk and a search.
#include <vector>

#include "fuzz_support.h"
#include "promptlist/verse_index.h"

using namespace promptlist;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::bytes_file(data, size, ".plvi");
  fuzz::expect_only_errors([&] {
    VerseIndex index(path);
    for (std::size_t i = 0; i < index.size(); ++i) {
      (void)index.chunk(i);
      (void)index.chunk_song(i);
    }
    std::vector<float> query(index.dim(), 1.0f);
    if (!query.empty()) index.project(query.data());
    (void)index.top_k(query.data(), 10);
  });
  return 0;
}
