// Relative position buckets: the README's hand-worked values and the tables
// the reference dumped for the first golden cases.
#include <gtest/gtest.h>

#include "promptlist/t5.h"
#include "t5_test_support.h"

using namespace promptlist;

TEST(T5RelativePositionBucket, EncoderHandValues) {
  // rel = key - query; bidirectional, 32 buckets, max distance 128.
  const std::pair<int, int> cases[] = {{0, 0},    {-1, 1},   {-7, 7},   {-8, 8},   {-12, 9}, {-16, 10},
                                       {-127, 15}, {-700, 15}, {1, 17},  {8, 24},   {500, 31}};
  for (auto [rel, bucket] : cases) EXPECT_EQ(t5_relative_position_bucket(rel, true, 32, 128), bucket) << rel;
}

TEST(T5RelativePositionBucket, DecoderHandValues) {
  // Unidirectional: keys to the right (rel > 0) all share bucket 0.
  const std::pair<int, int> cases[] = {{5, 0},    {0, 0},    {-1, 1},   {-15, 15}, {-16, 16},
                                       {-20, 17}, {-32, 21}, {-64, 26}, {-128, 31}, {-1000, 31}};
  for (auto [rel, bucket] : cases) EXPECT_EQ(t5_relative_position_bucket(rel, false, 32, 128), bucket) << rel;
}

TEST(T5RelativePositionBucket, MatchesReferenceTables) {
  const auto& debug = test::t5_golden("t5-tiny")["cases"][0]["debug"];
  const auto& decoder = debug["decoder_relative_buckets_16x16"];
  for (int q = 0; q < 16; ++q)
    for (int k = 0; k < 16; ++k)
      EXPECT_EQ(t5_relative_position_bucket(k - q, false, 32, 128), decoder[q][k].get<int>()) << q << "," << k;
  const auto& row0 = debug["encoder_relative_buckets_row0_0_to_200"];
  const auto& row199 = debug["encoder_relative_buckets_row199_0_to_200"];
  for (int k = 0; k < 200; ++k) {
    EXPECT_EQ(t5_relative_position_bucket(k, true, 32, 128), row0[k].get<int>()) << k;
    EXPECT_EQ(t5_relative_position_bucket(k - 199, true, 32, 128), row199[k].get<int>()) << k;
  }
}
