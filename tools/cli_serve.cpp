// promptlist serve: the web app and the HTTP API.
#include <CLI/CLI.hpp>
#include <cblas.h>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "cli_commands.h"
#include "cli_context.h"
#include "promptlist/error.h"
#include "promptlist/server.h"

namespace promptlist::cli {

namespace fs = std::filesystem;

namespace {

Server* running = nullptr;

void on_signal(int) {
  if (running) running->stop();
}

// --web, else $PROMPTLIST_WEB, else the web/ folder next to the build
// folder the binary is in, else ./web.
std::string find_web_root(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("PROMPTLIST_WEB"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  for (const fs::path& candidate : {exe.parent_path().parent_path() / "web", exe.parent_path() / "web", fs::path("web")})
    if (fs::exists(candidate / "index.html")) return candidate.string();
  throw Error("cannot find the web folder (index.html); give it with --web DIR");
}

void cmd_serve(EngineOptions& paths, ServerOptions options, const std::string& web, int math_threads) {
  options.web_root = find_web_root(web);
  paths.threads = math_threads;  // our transformer's threads per prompt, as OpenBLAS's below
  const Engine engine(paths);
  for (const auto& w : engine.warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
  Server server(engine, options);
  // OpenBLAS (Debian's 0.3.21) has one thread count for the whole process,
  // so the program that owns the process sets it, not the server library.
  // The server's parallelism is across requests; OpenBLAS's own pool, shared
  // by concurrent callers, cut playlist throughput 3x and raised p99 7x with
  // 4 clients on 2 cores (bench_server 4 50 0 vs 4 50 1).
  if (math_threads > 0) openblas_set_num_threads(math_threads);
  server.bind();
  running = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::printf("promptlist serving http://%s:%d/ (lyrics %s, sound %s); Ctrl-C stops\n", options.host.c_str(),
              server.bound_port(), engine.lyrics() ? "on" : "off", engine.sound() ? "on" : "off");
  std::fflush(stdout);
  server.listen();
  running = nullptr;
}

}  // namespace

void add_serve_command(CLI::App& app, EngineOptions& paths) {
  struct Args {
    ServerOptions options;
    std::string web;
    int math_threads = 1;
  };
  auto args = std::make_shared<Args>();
  auto* serve = app.add_subcommand("serve", "Serve the web app and the JSON API (127.0.0.1 by default)");
  serve->add_option("--host", args->options.host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", args->options.port, "Port (0: any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
  serve->add_option("--web", args->web, "Folder of the page (default: the repository's web/)");
  add_model_options(*serve, paths);
  serve->add_option("--t5", paths.t5_model, "A T5 feature-generator folder (default: the sound model 'promptlist index' learned)");
  serve->add_option("--math-threads", args->math_threads, "Threads per math call: the model's and OpenBLAS's (0: one per core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 256));
  serve->callback([&paths, args] { cmd_serve(paths, args->options, args->web, args->math_threads); });
}

}  // namespace promptlist::cli
