// WordPiece token ids must equal the PyTorch reference's for every golden case.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "promptlist/wordpiece_tokenizer.h"
#include "test_support.h"

using namespace promptlist;

namespace {
const nlohmann::json& golden() {
  static const nlohmann::json j =
      nlohmann::json::parse(test::read_file(test::shared_dir() / "reference/bert-tiny.golden.json"));
  return j;
}
}  // namespace

TEST(WordPiece, GoldenTokensAndIdsFromVocabTxt) {
  const auto tok = WordPieceTokenizer::from_vocab_txt(
      (test::shared_dir() / "reference/bert-tiny/vocab.txt").string(), {});
  const std::size_t max_len = golden()["tokenizer"]["max_seq_length"];
  for (const auto& c : golden()["cases"]) {
    const std::string text = c["text"];
    const Encoding e = tok.encode(text, max_len);
    EXPECT_EQ(e.ids, c["input_ids"].get<std::vector<std::int32_t>>()) << text;
    EXPECT_EQ(e.truncated, c["truncated"].get<bool>()) << text;
    EXPECT_EQ(e.wordpieces, c["num_wordpieces"].get<std::size_t>()) << text;
    std::vector<std::string> tokens;
    for (auto id : e.ids) tokens.push_back(tok.token(id));
    EXPECT_EQ(tokens, c["tokens"].get<std::vector<std::string>>()) << text;
  }
}

TEST(WordPiece, TokenizerJsonGivesTheSameIds) {
  const auto a = WordPieceTokenizer::from_vocab_txt((test::shared_dir() / "reference/bert-tiny/vocab.txt").string(), {});
  const auto b =
      WordPieceTokenizer::from_tokenizer_json((test::shared_dir() / "reference/bert-tiny/tokenizer.json").string(), {});
  EXPECT_EQ(a.vocab_size(), b.vocab_size());
  for (const auto& c : golden()["cases"]) EXPECT_EQ(a.encode(c["text"].get<std::string>(), 64).ids, b.encode(c["text"].get<std::string>(), 64).ids);
}

TEST(WordPiece, RefusesVocabulariesWithoutSpecialTokens) {
  const auto dir = test::scratch_dir("wp");
  EXPECT_THROW(WordPieceTokenizer::from_vocab_txt(test::write_file(dir / "v.txt", "a\nb\n").string(), {}), Error);
  EXPECT_THROW(WordPieceTokenizer::from_vocab_txt((dir / "missing.txt").string(), {}), Error);
  EXPECT_THROW(WordPieceTokenizer::from_tokenizer_json(test::write_file(dir / "t.json", R"({"model": {"type": "BPE"}})").string(), {}), Error);
}
