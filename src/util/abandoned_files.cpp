#include "util/abandoned_files.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <optional>
#include <string_view>

namespace promptlist {

namespace {

// The pid in a name that is prefix + digits and nothing else.
std::optional<long> pid_in_name(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix) || name.size() == prefix.size()) return std::nullopt;
  const std::string_view digits = name.substr(prefix.size());
  long pid = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (ec != std::errc() || end != digits.data() + digits.size() || pid <= 0) return std::nullopt;
  return pid;
}

}  // namespace

bool process_is_gone(long pid) {
  // Signal 0 only checks: ESRCH means no such process; EPERM means it exists
  // but belongs to someone else.
  return pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

std::size_t remove_abandoned(const std::filesystem::path& dir, const std::string& prefix) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir.empty() ? "." : dir, ec)) {
    const auto pid = pid_in_name(entry.path().filename().string(), prefix);
    if (pid && process_is_gone(*pid) && std::filesystem::remove_all(entry.path(), ec) > 0) ++removed;
  }
  return removed;
}

}  // namespace promptlist
