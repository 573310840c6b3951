// sort_floats: the radix sort the sound signal places judged songs with
// must order exactly as std::sort does.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>

#include "util/radix_sort.h"

using namespace promptlist;

TEST(SortFloats, OrdersAsStdSortDoesAcrossSignsScalesAndTies) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f), wide(-1e6f, 1e6f);
  std::vector<float> values;
  for (int i = 0; i < 50000; ++i) values.push_back(unit(rng));
  for (int i = 0; i < 5000; ++i) values.push_back(wide(rng));
  for (int i = 0; i < 500; ++i) values.push_back(0.5f);  // ties, as a vague target gives
  values.insert(values.end(), {0.0f, -0.0f, 1.0f, -1.0f, std::numeric_limits<float>::denorm_min(),
                               -std::numeric_limits<float>::max(), std::numeric_limits<float>::infinity(),
                               -std::numeric_limits<float>::infinity()});
  std::shuffle(values.begin(), values.end(), rng);
  auto expected = values;
  std::sort(expected.begin(), expected.end());
  sort_floats(values);
  ASSERT_EQ(values.size(), expected.size());
  for (std::size_t i = 0; i < values.size(); ++i) ASSERT_EQ(values[i], expected[i]) << "at " << i;
}

TEST(SortFloats, LeavesEmptyAndSingleInputsAlone) {
  std::vector<float> none;
  sort_floats(none);
  EXPECT_TRUE(none.empty());
  std::vector<float> one{0.25f};
  sort_floats(one);
  EXPECT_EQ(one, std::vector<float>{0.25f});
}
