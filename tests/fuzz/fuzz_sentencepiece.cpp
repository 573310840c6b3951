// Text through T5's SentencePiece tokenizer (the t5-tiny folder of ../shared/reference).
#include "fuzz_support.h"
#include "test_support.h"
#include "promptlist/t5_tokenizer.h"

using namespace promptlist;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const T5Tokenizer tokenizer((test::shared_dir() / "reference/t5-tiny/spiece.model").string());
  fuzz::expect_only_errors([&] {
    const auto ids = tokenizer.encode(fuzz::as_text(data, size), 64);
    if (ids.empty() || ids.size() > 64) __builtin_trap();
  });
  return 0;
}
