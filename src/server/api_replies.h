// server/api_replies.h: what every promptlist HTTP server (server.h,
// shard_server.h) shares: JSON replies, errors as replies by their kind,
// and the guards that run before any handler.
#pragma once

#include <httplib.h>

#include <exception>
#include <nlohmann/json.hpp>

namespace promptlist {

// The reply as JSON (UTF-8; a stray invalid byte becomes U+FFFD: parameters
// are checked before any handler, so only a bug elsewhere could put one there).
void reply_json(httplib::Response& res, int status, const nlohmann::json& body);

// The one place errors become replies: a promptlist::Error by its kind (bad
// input 400, not found 404, unavailable 503, environment 500), any other
// exception 500 in our words.
void reply_to_failure(httplib::Response& res, std::exception_ptr failure);

// Refuses paths with a NUL byte and parameters that are not valid UTF-8
// before any handler; turns exceptions into replies; gives 404 and 413 a
// JSON body; sets the headers every reply carries.
void install_api_guards(httplib::Server& http);

}  // namespace promptlist
