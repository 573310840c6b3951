// promptlist/safetensors.h: read-only, memory-mapped safetensors files.
//
// Format (huggingface/safetensors): u64 little-endian header length N, N
// bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, ...,
// "__metadata__": {...}}, then the raw little-endian tensor bytes. Offsets
// are relative to the end of the header. Every offset and shape is checked
// against the file size before a tensor is handed out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace promptlist {

enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL };

const char* dtype_name(DType);
std::size_t dtype_size(DType);

struct TensorView {
  std::string name;
  DType dtype;
  std::vector<std::int64_t> shape;
  const std::uint8_t* data = nullptr;  // points into the mapping
  std::size_t nbytes = 0;

  // The element count; throws promptlist::Error, naming the tensor, when the
  // shape's product does not fit (SafetensorsFile refuses such shapes).
  std::int64_t numel() const;
  // Copies the tensor as float32, converting F16/BF16/F64. Throws
  // promptlist::Error for integer dtypes.
  std::vector<float> to_f32() const;
};

class SafetensorsFile {
 public:
  // Maps the file and validates its header; throws promptlist::Error naming
  // the file and the problem.
  explicit SafetensorsFile(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  bool has(const std::string& name) const { return tensors_.count(name) != 0; }
  const TensorView& get(const std::string& name) const;  // throws if absent
  const std::map<std::string, TensorView>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::string path_;
  void* map_ = nullptr;
  std::size_t map_size_ = 0;
  std::map<std::string, TensorView> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace promptlist
