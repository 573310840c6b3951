// tests/t5/safetensors_writer.h: writes safetensors files so tests can build
// broken or re-encoded copies of the fixture checkpoints.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "promptlist/safetensors.h"

namespace promptlist::test {

struct RawTensor {
  std::string dtype;  // "F32", "F16"
  std::vector<std::int64_t> shape;
  std::vector<std::uint8_t> bytes;
};

inline std::map<std::string, RawTensor> read_raw_tensors(const std::string& path) {
  SafetensorsFile file(path);
  std::map<std::string, RawTensor> out;
  for (const auto& [name, view] : file.tensors())
    out[name] = {dtype_name(view.dtype), view.shape, std::vector<std::uint8_t>(view.data, view.data + view.nbytes)};
  return out;
}

inline void write_raw_tensors(const std::string& path, const std::map<std::string, RawTensor>& tensors) {
  nlohmann::json header = nlohmann::json::object();
  header["__metadata__"] = {{"format", "pt"}};
  std::size_t offset = 0;
  for (const auto& [name, t] : tensors) {
    header[name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  std::string text = header.dump();
  while (text.size() % 8) text += ' ';
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const std::uint64_t n = text.size();
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << text;
  for (const auto& [name, t] : tensors) out.write(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size());
}

// float32 -> IEEE half, round to nearest even (normal and subnormal range;
// the fixture weights are far from overflow).
inline std::uint16_t float_to_half(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  const std::uint32_t sign = (x >> 16) & 0x8000u;
  const int exp = static_cast<int>((x >> 23) & 0xff) - 127 + 15;
  std::uint32_t mant = x & 0x7fffffu;
  if (exp >= 31) return static_cast<std::uint16_t>(sign | 0x7c00u);
  if (exp <= 0) {
    if (exp < -10) return static_cast<std::uint16_t>(sign);
    mant |= 0x800000u;
    const int shift = 14 - exp;
    std::uint32_t half = mant >> shift;
    const std::uint32_t rest = mant & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1))) ++half;
    return static_cast<std::uint16_t>(sign | half);
  }
  std::uint32_t half = (static_cast<std::uint32_t>(exp) << 10) | (mant >> 13);
  const std::uint32_t rest = mant & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1))) ++half;
  return static_cast<std::uint16_t>(sign | half);
}

inline RawTensor to_f16(const RawTensor& t) {
  RawTensor out{"F16", t.shape, std::vector<std::uint8_t>(t.bytes.size() / 2)};
  for (std::size_t i = 0; i < t.bytes.size() / 4; ++i) {
    float f;
    std::memcpy(&f, t.bytes.data() + 4 * i, 4);
    const std::uint16_t h = float_to_half(f);
    std::memcpy(out.bytes.data() + 2 * i, &h, 2);
  }
  return out;
}

}  // namespace promptlist::test
