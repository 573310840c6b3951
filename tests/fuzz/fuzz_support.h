// tests/fuzz/fuzz_support.h: what every libFuzzer target shares.
//
// A target feeds one parser of outside data. promptlist::Error is the
// parser saying "bad input" and is expected; any other exception escapes
// and libFuzzer reports it as a finding, as it does a crash or a sanitizer
// report. Parsers that read files get the input through bytes_file().
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "promptlist/error.h"

namespace promptlist::fuzz {

// The input written to one file per process (rewritten each run).
inline std::string bytes_file(const std::uint8_t* data, std::size_t size, const char* suffix) {
  static const std::string dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("promptlist-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d.string();
  }();
  const std::string path = dir + "/input" + suffix;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) __builtin_trap();
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
  return path;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs f, accepting promptlist::Error as the parser's verdict on bad input.
template <typename F>
void expect_only_errors(F&& f) {
  try {
    f();
  } catch (const promptlist::Error&) {
  }
}

}  // namespace promptlist::fuzz
