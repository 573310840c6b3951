#include <gtest/gtest.h>

#include <random>

#include "promptlist/error.h"
#include "promptlist/text.h"

using namespace promptlist;

TEST(Utf8, FindsTheFirstInvalidByte) {
  EXPECT_FALSE(find_invalid_utf8("plain ascii"));
  EXPECT_FALSE(find_invalid_utf8("Gr\xC3\xBC\xC3\x9F" "e \xE2\x99\xAA"));  // Grüße ♪
  EXPECT_EQ(find_invalid_utf8("ab\xFF" "cd"), 2u);
  EXPECT_EQ(find_invalid_utf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(find_invalid_utf8("x\xED\xA0\x80"), 1u);     // UTF-16 surrogate
  EXPECT_EQ(find_invalid_utf8("abc\xE2\x82"), 3u);       // truncated sequence
}

TEST(Utf8, PrefixNeverCutsACharacter) {
  const std::string text = "ab\xE2\x99\xAA" "cd";  // ab♪cd: ♪ is bytes 2..4
  EXPECT_EQ(utf8_prefix(text, 100), text);
  EXPECT_EQ(utf8_prefix(text, 2), "ab");
  EXPECT_EQ(utf8_prefix(text, 3), "ab");
  EXPECT_EQ(utf8_prefix(text, 4), "ab");
  EXPECT_EQ(utf8_prefix(text, 5), "ab\xE2\x99\xAA");
  EXPECT_EQ(utf8_prefix(text, 0), "");
  for (std::size_t n = 0; n <= text.size(); ++n) EXPECT_FALSE(find_invalid_utf8(utf8_prefix(text, n))) << n;
}

TEST(Normalize, FoldsCaseAccentsAndTypography) {
  EXPECT_EQ(normalize_text("Caf\xC3\xA9 NO\xC3\x8BL"), "cafe noel");
  EXPECT_EQ(normalize_text("don\xE2\x80\x99t"), "don't");
  EXPECT_EQ(normalize_text("\xEF\xBC\xA1\xEF\xBC\xA2"), "ab");  // full-width
  EXPECT_THROW(normalize_text("bad \xFF byte"), Error);
}

TEST(Normalize, AsciiTakesTheShortPathToTheSameText) {
  // Pure ASCII skips utf8proc. A text with one "\xC3\xA9" (e acute) more
  // goes through utf8proc, which makes it "e" and touches nothing else: the
  // two must agree on every ASCII byte, line breaks and '`' included.
  std::mt19937 random(7);
  const std::string favoured = "\r\n`'AZaz09 \t.";
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int length = static_cast<int>(random() % 12);
    for (int i = 0; i < length; ++i)
      text += random() % 2 ? favoured[random() % favoured.size()] : static_cast<char>(random() % 128);
    ASSERT_EQ(normalize_text(text) + "e", normalize_text(text + "\xC3\xA9")) << "round " << round;
  }
  EXPECT_EQ(normalize_text("A\r\nB\rC\nD"), "a\xE2\x80\xA8" "b\xE2\x80\xA8" "c\xE2\x80\xA8" "d");
}

TEST(WordTokens, SplitsLikeGloveCorpus) {
  using V = std::vector<std::string>;
  EXPECT_EQ(word_tokens("Silent night, holy night!"), (V{"silent", "night", "holy", "night"}));
  EXPECT_EQ(word_tokens("I don't know"), (V{"i", "do", "n't", "know"}));
  EXPECT_EQ(word_tokens("the man's horse"), (V{"the", "man", "'s", "horse"}));
  EXPECT_EQ(word_tokens("O'er the hills, 'tis morn"), (V{"o'er", "the", "hills", "'tis", "morn"}));
  EXPECT_EQ(word_tokens("'quoted' words"), (V{"quoted", "words"}));
  EXPECT_EQ(word_tokens("  ...  "), V{});
  EXPECT_EQ(word_tokens("Fr\xC3\xB6hliche Weihnacht"), (V{"frohliche", "weihnacht"}));
}
