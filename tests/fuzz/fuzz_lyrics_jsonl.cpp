// Lyrics JSON Lines, as 'promptlist import' reads them (skip_bad: every line).
#include "fuzz_support.h"
#include "promptlist/catalog.h"

using namespace promptlist;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Catalog catalog(fuzz::bytes_file(nullptr, 0, ".db"));
  const std::string path = fuzz::bytes_file(data, size, ".jsonl");
  ImportOptions options;
  options.skip_bad = true;
  fuzz::expect_only_errors([&] { catalog.import_lyrics_jsonl(path, options); });
  fuzz::expect_only_errors([&] { catalog.import_lyrics_jsonl(path); });
  return 0;
}
