// util/zip_reader.h: read members of a zip file (a Python wheel is one)
// with libzip, refusing what a hostile archive could do to the disk.
//
//   ZipReader zip("pkg-0.1.0-py3-none-any.whl");
//   for (const auto& m : zip.members()) std::puts(m.name.c_str());
//   zip.extract(zip.find("pkg/model/config.json"), "/tmp/config.json");
//
// Member names are checked once at open: an absolute path, a ".." part, a
// backslash or a NUL makes the whole archive invalid (no "zip slip").
// extract() streams to "<dest>.part", checks the size the directory
// declared and libzip's CRC, and renames into place only when both hold.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct zip;

namespace promptlist {

struct ZipMember {
  std::string name;        // path inside the archive, '/'-separated
  std::uint64_t size = 0;  // uncompressed bytes, as the directory declares
  std::uint64_t index = 0; // libzip's member index
};

class ZipReader {
 public:
  // Throws promptlist::Error naming the file when it is not a readable zip.
  explicit ZipReader(const std::string& path);
  ~ZipReader();
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  const std::vector<ZipMember>& members() const { return members_; }
  // The member called name, or nullptr.
  const ZipMember* find(const std::string& name) const;
  // Writes one member to dest (parent folders are created).
  void extract(const ZipMember& member, const std::string& dest) const;

 private:
  std::string path_;
  zip* archive_ = nullptr;
  std::vector<ZipMember> members_;
};

}  // namespace promptlist
