// util/sha256.h: the SHA-256 of a file, as lower-case hex (what the hub and
// published model cards list), computed with OpenSSL in 1 MiB reads.
#pragma once

#include <string>

namespace promptlist {

// Throws promptlist::Error when the file cannot be read.
std::string sha256_of_file(const std::string& path);

}  // namespace promptlist
