// util/atomic_file.h: write a file so that readers see the old or the new
// version, never a half-written one.
//
// Bytes go to "<path>.tmp-<pid>" in the same folder; commit() flushes them to
// disk (fsync), renames over <path> and syncs the folder. If commit() is never
// reached (error, exception) the temporary file is removed and <path> is
// untouched. A process killed outright leaves its temporary behind; the next
// AtomicFile for the same path removes it (util/abandoned_files.h).
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

namespace promptlist {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);  // throws promptlist::Error
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, std::size_t size);
  void pad_to(std::size_t alignment);  // zero bytes up to a multiple of alignment
  std::size_t offset() const { return offset_; }
  // Overwrites bytes already written (e.g. a header filled in at the end).
  void write_at(std::size_t offset, const void* data, std::size_t size);
  void commit();

 private:
  std::string path_;
  std::string tmp_path_;
  std::FILE* file_ = nullptr;
  std::size_t offset_ = 0;
  bool committed_ = false;
};

}  // namespace promptlist
