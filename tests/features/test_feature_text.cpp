// Reading what a feature generator wrote: the seed's form and its repairs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "promptlist/error.h"
#include "promptlist/feature_text.h"
#include "promptlist/t5_feature_predictor.h"
#include "test_support.h"

using namespace promptlist;

namespace {
bool noted(const FeatureTarget& t, const std::string& what) {
  for (const auto& n : t.notes)
    if (n.find(what) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST(FeatureText, ReadsTheSeedCardsForm) {
  auto t = parse_feature_text(R"("danceability": 0.9, "energy": 0.9, "valence": 0.9)");
  EXPECT_DOUBLE_EQ(t[Feature::danceability]->value, 0.9);
  EXPECT_DOUBLE_EQ(t[Feature::energy]->value, 0.9);
  EXPECT_DOUBLE_EQ(t[Feature::valence]->value, 0.9);
  EXPECT_FALSE(t[Feature::tempo]);
  EXPECT_TRUE(t.notes.empty());
  EXPECT_EQ(t[Feature::energy]->source, TargetSource::predicted);
}

TEST(FeatureText, TextThatIsNotUtf8IsUnreadableNotAJsonCrash) {
  for (const std::string text : {"\"energy\": 0.5, \"x\xFF\": 1", "\"en\xC0\xAF" "ergy\": 0.5", "\"energy\": 0.5 \xED\xA0\x80",
                                 "\"energy\": 0.5, \"\xE2\x82"}) {
    FeatureTarget t;
    ASSERT_NO_THROW(t = parse_feature_text(text)) << text;
    EXPECT_FALSE(t[Feature::energy]) << text;
    EXPECT_TRUE(noted(t, "not valid UTF-8")) << text;
    EXPECT_NO_THROW(to_json(t).dump()) << text;
  }
  // Valid text quoted in a note is shortened at a character boundary.
  const auto long_name = parse_feature_text("\"" + std::string(39, 'x') + "\xE2\x99\xAA\": 1");
  EXPECT_TRUE(noted(long_name, "unknown feature"));
  EXPECT_NO_THROW(to_json(long_name).dump());
}

TEST(FeatureText, AcceptsBracesAndLooseQuoting) {
  auto t = parse_feature_text(R"({"acousticness": 0.8, energy: 0.2, 'tempo': 92.5})");
  EXPECT_DOUBLE_EQ(t[Feature::acousticness]->value, 0.8);
  EXPECT_DOUBLE_EQ(t[Feature::energy]->value, 0.2);
  EXPECT_DOUBLE_EQ(t[Feature::tempo]->value, 92.5);
}

TEST(FeatureText, RepairsTruncation) {
  auto t = parse_feature_text(R"("danceability": 0.7, "energy": 0.8, "vale)");
  EXPECT_TRUE(t[Feature::danceability] && t[Feature::energy]);
  EXPECT_TRUE(noted(t, "truncated tail")) << nlohmann::json(t.notes).dump();
  auto u = parse_feature_text(R"("danceability": 0.7, "energy":)");
  EXPECT_FALSE(u[Feature::energy]);
  EXPECT_TRUE(noted(u, "value is missing"));
}

TEST(FeatureText, DropsUnknownRepeatedAndNonNumbers) {
  auto t = parse_feature_text(R"("energy": 0.3, "groove": 0.5, "energy": 0.9, "valence": high, "tempo": 1e999)");
  EXPECT_DOUBLE_EQ(t[Feature::energy]->value, 0.3);
  EXPECT_FALSE(t[Feature::valence]);
  EXPECT_FALSE(t[Feature::tempo]);
  EXPECT_TRUE(noted(t, "unknown feature 'groove'"));
  EXPECT_TRUE(noted(t, "repeated 'energy'"));
  EXPECT_TRUE(noted(t, "'high' is not a number"));
}

TEST(FeatureText, ClampsAndRoundsOutOfRangeValues) {
  auto t = parse_feature_text(R"("energy": 1.4, "loudness": 3, "key": 4.6, "tempo": -5)");
  EXPECT_DOUBLE_EQ(t[Feature::energy]->value, 1.0);
  EXPECT_DOUBLE_EQ(t[Feature::loudness]->value, 0.0);
  EXPECT_DOUBLE_EQ(t[Feature::key]->value, 5.0);
  EXPECT_DOUBLE_EQ(t[Feature::tempo]->value, feature_spec(Feature::tempo).target_min);
  EXPECT_TRUE(noted(t, "clamped energy 1.4"));
  EXPECT_TRUE(noted(t, "rounded key"));
}

TEST(FeatureText, GarbageGivesAnEmptyTargetAndValidJson) {
  for (const char* text : {"", "  ", "voices L j", ",,,", "::::", "\"\": 1"}) {
    auto t = parse_feature_text(text);
    EXPECT_TRUE(t.empty()) << text;
    EXPECT_FALSE(t.notes.empty()) << text;
    EXPECT_NO_THROW(nlohmann::json::parse(to_json(t).dump())) << text;
  }
}

TEST(T5FeaturePredictor, RunsATinyT5FolderAndStatedConstraintsWin) {
  // Random weights: the text is gibberish, but the whole path runs (seed
  // input format, beam search, repair) and stated constraints still win.
  T5FeaturePredictor p((test::shared_dir() / "reference/t5-tiny").string());
  EXPECT_EQ(p.name(), "t5:t5-tiny");
  auto t = p.predict("acoustic songs at 100 bpm");
  ASSERT_FALSE(t.notes.empty());
  EXPECT_EQ(t.notes[0].rfind("T5 wrote: ", 0), 0u);
  EXPECT_EQ(t[Feature::tempo]->value, 100);
  EXPECT_EQ(t[Feature::tempo]->source, TargetSource::stated);
  EXPECT_EQ(p.predict("acoustic songs at 100 bpm").notes, t.notes) << "deterministic";
}

TEST(T5FeaturePredictor, RefusesAFolderThatIsNotT5) {
  EXPECT_THROW(T5FeaturePredictor((test::shared_dir() / "reference/bert-tiny").string()), Error);
  EXPECT_THROW(T5FeaturePredictor("/nonexistent/folder"), Error);
}
