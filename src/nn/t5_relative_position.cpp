// T5's relative position buckets: small distances get a bucket each, larger
// ones share logarithmically wider buckets up to max_distance.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "promptlist/t5.h"

namespace promptlist {

int t5_relative_position_bucket(int relative_position, bool bidirectional, int num_buckets, int max_distance) {
  int offset = 0;
  int distance;
  if (bidirectional) {
    // Half the buckets for keys left of the query, half for keys right of it.
    num_buckets /= 2;
    if (relative_position > 0) offset = num_buckets;
    distance = std::abs(relative_position);
  } else {
    // A decoder query only sees keys to its left.
    distance = std::max(-relative_position, 0);
  }
  const int exact = num_buckets / 2;
  if (distance < exact) return offset + distance;
  // float32 like HF, so that boundary distances land in the same bucket.
  const float scaled = std::log(static_cast<float>(distance) / static_cast<float>(exact)) /
                       static_cast<float>(std::log(static_cast<double>(max_distance) / exact)) *
                       static_cast<float>(num_buckets - exact);
  return offset + std::min(exact + static_cast<int>(scaled), num_buckets - 1);
}

}  // namespace promptlist
