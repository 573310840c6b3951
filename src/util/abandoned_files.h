// util/abandoned_files.h: what a process killed mid-write leaves behind.
//
// Writers name their temporaries after their process id ("<path>.tmp-<pid>",
// see atomic_file.h), so a later writer can tell a temporary whose writer is
// gone (kill -9, power loss) from one that is still being written.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace promptlist {

// True when no process with this id exists (on this machine, in this PID
// namespace). Our own pid and ids we may not signal count as alive.
bool process_is_gone(long pid);

// Removes the entries of dir named prefix + <decimal pid> whose process is
// gone; others (live writers, other names) are left alone. Best effort: an
// entry that cannot be removed stays. Returns how many were removed.
std::size_t remove_abandoned(const std::filesystem::path& dir, const std::string& prefix);

}  // namespace promptlist
