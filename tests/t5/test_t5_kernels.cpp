// The matrix-product paths behind T5's linear layers against a plain double
// loop, on sizes the fixture models never hit (odd output counts, input
// widths that are not a multiple of the vector width, threaded splits).
#include <gtest/gtest.h>

#include <cblas.h>

#include <cmath>
#include <random>

#include "nn/kernels.h"

using namespace promptlist;

namespace {

struct Problem {
  int rows, in, out;
  std::vector<float> x, w, y0;
};

Problem make_problem(int rows, int in, int out, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  Problem p{rows, in, out, {}, {}, {}};
  p.x.resize(static_cast<std::size_t>(rows) * in);
  p.w.resize(static_cast<std::size_t>(out) * in);
  p.y0.resize(static_cast<std::size_t>(rows) * out);
  for (auto* v : {&p.x, &p.w, &p.y0})
    for (float& f : *v) f = normal(rng);
  return p;
}

// Largest |got - (accumulate ? y0 : 0) - x w^T| over all outputs.
double worst_error(const Problem& p, const std::vector<float>& got, bool accumulate) {
  double worst = 0;
  for (int r = 0; r < p.rows; ++r)
    for (int o = 0; o < p.out; ++o) {
      double want = accumulate ? p.y0[r * p.out + o] : 0.0;
      for (int i = 0; i < p.in; ++i) want += double(p.x[r * p.in + i]) * p.w[static_cast<std::size_t>(o) * p.in + i];
      worst = std::max(worst, std::fabs(want - got[r * p.out + o]));
    }
  return worst;
}

}  // namespace

TEST(T5Linear, EveryPathMatchesAPlainLoop) {
  int checked = 0;
  for (int rows : {1, 2, 3, 4, 5, 8, 9})
    for (auto [in, out] : {std::pair{64, 64}, {45, 37}, {7, 3}, {96, 1}})
      for (bool accumulate : {false, true}) {
        const Problem p = make_problem(rows, in, out, rows * 1000 + in + out);
        std::vector<float> y = p.y0;
        nn::linear(p.x.data(), rows, in, p.w.data(), out, y.data(), accumulate);
        EXPECT_LT(worst_error(p, y, accumulate), 1e-4) << rows << "x" << in << " -> " << out;
        if (rows <= 8) {  // both few-rows kernels directly, on a sub-range too
          for (auto kernel : {&nn::detail::few_rows_linear_generic, &nn::detail::few_rows_linear}) {
            std::vector<float> z = p.y0;
            kernel(p.x.data(), rows, in, p.w.data(), out, z.data(), accumulate, 0, out);
            EXPECT_LT(worst_error(p, z, accumulate), 1e-4);
            std::vector<float> part = p.y0;
            const int begin = out / 3, end = out - out / 4;
            kernel(p.x.data(), rows, in, p.w.data(), out, part.data(), accumulate, begin, end);
            for (int r = 0; r < rows; ++r)
              for (int o = 0; o < out; ++o) {
                const float v = part[r * out + o];
                if (o < begin || o >= end) EXPECT_EQ(v, p.y0[r * out + o]) << "wrote outside its range";
                else EXPECT_NEAR(v, z[r * out + o], 1e-5);
              }
          }
        }
        ++checked;
      }
  EXPECT_EQ(checked, 56);
}

TEST(T5Linear, ThreadedSplitMatches) {
  // Large enough to be split over threads (> 2 x 2^19 weights), odd sizes.
  const Problem p = make_problem(4, 1001, 1201, 7);
  std::vector<float> one = p.y0, two = p.y0;
  openblas_set_num_threads(1);
  nn::linear(p.x.data(), 4, 1001, p.w.data(), 1201, one.data(), true);
  openblas_set_num_threads(2);
  nn::linear(p.x.data(), 4, 1001, p.w.data(), 1201, two.data(), true);
  EXPECT_EQ(one, two);  // same kernel per output, only the split differs
  EXPECT_LT(worst_error(p, two, true), 1e-3);
}
