#include "util/zip_reader.h"

#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "promptlist/error.h"

namespace promptlist {

namespace fs = std::filesystem;

namespace {

// A member name that stays inside the folder it is extracted into.
bool is_safe_member_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos ||
      name.find('\0') != std::string::npos)
    return false;
  std::size_t begin = 0;
  while (begin <= name.size()) {
    std::size_t end = name.find('/', begin);
    if (end == std::string::npos) end = name.size();
    if (name.compare(begin, end - begin, "..") == 0 && end - begin == 2) return false;
    begin = end + 1;
  }
  return true;
}

std::string zip_error_text(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

}  // namespace

ZipReader::ZipReader(const std::string& path) : path_(path) {
  int code = 0;
  archive_ = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (!archive_) throw Error(path + ": not a readable zip file (" + zip_error_text(code) + ")");
  const zip_int64_t count = zip_get_num_entries(archive_, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive_, static_cast<zip_uint64_t>(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
        !(st.valid & ZIP_STAT_SIZE)) {
      zip_discard(archive_);
      throw Error(path + ": member " + std::to_string(i) + " cannot be read");
    }
    std::string name = st.name;
    if (!is_safe_member_name(name)) {
      zip_discard(archive_);
      throw Error(path + ": member name '" + name + "' points outside the archive's folder; refusing the archive");
    }
    if (name.back() == '/') continue;  // a folder entry
    members_.push_back({std::move(name), st.size, static_cast<std::uint64_t>(i)});
  }
}

ZipReader::~ZipReader() {
  if (archive_) zip_discard(archive_);
}

const ZipMember* ZipReader::find(const std::string& name) const {
  for (const auto& m : members_)
    if (m.name == name) return &m;
  return nullptr;
}

void ZipReader::extract(const ZipMember& member, const std::string& dest) const {
  const std::string where = path_ + ": " + member.name;
  std::unique_ptr<zip_file_t, decltype(&zip_fclose)> in(zip_fopen_index(archive_, member.index, 0), zip_fclose);
  if (!in) throw Error(where + ": cannot be opened (" + zip_strerror(archive_) + ")");
  fs::create_directories(fs::path(dest).parent_path());
  const std::string part = dest + ".part";
  std::unique_ptr<std::FILE, decltype(&std::fclose)> out(std::fopen(part.c_str(), "wb"), std::fclose);
  if (!out) throw Error(part + ": cannot be written");
  std::vector<char> buf(1 << 20);
  std::uint64_t total = 0;
  auto fail = [&](const std::string& why) {
    out.reset();
    fs::remove(part);
    throw Error(where + ": " + why);
  };
  for (;;) {
    const zip_int64_t n = zip_fread(in.get(), buf.data(), buf.size());
    if (n < 0) fail(std::string("corrupt data (") + zip_file_strerror(in.get()) + ")");
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    if (total > member.size) fail("holds more bytes than the archive declares");
    if (std::fwrite(buf.data(), 1, static_cast<std::size_t>(n), out.get()) != static_cast<std::size_t>(n))
      fail("write to " + part + " failed (disk full?)");
  }
  if (total != member.size) fail("holds " + std::to_string(total) + " bytes, the archive declares " +
                                 std::to_string(member.size));
  if (std::fflush(out.get()) != 0) fail("write to " + part + " failed (disk full?)");
  out.reset();
  fs::rename(part, dest);
}

}  // namespace promptlist
