// Spotify audio-feature CSVs, as 'promptlist import' reads them.
#include "fuzz_support.h"
#include "promptlist/catalog.h"

using namespace promptlist;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Catalog catalog(fuzz::bytes_file(nullptr, 0, ".db"));
  const std::string path = fuzz::bytes_file(data, size, ".csv");
  ImportOptions options;
  options.skip_bad = true;
  fuzz::expect_only_errors([&] { catalog.import_features_csv(path, options); });
  fuzz::expect_only_errors([&] { catalog.import_features_csv(path); });
  return 0;
}
