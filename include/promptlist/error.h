// promptlist/error.h: the one error type every module throws.
//
// Every failure the user can cause (bad input file, wrong model folder,
// corrupted index, bad request) ends as a promptlist::Error whose message
// names the thing that was wrong and why, e.g.
//   "songs.jsonl:17: field 'verses' is missing".
// Programming errors may still surface as std::logic_error.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace promptlist {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a user is told about a failure that is not a promptlist::Error (a
// library's exception): what kind of thing went wrong, in our words, then
// the library's detail ("out of memory", "file system: ...").
std::string describe_failure(const std::exception& e);

}  // namespace promptlist
