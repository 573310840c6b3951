#include "promptlist/error.h"

#include <filesystem>
#include <new>
#include <system_error>

namespace promptlist {

namespace {

struct KindInfo {
  ErrorKind kind;
  const char* name;
  int http_status;
};

constexpr KindInfo kKinds[] = {
    {ErrorKind::bad_input, "bad input", 400},
    {ErrorKind::not_found, "not found", 404},
    {ErrorKind::unavailable, "unavailable", 503},
    {ErrorKind::environment, "environment", 500},
};

const KindInfo& info(ErrorKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k;
  return kKinds[0];
}

}  // namespace

const char* to_string(ErrorKind kind) { return info(kind).name; }
int http_status(ErrorKind kind) { return info(kind).http_status; }

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
