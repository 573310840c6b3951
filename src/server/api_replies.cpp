#include "server/api_replies.h"

#include <string>

#include "promptlist/error.h"
#include "promptlist/text.h"

namespace promptlist {

using nlohmann::json;

namespace {

// Parameters end up in JSON replies (the id of a song that is not there,
// a format that is unknown), and JSON text must be UTF-8.
void check_parameters_are_utf8(const httplib::Request& req) {
  for (const auto& [name, value] : req.params) {
    if (find_invalid_utf8(name)) throw Error("a request parameter's name is not valid UTF-8");
    if (const auto bad = find_invalid_utf8(value))
      throw Error("request parameter '" + std::string(utf8_prefix(name, 40)) + "' is not valid UTF-8 (byte " +
                  std::to_string(*bad) + ")");
  }
}

}  // namespace

void reply_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

void reply_to_failure(httplib::Response& res, std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const Error& e) {
    reply_json(res, http_status(e.kind()), {{"error", e.what()}, {"kind", to_string(e.kind())}});
  } catch (const std::exception& e) {
    reply_json(res, 500, {{"error", "the server failed: " + describe_failure(e)}, {"kind", to_string(ErrorKind::environment)}});
  } catch (...) {
    reply_json(res, 500, {{"error", "the server failed: an unexpected failure"}, {"kind", to_string(ErrorKind::environment)}});
  }
}

void install_api_guards(httplib::Server& http) {
  // A decoded %00 would cut the file name short where the file is opened
  // ("/index.html%00.txt" served index.html as text): no path has one.
  http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    if (req.path.find('\0') != std::string::npos) throw Error("the path contains a NUL byte");
    check_parameters_are_utf8(req);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr failure) { reply_to_failure(res, failure); });
  // cpp-httplib calls this for every status >= 400, also after a handler
  // replied: its message ("no song with id ...") must stand.
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404 && req.path.rfind("/api/", 0) == 0) reply_json(res, 404, {{"error", "no such endpoint"}});
    else if (res.status == 413) reply_json(res, 413, {{"error", "request body is too large"}});
    else res.set_content(std::to_string(res.status) + "\n", "text/plain");
  });
  http.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}});
}

}  // namespace promptlist
