#include "promptlist/safetensors.h"

#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "promptlist/error.h"
#include "promptlist/mapped_file.h"

namespace promptlist {

namespace {

struct DTypeInfo {
  const char* name;
  DType dtype;
  std::size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {"F32", DType::F32, 4}, {"F16", DType::F16, 2}, {"BF16", DType::BF16, 2}, {"F64", DType::F64, 8},
    {"I64", DType::I64, 8}, {"I32", DType::I32, 4}, {"I16", DType::I16, 2},   {"I8", DType::I8, 1},
    {"U8", DType::U8, 1},   {"BOOL", DType::BOOL, 1},
};

float half_to_float(std::uint16_t h) {
  std::uint32_t sign = (h & 0x8000u) << 16;
  std::uint32_t exp = (h >> 10) & 0x1f;
  std::uint32_t mant = h & 0x3ffu;
  std::uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      exp = 127 - 15 + 1;
      while (!(mant & 0x400u)) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3ffu;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// The product of a shape's dimensions, or nullopt when a dimension is
// negative or the product does not fit in 64 bits: shapes come from the
// file, and [4, 2^62] would otherwise wrap to 0 elements.
std::optional<std::uint64_t> element_count(const std::vector<std::int64_t>& shape) {
  std::uint64_t n = 1;
  for (const auto d : shape)
    if (d < 0 || __builtin_mul_overflow(n, static_cast<std::uint64_t>(d), &n)) return std::nullopt;
  return n;
}

std::string shape_text(const nlohmann::json& shape) { return shape.dump().substr(0, 80); }

}  // namespace

const char* dtype_name(DType d) {
  for (const auto& info : kDTypes)
    if (info.dtype == d) return info.name;
  return "?";
}

std::size_t dtype_size(DType d) {
  for (const auto& info : kDTypes)
    if (info.dtype == d) return info.size;
  return 0;
}

std::int64_t TensorView::numel() const {
  const auto n = element_count(shape);
  if (!n || *n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    throw Error("tensor '" + name + "': its shape has more elements than fit in 64 bits");
  return static_cast<std::int64_t>(*n);
}

std::vector<float> TensorView::to_f32() const {
  const std::size_t n = static_cast<std::size_t>(numel());
  std::vector<float> out(n);
  if (n == 0) return out;  // an empty vector's data() may be null, which memcpy must not get
  switch (dtype) {
    case DType::F32:
      std::memcpy(out.data(), data, n * 4);
      break;
    case DType::F16:
      for (std::size_t i = 0; i < n; ++i) {
        std::uint16_t h;
        std::memcpy(&h, data + 2 * i, 2);
        out[i] = half_to_float(h);
      }
      break;
    case DType::BF16:
      for (std::size_t i = 0; i < n; ++i) {
        std::uint16_t h;
        std::memcpy(&h, data + 2 * i, 2);
        std::uint32_t bits = static_cast<std::uint32_t>(h) << 16;
        std::memcpy(&out[i], &bits, 4);
      }
      break;
    case DType::F64:
      for (std::size_t i = 0; i < n; ++i) {
        double d;
        std::memcpy(&d, data + 8 * i, 8);
        out[i] = static_cast<float>(d);
      }
      break;
    default:
      throw Error("tensor '" + name + "' has dtype " + dtype_name(dtype) + ", expected a float type");
  }
  return out;
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  MappedFile file(path);
  const std::size_t size = file.size();
  if (size < 8) throw Error(path + ": not a safetensors file (shorter than 8 bytes)");
  std::uint64_t header_len;
  std::memcpy(&header_len, file.data(), 8);
  if (header_len > size - 8 || header_len > (100u << 20))
    throw Error(path + ": not a safetensors file (header length " + std::to_string(header_len) +
                " does not fit the file)");
  const char* header_begin = reinterpret_cast<const char*>(file.data() + 8);
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(header_begin, header_begin + header_len);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": safetensors header is not valid JSON: " + e.what());
  }
  if (!header.is_object()) throw Error(path + ": safetensors header is not a JSON object");

  const std::uint8_t* base = file.data() + 8 + header_len;
  const std::size_t data_size = size - 8 - header_len;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    if (name == "__metadata__") {
      if (it->is_object())
        for (auto m = it->begin(); m != it->end(); ++m)
          if (m->is_string()) metadata_[m.key()] = m->get<std::string>();
      continue;
    }
    const auto& t = *it;
    auto bad = [&](const std::string& why) { return Error(path + ": tensor '" + name + "': " + why); };
    if (!t.is_object() || !t.contains("dtype") || !t.contains("shape") || !t.contains("data_offsets"))
      throw bad("entry needs dtype, shape and data_offsets");
    TensorView view;
    view.name = name;
    const std::string dtype = t["dtype"].is_string() ? t["dtype"].get<std::string>() : "";
    bool known = false;
    for (const auto& info : kDTypes)
      if (dtype == info.name) {
        view.dtype = info.dtype;
        known = true;
      }
    if (!known) throw bad("unsupported dtype '" + dtype + "'");
    if (!t["shape"].is_array()) throw bad("shape is not a list");
    for (const auto& d : t["shape"]) {
      if (!d.is_number_integer() || d.get<std::int64_t>() < 0) throw bad("shape has a bad dimension");
      view.shape.push_back(d.get<std::int64_t>());
    }
    // A tensor is at most 2^40 elements (8 TiB of F64), so the byte size
    // below cannot overflow either.
    const auto numel = element_count(view.shape);
    if (!numel || *numel > (1ull << 40)) throw bad("shape " + shape_text(t["shape"]) + " is too large");
    const std::uint64_t expected_bytes = *numel * dtype_size(view.dtype);
    const auto& off = t["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      throw bad("data_offsets must be two non-negative integers");
    const std::uint64_t begin = off[0].get<std::uint64_t>(), end = off[1].get<std::uint64_t>();
    if (begin > end || end > data_size) throw bad("data_offsets point outside the file (truncated download?)");
    if (end - begin != expected_bytes)
      throw bad("byte size " + std::to_string(end - begin) + " does not match shape and dtype (" +
                std::to_string(expected_bytes) + " expected)");
    view.data = base + begin;
    view.nbytes = end - begin;
    tensors_.emplace(name, std::move(view));
  }
  // Keep the mapping alive for the views: move its ownership into this object.
  map_size_ = file.size();
  map_ = new MappedFile(std::move(file));
}

SafetensorsFile::~SafetensorsFile() { delete static_cast<MappedFile*>(map_); }

const TensorView& SafetensorsFile::get(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw Error(path_ + ": tensor '" + name + "' is missing");
  return it->second;
}

}  // namespace promptlist
