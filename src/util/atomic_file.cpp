#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "promptlist/error.h"
#include "util/abandoned_files.h"

namespace promptlist {

namespace {
std::string io_error(const std::string& what, const std::string& path) {
  return path + ": " + what + ": " + std::strerror(errno);
}
}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  std::filesystem::path p(path_);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) throw EnvironmentError(path_ + ": cannot create folder: " + ec.message());
  }
  // A writer killed before commit() (kill -9 mid-index) could not remove
  // its temporary: the next write of the same file does.
  const std::string tmp_prefix = p.filename().string() + ".tmp-";
  remove_abandoned(p.parent_path(), tmp_prefix);
  tmp_path_ = path_ + ".tmp-" + std::to_string(::getpid());
  file_ = std::fopen(tmp_path_.c_str(), "wb");
  if (!file_) throw EnvironmentError(io_error("cannot create", tmp_path_));
}

AtomicFile::~AtomicFile() {
  if (file_) std::fclose(file_);
  if (!committed_) std::remove(tmp_path_.c_str());
}

void AtomicFile::write(const void* data, std::size_t size) {
  if (size && std::fwrite(data, 1, size, file_) != size) throw EnvironmentError(io_error("write failed", tmp_path_));
  offset_ += size;
}

void AtomicFile::pad_to(std::size_t alignment) {
  static const char zeros[64] = {};
  while (offset_ % alignment) write(zeros, std::min<std::size_t>(sizeof zeros, alignment - offset_ % alignment));
}

void AtomicFile::write_at(std::size_t offset, const void* data, std::size_t size) {
  if (offset + size > offset_) throw Error(tmp_path_ + ": write_at past the end");
  if (std::fseek(file_, static_cast<long>(offset), SEEK_SET) != 0 ||
      std::fwrite(data, 1, size, file_) != size || std::fseek(file_, 0, SEEK_END) != 0)
    throw EnvironmentError(io_error("write failed", tmp_path_));
}

void AtomicFile::commit() {
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) throw EnvironmentError(io_error("flush failed", tmp_path_));
  if (std::fclose(file_) != 0) {
    file_ = nullptr;
    throw EnvironmentError(io_error("close failed", tmp_path_));
  }
  file_ = nullptr;
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) throw EnvironmentError(io_error("cannot replace", path_));
  committed_ = true;
  // Make the rename itself durable.
  std::filesystem::path parent = std::filesystem::path(path_).parent_path();
  int dfd = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace promptlist
