#include "test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace promptlist::test {

namespace fs = std::filesystem;

fs::path shared_dir() {
  if (const char* env = std::getenv("PROMPTLIST_SHARED")) return env;
  return fs::path(PROMPTLIST_SOURCE_DIR) / ".." / "shared";
}

fs::path data_dir() {
  if (const char* env = std::getenv("PROMPTLIST_DATA")) return env;
  return shared_dir() / "data";
}

fs::path promptlist_home() {
  if (const char* home = std::getenv("PROMPTLIST_HOME"); home && *home) return home;
  const char* user_home = std::getenv("HOME");
  return fs::path(user_home ? user_home : "/root") / ".local/share/promptlist";
}

fs::path glove_model_path() {
  const char* env = std::getenv("PROMPTLIST_GLOVE");
  const fs::path p = env ? fs::path(env) : promptlist_home() / "models" / "glove-6b-100d.plwv";
  if (!fs::exists(p)) ADD_FAILURE() << "GloVe model " << p << " is missing: run ./setup.sh first";
  return p;
}

fs::path real_model_folder() {
  const fs::path p = promptlist_home() / "models" / "all-MiniLM-L6-v2";
  return fs::exists(p / "model.safetensors") ? p : fs::path();
}

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && *ci && std::string(ci) != "false" && std::string(ci) != "0";
}

fs::path scratch_dir(const std::string& name) {
  fs::path dir = fs::path(PROMPTLIST_BINARY_DIR) / "test-scratch" /
                 (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  return path;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace promptlist::test
