// promptlist/error.h: the one error type every module throws, and its kinds.
//
//   throw Error("songs.jsonl:17: field 'verses' is missing");      // bad input
//   throw NotFound("no song with id 'abc'");
//   throw Unavailable("there is no lyrics index; run 'promptlist index' first");
//   throw EnvironmentError("catalog.db: disk I/O error");
//   ...
//   catch (const Error& e) { status = http_status(e.kind()); }
//
// Every failure the user can cause (bad input file, wrong model folder,
// corrupted index, bad request) ends as a promptlist::Error whose message
// names the thing that was wrong and why. Its kind says whose it is to fix:
// the caller's (bad input, not found) or the installation's (something this
// machine lacks or cannot do). Programming errors may still surface as
// std::logic_error.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace promptlist {

enum class ErrorKind {
  bad_input,    // the request, a file or a value given to us is wrong (HTTP 400)
  not_found,    // the thing asked for does not exist (404)
  unavailable,  // a part this request needs is not set up: no index, no model, no features (503)
  environment,  // the machine failed us: disk, database, memory (500)
};

// The name ("bad input") and HTTP status (400) of each kind, from one table.
const char* to_string(ErrorKind kind);
int http_status(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ErrorKind kind = ErrorKind::bad_input)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

struct NotFound : Error {
  explicit NotFound(const std::string& message) : Error(message, ErrorKind::not_found) {}
};
struct Unavailable : Error {
  explicit Unavailable(const std::string& message) : Error(message, ErrorKind::unavailable) {}
};
struct EnvironmentError : Error {
  explicit EnvironmentError(const std::string& message) : Error(message, ErrorKind::environment) {}
};

// What a user is told about a failure that is not a promptlist::Error (a
// library's exception): what kind of thing went wrong, in our words, then
// the library's detail ("out of memory", "file system: ...").
std::string describe_failure(const std::exception& e);

}  // namespace promptlist
