// A tokenizer.json (first half of the input) or a vocab.txt (second half),
// then a text tokenized with whatever loaded.
#include "fuzz_support.h"
#include "promptlist/wordpiece_tokenizer.h"

using namespace promptlist;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::size_t half = size / 2;
  const std::string json = fuzz::bytes_file(data, half, ".json"), txt = fuzz::bytes_file(data + half, size - half, ".txt");
  fuzz::expect_only_errors([&] {
    auto t = WordPieceTokenizer::from_tokenizer_json(json, {});
    (void)t.encode("Running wild and free [MASK] caf\xC3\xA9", 64);
  });
  fuzz::expect_only_errors([&] {
    auto t = WordPieceTokenizer::from_vocab_txt(txt, {});
    (void)t.encode("Running wild and free [MASK] caf\xC3\xA9", 64);
  });
  return 0;
}
