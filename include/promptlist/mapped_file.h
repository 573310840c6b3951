// promptlist/mapped_file.h: a read-only memory mapping of a whole file.
//
// Index and model files are mapped rather than read so that start-up costs
// no copy and the page cache is shared between processes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace promptlist {

class MappedFile {
 public:
  MappedFile() = default;
  explicit MappedFile(const std::string& path);  // throws promptlist::Error
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  void release();
  std::string path_;
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace promptlist
