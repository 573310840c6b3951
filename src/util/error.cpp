#include "promptlist/error.h"

#include <filesystem>
#include <new>
#include <system_error>

namespace promptlist {

std::string describe_failure(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e)) return "out of memory";
  if (const auto* fs = dynamic_cast<const std::filesystem::filesystem_error*>(&e))
    return "file system: " + fs->path1().string() + ": " + fs->code().message();
  if (const auto* sys = dynamic_cast<const std::system_error*>(&e)) return "system: " + sys->code().message();
  if (dynamic_cast<const std::out_of_range*>(&e) || dynamic_cast<const std::invalid_argument*>(&e))
    return std::string("a value out of range: ") + e.what();
  return std::string("an unexpected failure: ") + e.what();
}

}  // namespace promptlist
