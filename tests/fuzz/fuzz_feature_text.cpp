// What a T5 feature generator writes, repaired and parsed into targets.
#include "fuzz_support.h"
#include "promptlist/feature_text.h"

using namespace promptlist;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::expect_only_errors([&] { (void)parse_feature_text(fuzz::as_text(data, size)); });
  return 0;
}
