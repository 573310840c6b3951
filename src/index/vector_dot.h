// index/vector_dot.h: the inner products that vector search spends its time
// in: float32 rows (exact scores) and int8 codes (the approximate index's
// graph walk), each cloned per vector width at run time.
//
//   float s = dot_f32(query, row, dim);
//   std::int32_t c = dot_i8(query_codes, row_codes, dim);
#pragma once

#include <cstddef>
#include <cstdint>

namespace promptlist {

float dot_f32(const float* a, const float* b, std::size_t dim);
std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t dim);

// Symmetric int8 codes of one vector: code = round(v / scale), scale =
// max |v| / 127 (0 for a zero vector). Returns the scale.
float quantize_i8(const float* v, std::size_t dim, std::int8_t* codes);

}  // namespace promptlist
