// Text through BERT's tokenizer (the bert-tiny vocabulary of ../shared/reference).
#include "fuzz_support.h"
#include "test_support.h"
#include "promptlist/wordpiece_tokenizer.h"

using namespace promptlist;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const WordPieceTokenizer tokenizer = WordPieceTokenizer::from_vocab_txt(
      (test::shared_dir() / "reference/bert-tiny/vocab.txt").string(), {});
  fuzz::expect_only_errors([&] {
    const auto e = tokenizer.encode(fuzz::as_text(data, size), 64);
    if (e.ids.size() < 2 || e.ids.size() > 64) __builtin_trap();
  });
  return 0;
}
